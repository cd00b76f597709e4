"""Deals: record the context a seller works in, change it, close it as won or lost with the
reason (which the feedback loop takes in)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from rapidfuzz import fuzz, process
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, selectinload

from prism.accounts.models import Account
from prism.auth.policy import Action, Principal, can, require
from prism.db import holds_words
from prism.deals.models import Deal, DealFocus, Outcome, Stage
from prism.deals.schemas import CloseIn, DealIn, DealUpdate
from prism.errors import Conflict, Forbidden, Invalid, NotFound, check_version
from prism.feedback import service as feedback
from prism.feedback.models import FeedbackItem, Kind, Origin
from prism.feedback.schemas import FeedbackIn
from prism.i18n import _
from prism.knowledge.models import Dimension, Facet, Item
from prism.knowledge.service import NAME_MATCH, items_of_kind
from prism.pagination import PageOf, paginate
from prism.schemas import as_id

FOCUS_KINDS = {"product_ids": "product", "persona_ids": "persona", "competitor_ids": "competitor"}
LOADED = (selectinload(Deal.focus), selectinload(Deal.industry), selectinload(Deal.owner))


def list_deals(
    session: Session,
    actor: Principal,
    *,
    limit: int = 50,
    cursor: str | None = None,
    mine: bool = False,
    q: str = "",
    outcome: Outcome | None = None,
) -> PageOf[Deal]:
    """Deals, newest first; anyone who builds kits sees the team's deals. `mine` keeps the
    actor's own, `q` those whose name, customer or CRM id holds the words (any case), `outcome`
    those open, won or lost."""
    require(actor, Action.BUILD_KITS)
    stmt = select(Deal).options(*LOADED)
    if mine:
        stmt = stmt.where(Deal.owner_id == actor.id)
    stmt = stmt.where(holds_words(q, Deal.name, Deal.customer, Deal.external_id))
    if outcome is not None:
        stmt = stmt.where(Deal.outcome == outcome)
    return paginate(session, stmt, key=Deal.id, limit=limit, cursor=cursor, newest_first=True)


def deal_choices(session: Session, actor: Principal, *, open_only: bool = False) -> list[Deal]:
    """Deals by name (the open ones, with `open_only`), for a form's picker."""
    require(actor, Action.BUILD_KITS)
    stmt = select(Deal).order_by(Deal.name).limit(300)
    if open_only:
        stmt = stmt.where(Deal.outcome == Outcome.OPEN)
    return list(session.scalars(stmt))


def get_deal(session: Session, actor: Principal, deal_id: int) -> Deal:
    require(actor, Action.BUILD_KITS)
    deal = session.scalar(select(Deal).where(Deal.id == deal_id).options(*LOADED))
    if deal is None:
        raise NotFound(_("No deal {deal_id}.", deal_id=deal_id))
    return deal


def find_deal(session: Session, actor: Principal, name_or_id: str) -> Deal:
    """The deal `name_or_id` names: its id, or its name or customer typed loosely."""
    require(actor, Action.BUILD_KITS)
    name = name_or_id.strip()
    if (deal_id := as_id(name)) is not None:
        return get_deal(session, actor, deal_id)
    choices = {
        (deal_id, label): label.casefold()
        for deal_id, deal_name, customer in session.execute(
            select(Deal.id, Deal.name, Deal.customer)
        )
        for label in (deal_name, customer)
    }
    best = process.extractOne(name.casefold(), choices, scorer=fuzz.WRatio, score_cutoff=NAME_MATCH)
    if best is None:
        raise NotFound(
            _("No deal called {name!r}, nor one for a customer of that name.", name=name)
        )
    return get_deal(session, actor, best[2][0])


def require_owner(actor: Principal, deal: Deal) -> None:
    """Sellers change their own deals (and their kits); editors and admins change any."""
    require(actor, Action.BUILD_KITS)
    if deal.owner_id != actor.id and not can(actor, Action.CURATE_KITS):
        raise Forbidden(_("Only the deal's owner (or an editor) may change this deal and its kit."))


def create_deal(
    session: Session, actor: Principal, data: DealIn, *, currency: str, now: datetime
) -> Deal:
    require(actor, Action.BUILD_KITS)
    deal = Deal(owner_id=actor.id, currency=data.currency or currency)
    _apply(session, actor, deal, data.model_dump(exclude={"currency"}), now)
    return get_deal(session, actor, deal.id)


def update_deal(
    session: Session, actor: Principal, deal_id: int, data: DealUpdate, *, now: datetime
) -> Deal:
    deal = get_deal(session, actor, deal_id)
    require_owner(actor, deal)
    check_version("deal", data.version, deal.version)
    _apply(session, actor, deal, data.model_dump(exclude={"version"}, exclude_unset=True), now)
    deal.updated_at = now  # every change bumps the version, focus changes included
    session.flush()
    return get_deal(session, actor, deal.id)


