"""The deals API: record a deal's context, change it, close it."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

from prism.deals import service
from prism.deals.models import Outcome
from prism.deals.schemas import CloseIn, DealIn, DealOut, DealUpdate
from prism.feedback.schemas import FeedbackOut
from prism.pagination import Page
from prism.web.deps import AppSettings, CurrentUser, DbSession, Now
from prism.web.routing import Cursor, IdPath, Limit, api_router, to_page

router = api_router("deals")


@router.get("/deals", response_model=Page[DealOut], summary="Deals, newest first")
def list_deals(
    session: DbSession,
    user: CurrentUser,
    mine: Annotated[bool, Query(description="Only the deals you own.")] = False,
    q: Annotated[
        str, Query(max_length=200, description="Words the name, customer or CRM id holds.")
    ] = "",
    outcome: Annotated[Outcome | None, Query(description="Only open, won or lost deals.")] = None,
    limit: int = Limit,
    cursor: str | None = Cursor,
) -> Page[DealOut]:
    """Deals, newest first, filtered by owner, words and outcome."""
    page = service.list_deals(
        session, user, limit=limit, cursor=cursor, mine=mine, q=q, outcome=outcome
    )
    return to_page(page, DealOut)


@router.post("/deals", response_model=DealOut, status_code=201, summary="Record a deal")
def create_deal(
    data: DealIn, session: DbSession, user: CurrentUser, settings: AppSettings, now: Now
) -> DealOut:
    deal = service.create_deal(session, user, data, currency=settings.currency, now=now)
    return DealOut.model_validate(deal)


@router.get("/deals/{deal_id}", response_model=DealOut, summary="One deal")
def read_deal(deal_id: IdPath, session: DbSession, user: CurrentUser) -> DealOut:
    return DealOut.model_validate(service.get_deal(session, user, deal_id))


@router.patch("/deals/{deal_id}", response_model=DealOut, summary="Change a deal or close it")
def update_deal(
    deal_id: IdPath, data: DealUpdate, session: DbSession, user: CurrentUser, now: Now
) -> DealOut:
    return DealOut.model_validate(service.update_deal(session, user, deal_id, data, now=now))


@router.post(
    "/deals/{deal_id}/close",
    response_model=FeedbackOut,
    status_code=201,
    summary="Close a deal with its win or loss reason",
)
def close_deal(
    deal_id: IdPath, data: CloseIn, session: DbSession, user: CurrentUser, now: Now
) -> FeedbackOut:
    """Closes an open deal as won or lost (or gives the reason for one that closed already).
    The reason becomes a feedback item and joins the themes."""
    return FeedbackOut.model_validate(service.close_deal(session, user, deal_id, data, now=now))
