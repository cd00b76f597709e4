"""Library pages: browse by facet, read an item, edit it, see its history, upload files, and the
content-health queue."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from prism.analytics.models import Use
from prism.analytics.usage import Event
from prism.auth.policy import Action, Principal, require
from prism.i18n import _
from prism.knowledge import assets, facets, forms, freshness, history, service
from prism.knowledge.access import may_edit, readable_by
from prism.knowledge.kinds import KINDS, RELATIONS
from prism.knowledge.models import Audience, Dimension, Item, Status
from prism.knowledge.schemas import FacetIn, ItemIn, ItemUpdate, LinkIn
from prism.knowledge.service import ItemFilter
from prism.markdown import to_html
from prism.schemas import parse
from prism.web.deps import AppSettings, DbSession, Now, PageUser, Usage
from prism.web.forms import Outcome, Posted, attempt
from prism.web.routing import IdPath, IdQuery, page_router
from prism.web.templating import render, settle

router = page_router()


@router.get("/library", response_class=HTMLResponse)
def library(
    request: Request,
    session: DbSession,
    user: PageUser,
    kind: str = "",
    status: Status | None = None,
    audience: Audience | None = None,
    facet_id: IdQuery = None,
    product_id: IdQuery = None,
    q: str = "",
    cursor: str | None = None,
) -> HTMLResponse:
    spec = ItemFilter(
        kind=kind if kind in KINDS else None,
        status=status,
        audience=audience,
        facet_ids=[facet_id] if facet_id else [],
        linked_to=[product_id] if product_id else [],
        text=q or None,
    )
    context = {
        "title": _("Library"),
        "page": service.list_items(session, user, spec, limit=50, cursor=cursor),
        "spec": spec,
        "kinds": KINDS,
        "facets": facets.list_facets(session, user),
        "products": _products(session, user),
        "statuses": list(Status),
        "audiences": list(Audience),
        "filters": "".join(
            f"&{quote(k)}={quote(v)}" for k, v in request.query_params.items() if k != "cursor"
        ),
        "q": "",
        "text": q,
    }
    return render(request, "knowledge/library.html", context)


def _products(session: Session, user: Principal) -> list[Item]:
    return service.choices(session, user, "product")


@router.get("/library/new/{kind}", response_class=HTMLResponse)
def new_item(request: Request, session: DbSession, user: PageUser, kind: str) -> HTMLResponse:
    require(user, Action.PROPOSE_CONTENT)
    return _edit_page(request, session, user, kind, None, {}, Outcome())


@router.post("/library/new/{kind}", response_class=HTMLResponse)
def create_item(
    request: Request, session: DbSession, user: PageUser, now: Now, kind: str, form: Posted
) -> Response:
    spec = service.kind_named(kind)

    def create() -> Item:
        data = parse(ItemIn, {**_common(form), "fields": forms.parse_fields(spec, form)})
        if form.get("product_id"):
            data.links = [LinkIn(relation="product", target_id=int(form["product_id"]))]
        return service.create_item(session, user, kind, data, now=now)

    outcome = attempt(session, create, success=_("Created."))
    if outcome.error:
        return _edit_page(request, session, user, kind, None, form, outcome)
    return RedirectResponse(f"/library/{outcome.value.id}?saved=1", status_code=303)


@router.get("/library/upload", response_class=HTMLResponse)
def upload_form(request: Request, user: PageUser) -> HTMLResponse:
    require(user, Action.PROPOSE_CONTENT)
    return render(request, "knowledge/upload.html", {"title": _("Upload a file")})


@router.post("/library/upload", response_class=HTMLResponse)
async def upload(
    request: Request,
    session: DbSession,
    user: PageUser,
    settings: AppSettings,
    now: Now,
    file: Annotated[UploadFile, File()],
    title: Annotated[str, Form(max_length=300)] = "",
    summary: Annotated[str, Form(max_length=1000)] = "",
    audience: Annotated[Audience, Form()] = Audience.INTERNAL,
) -> Response:
    data = await file.read()

    def store() -> Item:
        return assets.upload_posted(
            session,
            user,
            settings,
            filename=file.filename or "upload",
            data=data,
            title=title,
            summary=summary,
            audience=audience,
            now=now,
        )

    outcome = attempt(session, store, success=_("Uploaded."))
    if outcome.error:
        context = {"title": _("Upload a file"), **outcome.context}
        return render(request, "knowledge/upload.html", context, status_code=outcome.status_code)
    return RedirectResponse(f"/library/{outcome.value.id}?saved=1", status_code=303)


@router.get("/library/health", response_class=HTMLResponse)
def health(request: Request, session: DbSession, user: PageUser, now: Now) -> HTMLResponse:
    queue = freshness.health_queue(session, user, now)
    return render(
        request,
        "knowledge/health.html",
        {"title": _("Content health"), "queue": queue, "kinds": KINDS},
    )


@router.get("/library/facets", response_class=HTMLResponse)
def facet_lists(request: Request, session: DbSession, user: PageUser) -> HTMLResponse:
    return _facets_page(request, session, user, Outcome())


@router.post("/library/facets", response_class=HTMLResponse)
def add_facet(request: Request, session: DbSession, user: PageUser, form: Posted) -> Response:
    outcome = attempt(
        session,
        lambda: facets.create_facet(session, user, parse(FacetIn, form)),
        success=_("Added."),
    )
    return settle(
        request, outcome, "/library/facets", lambda: _facets_page(request, session, user, outcome)
    )


@router.post("/library/facets/{facet_id}/delete", response_class=HTMLResponse)
def remove_facet(
    request: Request, session: DbSession, user: PageUser, facet_id: IdPath
) -> Response:
    outcome = attempt(
        session, lambda: facets.delete_facet(session, user, facet_id), success=_("Removed.")
    )
    return settle(
        request, outcome, "/library/facets", lambda: _facets_page(request, session, user, outcome)
    )


def _facets_page(
    request: Request, session: Session, user: Principal, outcome: Outcome
) -> HTMLResponse:
    context = {
        "title": _("Taxonomy"),
        "facets": facets.list_facets(session, user),
        "dimensions": list(Dimension),
        **outcome.context,
    }
    return render(request, "knowledge/facets.html", context, status_code=outcome.status_code)


@router.get("/library/{item_id}", response_class=HTMLResponse)
def item_page(
    request: Request,
    session: DbSession,
    user: PageUser,
    now: Now,
    usage: Usage,
    item_id: IdPath,
    saved: int = 0,
    deal: IdQuery = None,
) -> HTMLResponse:
    """The item; opened from a deal's kit (`deal`), the view counts towards that deal."""
    page = _item_page(
        request, session, user, now, item_id, Outcome(notice="Saved." if saved else None), deal
    )
    usage.add(Event(Use.VIEW, item_id=item_id, deal_id=deal, user_id=user.id, at=now))
    return page


