"""Pages for requests to the enablement team: ask, see where a request went, the roadmap of
capabilities the requests add up to, and (for the enablement team) curating it and the deal-help
queue."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from prism.accounts.service import all_accounts
from prism.auth.policy import Action, Principal, can, require
from prism.deals.service import deal_choices
from prism.i18n import _
from prism.knowledge.service import choices
from prism.people.service import active_people
from prism.roadmap import service
from prism.roadmap.models import CapabilityStatus, HelpStatus, Need, Risk, Route
from prism.roadmap.rules import DealHelpRule
from prism.roadmap.schemas import (
    CapabilityMergeIn,
    CapabilityUpdate,
    HelpIn,
    RequestIn,
    RequestMoveIn,
)
from prism.web.deps import AppSettings, DbSession, Now, PageUser
from prism.web.forms import Outcome as FormOutcome
from prism.web.forms import Posted, attempt, form_with_lists, parse, pick
from prism.web.routing import IdPath, page_router
from prism.web.templating import render, settle

router = page_router()


@router.get("/roadmap", response_class=HTMLResponse)
def roadmap(request: Request, session: DbSession, user: PageUser) -> HTMLResponse:
    pairs = service.capabilities(session, user)
    context = {
        "title": _("Enablement roadmap"),
        "columns": {s: [p for p in pairs if p[0].status is s] for s in service.COLUMNS},
        "declined": [p for p in pairs if p[0].status is CapabilityStatus.DECLINED],
        "delivered_as": {c.id: service.delivered_as(user, c) for c, _unused in pairs},
        "help": (
            service.list_requests(session, user, open_help=True, limit=50).items
            if can(user, Action.TRIAGE_FEEDBACK)
            else []
        ),
    }
    return render(request, "roadmap/board.html", context)


def _ask_context(session: Session, user: Principal, form: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": _("Ask the enablement team"),
        "form": form,
        "needs": list(Need),
        "risks": list(Risk),
        "products": choices(session, user, "product"),
        "competitors": choices(session, user, "competitor"),
        "deals": deal_choices(session, user, open_only=True),
        "accounts": all_accounts(session, user),
    }


@router.get("/requests/new", response_class=HTMLResponse)
def ask(request: Request, session: DbSession, user: PageUser, need: str = "") -> HTMLResponse:
    require(user, Action.SUBMIT_FEEDBACK)
    return render(request, "roadmap/ask.html", _ask_context(session, user, {"need": need}))


@router.post("/requests/new", response_class=HTMLResponse)
def submit(
    request: Request,
    session: DbSession,
    user: PageUser,
    form: Posted,
    settings: AppSettings,
    now: Now,
) -> Response:
    fields = ("need", "text", "product_id", "competitor_id", "deal_id", "account_id", "risk")
    values = pick(form, *fields)
    rule = DealHelpRule.from_settings(settings)
    outcome = attempt(
        session,
        lambda: service.submit(
            session, user, parse(RequestIn, values), rule=rule, today=now.date()
        ),
        success="",
    )
    if outcome.error:
        context = _ask_context(session, user, form) | outcome.context
        return render(request, "roadmap/ask.html", context, status_code=outcome.status_code)
    return RedirectResponse(f"/requests/{outcome.value.id}", status_code=303)


@router.get("/requests", response_class=HTMLResponse)
def requests_page(
    request: Request, session: DbSession, user: PageUser, route: str = "", mine: str = ""
) -> HTMLResponse:
    chosen = Route(route) if route in set(Route) else None
    page = service.list_requests(session, user, route=chosen, mine=bool(mine), limit=200)
    context = {
        "title": _("Requests to the enablement team"),
        "requests": page.items,
        "routes": list(Route),
        "chosen": {"route": route, "mine": bool(mine)},
    }
    return render(request, "roadmap/requests.html", context)


def _request_page(
    request: Request,
    session: Session,
    user: Principal,
    request_id: int,
    outcome: FormOutcome | None = None,
) -> HTMLResponse:
    found = service.get_request(session, user, request_id)
    may_triage = can(user, Action.TRIAGE_FEEDBACK)
    context = {
        "title": _("Request #{id}", id=found.id),
        "request_": found,
        "may_triage": may_triage,
        "capabilities": [c for c, _unused in service.capabilities(session, user)]
        if may_triage
        else [],
        "help_statuses": list(HelpStatus),
        "people": active_people(session) if may_triage else [],
        **(outcome.context if outcome else {}),
    }
    status_code = outcome.status_code if outcome and outcome.error else 200
    return render(request, "roadmap/request.html", context, status_code=status_code)


@router.get("/requests/{request_id}", response_class=HTMLResponse)
def request_page(
    request: Request, session: DbSession, user: PageUser, request_id: IdPath
) -> HTMLResponse:
    return _request_page(request, session, user, request_id)


@router.post("/requests/{request_id}/move", response_class=HTMLResponse)
def move(
    request: Request, session: DbSession, user: PageUser, request_id: IdPath, form: Posted
) -> Response:
    outcome = attempt(
        session,
        lambda: service.move(session, user, request_id, parse(RequestMoveIn, form).capability_id),
        success=_("Moved."),
    )
    return settle(
        request,
        outcome,
        f"/requests/{request_id}",
        lambda: _request_page(request, session, user, request_id, outcome),
    )


@router.post("/requests/{request_id}/help", response_class=HTMLResponse)
def help_status(
    request: Request, session: DbSession, user: PageUser, request_id: IdPath, form: Posted
) -> Response:
    values = pick(form, "version", "help_status", "helper_id")
    outcome = attempt(
        session,
        lambda: service.set_help(session, user, request_id, parse(HelpIn, values)),
        success=_("Saved."),
    )
    return settle(
        request,
        outcome,
        f"/requests/{request_id}",
        lambda: _request_page(request, session, user, request_id, outcome),
    )


def _capability_page(
    request: Request,
    session: Session,
    user: Principal,
    capability_id: int,
    outcome: FormOutcome | None = None,
) -> HTMLResponse:
    capability = service.get_capability(session, user, capability_id)
    may_triage = can(user, Action.TRIAGE_FEEDBACK)
    context = {
        "title": capability.title,
        "capability": capability,
        "delivered_as": service.delivered_as(user, capability),
        "demand": service.demand_of(session, capability.id),
        "requests": service.list_requests(
            session, user, capability_id=capability.id, limit=200
        ).items,
        "may_triage": may_triage,
        "statuses": list(CapabilityStatus),
        "others": (
            [c for c, _unused in service.capabilities(session, user) if c.id != capability.id]
            if may_triage
            else []
        ),
        "people": active_people(session) if may_triage else [],
        "assets": choices(session, user, None) if may_triage else [],
        **(outcome.context if outcome else {}),
    }
    status_code = outcome.status_code if outcome and outcome.error else 200
    return render(request, "roadmap/capability.html", context, status_code=status_code)


@router.get("/roadmap/{capability_id}", response_class=HTMLResponse)
def capability_page(
    request: Request, session: DbSession, user: PageUser, capability_id: IdPath
) -> HTMLResponse:
    return _capability_page(request, session, user, capability_id)


@router.post("/roadmap/{capability_id}", response_class=HTMLResponse)
def update(
    request: Request,
    session: DbSession,
    user: PageUser,
    capability_id: IdPath,
    form: Posted,
    now: Now,
) -> Response:
    fields = ("version", "title", "status", "note", "target_on", "owner_id", "asset_id")
    values = pick(form, *fields) | {"note": form.get("note", "")}
    outcome = attempt(
        session,
        lambda: service.update_capability(
            session, user, capability_id, parse(CapabilityUpdate, values), now=now
        ),
        success=_("Saved; everyone who asked for it sees the new status."),
    )
    return settle(
        request,
        outcome,
        f"/roadmap/{capability_id}",
        lambda: _capability_page(request, session, user, capability_id, outcome),
    )


@router.post("/roadmap/{capability_id}/merge", response_class=HTMLResponse)
async def merge(
    request: Request, session: DbSession, user: PageUser, capability_id: IdPath
) -> Response:
    form = await form_with_lists(request, "capability_ids")
    outcome = attempt(
        session,
        lambda: service.merge(session, user, capability_id, parse(CapabilityMergeIn, form)),
        success=_("Merged: their requests and requesters are here now."),
    )
    return settle(
        request,
        outcome,
        f"/roadmap/{capability_id}",
        lambda: _capability_page(request, session, user, capability_id, outcome),
    )