def _apply(
    session: Session, actor: Principal, deal: Deal, values: dict[str, Any], now: datetime
) -> None:
    focus = {k: values.pop(k) for k in FOCUS_KINDS if k in values}
    if values.get("industry_id") is not None:
        _check_industry(session, values["industry_id"])
    outcome = values.get("outcome")
    if outcome is not None:
        before = deal.closed_at if deal.outcome == outcome else None
        values["stage"], deal.closed_at = closing(
            outcome, values.get("stage") or deal.stage or Stage.DISCOVERY, before=before, now=now
        )
    for name, value in values.items():
        setattr(deal, name, value)
    session.add(deal)
    session.flush()
    if focus:
        _set_focus(session, actor, deal, focus)


def closing(
    outcome: Outcome,
    stage: Stage,
    *,
    on: date | None = None,
    before: datetime | None = None,
    now: datetime,
) -> tuple[Stage, datetime | None]:
    """A deal's stage and the moment it closed, given its outcome: an open deal keeps its
    stage and has not closed; a won or lost one is at the closed stage and closed on the day
    its CRM says (`on`, at noon UTC), else when Prism first saw it closed (`before`), else
    `now`."""
    if outcome is Outcome.OPEN:
        return stage, None
    if on is not None:
        return Stage.CLOSED, datetime.combine(on, time(12), tzinfo=UTC)
    return Stage.CLOSED, before or now


def _check_industry(session: Session, facet_id: int) -> None:
    facet = session.get(Facet, facet_id)
    if facet is None or facet.dimension != Dimension.INDUSTRY:
        raise Invalid.about("industry_id", _("No industry {facet_id}.", facet_id=facet_id))


def _set_focus(session: Session, actor: Principal, deal: Deal, focus: dict[str, list[int]]) -> None:
    current = {
        i.id: i.kind
        for i in session.scalars(
            select(Item)
            .join(DealFocus, DealFocus.item_id == Item.id)
            .where(DealFocus.deal_id == deal.id)
        )
    }
    wanted = {
        i
        for field, kind in FOCUS_KINDS.items()
        if field not in focus
        for i, k in current.items()
        if k == kind
    }
    for field, ids in focus.items():
        chosen = items_of_kind(session, actor, ids, FOCUS_KINDS[field], field=field)
        wanted.update(i.id for i in chosen)
    session.execute(delete(DealFocus).where(DealFocus.deal_id == deal.id))
    session.add_all(DealFocus(deal_id=deal.id, item_id=i) for i in sorted(wanted))
    session.flush()
    session.expire(deal, ["focus"])


def account_of(session: Session, deal: Deal) -> Account | None:
    """The deal's account: the one it is linked to (a CRM import links it), else the one its
    customer's name finds (ignoring case), if Prism knows it."""
    if deal.account_id is not None:
        return session.get(Account, deal.account_id)
    named = deal.customer.strip().lower()
    return session.scalar(select(Account).where(func.lower(Account.name) == named))


def close_deal(
    session: Session, actor: Principal, deal_id: int, data: CloseIn, *, now: datetime
) -> FeedbackItem:
    """Close an open deal as won or lost with its reason, or give the reason for a deal that
    closed already. The reason becomes a feedback item on the deal, its account and product,
    and joins the themes like everything else the field says."""
    deal = get_deal(session, actor, deal_id)
    require_owner(actor, deal)
    check_version("deal", data.version, deal.version)
    feedback.require_competitor(session, actor, data.reason, data.competitor_id)
    if deal.outcome is Outcome.OPEN:
        update_deal(
            session, actor, deal.id, DealUpdate(version=deal.version, outcome=data.outcome), now=now
        )
    elif deal.outcome is not data.outcome:
        raise Conflict(
            _(
                "This deal was {outcome}, not {outcome2}.",
                outcome=deal.outcome.value,
                outcome2=data.outcome.value,
            )
        )
    account = account_of(session, deal)
    products = [i.id for i in deal.focus if i.kind == "product"]
    said = FeedbackIn(
        text=data.text,
        kind=Kind.WIN_REASON if data.outcome is Outcome.WON else Kind.LOSS_REASON,
        reason=data.reason,
        said_on=now.date(),
        product_id=products[0] if products else None,
        competitor_id=data.competitor_id,
        account_id=account.id if account else None,
        deal_id=deal.id,
    )
    return feedback.submit(session, actor, said, origin=Origin.DEAL, today=now.date())