def _carried(session: Session, actor: Principal, item: Item) -> list[tuple[Item, str]]:
    """What an edition or add-on carries, for its page: each feature with its limit there."""
    wanted = {x["feature"]: x.get("limit", "") for x in item.fields.get("features", [])}
    if item.kind not in ("edition", "add_on") or not wanted:
        return []
    found = session.scalars(select(Item).where(Item.uid.in_(wanted), readable_by(actor)))
    return sorted(((f, wanted[f.uid]) for f in found), key=lambda pair: pair[0].title.lower())


def _item_page(
    request: Request,
    session: Session,
    user: Principal,
    now: datetime,
    item_id: int,
    outcome: Outcome,
    deal_id: int | None = None,
) -> HTMLResponse:
    item = service.get_item(session, user, item_id)
    kind = KINDS[item.kind]
    context = {
        "title": item.title,
        "item": item,
        "deal_id": deal_id,
        "kind": kind,
        "body": to_html(item.body),
        "fields": forms.form_fields(kind, item.fields),
        "carried": _carried(session, user, item),
        "relations": RELATIONS,
        "targets": _link_targets(session, user, item, next(iter(RELATIONS)), "")
        if may_edit(user, item)
        else [],
        "backlinks": service.backlinks(session, user, item.id),
        "revision": history.latest_number(session, item.id),
        "stale": freshness.reasons_for(session, item, now),
        "transitions": service.transitions_for(user, item),
        "may_edit": may_edit(user, item),
        "to_html": to_html,
        **outcome.context,
    }
    return render(request, "knowledge/item.html", context, status_code=outcome.status_code)


