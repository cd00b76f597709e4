"""Feedback pages: give feedback (similar themes suggested as you type) or import a CSV file,
the themes with their weight, one theme with its curation and status, my feedback and what became
of it, and the product digest."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from prism.accounts.service import all_accounts
from prism.auth.policy import Action, Principal, can, require
from prism.csvfile import ENCODINGS, OnError
from prism.deals.service import deal_choices
from prism.feedback import digest, imports, service, themes
from prism.feedback.models import REASONS, FeedbackItem, Kind, Origin, Signal, ThemeStatus
from prism.feedback.schemas import (
    FeedbackIn,
    FeedbackThemeUpdate,
    ImportMapping,
    MergeIn,
    MoveIn,
    ReclusterIn,
    SplitIn,
    StatusIn,
)
from prism.filestore import file_store
from prism.i18n import N_, _
from prism.knowledge.service import choices
from prism.schemas import as_id
from prism.web.deps import AppSettings, DbSession, Now, PageUser
from prism.web.forms import Outcome as FormOutcome
from prism.web.forms import (
    Posted,
    attempt,
    day_field,
    form_data,
    form_with_lists,
    parse,
    pick,
    posted_file,
)
from prism.web.routing import IdPath, attachment, page_router
from prism.web.templating import render, settle

router = page_router()


@router.get("/feedback", response_class=HTMLResponse)
def themes_page(
    request: Request,
    session: DbSession,
    user: PageUser,
    status: str = "",
    signal: str = "",
    product_id: str = "",
    sort: str = "impact",
    q: Annotated[str, Query(max_length=200)] = "",
) -> HTMLResponse:
    chosen = {
        "status": status,
        "signal": signal,
        "product_id": as_id(product_id),
        "sort": sort,
        "q": q.strip(),
    }
    return _themes_page(request, session, user, chosen)


# The granularity control's choices, broadest first.
GRANULARITIES = [
    (-3, N_("much broader")),
    (-2, N_("broader")),
    (-1, N_("a little broader")),
    (0, N_("as found")),
    (1, N_("a little narrower")),
    (2, N_("narrower")),
    (3, N_("much narrower")),
]


def _themes_page(
    request: Request,
    session: Session,
    user: Principal,
    chosen: dict[str, Any] | None = None,
    outcome: FormOutcome | None = None,
) -> HTMLResponse:
    chosen = chosen or {"status": "", "signal": "", "product_id": None, "sort": "impact", "q": ""}
    status = ThemeStatus(chosen["status"]) if chosen["status"] in set(ThemeStatus) else None
    signal = Signal(chosen["signal"]) if chosen["signal"] in set(Signal) else None
    chosen["sort"] = chosen["sort"] if chosen["sort"] in themes.SORTS else "impact"
    context = {
        "title": _("Feedback themes"),
        "pairs": themes.list_themes(
            session,
            user,
            status=status,
            signal=signal,
            product_id=chosen["product_id"],
            sort=chosen["sort"],
            q=chosen["q"],
        ),
        "statuses": list(ThemeStatus),
        "signals": list(Signal),
        "products": choices(session, user, "product"),
        "chosen": chosen,
        "granularity": themes.granularity_of(session),
        "granularities": [(step, _(label)) for step, label in GRANULARITIES],
        **(outcome.context if outcome else {}),
    }
    status_code = outcome.status_code if outcome and outcome.error else 200
    return render(request, "feedback/themes.html", context, status_code=status_code)


def _form_context(session: Session, user: Principal) -> dict[str, Any]:
    return {
        "kinds": list(Kind),
        "reasons": REASONS,
        "products": choices(session, user, "product"),
        "competitors": choices(session, user, "competitor"),
        "accounts": all_accounts(session, user),
        "deals": deal_choices(session, user),
    }


@router.get("/feedback/new", response_class=HTMLResponse)
def new_feedback(request: Request, session: DbSession, user: PageUser) -> HTMLResponse:
    require(user, Action.SUBMIT_FEEDBACK)
    context = {"title": _("Give feedback"), "form": {}, **_form_context(session, user)}
    return render(request, "feedback/new.html", context)


@router.post("/feedback/new", response_class=HTMLResponse)
def submit_feedback(
    request: Request, session: DbSession, user: PageUser, form: Posted, now: Now
) -> Response:
    fields = ("text", "kind", "reason", "said_on", "product_id", "competitor_id", "account_id")
    values = pick(form, *fields, "deal_id")
    outcome = attempt(
        session,
        lambda: service.submit(
            session, user, parse(FeedbackIn, values), origin=Origin.FORM, today=now.date()
        ),
        success=_("Thank you: your feedback is in."),
    )
    if outcome.error:
        context = {"title": _("Give feedback"), "form": form, **_form_context(session, user)}
        return render(
            request, "feedback/new.html", context | outcome.context, status_code=outcome.status_code
        )
    item: FeedbackItem = outcome.value
    return RedirectResponse(f"/feedback/themes/{item.theme_id}?added={item.id}", status_code=303)


@router.get("/feedback/similar", response_class=HTMLResponse)
def similar(request: Request, session: DbSession, user: PageUser, text: str = "") -> HTMLResponse:
    """The fragment under the form's text box: themes and items that already say this."""
    found = service.similar(session, user, text[:5000], limit=5)
    return render(request, "feedback/_similar.html", {"found": found})


