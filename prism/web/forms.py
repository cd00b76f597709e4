"""Reading HTML form posts; pages validate them with `prism.schemas.parse`, like the API."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Request
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile as StarletteUpload

from prism.errors import PrismError
from prism.schemas import parse
from prism.web.deps import CSRF_FIELD

__all__ = [
    "Outcome",
    "Posted",
    "attempt",
    "form_data",
    "form_with_lists",
    "kept_filters",
    "parse",
    "pick",
    "posted_file",
]


async def form_data(request: Request) -> dict[str, Any]:
    """The posted fields, without the CSRF token and with empty optional fields left out."""
    form = await request.form()
    return {k: v for k, v in form.items() if k != CSRF_FIELD and v != ""}


async def form_with_lists(request: Request, *lists: str) -> dict[str, Any]:
    """The posted fields, with each of `lists` (checkbox groups, multi-selects) as a list."""
    form = await request.form()
    data = await form_data(request)
    data.update({name: [v for v in form.getlist(name) if v] for name in lists})
    return data


async def posted_file(request: Request, name: str = "file") -> bytes:
    """The bytes of the file posted as `name` (empty when none was chosen)."""
    # Forms hold Starlette's UploadFile, of which FastAPI's is a subclass: test the base.
    upload = (await request.form()).get(name)
    return await upload.read() if isinstance(upload, StarletteUpload) else b""


def kept_filters(**values: object) -> str:
    """The filters a list page was asked for, as query parameters its pager's links carry on
    (`&q=acme&mine=1`); empty ones are left out."""
    return "".join(f"&{name}={quote(str(value))}" for name, value in values.items() if value)


def day_field(raw: str) -> tuple[date | None, str | None]:
    """A date from a page's filter field (empty: none), or the error to show for it."""
    try:
        return (date.fromisoformat(raw) if raw else None), None
    except ValueError:
        return None, "Give dates as YYYY-MM-DD."


def pick(form: dict[str, Any], *names: str) -> dict[str, Any]:
    """The fields `names` that were posted (a field left empty keeps its default)."""
    return {name: form[name] for name in names if name in form}


Posted = Annotated[dict[str, Any], Depends(form_data)]


@dataclass(frozen=True)
class Outcome:
    """What a form post did, for the page that shows the result."""

    notice: str | None = None
    error: str | None = None
    status_code: int = 200
    value: Any = None  # what the action returned, when it succeeded
    errors: list[dict[str, Any]] = field(default_factory=list)  # each problem, when it failed

    @property
    def context(self) -> dict[str, Any]:
        return {"notice": self.notice, "error": self.error}


def attempt(
    session: Session, action: Callable[[], object], *, success: str | Callable[[], str]
) -> Outcome:
    """Run a form's action; on a Prism error undo what it wrote (unless the error says to keep it,
    like a counted wrong password) and report the error instead. `success` may be worded after
    the action (a change of language is told in the new one)."""
    try:
        value = action()
    except PrismError as exc:
        if exc.keep_changes:
            session.commit()
        else:
            session.rollback()
        return Outcome(error=exc.message, status_code=exc.status, errors=exc.errors)
    return Outcome(notice=success() if callable(success) else success, value=value)
