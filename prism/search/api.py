"""`GET /api/v1/search`: one endpoint over every kind of knowledge."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query

from prism.analytics.usage import searched
from prism.knowledge.kinds import KindName
from prism.knowledge.models import Audience, Status
from prism.knowledge.schemas import ItemSummaryOut
from prism.knowledge.service import ItemFilter
from prism.pagination import Page
from prism.search import service
from prism.search.schemas import HitOut, MissOut, SearchOut
from prism.web.deps import CurrentUser, DbSession, Now, Usage
from prism.web.routing import Cursor, IdQuery, Limit, api_router, to_page

router = api_router("search")


def search_filter(
    kind: KindName | None = None,
    product_id: IdQuery = None,
    persona_id: IdQuery = None,
    industry_id: IdQuery = None,
    facet_id: IdQuery = None,
    audience: Audience | None = None,
    status: Status | None = None,
) -> ItemFilter:
    """The facet filters shared by the search API and the search page."""
    return ItemFilter(
        kind=kind,
        status=status,
        audience=audience,
        facet_ids=[f for f in (industry_id, facet_id) if f],
        linked_to=[i for i in (product_id, persona_id) if i],
    )


SearchFilter = Annotated[ItemFilter, Depends(search_filter)]


@router.get("/search", response_model=SearchOut, summary="Search all knowledge")
def search(
    session: DbSession,
    user: CurrentUser,
    now: Now,
    usage: Usage,
    q: Annotated[str, Query(max_length=200, description="What to look for, in any words.")],
    spec: SearchFilter,
    mode: service.Mode = "hybrid",
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> SearchOut:
    results = service.search(session, user, q, spec, mode=mode, limit=limit, now=now)
    usage.add(searched(results.query, results.total, user.id, now))
    return SearchOut(
        query=results.query,
        total=results.total,
        corrections=results.corrections,
        facets=results.facets,
        hits=[
            HitOut(
                item=ItemSummaryOut.model_validate(hit.item),
                score=hit.score,
                highlight=str(hit.highlight),
                found_by=list(hit.found_by),
            )
            for hit in results.hits
        ],
    )


@router.get("/search/misses", response_model=Page[MissOut], summary="Queries that found nothing")
def misses(
    session: DbSession, user: CurrentUser, limit: int = Limit, cursor: str | None = Cursor
) -> Page[MissOut]:
    return to_page(service.list_misses(session, user, limit=limit, cursor=cursor), MissOut)
