"""The in-process vector index: every item's embedding in one matrix, rebuilt from the database.

The database is the source of truth; each process keeps a copy in memory and catches up with
new rows before answering (new embeddings get higher row ids, so catching up reads only those).
Nearest neighbours are found by one matrix product: exact, and a few milliseconds for 100,000
items of 384 dimensions. Results are checked against the database afterwards, so a deleted or
re-used row in memory never surfaces.
"""

from __future__ import annotations

import threading
import time
import weakref
from dataclasses import dataclass

import numpy as np
from sqlalchemy import Connection, Engine, Select, func, select
from sqlalchemy.orm import Session

from prism.embeddings import Vectors, from_bytes
from prism.knowledge.models import Item
from prism.search.models import Embedding

RECOUNT_SECONDS = 10.0


@dataclass(frozen=True)
class Neighbour:
    item_id: int
    uid: str
    similarity: float


class VectorIndex:
    """Embeddings of one database, kept in memory and refreshed incrementally."""

    def __init__(self, dimensions: int) -> None:
        self.dimensions = dimensions
        self._lock = threading.Lock()
        self._counted_at = -RECOUNT_SECONDS
        self._reset()

    def _reset(self) -> None:
        self._matrix: Vectors = np.zeros((0, self.dimensions), dtype=np.float32)
        self._item_ids = np.zeros(0, dtype=np.int64)
        self._uids: list[str] = []
        self._row_of: dict[int, int] = {}
        self._watermark = 0
        self._count = 0
        self._top_uid: str | None = None

    def refresh(self, session: Session) -> None:
        """Catch up with the database: new rows only, or everything when rows went away.

        New rows are looked for on every call (one index lookup). Counting the rows, which
        notices deletions, scans the table, so it runs at most every `RECOUNT_SECONDS`: until
        then a deleted item's vector stays in memory, harmlessly, since every result is checked
        against the database before it is shown."""
        top = session.scalar(select(func.max(Embedding.id))) or 0
        with self._lock:
            recount = time.monotonic() - self._counted_at >= RECOUNT_SECONDS
            if top == self._watermark and not recount and self._still_there(session):
                return
            count = session.scalar(select(func.count()).select_from(Embedding)) or 0
            self._counted_at = time.monotonic()
            if (count, top) == (self._count, self._watermark) and self._still_there(session):
                return
            if count < self._count or top < self._watermark or not self._still_there(session):
                self._reset()
            rows = session.execute(
                select(Embedding.id, Embedding.item_id, Item.uid, Embedding.vector)
                .join(Item, Item.id == Embedding.item_id)
                .where(Embedding.id > self._watermark)
                .order_by(Embedding.id)
            ).all()
            self._add([tuple(row) for row in rows])  # type: ignore[misc]
            self._watermark, self._count = top, count
            self._top_uid = session.scalar(_uid_of(top)) if top else None

    def _still_there(self, session: Session) -> bool:
        # A rolled-back transaction can hand the same row ids to different items; the newest
        # row still naming the same item means what is in memory is still what is stored.
        return not self._watermark or session.scalar(_uid_of(self._watermark)) == self._top_uid

    def _add(self, rows: list[tuple[int, int, str, bytes]]) -> None:
        if not rows:
            return
        vectors = np.stack([from_bytes(vector) for *_, vector in rows])
        fresh: list[int] = []
        for position, (_, item_id, uid, _vector) in enumerate(rows):
            row = self._row_of.get(item_id)
            if row is None:
                fresh.append(position)
            else:
                self._matrix[row] = vectors[position]
                self._uids[row] = uid
        base = len(self._uids)
        self._matrix = np.vstack([self._matrix, vectors[fresh]])
        self._item_ids = np.concatenate(
            [self._item_ids, np.array([rows[i][1] for i in fresh], dtype=np.int64)]
        )
        for offset, position in enumerate(fresh):
            self._uids.append(rows[position][2])
            self._row_of[rows[position][1]] = base + offset

    def nearest(self, query: Vectors, *, k: int, threshold: float) -> list[Neighbour]:
        """The `k` most similar items whose cosine similarity reaches `threshold`."""
        with self._lock:
            if not len(self._item_ids):
                return []
            scores = self._matrix @ query
            k = min(k, len(scores))
            top = np.argpartition(-scores, k - 1)[:k]
            top = top[np.argsort(-scores[top])]
            return [
                Neighbour(int(self._item_ids[i]), self._uids[i], float(scores[i]))
                for i in top
                if scores[i] >= threshold
            ]


def _uid_of(embedding_id: int) -> Select[str]:
    return (
        select(Item.uid)
        .join(Embedding, Embedding.item_id == Item.id)
        .where(Embedding.id == embedding_id)
    )


_INDEXES: weakref.WeakKeyDictionary[Engine, VectorIndex] = weakref.WeakKeyDictionary()
_INDEXES_LOCK = threading.Lock()


def index_for(session: Session, dimensions: int) -> VectorIndex:
    """This database's vector index, brought up to date."""
    bind = session.get_bind()
    engine = bind.engine if isinstance(bind, Connection) else bind
    with _INDEXES_LOCK:
        index = _INDEXES.get(engine)
        if index is None or index.dimensions != dimensions:
            index = _INDEXES[engine] = VectorIndex(dimensions)
    index.refresh(session)
    return index
