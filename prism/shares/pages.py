"""Share-link pages. For sellers: make a link from a kit, see what the buyer did, revoke it.
For buyers (no sign-in): the link's page, its passcode, each item, its download, and how long
they read it."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import Field
from sqlalchemy.orm import Session

from prism.auth.credentials import same, sign
from prism.errors import PrismError
from prism.filestore import file_store
from prism.i18n import _
from prism.knowledge.audience import anonymised, customer_title, masked, told
from prism.knowledge.kinds import kind_label
from prism.knowledge.models import Item
from prism.knowledge.schemas import VersionRef
from prism.markdown import to_html
from prism.pagination import slice_page
from prism.render import preview
from prism.render import service as rendering
from prism.render.brief import initials
from prism.schemas import Input
from prism.settings import Settings
from prism.shares import service
from prism.shares.models import ShareLink
from prism.web.deps import (
    AppSettings,
    DbSession,
    Now,
    PageUser,
    PublicBase,
    WritesOnGet,
    client_address,
    get_settings,
    set_private_cookie,
)
from prism.web.forms import Outcome, Posted, attempt, kept_filters, parse
from prism.web.routing import IdPath, attachment, page_router
from prism.web.templating import render, settle

router = page_router()


@router.get("/shares", response_class=HTMLResponse)
def shares(
    request: Request,
    session: DbSession,
    user: PageUser,
    now: Now,
    q: Annotated[str, Query(max_length=200)] = "",
    state: Annotated[str, Query(pattern="^(|open|expired|revoked)$")] = "",
    cursor: Annotated[str | None, Query(max_length=100)] = None,
) -> HTMLResponse:
    """The seller's links (everyone's for editors), found by title and state, a page at a time."""
    chosen = service.LinkState(state) if state else None
    links = service.list_links(session, user, q=q.strip(), state=chosen, now=now)
    kept = {"q": q.strip(), "state": state}
    page = slice_page(links, cursor=cursor)
    context = {
        "title": _("Share links"),
        "page": page,
        "states": {link.id: service.state_of(link, now) for link in page.items},
        "chosen": kept,
        "params": kept_filters(**kept),
        "cursor": cursor,
        "all_states": list(service.LinkState),
    }
    return render(request, "shares/list.html", context)


def _link_page(
    request: Request,
    session: DbSession,
    user: PageUser,
    base: str,
    link_id: int,
    outcome: Outcome,
) -> HTMLResponse:
    found = service.activity(session, user, link_id)
    path = service.path(found.link, get_settings(request).secret_key)
    context = {
        "title": found.link.title,
        "activity": found,
        "url": base + path if path else None,
        "created": request.query_params.get("created") == "1",
        **outcome.context,
    }
    return render(request, "shares/link.html", context, status_code=outcome.status_code)


@router.get("/shares/{link_id}", response_class=HTMLResponse)
def link(
    request: Request, session: DbSession, user: PageUser, base: PublicBase, link_id: IdPath
) -> HTMLResponse:
    return _link_page(request, session, user, base, link_id, Outcome())


@router.post("/shares/{link_id}/revoke", response_class=HTMLResponse)
def revoke(
    request: Request,
    session: DbSession,
    user: PageUser,
    base: PublicBase,
    now: Now,
    link_id: IdPath,
    form: Posted,
) -> Response:
    outcome = attempt(
        session,
        lambda: service.revoke(
            session, user, link_id, version=parse(VersionRef, form).version, now=now
        ),
        success=_("Revoked: the buyer can no longer open this link."),
    )
    return settle(
        request,
        outcome,
        f"/shares/{link_id}",
        lambda: _link_page(request, session, user, base, link_id, outcome),
    )


# The buyer's side.


def _visitor(request: Request, settings: Settings, link: ShareLink) -> service.Visitor:
    """Who is at the link, as keyed hashes: distinct visitors are counted, and guessing is
    throttled by address, without keeping who anyone is."""
    address = f"{settings.secret_key}|{link.id}|{client_address(request)}"
    who = f"{address}|{request.headers.get('user-agent')}"
    return service.Visitor(who=_hashed(who), address=_hashed(address))


def _hashed(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _unlock_cookie(link: ShareLink) -> str:
    return f"prism_share_{link.id}"


def _unlock_value(settings: Settings, link: ShareLink) -> str:
    return sign(settings.secret_key, f"share:{link.id}:{link.passcode_hash}")


def _unlocked(request: Request, settings: Settings, link: ShareLink) -> bool:
    if link.passcode_hash is None:
        return True
    return same(request.cookies.get(_unlock_cookie(link), ""), _unlock_value(settings, link))


@dataclass(frozen=True)
class Visit:
    """A buyer's request on a link: what each of the buyer's pages needs to open it."""

    request: Request
    session: Session
    settings: Settings
    now: datetime
    token: str

    def then(
        self, go: Callable[[ShareLink, service.Visitor], Response], *, unlocking: bool = False
    ) -> Response:
        """Open the link for the buyer and go on, or show a friendly page for a closed link."""
        request, session, token = self.request, self.session, self.token
        link = None
        try:
            link = service.open_link(session, token[:100], now=self.now)
            visitor = _visitor(request, self.settings, link)
            if not unlocking and not _unlocked(request, self.settings, link):
                context = {"link": link, "path": service.path_of(token), "title": link.title}
                return render(request, "shares/passcode.html", context)
            return go(link, visitor)
        except PrismError as exc:
            if exc.keep_changes:
                session.commit()  # a wrong passcode counts towards the limit
            else:
                session.rollback()
            if link is not None and exc.status == 403:
                context = {
                    "link": link,
                    "path": service.path_of(token),
                    "title": link.title,
                    "error": exc.message,
                }
                return render(request, "shares/passcode.html", context, status_code=403)
            title = _CLOSED.get(exc.status, "Something went wrong")
            context = {"title": title, "detail": exc.message}
            response = render(request, "shares/closed.html", context, status_code=exc.status)
            response.headers.update(exc.headers)
            return response

    def room(self, link: ShareLink) -> dict[str, object]:
        """What every page of a buyer's room shows: the brand, who it is for, who sent it."""
        seller = link.owner
        return {
            "link": link,
            "path": service.path_of(self.token),
            "look": rendering.house_look(self.session, file_store(self.settings)),
            "customer": link.deal.customer if link.deal else "",
            "seller": seller,
            "initials": initials(seller.name) if seller else "",
        }


