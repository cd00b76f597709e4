"""Every list the API answers is a page, `{items, next_cursor, total}`, so a client pages one way
whatever it reads; lists computed whole (reports, rankings) are sliced the same way."""

from __future__ import annotations

from typing import Any

import pytest

from prism.app import create_app
from prism.errors import Invalid
from prism.pagination import encode_cursor, slice_page
from prism.settings import Settings


def openapi(settings: Settings) -> dict[str, Any]:
    return create_app(settings, run_jobs=False).openapi()


def test_no_read_answers_a_bare_array(settings: Settings) -> None:
    document = openapi(settings)
    bare = [
        path
        for path, operations in document["paths"].items()
        if "get" in operations
        and operations["get"]["responses"]
        .get("200", {})
        .get("content", {})
        .get("application/json", {})
        .get("schema", {})
        .get("type")
        == "array"
    ]
    assert bare == []
    paged = document["paths"]["/api/v1/feedback/themes"]["get"]
    assert {p["name"] for p in paged["parameters"]} >= {"limit", "cursor"}


def test_a_list_computed_whole_is_sliced_in_its_own_order() -> None:
    letters = list("abcde")
    first = slice_page(letters, limit=2)
    assert first.items == ["a", "b"] and first.total == 5
    second = slice_page(letters, limit=2, cursor=first.next_cursor)
    third = slice_page(letters, limit=2, cursor=second.next_cursor)
    assert second.items == ["c", "d"] and third.items == ["e"] and third.next_cursor is None
    assert slice_page([], limit=2).items == [] and slice_page([], limit=2).next_cursor is None


@pytest.mark.parametrize("cursor", ["not-a-cursor", encode_cursor(-3)])
def test_a_cursor_the_list_never_handed_out_is_refused(cursor: str) -> None:
    with pytest.raises(Invalid, match="cursor"):
        slice_page(list(range(10)), cursor=cursor)


def test_a_limit_out_of_range_is_refused() -> None:
    with pytest.raises(Invalid, match="limit"):
        slice_page([1, 2], limit=0)
