"""The served process bounds glibc's malloc arenas, so memory stays flat under load."""

from __future__ import annotations

import sys

import pytest

from prism.serving import bound_malloc_arenas


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc arenas are Linux's")
def test_arenas_are_bounded_unless_the_operator_chose(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MALLOC_ARENA_MAX", raising=False)
    assert bound_malloc_arenas() is True
    monkeypatch.setenv("MALLOC_ARENA_MAX", "4")
    assert bound_malloc_arenas() is False
