"""Toolkit pages: the kits, one kit with its reasons (add, remove, reorder, download, share),
building a deal's kit, and the rules that add extras."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from prism.auth.policy import Action, can, require
from prism.filestore import file_store
from prism.i18n import _
from prism.knowledge import facets
from prism.knowledge.audience import customer_problem, customer_title
from prism.knowledge.models import Dimension, Status
from prism.knowledge.schemas import VersionRef
from prism.knowledge.service import ItemFilter, choices, list_items
from prism.pagination import slice_page
from prism.shares import service as shares
from prism.shares.schemas import PASSCODE_MAX, PASSCODE_MIN, ShareIn
from prism.toolkits import package, rules, service, tasks
from prism.toolkits.models import KitKind
from prism.toolkits.schemas import EntryIn, EntryMove, RuleIn
from prism.web.deps import AppSettings, DbSession, Now, PageUser, WritesOnGet
from prism.web.forms import Outcome, Posted, attempt, form_with_lists, kept_filters, parse
from prism.web.routing import IdPath, attachment, page_router
from prism.web.templating import render, settle

router = page_router()


@router.get("/toolkits", response_class=HTMLResponse)
def toolkits(
    request: Request,
    session: DbSession,
    user: PageUser,
    q: Annotated[str, Query(max_length=200)] = "",
    cursor: Annotated[str | None, Query(max_length=100)] = None,
) -> HTMLResponse:
    """The standard kits, then the deal kits whose title holds `q`, a page at a time."""
    deal_kits = service.list_kits(session, user, kind=KitKind.DEAL, q=q)
    standard = service.list_kits(session, user, kind=KitKind.STANDARD)
    context = {
        "title": _("Toolkits"),
        "deal_kits": slice_page(deal_kits, cursor=cursor),
        "q": q.strip(),
        "params": kept_filters(q=q.strip()),
        "cursor": cursor,
        "products": choices(session, user, "product"),
        "standard": {k.product_id for k in standard},
    }
    return render(request, "toolkits/list.html", context)


@router.get("/products/{product_id}/kit", dependencies=[WritesOnGet])
def product_kit(
    session: DbSession, user: PageUser, settings: AppSettings, now: Now, product_id: IdPath
) -> Response:
    kit = service.standard_kit(session, user, product_id, store=file_store(settings), now=now)
    return RedirectResponse(f"/toolkits/{kit.id}", status_code=303)


@router.post("/deals/{deal_id}/toolkit")
def build(
    session: DbSession, user: PageUser, settings: AppSettings, now: Now, deal_id: IdPath
) -> Response:
    kit = tasks.build_and_prepare(session, user, deal_id, settings=settings, now=now)
    return RedirectResponse(f"/toolkits/{kit.id}", status_code=303)


def _kit_page(
    request: Request,
    session: DbSession,
    user: PageUser,
    kit_id: int,
    outcome: Outcome,
    typed: dict[str, Any] | None = None,
) -> HTMLResponse:
    kit = service.get_kit(session, user, kit_id)
    shareable = [e.item for e in kit.entries if e.item and customer_problem(e.item) is None]
    context = {
        "title": kit.title,
        "kit": kit,
        "typed": typed if outcome.error and typed else {},
        "passcode_rule": {"min": PASSCODE_MIN, "max": PASSCODE_MAX},
        "may_edit": service.may_edit(user, kit),
        "shareable": shareable,
        "shareable_ids": {i.id for i in shareable},
        "customer_title": customer_title,
        **outcome.context,
    }
    return render(request, "toolkits/kit.html", context, status_code=outcome.status_code)


def _version(value: object) -> int:
    return parse(VersionRef, {"version": value}).version


@router.get("/toolkits/{kit_id}", response_class=HTMLResponse)
def kit(request: Request, session: DbSession, user: PageUser, kit_id: IdPath) -> HTMLResponse:
    return _kit_page(request, session, user, kit_id, Outcome())


@router.get("/toolkits/{kit_id}/candidates", response_class=HTMLResponse)
def candidates(
    request: Request, session: DbSession, user: PageUser, kit_id: IdPath, q: str = ""
) -> HTMLResponse:
    """Published items whose title matches what the seller typed, to add to the kit."""
    found = list_items(
        session, user, ItemFilter(status=Status.PUBLISHED, text=q[:100] or None), limit=15
    ).items
    return render(
        request,
        "toolkits/_candidates.html",
        {"kit": service.get_kit(session, user, kit_id), "found": found},
    )


@router.post("/toolkits/{kit_id}/share", response_class=HTMLResponse)
async def share(
    request: Request,
    session: DbSession,
    user: PageUser,
    settings: AppSettings,
    now: Now,
    kit_id: IdPath,
) -> Response:
    """Make a buyer link from the kit; a refusal shows the kit again with what was typed."""
    data = await form_with_lists(request, "item_ids")
    outcome = attempt(
        session,
        lambda: shares.create_link(
            session, user, parse(ShareIn, data), now=now, key=settings.secret_key
        ),
        success=_("Link created."),
    )
    if outcome.error:
        return _kit_page(request, session, user, kit_id, outcome, data)
    return RedirectResponse(f"/shares/{outcome.value.id}?created=1", status_code=303)


@router.post("/toolkits/{kit_id}/entries", response_class=HTMLResponse)
def add(
    request: Request, session: DbSession, user: PageUser, now: Now, kit_id: IdPath, form: Posted
) -> Response:
    version = form.pop("version", None)
    outcome = attempt(
        session,
        lambda: service.add_entry(
            session, user, kit_id, parse(EntryIn, form), version=_version(version), now=now
        ),
        success=_("Added."),
    )
    return settle(
        request,
        outcome,
        f"/toolkits/{kit_id}",
        lambda: _kit_page(request, session, user, kit_id, outcome),
    )


@router.post("/toolkits/{kit_id}/entries/{entry_id}/move", response_class=HTMLResponse)
def move(
    request: Request,
    session: DbSession,
    user: PageUser,
    now: Now,
    kit_id: IdPath,
    entry_id: IdPath,
    form: Posted,
) -> Response:
    def act() -> object:
        move = parse(EntryMove, form)
        return service.move_entry(
            session, user, kit_id, entry_id, move.position, version=move.version, now=now
        )

    outcome = attempt(session, act, success=_("Moved."))
    return settle(
        request,
        outcome,
        f"/toolkits/{kit_id}",
        lambda: _kit_page(request, session, user, kit_id, outcome),
    )


@router.post("/toolkits/{kit_id}/entries/{entry_id}/delete", response_class=HTMLResponse)
def remove(
    request: Request,
    session: DbSession,
    user: PageUser,
    now: Now,
    kit_id: IdPath,
    entry_id: IdPath,
    form: Posted,
) -> Response:
    outcome = attempt(
        session,
        lambda: service.remove_entry(
            session, user, kit_id, entry_id, version=_version(form.get("version")), now=now
        ),
        success=_("Removed."),
    )
    return settle(
        request,
        outcome,
        f"/toolkits/{kit_id}",
        lambda: _kit_page(request, session, user, kit_id, outcome),
    )


@router.get("/toolkits/{kit_id}/zip")
def download(
    session: DbSession, user: PageUser, settings: AppSettings, now: Now, kit_id: IdPath
) -> Response:
    name, data = package.kit_zip(session, user, kit_id, store=file_store(settings), now=now)
    return attachment(data, name, "application/zip")


def _rules_page(
    request: Request, session: DbSession, user: PageUser, outcome: Outcome, form: dict[str, Any]
) -> HTMLResponse:
    context = {
        "title": _("Kit rules"),
        "rules": rules.list_rules(session, user),
        "may_curate": can(user, Action.CURATE_KITS),
        "industries": facets.list_facets(session, user, Dimension.INDUSTRY),
        "extras": list_items(
            session,
            user,
            ItemFilter(kinds=["security", "asset", "handbook"], status=Status.PUBLISHED),
            limit=200,
        ).items,
        "form": form,
        **outcome.context,
    }
    return render(request, "toolkits/rules.html", context, status_code=outcome.status_code)


@router.get("/kit-rules", response_class=HTMLResponse)
def rules_page(request: Request, session: DbSession, user: PageUser) -> HTMLResponse:
    return _rules_page(request, session, user, Outcome(), {})


@router.post("/kit-rules", response_class=HTMLResponse)
async def create_rule(request: Request, session: DbSession, user: PageUser) -> Response:
    form = await request.form()
    data = {
        "name": form.get("name", ""),
        "reason": form.get("reason", ""),
        "item_ids": form.getlist("item_ids"),
        "when": {
            "industries": form.getlist("industries"),
            "customer_data": form.get("customer_data") == "on",
            "expansion": form.get("expansion") == "on",
            "min_value": form.get("min_value") or None,
            "match": form.get("match", "any"),
        },
    }
    require(user, Action.CURATE_KITS)
    outcome = attempt(
        session,
        lambda: rules.create_rule(session, user, parse(RuleIn, data)),
        success=_("Rule added."),
    )
    return settle(
        request,
        outcome,
        "/kit-rules",
        lambda: _rules_page(request, session, user, outcome, data if outcome.error else {}),
    )


@router.post("/kit-rules/{rule_id}/delete", response_class=HTMLResponse)
def delete_rule(
    request: Request, session: DbSession, user: PageUser, rule_id: IdPath, form: Posted
) -> Response:
    outcome = attempt(
        session,
        lambda: rules.delete_rule(session, user, rule_id, version=_version(form.get("version"))),
        success=_("Rule deleted."),
    )
    return settle(
        request, outcome, "/kit-rules", lambda: _rules_page(request, session, user, outcome, {})
    )
