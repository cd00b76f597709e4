"""The vector index: every item's embedding in an HNSW graph (faiss), kept in step with the
database and saved beside it.

The database is the source of truth; each process keeps the graph in memory and catches up with
new rows before answering (new embeddings get higher row ids, so catching up reads only those).
Up to `EXACT_UP_TO` vectors every search is exhaustive — exact, and about a millisecond at that
size; above it the graph is walked: at 100,000 items a fraction of a millisecond instead of the
10–15 ms of a full scan (figures in README's Benchmarks). Vectors are held as 16-bit floats.

A graph cannot forget a vector, so a deleted or re-embedded item's old vector stays in it, dead:
searches look a little wider and skip it, and once a quarter of the graph is dead it is rebuilt
from the database. Results are checked against the database afterwards anyway, so a deleted or
re-used row never surfaces, and the caller over-fetches to leave room for what permissions then
remove.

The graph is saved beside a SQLite database (in `prism.db.vectors/`), or in the model cache for
a server database, under the name of the newest row it holds; a new process loads it and reads
only the rows added since, instead of rebuilding the graph from every vector.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import faiss
import numpy as np
from sqlalchemy import Connection, Engine, Select, func, select
from sqlalchemy.orm import Session

from prism.embeddings import Vectors, from_bytes
from prism.knowledge.models import Item
from prism.search.models import Embedding
from prism.settings import load_settings

log = logging.getLogger(__name__)

RECOUNT_SECONDS = 10.0
# Up to this many vectors every search is exhaustive (exact); above it, the graph is walked.
EXACT_UP_TO = 20_000
# Links per vector, how wide the walk is when adding, and when searching (at least as wide as
# what is asked for). At 100,000 realistic items a search walk of 128 found 91% of the exact
# ten nearest, 256 found 96% in under a millisecond; at 1,000,000 a walk of 256 found 90% and
# one of 512 found 96%, so larger graphs are walked wider: README's Benchmarks.
LINKS = 16
BUILD_WIDTH = 128
EXPANSION = 256
WIDE_FROM, WIDE_EXPANSION = 300_000, 512
# The graph is saved again once this many vectors changed since it was last saved.
SAVE_EVERY = 5_000
# Once more than a quarter of the graph (and at least this many vectors) is dead, it is rebuilt.
REBUILD_WHEN_DEAD = 1_000
DEAD = -1


@dataclass(frozen=True)
class Neighbour:
    item_id: int
    uid: str
    similarity: float


class VectorIndex:
    """Embeddings of one database, kept in memory, refreshed incrementally, saved to `store`."""

    def __init__(self, dimensions: int, store: Path | None = None) -> None:
        self.dimensions = dimensions
        self.store = store
        self._lock = threading.Lock()
        self._counted_at = -RECOUNT_SECONDS
        self._reset()
        self._loaded = store is None

    def _reset(self) -> None:
        self._graph = _new_graph(self.dimensions)
        # The graph numbers its vectors 0, 1, 2…: the item each is (or DEAD), and back.
        self._item_of = np.zeros(0, dtype=np.int64)
        self._slot: dict[int, int] = {}
        self._uids: dict[int, str] = {}
        self._watermark = 0
        self._count = 0
        self._top_uid: str | None = None
        self._unsaved = 0

    def __len__(self) -> int:
        return len(self._slot)

    @property
    def dead(self) -> int:
        return len(self._item_of) - len(self._slot)

    def refresh(self, session: Session) -> None:
        """Catch up with the database: new rows only, and deletions when the count says so.

        New rows are looked for on every call (one index lookup). Counting the rows, which
        notices deletions, scans the table, so it runs at most every `RECOUNT_SECONDS`: until
        then a deleted item's vector stays in memory, harmlessly, since every result is checked
        against the database before it is shown."""
        top = session.scalar(select(func.max(Embedding.id))) or 0
        with self._lock:
            if not self._loaded:
                self._loaded = True
                self._load(session)
            recount = time.monotonic() - self._counted_at >= RECOUNT_SECONDS
            if top == self._watermark and not recount and self._still_there(session):
                return
            count = session.scalar(select(func.count()).select_from(Embedding)) or 0
            self._counted_at = time.monotonic()
            if (count, top) == (self._count, self._watermark) and self._still_there(session):
                return
            if top < self._watermark or not self._still_there(session):
                self._reset()
            rows = _rows_after(session, self._watermark)
            self._add(rows)
            if count < self._count + len(rows):
                self._drop_deleted(session)
            self._watermark, self._count = top, count
            self._top_uid = session.scalar(_uid_of(top)) if top else None
            if self.dead > max(len(self._slot) // 4, REBUILD_WHEN_DEAD):
                self._rebuild(session)
            elif self._unsaved >= SAVE_EVERY:
                self._save()

    def _rebuild(self, session: Session) -> None:
        """A quarter of the graph is dead: build it again from what is stored."""
        self._reset()
        top = session.scalar(select(func.max(Embedding.id))) or 0
        rows = _rows_after(session, 0)
        self._add(rows)
        self._watermark, self._count = top, len(rows)
        self._top_uid = session.scalar(_uid_of(top)) if top else None
        self._save()

    def _still_there(self, session: Session) -> bool:
        # A rolled-back transaction can hand the same row ids to different items; the newest
        # row still naming the same item means what is in memory is still what is stored.
        return not self._watermark or session.scalar(_uid_of(self._watermark)) == self._top_uid

    def _add(self, rows: list[tuple[int, int, str, bytes]]) -> None:
        if not rows:
            return
        latest = {item_id: (uid, vector) for _, item_id, uid, vector in rows}  # last one wins
        for item_id in latest:
            if (slot := self._slot.pop(item_id, None)) is not None:
                self._item_of[slot] = DEAD  # re-embedded: its old vector is dead
        first = len(self._item_of)
        matrix = np.stack([from_bytes(vector) for _, vector in latest.values()])
        self._graph.add(np.ascontiguousarray(matrix, dtype=np.float32))
        items = np.fromiter(latest, dtype=np.int64, count=len(latest))
        self._item_of = np.concatenate([self._item_of, items])
        self._slot.update({int(item): first + n for n, item in enumerate(items)})
        self._uids.update({item_id: uid for item_id, (uid, _) in latest.items()})
        self._unsaved += len(latest)

    def _drop_deleted(self, session: Session) -> None:
        """Mark dead the vectors of items whose embedding is no longer stored."""
        stored = set(session.scalars(select(Embedding.item_id)))
        for item_id in [i for i in self._slot if i not in stored]:
            self._item_of[self._slot.pop(item_id)] = DEAD
            self._uids.pop(item_id, None)
            self._unsaved += 1

    def nearest(self, query: Vectors, *, k: int, threshold: float) -> list[Neighbour]:
        """The `k` most similar items whose cosine similarity reaches `threshold`."""
        with self._lock:
            total = len(self._item_of)
            if not self._slot:
                return []
            exact = total <= EXACT_UP_TO
            searched = faiss.downcast_index(self._graph.storage) if exact else self._graph
            vector = np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32)
            wanted = min(k, len(self._slot))
            fetch = min(total, wanted + min(self.dead, wanted))
            while True:
                if not exact:
                    self._graph.hnsw.efSearch = max(search_width(total), fetch)
                scores, slots = searched.search(vector, fetch)
                found = [
                    (int(self._item_of[s]), float(score))
                    for s, score in zip(slots[0], scores[0], strict=True)
                    if s >= 0 and self._item_of[s] != DEAD
                ]
                if len(found) >= wanted or fetch >= total:
                    break
                fetch = min(total, fetch * 2)  # dead vectors took the places: look wider
            return [
                Neighbour(item_id, self._uids[item_id], score)
                for item_id, score in found[:wanted]
                if score >= threshold
            ]

    # Saving and loading. The graph's file is named after the newest row it holds (its id and
    # item uid), which item each of its vectors is sits beside it under the same name.

    def save(self) -> None:
        with self._lock:
            self._save()

    def _save(self) -> None:
        if self.store is None or not self._watermark:
            return
        self.store.mkdir(parents=True, exist_ok=True)
        name = f"{self._watermark}-{self._top_uid}"
        # The item list first, then the graph written aside and renamed into place: a graph
        # whose name a reader sees is whole, and so is the item list it needs.
        items = self.store / f"{name}.items.npy"
        part = self.store / f"saving-{os.getpid()}-{threading.get_ident()}.part"
        with part.open("wb") as f:
            np.save(f, self._item_of)
        os.replace(part, items)
        faiss.write_index(self._graph, str(part))
        os.replace(part, self.store / f"{name}.faiss")
        for older in self.store.glob("*.faiss"):
            if _watermark_of(older) < self._watermark:
                older.unlink(missing_ok=True)
                older.with_name(older.stem + ".items.npy").unlink(missing_ok=True)
        self._unsaved = 0

    def _load(self, session: Session) -> None:
        """Start from the newest saved graph when it still describes this database."""
        assert self.store is not None
        saved = sorted(self.store.glob("*.faiss"), key=_watermark_of)
        if not saved:
            return
        newest = saved[-1]
        self._watermark, self._top_uid = _watermark_of(newest), newest.stem.split("-", 1)[-1]
        try:
            if not self._watermark or not self._still_there(session):
                raise ValueError("the saved graph describes another database")
            graph = faiss.read_index(str(newest))
            item_of = np.load(newest.with_name(newest.stem + ".items.npy"))
            if graph.d != self.dimensions or graph.ntotal != len(item_of):
                raise ValueError("the saved graph is another model's, or half written")
        except (OSError, ValueError, RuntimeError) as err:
            log.info("Vector index not loaded from %s (%s): built from the database.", newest, err)
            self._watermark, self._top_uid = 0, None
            return
        rows = session.execute(
            select(Embedding.item_id, Item.uid)
            .join(Item, Item.id == Embedding.item_id)
            .where(Embedding.id <= self._watermark)
        ).all()
        self._graph, self._item_of = graph, item_of.astype(np.int64)
        self._uids = {int(item_id): uid for item_id, uid in rows}
        self._slot = {}
        for slot, item in enumerate(self._item_of.tolist()):
            if item in self._uids:
                self._slot[item] = slot
            else:  # deleted since the save
                self._item_of[slot] = DEAD
        self._count = len(rows)
        log.info("Vector index loaded from %s: %d items.", newest, len(self._slot))


def search_width(total: int) -> int:
    """How wide the graph is walked for a search among `total` vectors."""
    return WIDE_EXPANSION if total >= WIDE_FROM else EXPANSION


def _new_graph(dimensions: int) -> Any:
    fp16 = faiss.ScalarQuantizer.QT_fp16
    graph = faiss.IndexHNSWSQ(dimensions, fp16, LINKS, faiss.METRIC_INNER_PRODUCT)  # type: ignore[arg-type]
    graph.hnsw.efConstruction = BUILD_WIDTH
    graph.hnsw.efSearch = EXPANSION
    return graph


def _watermark_of(saved: Path) -> int:
    head = saved.name.split("-", 1)[0]
    return int(head) if head.isascii() and head.isdigit() else 0


def _rows_after(session: Session, watermark: int) -> list[tuple[int, int, str, bytes]]:
    """Stored embeddings above row `watermark`, oldest first: (row id, item id, uid, vector)."""
    rows = session.execute(
        select(Embedding.id, Embedding.item_id, Item.uid, Embedding.vector)
        .join(Item, Item.id == Embedding.item_id)
        .where(Embedding.id > watermark)
        .order_by(Embedding.id)
    )
    return [tuple(row) for row in rows]  # type: ignore[misc]


def _uid_of(embedding_id: int) -> Select[str]:
    return (
        select(Item.uid)
        .join(Embedding, Embedding.item_id == Item.id)
        .where(Embedding.id == embedding_id)
    )


def store_for(engine: Engine) -> Path | None:
    """Where the graph of this database is saved: beside a SQLite file, in the model cache for
    a server database, nowhere for a database in memory."""
    url = engine.url
    if url.get_backend_name() == "sqlite":
        if not url.database or url.database == ":memory:":
            return None
        return Path(url.database).with_name(Path(url.database).name + ".vectors")
    where = url.render_as_string(hide_password=True)
    return (
        load_settings().model_cache_dir
        / "vectors"
        / hashlib.sha256(where.encode()).hexdigest()[:16]
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
            index = _INDEXES[engine] = VectorIndex(dimensions, store_for(engine))
    index.refresh(session)
    return index
