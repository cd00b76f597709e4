"""How every API and page router is made, so the conventions hold without being repeated."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import wraps
from typing import Annotated, Any, TypeVar
from urllib.parse import quote

import anyio
from fastapi import APIRouter, Depends, Path, Query
from fastapi.exceptions import ResponseValidationError
from fastapi.responses import Response
from fastapi.routing import APIRoute
from pydantic import BaseModel

from prism.pagination import DEFAULT_LIMIT, MAX_LIMIT, Page, PageOf, slice_page
from prism.schemas import MAX_ID
from prism.web.deps import REQUEST_UNIT, require_csrf
from prism.web.problems import PROBLEM_RESPONSES

S = TypeVar("S", bound=BaseModel)

API_PREFIX = "/api/v1"

IdPath = Annotated[int, Path(ge=1, le=MAX_ID, description="The item's id.")]
IdQuery = Annotated[int | None, Query(ge=1, le=MAX_ID)]
Limit = Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="How many items per page.")
Cursor = Query(None, max_length=100, description="The `next_cursor` of the previous page.")


@dataclass(frozen=True)
class Paging:
    """The `limit` and `cursor` of a route that pages a list it computes whole."""

    limit: int
    cursor: str | None

    def page(
        self, items: Sequence[Any], schema: type[S], out: Callable[[Any], S] | None = None
    ) -> Page[S]:
        """This page of `items` as `{items, next_cursor, total}`, each item made a `schema` by
        `out` (by default read by the schema itself); only this page's items are converted."""
        found = slice_page(items, limit=self.limit, cursor=self.cursor)
        convert = out or schema.model_validate
        return Page[schema](  # type: ignore[valid-type]
            items=[convert(item) for item in found.items],
            next_cursor=found.next_cursor,
            total=found.total,
        )


def _paging(limit: int = Limit, cursor: str | None = Cursor) -> Paging:
    return Paging(limit, cursor)


# A route's `limit` and `cursor` for a list it computes whole (see `slice_page`).
Paged = Annotated[Paging, Depends(_paging)]


# The `responses=` of a route that answers with a CSV file.
CSV: dict[int | str, dict[str, Any]] = {200: {"content": {"text/csv": {}}}}


class OneTripRoute(APIRoute):
    """A route whose synchronous handler costs one trip to a worker thread.

    FastAPI sends a sync handler to the thread pool, then the check of its answer against the
    response model, then the request's commit, each on a trip of its own (~0.1 ms apiece on
    two cores, more under load). Here the three run together in the handler's thread: the
    answer is checked while the unit of work is still open (so attributes it has not loaded
    yet can still be read), then the unit commits. FastAPI's own check that follows meets a
    model it made itself and passes it through."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        if inspect.isfunction(endpoint) and not (
            inspect.iscoroutinefunction(endpoint)
            or inspect.isgeneratorfunction(endpoint)
            or inspect.isasyncgenfunction(endpoint)
        ):
            endpoint = self._in_one_trip(endpoint)
        super().__init__(path, endpoint, **kwargs)

    def _in_one_trip(self, handler: Callable[..., Any]) -> Callable[..., Any]:
        def run(arguments: dict[str, Any]) -> Any:
            answer = handler(**arguments)
            if self.response_field is not None and not isinstance(answer, Response):
                checked, errors = self.response_field.validate(answer, {}, loc=("response",))
                if errors:
                    raise ResponseValidationError(errors=errors, body=answer)
                answer = checked
            if (unit := REQUEST_UNIT.get()) is not None:
                unit.end()
            return answer

        @wraps(handler)
        async def one_trip(**arguments: Any) -> Any:
            return await anyio.to_thread.run_sync(run, arguments)

        return one_trip


def api_router(tag: str) -> APIRouter:
    """A JSON router under /api/v1 whose routes document the problem+json error answers."""
    return APIRouter(
        prefix=API_PREFIX, tags=[tag], responses=PROBLEM_RESPONSES, route_class=OneTripRoute
    )


def page_router() -> APIRouter:
    """A router of HTML pages: kept out of the OpenAPI document, CSRF-checked on every form."""
    return APIRouter(
        include_in_schema=False, dependencies=[Depends(require_csrf)], route_class=OneTripRoute
    )


def to_page(page: PageOf[Any], schema: type[S]) -> Page[S]:
    """A service's page of domain objects as the API's `{items, next_cursor, total}`."""
    return Page[schema](  # type: ignore[valid-type]
        items=[schema.model_validate(item) for item in page.items],
        next_cursor=page.next_cursor,
        total=page.total,
    )


def attachment(data: bytes, filename: str, media_type: str) -> Response:
    """A file download that keeps its (possibly non-ASCII) name."""
    disposition = f"attachment; filename*=UTF-8''{quote(filename, safe='')}"
    return Response(data, media_type=media_type, headers={"Content-Disposition": disposition})
