"""The vector index: the graph walk finds what the exact scan finds when it is let to look wide
enough, deletions and re-embeddings are followed, and a saved graph is picked up (or refused)
by the next process."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from prism.embeddings import to_bytes
from prism.knowledge.models import Item
from prism.search import vectors
from prism.search.models import Embedding
from prism.search.vectors import VectorIndex
from tests.knowledge.factories import make_item

DIMENSIONS = 384


def unit(rng: np.random.Generator, n: int) -> np.ndarray:
    found = rng.normal(size=(n, DIMENSIONS)).astype(np.float32)
    return found / np.linalg.norm(found, axis=1, keepdims=True)


def embed(session: Session, item_ids: list[int], matrix: np.ndarray) -> None:
    """Store these vectors as the items' embeddings, as indexing does: a new row per change."""
    session.execute(delete(Embedding).where(Embedding.item_id.in_(item_ids)))
    session.execute(
        insert(Embedding),
        [
            {"item_id": i, "model": "test", "vector": to_bytes(v)}
            for i, v in zip(item_ids, matrix, strict=True)
        ],
    )
    session.flush()


@pytest.fixture
def library(session: Session) -> tuple[list[int], np.ndarray]:
    """120 items whose embeddings are random unit vectors, clustered around a few centres."""
    rng = np.random.default_rng(7)
    ids = [make_item(session, title=f"Item {n}").id for n in range(120)]
    centres = unit(rng, 6)
    matrix = centres[np.arange(120) % 6] + 0.5 * unit(rng, 120)
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    embed(session, ids, matrix)
    return ids, matrix


def exact(ids: list[int], matrix: np.ndarray, query: np.ndarray, k: int) -> list[int]:
    order = np.argsort(-(matrix @ query), kind="stable")[:k]
    return [ids[i] for i in order]


def fresh(index: VectorIndex, session: Session) -> VectorIndex:
    """Refreshed now, the recount included (it otherwise waits ten seconds)."""
    index._counted_at = -vectors.RECOUNT_SECONDS
    index.refresh(session)
    return index


@pytest.mark.parametrize("walk", [False, True], ids=["exhaustive", "graph"])
def test_the_index_finds_what_the_exact_scan_finds(
    session: Session,
    library: tuple[list[int], np.ndarray],
    monkeypatch: pytest.MonkeyPatch,
    walk: bool,
) -> None:
    ids, matrix = library
    # The graph is walked (not scanned) even at this size, wide enough to see every item.
    monkeypatch.setattr(vectors, "EXACT_UP_TO", 0 if walk else 10_000)
    monkeypatch.setattr(vectors, "EXPANSION", 256)
    assert vectors.search_width(120) == 256 and vectors.search_width(1_000_000) == 512
    index = fresh(VectorIndex(DIMENSIONS), session)
    assert len(index) == 120
    for query in unit(np.random.default_rng(1), 10) * 0.3 + matrix[:10]:
        query /= np.linalg.norm(query)
        found = index.nearest(query, k=10, threshold=-1.0)
        assert [n.item_id for n in found] == exact(ids, matrix, query, 10)
        assert [round(n.similarity, 2) for n in found] == [
            round(float(matrix[ids.index(n.item_id)] @ query), 2) for n in found
        ]
    floor = index.nearest(matrix[0], k=50, threshold=0.5)
    assert floor and all(n.similarity >= 0.5 for n in floor)


def test_deleted_and_re_embedded_items_are_followed(
    session: Session, library: tuple[list[int], np.ndarray]
) -> None:
    ids, matrix = library
    index = fresh(VectorIndex(DIMENSIONS), session)
    assert index.nearest(matrix[0], k=1, threshold=0.0)[0].item_id == ids[0]

    session.execute(delete(Embedding).where(Embedding.item_id == ids[0]))
    fresh(index, session)
    assert len(index) == 119
    assert ids[0] not in [n.item_id for n in index.nearest(matrix[0], k=120, threshold=-1.0)]

    # Item 1 now means what item 0 meant: its newer row replaces its vector.
    embed(session, [ids[1]], matrix[:1])
    fresh(index, session)
    best = index.nearest(matrix[0], k=1, threshold=0.0)[0]
    assert (best.item_id, round(best.similarity, 3)) == (ids[1], 1.0)
    assert (len(index), index.dead) == (119, 2)


