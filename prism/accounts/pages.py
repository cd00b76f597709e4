"""Accounts pages: every account with its fit to the ideal customer profile, the customers to
ask for a story, the profile itself, and one account's reasons and details."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from prism.accounts import icp
from prism.accounts.models import Reference
from prism.accounts.schemas import AccountUpdate, IdealProfileSave, Signal
from prism.auth.policy import Principal
from prism.i18n import _
from prism.knowledge.facets import list_facets
from prism.knowledge.models import Dimension
from prism.knowledge.service import choices
from prism.pagination import slice_page
from prism.pricing import holdings
from prism.web.deps import DbSession, Now, PageUser
from prism.web.forms import Outcome, attempt, form_with_lists, kept_filters, parse, pick
from prism.web.routing import IdPath, page_router
from prism.web.templating import render, settle

router = page_router()


def signal_labels() -> dict[Signal, str]:
    """Each buying signal as the ideal-profile form names it, in the reader's language."""
    return {
        Signal.HEALTHY: _("Healthy (health score {score} or more)", score=icp.HEALTHY),
        Signal.RECENT_WIN: _("Won a deal in the last year"),
        Signal.OPEN_PIPELINE: _("Has a deal open"),
        Signal.LARGE_ARR: _("ARR at or above the amount below"),
    }


def _accounts_page(
    request: Request,
    session: Session,
    user: Principal,
    today: date,
    outcome: Outcome | None = None,
    q: str = "",
    cursor: str | None = None,
) -> HTMLResponse:
    fits = icp.fits(session, user, today=today)
    if q:
        fits = [f for f in fits if q.lower() in f.account.name.lower()]
    want, version = icp.profile(session, user)
    context = {
        "title": _("Accounts"),
        "page": slice_page(fits, cursor=cursor),
        "params": kept_filters(q=q),
        "cursor": cursor,
        "q": q,
        "references": icp.reference_candidates(session, user, today=today),
        "want": want,
        "version": version,
        "industries": list_facets(session, user, Dimension.INDUSTRY),
        "products": choices(session, user, "product"),
        "signals": signal_labels(),
        **(outcome.context if outcome else {}),
    }
    status_code = outcome.status_code if outcome and outcome.error else 200
    return render(request, "accounts/accounts.html", context, status_code=status_code)


@router.get("/accounts", response_class=HTMLResponse)
def accounts_page(
    request: Request,
    session: DbSession,
    user: PageUser,
    now: Now,
    q: Annotated[str, Query(max_length=200)] = "",
    cursor: Annotated[str | None, Query(max_length=100)] = None,
) -> HTMLResponse:
    return _accounts_page(request, session, user, now.date(), q=q.strip(), cursor=cursor)


@router.post("/accounts/profile", response_class=HTMLResponse)
async def save_profile(request: Request, session: DbSession, user: PageUser, now: Now) -> Response:
    form = await form_with_lists(request, "industries", "products", "signals")
    values = pick(form, "version", "industries", "products", "signals", "employees_min",
                  "employees_max", "arr_at_least")  # fmt: skip
    for name in ("segments", "regions"):
        values[name] = [v.strip() for v in form.get(name, "").split(",") if v.strip()]
    outcome = attempt(
        session,
        lambda: icp.save_profile(session, user, parse(IdealProfileSave, values)),
        success=_("Profile saved."),
    )
    return settle(
        request,
        outcome,
        "/accounts",
        lambda: _accounts_page(request, session, user, now.date(), outcome),
    )


def _account_page(
    request: Request,
    session: Session,
    user: Principal,
    account_id: int,
    today: date,
    outcome: Outcome | None = None,
) -> HTMLResponse:
    fit = icp.fit_of(session, user, account_id, today=today)
    context = {
        "title": fit.account.name,
        "fit": fit,
        "holdings": holdings.holdings_of(session, user, account_id),
        "references": list(Reference),
        **(outcome.context if outcome else {}),
    }
    status_code = outcome.status_code if outcome and outcome.error else 200
    return render(request, "accounts/account.html", context, status_code=status_code)


@router.get("/accounts/{account_id}", response_class=HTMLResponse)
def account_page(
    request: Request, session: DbSession, user: PageUser, now: Now, account_id: IdPath
) -> HTMLResponse:
    return _account_page(request, session, user, account_id, now.date())


@router.post("/accounts/{account_id}", response_class=HTMLResponse)
async def update_account(
    request: Request, session: DbSession, user: PageUser, now: Now, account_id: IdPath
) -> Response:
    form = await form_with_lists(request)
    values = pick(form, "version", "employees", "reference", "health")
    values |= {name: form.get(name, "") for name in ("segment", "region")}
    outcome = attempt(
        session,
        lambda: icp.update_account(session, user, account_id, parse(AccountUpdate, values)),
        success=_("Saved."),
    )
    return settle(
        request,
        outcome,
        f"/accounts/{account_id}",
        lambda: _account_page(request, session, user, account_id, now.date(), outcome),
    )