@router.get("/feedback/mine", response_class=HTMLResponse)
def mine(request: Request, session: DbSession, user: PageUser) -> HTMLResponse:
    """What I said and what became of it: each item with its theme's status and note."""
    page = service.list_items(session, user, submitter_id=user.id, limit=200)
    return render(request, "feedback/mine.html", {"title": _("My feedback"), "items": page.items})


def _theme_page(
    request: Request,
    session: Session,
    user: Principal,
    theme_id: int,
    outcome: FormOutcome | None = None,
    added: int | None = None,
) -> HTMLResponse:
    theme = themes.get_theme(session, user, theme_id)
    may_triage = can(user, Action.TRIAGE_FEEDBACK)
    others = (
        [
            t
            for t, _unused in themes.list_themes(session, user, signal=theme.signal, sort="items")
            if t.id != theme.id
        ]
        if may_triage
        else []
    )
    found = service.theme_detail(session, theme)
    context = {
        "title": theme.label,
        "theme": theme,
        "weight": found.weight,
        "peak": max(found.weight.trend.values(), default=0) or 1,
        "representatives": found.representatives,
        "items": service.list_items(session, user, theme_id=theme.id, limit=200).items,
        "history": found.history,
        "statuses": list(ThemeStatus),
        "others": others,
        "may_triage": may_triage,
        "added": added,
        **(outcome.context if outcome else {}),
    }
    status_code = outcome.status_code if outcome and outcome.error else 200
    return render(request, "feedback/theme.html", context, status_code=status_code)


@router.get("/feedback/themes/{theme_id}", response_class=HTMLResponse)
def theme_page(
    request: Request, session: DbSession, user: PageUser, theme_id: IdPath, added: int = 0
) -> HTMLResponse:
    outcome = FormOutcome(notice="Thank you: your feedback joined this theme.") if added else None
    return _theme_page(request, session, user, theme_id, outcome, added or None)


@router.post("/feedback/themes/{theme_id}", response_class=HTMLResponse)
def edit_theme(
    request: Request, session: DbSession, user: PageUser, theme_id: IdPath, form: Posted
) -> Response:
    values = {
        "version": form.get("version"),
        "label": form.get("label"),
        "pinned": form.get("pinned") == "on",
    }
    outcome = attempt(
        session,
        lambda: themes.update_theme(session, user, theme_id, parse(FeedbackThemeUpdate, values)),
        success=_("Theme saved."),
    )
    return settle(
        request,
        outcome,
        f"/feedback/themes/{theme_id}",
        lambda: _theme_page(request, session, user, theme_id, outcome),
    )


@router.post("/feedback/themes/{theme_id}/status", response_class=HTMLResponse)
def theme_status(
    request: Request, session: DbSession, user: PageUser, theme_id: IdPath, form: Posted, now: Now
) -> Response:
    values = pick(form, "version", "status", "note")
    outcome = attempt(
        session,
        lambda: themes.set_status(session, user, theme_id, parse(StatusIn, values), now=now),
        success=_("Status changed; everyone who contributed has been told."),
    )
    return settle(
        request,
        outcome,
        f"/feedback/themes/{theme_id}",
        lambda: _theme_page(request, session, user, theme_id, outcome),
    )


@router.post("/feedback/themes/{theme_id}/merge", response_class=HTMLResponse)
async def merge_themes(
    request: Request, session: DbSession, user: PageUser, theme_id: IdPath
) -> Response:
    form = await form_with_lists(request, "theme_ids")
    outcome = attempt(
        session,
        lambda: themes.merge(session, user, theme_id, parse(MergeIn, form)),
        success=_("Merged: re-clustering will keep this theme whole."),
    )
    return settle(
        request,
        outcome,
        f"/feedback/themes/{theme_id}",
        lambda: _theme_page(request, session, user, theme_id, outcome),
    )


