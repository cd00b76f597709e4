"""The enablement-requests API: ask the enablement team for something, see where it went, and
the roadmap of capabilities the requests add up to."""

from __future__ import annotations

from fastapi import Query

from prism.pagination import Page
from prism.roadmap import service
from prism.roadmap.models import Capability, CapabilityStatus, Route
from prism.roadmap.rules import DealHelpRule
from prism.roadmap.schemas import (
    CapabilityMergeIn,
    CapabilityOut,
    CapabilityUpdate,
    HelpIn,
    RequestIn,
    RequestMoveIn,
    RequestOut,
)
from prism.web.deps import AppSettings, CurrentUser, DbSession, Now
from prism.web.routing import Cursor, IdPath, IdQuery, Limit, Paged, api_router, to_page

router = api_router("roadmap")


def capability_out(
    capability: Capability, demand: service.Demand, user: CurrentUser
) -> CapabilityOut:
    asset = service.delivered_as(user, capability)
    # The counts from the demand, the rest from the capability.
    return CapabilityOut.of(
        demand,
        capability,
        asset=asset,
        requesters=len(demand.requesters),
        teams=sorted(demand.teams),
    )


def _one(session: DbSession, capability: Capability, user: CurrentUser) -> CapabilityOut:
    return capability_out(capability, service.demand_of(session, capability.id), user)


@router.post(
    "/enablement-requests",
    response_model=RequestOut,
    status_code=201,
    summary="Ask the enablement team",
)
def submit(
    data: RequestIn, session: DbSession, user: CurrentUser, settings: AppSettings, now: Now
) -> RequestOut:
    """Help on a deal is offered by rule (large or stuck deals, renewals at risk, refund or
    churn risk), otherwise the toolkit is pointed to; any other request joins the closest
    capability on the roadmap (or proposes one). `route` and `route_reason` say which."""
    rule = DealHelpRule.from_settings(settings)
    made = service.submit(session, user, data, rule=rule, today=now.date())
    return RequestOut.model_validate(made)


@router.get("/enablement-requests", response_model=Page[RequestOut], summary="Requests to the team")
def list_requests(
    session: DbSession,
    user: CurrentUser,
    route: Route | None = None,
    capability_id: IdQuery = None,
    open_help: bool = Query(False, description="Only deal help not yet given."),
    mine: bool = Query(False, description="Only my requests."),
    limit: int = Limit,
    cursor: str | None = Cursor,
) -> Page[RequestOut]:
    """The enablement team reads every request; everyone else reads their own."""
    page = service.list_requests(
        session,
        user,
        route=route,
        capability_id=capability_id,
        open_help=open_help,
        mine=mine,
        limit=limit,
        cursor=cursor,
    )
    return to_page(page, RequestOut)


@router.get("/enablement-requests/{request_id}", response_model=RequestOut, summary="One request")
def read_request(request_id: IdPath, session: DbSession, user: CurrentUser) -> RequestOut:
    return RequestOut.model_validate(service.get_request(session, user, request_id))


@router.post(
    "/enablement-requests/{request_id}/move",
    response_model=RequestOut,
    summary="Put a request under another capability",
)
def move(
    request_id: IdPath, data: RequestMoveIn, session: DbSession, user: CurrentUser
) -> RequestOut:
    return RequestOut.model_validate(service.move(session, user, request_id, data.capability_id))


@router.post(
    "/enablement-requests/{request_id}/help",
    response_model=RequestOut,
    summary="Take on, finish or withdraw deal help",
)
def set_help(request_id: IdPath, data: HelpIn, session: DbSession, user: CurrentUser) -> RequestOut:
    return RequestOut.model_validate(service.set_help(session, user, request_id, data))


@router.get("/roadmap", response_model=Page[CapabilityOut], summary="The enablement roadmap")
def roadmap(
    session: DbSession, user: CurrentUser, paged: Paged, status: CapabilityStatus | None = None
) -> Page[CapabilityOut]:
    """Every capability with the demand behind it, most requested first."""
    pairs = service.capabilities(session, user, status=status)
    return paged.page(pairs, CapabilityOut, lambda p: capability_out(p[0], p[1], user))


@router.get("/roadmap/{capability_id}", response_model=CapabilityOut, summary="One capability")
def read_capability(capability_id: IdPath, session: DbSession, user: CurrentUser) -> CapabilityOut:
    return _one(session, service.get_capability(session, user, capability_id), user)


@router.patch(
    "/roadmap/{capability_id}",
    response_model=CapabilityOut,
    summary="Rename, plan, deliver or decline a capability",
)
def update_capability(
    capability_id: IdPath, data: CapabilityUpdate, session: DbSession, user: CurrentUser, now: Now
) -> CapabilityOut:
    """A new status is told to every requester (in the app and by the
    `roadmap.capability_status_changed` webhook)."""
    changed = service.update_capability(session, user, capability_id, data, now=now)
    return _one(session, changed, user)


@router.post(
    "/roadmap/{capability_id}/merge",
    response_model=CapabilityOut,
    summary="Merge other capabilities into this one",
)
def merge(
    capability_id: IdPath, data: CapabilityMergeIn, session: DbSession, user: CurrentUser
) -> CapabilityOut:
    return _one(session, service.merge(session, user, capability_id, data), user)