async def _visit(
    request: Request, session: DbSession, settings: AppSettings, now: Now, token: str
) -> Visit:
    return Visit(request, session, settings, now, token)


Buyer = Annotated[Visit, Depends(_visit)]
_CLOSED = {410: "This link is closed", 404: "Not found", 429: "Slow down a little"}


@router.get("/s/{token}", response_class=HTMLResponse, dependencies=[WritesOnGet])
def buyer_page(visit: Buyer) -> Response:
    def show(link: ShareLink, visitor: service.Visitor) -> Response:
        service.record(
            visit.session, link, action="open", item_id=None, visitor=visitor, now=visit.now
        )
        context = {
            **visit.room(link),
            "title": link.title,
            "items": service.shown_items(link),
            "shown_title": customer_title,
            "may_preview": service.may_preview,
            "kind_label": _kind_label,
        }
        return render(visit.request, "shares/buyer.html", context)

    return visit.then(show)


@router.post("/s/{token}", response_class=HTMLResponse)
def buyer_unlock(visit: Buyer, form: Posted) -> Response:
    def unlock(link: ShareLink, visitor: service.Visitor) -> Response:
        passcode = str(form.get("passcode", ""))[:64]
        service.unlock(visit.session, link, passcode, visitor=visitor, now=visit.now)
        response = RedirectResponse(service.path_of(visit.token), status_code=303)
        value = _unlock_value(visit.settings, link)
        set_private_cookie(response, visit.settings, _unlock_cookie(link), value)
        return response

    return visit.then(unlock, unlocking=True)


@router.get("/s/{token}/items/{item_id}", response_class=HTMLResponse, dependencies=[WritesOnGet])
def buyer_item(visit: Buyer, item_id: IdPath) -> Response:
    session, now = visit.session, visit.now

    def show(link: ShareLink, visitor: service.Visitor) -> Response:
        item = service.shown_item(link, item_id)
        view = service.record(
            session, link, action="view", item_id=item.id, visitor=visitor, now=now
        )
        store = file_store(visit.settings)
        context = {
            **visit.room(link),
            "item": item,
            "title": customer_title(item),
            "body": to_html(masked(item, item.body)),
            "summary": masked(item, item.summary),
            "view": view,
            "facts": _facts(item),
            "pages": service.buyer_pages(session, link, item.id, store=store, now=now),
            "kind_label": _kind_label,
        }
        return render(visit.request, "shares/buyer_item.html", context)

    return visit.then(show)


@router.get("/s/{token}/items/{item_id}/pages/{number}.png")
def buyer_preview(
    visit: Buyer, item_id: IdPath, number: Annotated[int, Path(ge=1, le=preview.MAX_PAGES)]
) -> Response:
    """A page of an item, drawn as a picture for the buyer's page."""

    def draw(link: ShareLink, visitor: service.Visitor) -> Response:
        store = file_store(visit.settings)
        png = service.buyer_page(visit.session, link, item_id, number, store=store, now=visit.now)
        return Response(
            png, media_type="image/png", headers={"Cache-Control": "private, max-age=300"}
        )

    return visit.then(draw)


@router.get("/s/{token}/items/{item_id}/download", dependencies=[WritesOnGet])
def buyer_download(visit: Buyer, item_id: IdPath) -> Response:
    session, now = visit.session, visit.now

    def send(link: ShareLink, visitor: service.Visitor) -> Response:
        store = file_store(visit.settings)
        name, media_type, data = service.buyer_file(session, link, item_id, store=store, now=now)
        service.record(session, link, action="download", item_id=item_id, visitor=visitor, now=now)
        return attachment(data, name, media_type)

    return visit.then(send)


@router.post("/s/{token}/views/{view_id}", status_code=204)
def buyer_time(visit: Buyer, view_id: IdPath, form: Posted) -> Response:
    """How long the buyer read an item, sent by the page as they leave it."""
    seconds = parse(Seconds, {"seconds": form.get("seconds")}).seconds

    def note(link: ShareLink, visitor: service.Visitor) -> Response:
        service.record_time(visit.session, link, view_id, visitor=visitor, seconds=seconds)
        return Response(status_code=204)

    return visit.then(note)


class Seconds(Input):
    seconds: Annotated[int, Field(ge=0, le=24 * 3600)]


def _kind_label(item: Item) -> str:
    """What the buyer gets for an item: a one-pager, a customer story, a file of some kind."""
    if item.kind == "asset" and item.file is not None:
        return _("{format} file", format=item.file.filename.rsplit(".", 1)[-1].upper())
    return kind_label(item.kind)


def _facts(item: Item) -> list[tuple[str, str]]:
    """The story's customer-facing facts (results, quote) as label and value."""
    f = told(item)
    facts = [(r["first"], r["second"]) for r in f.get("results", [])]
    if f.get("quote"):
        by = "" if anonymised(item) else f.get("quote_by", "")
        facts.append(("In their words", f"“{f['quote']}”" + (f" — {by}" if by else "")))
    return facts