@router.post("/feedback/themes/{theme_id}/split", response_class=HTMLResponse)
async def split_theme(
    request: Request, session: DbSession, user: PageUser, theme_id: IdPath
) -> Response:
    form = await form_with_lists(request, "item_ids")
    outcome = attempt(
        session,
        lambda: themes.split(session, user, theme_id, parse(SplitIn, form)),
        success=_("Split into a new theme."),
    )
    if outcome.error:
        return _theme_page(request, session, user, theme_id, outcome)
    return RedirectResponse(f"/feedback/themes/{outcome.value.id}", status_code=303)


@router.post("/feedback/items/{item_id}/move", response_class=HTMLResponse)
def move_item(
    request: Request, session: DbSession, user: PageUser, item_id: IdPath, form: Posted
) -> Response:
    source = service.get_item(session, user, item_id).theme_id
    outcome = attempt(
        session,
        lambda: themes.move(session, user, item_id, parse(MoveIn, form).theme_id),
        success=_("Item moved."),
    )
    if outcome.error:
        return _theme_page(request, session, user, source or 0, outcome)
    return RedirectResponse(f"/feedback/themes/{outcome.value.theme_id}", status_code=303)


@router.post("/feedback/recluster", response_class=HTMLResponse)
def recluster(request: Request, session: DbSession, user: PageUser, form: Posted) -> Response:
    outcome = attempt(
        session,
        lambda: themes.recluster(session, user, granularity=parse(ReclusterIn, form).granularity),
        success="",
    )
    if outcome.error:
        return _themes_page(request, session, user, outcome=outcome)
    return RedirectResponse("/feedback", status_code=303)


@router.get("/feedback/digest", response_class=HTMLResponse)
def digest_page(
    request: Request,
    session: DbSession,
    user: PageUser,
    now: Now,
    product_id: str = "",
    since: str = "",
) -> HTMLResponse:
    day, error = day_field(since)
    found = digest.digest(session, user, product_id=as_id(product_id), since=day)
    context = {
        "title": found.title,
        "lines": found.lines,
        "products": choices(session, user, "product"),
        "chosen": {"product_id": as_id(product_id), "since": since if day else ""},
        "today": now.date(),
        "error": error,
    }
    return render(request, "feedback/digest.html", context)


@router.get("/feedback/digest/download.pdf")
def digest_pdf(
    session: DbSession,
    user: PageUser,
    settings: AppSettings,
    now: Now,
    product_id: str = "",
    since: str = "",
) -> Response:
    found = digest.digest(session, user, product_id=as_id(product_id), since=day_field(since)[0])
    data = digest.pdf(session, found, store=file_store(settings), today=now.date())
    return attachment(data, f"{found.title}.pdf", "application/pdf")


# --- CSV import ---------------------------------------------------------------------------


def _import_page(
    request: Request,
    form: dict[str, Any],
    *,
    report: imports.Report | None = None,
    outcome: FormOutcome | None = None,
) -> HTMLResponse:
    context = {
        "title": _("Import feedback"),
        "form": form,
        "kinds": list(Kind),
        "encodings": ENCODINGS,
        "report": report,
        # Problems with rows (not with the form's own fields, which the error line names).
        "problems": [e for e in outcome.errors if "column" in e] if outcome else [],
        **(outcome.context if outcome else {}),
    }
    status_code = outcome.status_code if outcome and outcome.error else 200
    return render(request, "feedback/import.html", context, status_code=status_code)


@router.get("/feedback/import", response_class=HTMLResponse)
def import_form(request: Request, user: PageUser) -> HTMLResponse:
    require(user, Action.SUBMIT_FEEDBACK)
    return _import_page(request, {"text": "text", "on_error": "reject"})


@router.post("/feedback/import", response_class=HTMLResponse)
async def import_file(
    request: Request, session: DbSession, user: PageUser, now: Now
) -> HTMLResponse:
    form = await form_data(request)
    form.pop("file", None)
    raw = await posted_file(request)
    values = pick(form, *ImportMapping.model_fields) | {"day_first": "day_first" in form}
    skip = form.get("on_error") == "skip"
    outcome = attempt(
        session,
        lambda: imports.import_csv(
            session,
            user,
            raw,
            parse(ImportMapping, values),
            on_error=OnError.SKIP if skip else OnError.REJECT,
            dry_run=form.get("dry_run") == "on",
            today=now.date(),
        ),
        success="",
    )
    if outcome.error:
        return _import_page(request, form, outcome=outcome)
    report: imports.Report = outcome.value
    return _import_page(request, form, report=report, outcome=FormOutcome(notice=report.summary))