@router.post("/library/{item_id}/transitions/{name}", response_class=HTMLResponse)
def transition(
    request: Request,
    session: DbSession,
    user: PageUser,
    now: Now,
    item_id: IdPath,
    name: str,
    form: Posted,
) -> Response:
    step = service.TRANSITIONS.get(name)
    outcome = attempt(
        session,
        lambda: service.transition(
            session, user, item_id, name, version=_version(form), now=now, note=form.get("note", "")
        ),
        success=f"{step.label}: done." if step else "",
    )
    return settle(
        request,
        outcome,
        f"/library/{item_id}",
        lambda: _item_page(request, session, user, now, item_id, outcome),
    )


@router.post("/library/{item_id}/verify", response_class=HTMLResponse)
def verify(
    request: Request, session: DbSession, user: PageUser, now: Now, item_id: IdPath, form: Posted
) -> Response:
    outcome = attempt(
        session,
        lambda: service.verify(session, user, item_id, version=_version(form), now=now),
        success=_("Verified: fresh for another period."),
    )
    return settle(
        request,
        outcome,
        f"/library/{item_id}",
        lambda: _item_page(request, session, user, now, item_id, outcome),
    )


LINK_CHOICES = 50


def _link_targets(
    session: Session, user: Principal, item: Item, relation: str, text: str
) -> list[Item]:
    """What the item may link to with `relation`, whose title contains `text`, newest first."""
    rel = RELATIONS.get(relation)
    spec = ItemFilter(kinds=sorted(rel.targets) if rel else (), text=text or None)
    found = service.list_items(session, user, spec, limit=LINK_CHOICES + 1).items
    return [t for t in found if t.id != item.id][:LINK_CHOICES]


@router.get("/library/{item_id}/link-targets", response_class=HTMLResponse)
def link_targets(
    request: Request,
    session: DbSession,
    user: PageUser,
    item_id: IdPath,
    relation: str = "",
    q: Annotated[str, Query(max_length=200)] = "",
) -> HTMLResponse:
    """The choices of the add-link form, narrowed as the editor types (an htmx fragment)."""
    item = service.get_item(session, user, item_id)
    targets = _link_targets(session, user, item, relation, q) if may_edit(user, item) else []
    return render(request, "knowledge/_link_targets.html", {"targets": targets, "q": q})


@router.post("/library/{item_id}/links", response_class=HTMLResponse)
def add_link(
    request: Request, session: DbSession, user: PageUser, now: Now, item_id: IdPath, form: Posted
) -> Response:
    def link() -> Item:
        data = parse(LinkIn, {"relation": form.get("relation"), "target_id": form.get("target_id")})
        return service.add_link(session, user, item_id, data, version=_version(form), now=now)

    outcome = attempt(session, link, success=_("Linked."))
    return settle(
        request,
        outcome,
        f"/library/{item_id}",
        lambda: _item_page(request, session, user, now, item_id, outcome),
    )


@router.post("/library/{item_id}/links/{link_id}/delete", response_class=HTMLResponse)
def remove_link(
    request: Request,
    session: DbSession,
    user: PageUser,
    now: Now,
    item_id: IdPath,
    link_id: IdPath,
    form: Posted,
) -> Response:
    outcome = attempt(
        session,
        lambda: service.remove_link(
            session, user, item_id, link_id, version=_version(form), now=now
        ),
        success=_("Unlinked."),
    )
    return settle(
        request,
        outcome,
        f"/library/{item_id}",
        lambda: _item_page(request, session, user, now, item_id, outcome),
    )


@router.get("/library/{item_id}/edit", response_class=HTMLResponse)
def edit_form(
    request: Request, session: DbSession, user: PageUser, item_id: IdPath
) -> HTMLResponse:
    item = service.get_item(session, user, item_id)
    return _edit_page(request, session, user, item.kind, item, {}, Outcome())