def test_a_graph_mostly_dead_is_rebuilt(
    session: Session, library: tuple[list[int], np.ndarray], monkeypatch: pytest.MonkeyPatch
) -> None:
    ids, matrix = library
    monkeypatch.setattr(vectors, "REBUILD_WHEN_DEAD", 0)
    index = fresh(VectorIndex(DIMENSIONS), session)
    embed(session, ids[:20], matrix[20:40])  # 20 re-embedded: a sixth dead, kept
    fresh(index, session)
    assert (len(index), index.dead) == (120, 20)
    embed(session, ids[40:60], matrix[:20])  # 40 dead of 120: a third, so built again
    fresh(index, session)
    assert (len(index), index.dead) == (120, 0)
    # Item 0 means what item 20 means, item 40 what item 0 meant.
    near = index.nearest(matrix[20], k=3, threshold=0.99)
    assert sorted(n.item_id for n in near) == sorted([ids[0], ids[20]])
    assert [n.item_id for n in index.nearest(matrix[0], k=3, threshold=0.99)] == [ids[40]]


def test_a_saved_graph_is_loaded_and_caught_up(
    session: Session,
    library: tuple[list[int], np.ndarray],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ids, matrix = library
    first = fresh(VectorIndex(DIMENSIONS, tmp_path), session)
    first.save()
    saved = list(tmp_path.glob("*.faiss"))
    assert len(saved) == 1

    # Changes after the save: one more item, one item gone.
    extra = make_item(session, title="Item after the save").id
    embed(session, [extra], matrix[5:6])
    session.execute(delete(Embedding).where(Embedding.item_id == ids[7]))
    session.flush()
    second = VectorIndex(DIMENSIONS, tmp_path)
    added: list[int] = []
    build = second._add
    monkeypatch.setattr(second, "_add", lambda rows: (added.append(len(rows)), build(rows)))
    second.refresh(session)
    assert len(second) == 120  # 120 saved + 1 new - 1 deleted
    assert added == [1]  # only the row added since the save was read: the rest came from the file
    near = [n.item_id for n in second.nearest(matrix[5], k=2, threshold=0.99)]
    assert sorted(near) == sorted([ids[5], extra])
    assert ids[7] not in [n.item_id for n in second.nearest(matrix[7], k=5, threshold=-1.0)]

    # A graph whose newest row no longer names the same item describes another database:
    # it is not used, and the index is built from the rows instead.
    saved[0].rename(tmp_path / f"{saved[0].stem.split('-')[0]}-not-this-database.faiss")
    third = VectorIndex(DIMENSIONS, tmp_path)
    third.refresh(session)
    assert len(third) == 120
    assert third.nearest(matrix[3], k=1, threshold=0.0)[0].item_id == ids[3]


def test_an_unreadable_saved_graph_is_rebuilt_from_the_database(
    session: Session, library: tuple[list[int], np.ndarray], tmp_path: Path
) -> None:
    ids, matrix = library
    top = session.scalar(select(Embedding.id).order_by(Embedding.id.desc()).limit(1))
    uid = session.scalar(
        select(Item.uid).join(Embedding, Embedding.item_id == Item.id).where(Embedding.id == top)
    )
    (tmp_path / f"{top}-{uid}.faiss").write_bytes(b"not a graph")
    index = VectorIndex(DIMENSIONS, tmp_path)
    index.refresh(session)
    assert len(index) == 120
    assert index.nearest(matrix[9], k=1, threshold=0.0)[0].item_id == ids[9]
