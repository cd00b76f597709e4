"""Keyset pagination: every list in Prism answers `{items, next_cursor, total}` the same way."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, Field
from sqlalchemy import Select, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from prism.errors import Invalid
from prism.i18n import _

T = TypeVar("T")
S = TypeVar("S")

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


@dataclass
class PageOf(Generic[T]):
    """One page of domain objects, as services return it."""

    items: list[T]
    next_cursor: str | None
    total: int


class Page(BaseModel, Generic[S]):
    """One page of a list, as the API answers it."""

    items: list[S]
    next_cursor: str | None = Field(
        description="Pass as `cursor` to get the next page; null at the end."
    )
    total: int = Field(description="How many items match, across all pages.")


def encode_cursor(key: int) -> str:
    return base64.urlsafe_b64encode(str(key).encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        return int(base64.urlsafe_b64decode(padded.encode("ascii")).decode("ascii"))
    except (ValueError, binascii.Error, UnicodeError):
        raise Invalid(
            _("The cursor is not one this list handed out; start again without it.")
        ) from None


def paginate(
    session: Session,
    stmt: Select[Any],
    *,
    key: InstrumentedAttribute[int],
    limit: int = DEFAULT_LIMIT,
    cursor: str | None = None,
    newest_first: bool = False,
) -> PageOf[Any]:
    """Run `stmt` one page at a time, ordered by the integer `key` (usually the primary key)."""
    if not 1 <= limit <= MAX_LIMIT:
        raise Invalid(_("limit must be between 1 and {MAX_LIMIT}.", MAX_LIMIT=MAX_LIMIT))
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    page = stmt.order_by(key.desc() if newest_first else key.asc())
    if cursor:
        after = decode_cursor(cursor)
        page = page.where(key < after if newest_first else key > after)
    rows = list(session.scalars(page.limit(limit + 1)).unique())
    more = len(rows) > limit
    items = rows[:limit]
    next_cursor = encode_cursor(getattr(items[-1], key.key)) if more else None
    return PageOf(items=items, next_cursor=next_cursor, total=total)


def slice_page(
    items: Sequence[T], *, limit: int = DEFAULT_LIMIT, cursor: str | None = None
) -> PageOf[T]:
    """One page of a list computed whole (a report, a ranking, a short settings list), in the
    list's own order: the cursor is the position of the page's first item."""
    if not 1 <= limit <= MAX_LIMIT:
        raise Invalid(_("limit must be between 1 and {MAX_LIMIT}.", MAX_LIMIT=MAX_LIMIT))
    start = decode_cursor(cursor) if cursor else 0
    if start < 0:
        raise Invalid(_("The cursor is not one this list handed out; start again without it."))
    end = start + limit
    more = end < len(items)
    return PageOf(
        items=list(items[start:end]),
        next_cursor=encode_cursor(end) if more else None,
        total=len(items),
    )
