"""Buyer share links. A seller picks published, customer-shareable items; the buyer opens an
unguessable, expiring link (with a passcode if set) that shows only those items, and only while
each is still shareable; every visit is recorded for the seller. Nothing internal or unpublished
can reach a buyer: it is refused when the link is made and hidden if it changes afterwards."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from prism.analytics import usage
from prism.analytics.models import Use
from prism.analytics.usage import Event
from prism.auth.credentials import digest, same, seal, unseal
from prism.auth.passwords import hash_secret, verify_password
from prism.auth.policy import SYSTEM, Action, Principal, can, require
from prism.db import holds_words, utcnow
from prism.deals import service as deals
from prism.errors import (
    Conflict,
    Forbidden,
    Gone,
    Invalid,
    NotFound,
    TooManyRequests,
    check_version,
)
from prism.filestore import FileStore
from prism.i18n import N_, _
from prism.knowledge.access import readable_by
from prism.knowledge.audience import customer_problem
from prism.knowledge.models import Item
from prism.notifications import service as notifications
from prism.people.models import User
from prism.render import preview
from prism.render import service as rendering
from prism.shares.models import ShareLink, ShareLinkItem, ShareView
from prism.shares.schemas import ShareIn

# Limits count by the visitor's address (hashed), never by anything the visitor picks (a
# browser's User-Agent): one address may guess a passcode 5 times in 15 minutes, and a link
# takes 20 wrong guesses in all before it locks for everyone until the window passes.
VISITS_PER_MINUTE = 60
PASSCODE_TRIES = 5
PASSCODE_TRIES_PER_LINK = 20
PASSCODE_WINDOW = timedelta(minutes=15)
SEALED_FOR = "share link"
LOADED = (
    selectinload(ShareLink.items).selectinload(Item.facets),
    selectinload(ShareLink.items).selectinload(Item.file),
    selectinload(ShareLink.owner).selectinload(User.team),
    selectinload(ShareLink.deal),
)


def create_link(
    session: Session, actor: Principal, data: ShareIn, *, now: datetime, key: str
) -> ShareLink:
    """A new link; every item that may not go to a buyer is named with its reason. Its token is
    kept as a hash (to open it) and sealed with `key` (so the seller can copy it again)."""
    require(actor, Action.SHARE_WITH_BUYERS)
    ids = list(dict.fromkeys(data.item_ids))
    found = {
        i.id: i for i in session.scalars(select(Item).where(Item.id.in_(ids), readable_by(actor)))
    }
    missing = [i for i in ids if i not in found]
    if missing:
        raise Invalid(
            _("No item {value}.", value=missing[0]),
            errors=[{"field": "item_ids", "message": "unknown"}],
        )
    problems = [(n, customer_problem(found[i])) for n, i in enumerate(ids)]
    refused = [{"field": f"item_ids.{n}", "message": why} for n, why in problems if why]
    if refused:
        raise Conflict(str(refused[0]["message"]), errors=refused)
    if data.deal_id is not None:
        deals.get_deal(session, actor, data.deal_id)
    token = secrets.token_urlsafe(32)
    link = ShareLink(
        token_hash=digest(token),
        token_sealed=seal(key, token, purpose=SEALED_FOR),
        title=data.title,
        message=data.message,
        deal_id=data.deal_id,
        owner_id=actor.id,
        expires_at=now + timedelta(days=data.expires_in_days),
        passcode_hash=hash_secret(data.passcode) if data.passcode else None,
    )
    session.add(link)
    session.flush()
    session.add_all(
        ShareLinkItem(link_id=link.id, item_id=i, position=n) for n, i in enumerate(ids)
    )
    session.flush()
    usage.write(
        session,
        (
            Event(
                Use.SHARE,
                item_id=i,
                deal_id=link.deal_id,
                user_id=actor.id,
                link_id=link.id,
                at=now,
            )
            for i in ids
        ),
    )
    return get_link(session, actor, link.id)


class LinkState(StrEnum):
    OPEN = "open"
    EXPIRED = "expired"
    REVOKED = "revoked"


def state_of(link: ShareLink, now: datetime) -> LinkState:
    if link.revoked_at is not None:
        return LinkState.REVOKED
    return LinkState.OPEN if link.expires_at > now else LinkState.EXPIRED


def list_links(
    session: Session,
    actor: Principal,
    *,
    q: str = "",
    state: LinkState | None = None,
    now: datetime | None = None,
) -> list[ShareLink]:
    """The links `actor` made (editors and admins see everyone's), newest first; with `q`, those
    whose title holds every word (any case); with `state`, those open, expired or revoked at
    `now`."""
    require(actor, Action.SHARE_WITH_BUYERS)
    stmt = select(ShareLink).options(*LOADED).order_by(ShareLink.id.desc())
    if not can(actor, Action.CURATE_KITS):
        stmt = stmt.where(ShareLink.owner_id == actor.id)
    stmt = stmt.where(holds_words(q, ShareLink.title))
    if state is LinkState.REVOKED:
        stmt = stmt.where(ShareLink.revoked_at.is_not(None))
    elif state is not None:
        moment = now or utcnow()
        live = ShareLink.expires_at > moment
        stmt = stmt.where(
            ShareLink.revoked_at.is_(None), live if state is LinkState.OPEN else ~live
        )
    return list(session.scalars(stmt))


def get_link(session: Session, actor: Principal, link_id: int) -> ShareLink:
    require(actor, Action.SHARE_WITH_BUYERS)
    link = session.scalar(select(ShareLink).where(ShareLink.id == link_id).options(*LOADED))
    if link is None or (link.owner_id != actor.id and not can(actor, Action.CURATE_KITS)):
        raise NotFound(_("No share link {link_id}.", link_id=link_id))
    return link


def revoke(
    session: Session, actor: Principal, link_id: int, *, version: int, now: datetime
) -> ShareLink:
    """Close the link at once; the buyer sees that it was withdrawn."""
    link = get_link(session, actor, link_id)
    check_version("share link", version, link.version)
    if link.revoked_at is None:
        link.revoked_at = now
        session.flush()
    return link


@dataclass(frozen=True)
class Activity:
    link: ShareLink
    views: list[ShareView]

    @property
    def visitors(self) -> int:
        return len({v.visitor for v in self.views})

    def count(self, action: str) -> int:
        return sum(1 for v in self.views if v.action == action)

    @property
    def seconds_by_item(self) -> dict[str, int]:
        totals: dict[str, int] = {}
        for v in self.views:
            if v.item is not None and v.action == "view":
                totals[v.item.title] = totals.get(v.item.title, 0) + v.seconds
        return totals


def activity(session: Session, actor: Principal, link_id: int) -> Activity:
    """Every buyer visit on the link, newest first."""
    link = get_link(session, actor, link_id)
    views = session.scalars(
        select(ShareView)
        .where(ShareView.link_id == link.id)
        .options(selectinload(ShareView.item))
        .order_by(ShareView.id.desc())
        .limit(1000)
    )
    return Activity(link, list(views))


def path(link: ShareLink, key: str) -> str | None:
    """Where the buyer opens the link, relative to Prism's address, for the seller to copy; None
    when it cannot be shown again (Prism's secret key changed since it was made)."""
    token = unseal(key, link.token_sealed, purpose=SEALED_FOR) if link.token_sealed else None
    if token is None or not same(digest(token), link.token_hash):
        return None
    return path_of(token)


def path_of(token: str) -> str:
    return f"/s/{token}"


# What the buyer's side calls: no signed-in person, only the token.


def open_link(session: Session, token: str, *, now: datetime) -> ShareLink:
    """The link behind `token`, if it is still open."""
    found = select(ShareLink).where(ShareLink.token_hash == digest(token)).options(*LOADED)
    link = session.scalar(found)
    if link is None:
        raise NotFound(_("This link does not exist. Check the address, or ask for a new link."))
    if link.revoked_at is not None:
        raise Gone(_("This link was withdrawn by the sender. Ask them for a new one."))
    if link.expires_at <= now:
        raise Gone(_("This link has expired. Ask the sender for a new one."))
    return link


def shown_items(link: ShareLink) -> list[Item]:
    """The link's items that may reach a buyer right now (an item unpublished since is hidden)."""
    return [i for i in link.items if customer_problem(i) is None]


def shown_item(link: ShareLink, item_id: int) -> Item:
    item = next((i for i in shown_items(link) if i.id == item_id), None)
    if item is None:
        raise NotFound(_("This link does not include that item."))
    return item


@dataclass(frozen=True)
class Visitor:
    """Who is at a link, as hashes: `who` (address and browser) counts distinct visitors;
    `address` alone is what limits count, since a browser can claim to be anything."""

    who: str
    address: str


def unlock(
    session: Session, link: ShareLink, passcode: str, *, visitor: Visitor, now: datetime
) -> None:
    """Check the passcode; wrong guesses are recorded, and too many are refused: from one
    address, or on the link from everywhere."""
    since = now - PASSCODE_WINDOW
    failed = _views(link, since).where(ShareView.action == "passcode_failed")
    mine = session.scalar(failed.where(ShareView.address == visitor.address)) or 0
    if mine >= PASSCODE_TRIES or (session.scalar(failed) or 0) >= PASSCODE_TRIES_PER_LINK:
        raise TooManyRequests(
            _(
                "Too many wrong passcodes. Try again in 15 minutes, or ask the sender "
                "for a new link."
            ),
            retry_after=int(PASSCODE_WINDOW.total_seconds()),
        )
    if not verify_password(link.passcode_hash, passcode):
        session.add(_view(link, visitor, "passcode_failed", now=now))
        session.flush()
        raise Forbidden(_("That passcode is not right."), keep_changes=True)


def record(
    session: Session,
    link: ShareLink,
    *,
    action: str,
    item_id: int | None,
    visitor: Visitor,
    now: datetime,
) -> ShareView:
    """Note a buyer's visit; an address opening pages faster than a person could is refused."""
    recent = _views(link, now - timedelta(minutes=1)).where(ShareView.address == visitor.address)
    if (session.scalar(recent) or 0) >= VISITS_PER_MINUTE:
        raise TooManyRequests(_("Too many requests for this link; wait a minute."), retry_after=60)
    if action == "open" and not _opened_today(session, link, visitor, now):
        _announce_open(session, link, now)
    view = _view(link, visitor, action, now=now, item_id=item_id)
    session.add(view)
    session.flush()
    if item_id is not None and action in ("view", "download"):
        buyer = Event(
            Use.BUYER_VIEW, item_id=item_id, deal_id=link.deal_id, link_id=link.id, at=now
        )
        usage.write(session, [buyer])
    return view


def _opened_today(session: Session, link: ShareLink, visitor: Visitor, now: datetime) -> bool:
    start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    opened = _views(link, start).where(ShareView.action == "open", ShareView.visitor == visitor.who)
    return bool(session.scalar(opened))


def _announce_open(session: Session, link: ShareLink, now: datetime) -> None:
    """Tell the link's owner in the app, and the webhooks, that a buyer opened it."""
    deal = link.deal
    notifications.announce(
        session,
        [link.owner_id],
        actor=SYSTEM,
        subject=N_("A buyer opened “{title}”") if deal is None else N_("{who} opened “{title}”"),
        body="" if deal is None else N_("Deal: {deal}."),
        places={"title": link.title}
        if deal is None
        else {"title": link.title, "who": deal.customer, "deal": deal.name},
        link=f"/shares/{link.id}",
        event="share.opened",
        payload={
            "link": {"id": link.id, "title": link.title, "path": f"/shares/{link.id}"},
            "deal": None
            if deal is None
            else {"id": deal.id, "name": deal.name, "customer": deal.customer},
            "owner": None
            if link.owner is None
            else {"name": link.owner.name, "email": link.owner.email},
        },
        told_as="owner_told",
        now=now,
    )


def _view(
    link: ShareLink, visitor: Visitor, action: str, *, now: datetime, item_id: int | None = None
) -> ShareView:
    return ShareView(
        link_id=link.id,
        item_id=item_id,
        action=action,
        at=now,
        visitor=visitor.who,
        address=visitor.address,
    )


def _views(link: ShareLink, since: datetime) -> Select[int]:
    """Counts the link's visits since `since` (narrow it with more conditions)."""
    return select(func.count()).where(ShareView.link_id == link.id, ShareView.at >= since)


def record_time(
    session: Session, link: ShareLink, view_id: int, *, visitor: Visitor, seconds: int
) -> None:
    """How long the buyer kept an item open (sent when they leave it); it only ever grows."""
    view = session.get(ShareView, view_id)
    mine = view is not None and view.visitor == visitor.who
    if view is None or view.link_id != link.id or not mine or view.action != "view":
        raise NotFound(_("No such visit."))
    view.seconds = max(view.seconds, min(seconds, 4 * 3600))
    session.flush()


def buyer_file(
    session: Session, link: ShareLink, item_id: int, *, store: FileStore, now: datetime
) -> tuple[str, str, bytes]:
    """(file name, media type, bytes) of an item on the link: the uploaded file itself, or a PDF
    rendered from customer-shareable sources only."""
    return rendering.item_file(session, SYSTEM, shown_item(link, item_id), store=store, now=now)


def may_preview(item: Item) -> bool:
    """Can the buyer see the item's pages in the page (a PDF or image), or only download it?"""
    return item.kind != "asset" or (
        item.file is not None and preview.previewable(item.file.media_type)
    )


def buyer_pages(
    session: Session, link: ShareLink, item_id: int, *, store: FileStore, now: datetime
) -> int:
    """How many of the item's pages the buyer can see in the page."""
    _unused, media_type, data = buyer_file(session, link, item_id, store=store, now=now)
    return preview.page_count(data, media_type)


def buyer_page(
    session: Session, link: ShareLink, item_id: int, number: int, *, store: FileStore, now: datetime
) -> bytes:
    """Page `number` of an item on the link, as a PNG."""
    _unused, media_type, data = buyer_file(session, link, item_id, store=store, now=now)
    drawn = preview.page(data, media_type, number, store=store)
    if drawn is None:
        raise NotFound(_("That page has no preview."))
    return drawn


@dataclass(frozen=True)
class Visited:
    """A link buyers opened lately: how often, and when last."""

    link: ShareLink
    visits: int
    last_at: datetime


def recent_visits(
    session: Session, actor: Principal, *, since: datetime, limit: int = 5
) -> list[Visited]:
    """The actor's own links buyers opened or read since `since`, most recently visited first."""
    require(actor, Action.SHARE_WITH_BUYERS)
    last = func.max(ShareView.at)
    rows = session.execute(
        select(ShareView.link_id, func.count(ShareView.id), last)
        .join(ShareLink, ShareLink.id == ShareView.link_id)
        .where(
            ShareLink.owner_id == actor.id,
            ShareView.at >= since,
            ShareView.action.in_(("open", "view", "download")),
        )
        .group_by(ShareView.link_id)
        .order_by(last.desc())
        .limit(limit)
    ).all()
    links = {
        link.id: link
        for link in session.scalars(
            select(ShareLink).where(ShareLink.id.in_([r[0] for r in rows])).options(*LOADED)
        )
    }
    return [Visited(links[link_id], visits, at) for link_id, visits, at in rows]