@router.post("/library/{item_id}/edit", response_class=HTMLResponse)
def edit(
    request: Request, session: DbSession, user: PageUser, now: Now, item_id: IdPath, form: Posted
) -> Response:
    item = service.get_item(session, user, item_id)
    kind = KINDS[item.kind]

    def save() -> Item:
        fields = forms.parse_fields(kind, form)
        data = parse(
            ItemUpdate, {**_common(form), "version": form.get("version"), "fields": fields}
        )
        return service.update_item(session, user, item_id, data, now=now)

    outcome = attempt(session, save, success=_("Saved."))
    if outcome.error:
        item = service.get_item(session, user, item_id)
        return _edit_page(request, session, user, item.kind, item, form, outcome)
    return RedirectResponse(f"/library/{item_id}?saved=1", status_code=303)


def _common(form: dict[str, Any]) -> dict[str, Any]:
    common: dict[str, Any] = {
        k: form[k]
        for k in ("title", "summary", "body", "audience", "verify_every_days")
        if k in form
    }
    common.setdefault("summary", "")
    common.setdefault("body", "")
    common["facet_ids"] = [int(k.split(".", 1)[1]) for k in form if k.startswith("facet.")]
    return common


def _version(form: dict[str, Any]) -> int:
    return parse(ItemUpdate, {"version": form.get("version")}).version


def _edit_page(
    request: Request,
    session: Session,
    user: Principal,
    kind_name: str,
    item: Item | None,
    form: dict[str, Any],
    outcome: Outcome,
) -> HTMLResponse:
    kind = service.kind_named(kind_name)
    values = forms.parse_fields(kind, form) if form else (item.fields if item else {})
    chosen = (
        {int(k.split(".", 1)[1]) for k in form if k.startswith("facet.")}
        if form
        else ({f.id for f in item.facets} if item else set())
    )
    context = {
        "title": f"Edit {item.title}" if item else f"New {kind.label.lower()}",
        "item": item,
        "kind": kind,
        "form": form,
        "fields": forms.form_fields(kind, values),
        "facets": facets.list_facets(session, user),
        "chosen": chosen,
        "products": _products(session, user) if item is None else [],
        "audiences": list(Audience),
        **outcome.context,
    }
    return render(request, "knowledge/edit.html", context, status_code=outcome.status_code)


@router.get("/library/{item_id}/history", response_class=HTMLResponse)
def item_history(
    request: Request, session: DbSession, user: PageUser, item_id: IdPath, v: int = 0
) -> HTMLResponse:
    return _history_page(request, session, user, item_id, v, Outcome())


@router.post("/library/{item_id}/history/{number}/restore", response_class=HTMLResponse)
def restore(
    request: Request,
    session: DbSession,
    user: PageUser,
    now: Now,
    item_id: IdPath,
    number: IdPath,
    form: Posted,
) -> Response:
    outcome = attempt(
        session,
        lambda: service.restore_version(
            session, user, item_id, number, version=_version(form), now=now
        ),
        success=_("Version {number} restored as the newest version.", number=number),
    )
    return settle(
        request,
        outcome,
        f"/library/{item_id}/history",
        lambda: _history_page(request, session, user, item_id, 0, outcome),
    )


def _history_page(
    request: Request, session: Session, user: Principal, item_id: int, shown: int, outcome: Outcome
) -> HTMLResponse:
    item = service.get_item(session, user, item_id)
    versions = history.versions(session, item_id)
    shown = shown or (versions[0].number if versions else 0)
    changes = []
    if shown > 1:
        changes = history.diff(
            item.kind,
            history.get_version(session, item_id, shown - 1).snapshot,
            history.get_version(session, item_id, shown).snapshot,
        )
    context = {
        "title": _("History of {title}", title=item.title),
        "item": item,
        "versions": versions,
        "shown": shown,
        "changes": changes,
        "may_edit": may_edit(user, item),
        **outcome.context,
    }
    return render(request, "knowledge/history.html", context, status_code=outcome.status_code)
