"""The served process bounds glibc's malloc arenas, so memory stays flat under load, and warms
what the first search needs."""

from __future__ import annotations

import sys

import pytest

from prism.db import Database
from prism.search import vectors
from prism.serving import bound_malloc_arenas, warm_up
from tests.knowledge.factories import make_item


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc arenas are Linux's")
def test_arenas_are_bounded_unless_the_operator_chose(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MALLOC_ARENA_MAX", raising=False)
    assert bound_malloc_arenas() is True
    monkeypatch.setenv("MALLOC_ARENA_MAX", "4")
    assert bound_malloc_arenas() is False


def test_start_up_warms_the_model_and_the_vector_index(database: Database) -> None:
    with database.session_scope() as session:
        make_item(session, title="Warm before the first search")
    warm_up(database).join(timeout=60)
    index = vectors._INDEXES.get(database.engine)
    assert index is not None and len(index) == 1
