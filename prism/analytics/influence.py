"""Content influence: for each asset, the deals it was in front of before they closed, the open
pipeline and won revenue of those deals, and the win rate of deals that used it against deals
that did not, with both sample sizes; and, per competitor, how often its battlecards were used
and the win rate against it with and without them.

A deal is *touched* by an item when someone viewed or downloaded the item for the deal, shared it
on the deal's link, or the buyer opened it there, at or before the deal closed (any time, for a
deal still open). Touches are counted once per (item, deal), however many events there were:
`usage.write` keeps each pair's first touch in `deal_touches` as it writes the events.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy import ColumnElement, and_, case, exists, func, or_, select
from sqlalchemy.orm import Session, aliased

from prism.analytics.answers import remembered
from prism.analytics.models import DealTouch, UsageEvent
from prism.auth.policy import Action, Principal, require
from prism.deals.models import Deal, DealFocus, Outcome
from prism.errors import Invalid, NotFound
from prism.i18n import _
from prism.knowledge.access import readable_by
from prism.knowledge.models import Item, ItemLink
from prism.people.models import User


@dataclass(frozen=True)
class Scope:
    """Which deals a dashboard counts: those closed in [since, until] (every closed deal when
    open-ended), the pipeline still open, narrowed to a product sold or a team's sellers."""

    since: date | None = None
    until: date | None = None
    product_id: int | None = None
    team_id: int | None = None

    def checked(self) -> Scope:
        """This scope, or `Invalid` when its period ends before it starts."""
        if self.since and self.until and self.since > self.until:
            raise Invalid.about("until", _("The period ends before it starts."))
        return self

    def deals(self) -> list[ColumnElement[bool]]:
        """Conditions on `Deal` for the deals in scope."""
        closed: list[ColumnElement[bool]] = [Deal.outcome != Outcome.OPEN]
        if self.since is not None:
            closed.append(Deal.closed_at >= datetime.combine(self.since, time.min, tzinfo=UTC))
        if self.until is not None:
            closed.append(Deal.closed_at <= datetime.combine(self.until, time.max, tzinfo=UTC))
        found: list[ColumnElement[bool]] = [or_(Deal.outcome == Outcome.OPEN, and_(*closed))]
        if self.product_id is not None:
            # Aliased: a query that reads deal_focus itself (battlecards) must not correlate it.
            sold = aliased(DealFocus)
            found.append(exists().where(sold.deal_id == Deal.id, sold.item_id == self.product_id))
        if self.team_id is not None:
            found.append(Deal.owner_id.in_(select(User.id).where(User.team_id == self.team_id)))
        return found

    def uses(self) -> list[ColumnElement[bool]]:
        """Conditions on `UsageEvent` for the uses made in the period."""
        found: list[ColumnElement[bool]] = []
        if self.since is not None:
            found.append(UsageEvent.at >= datetime.combine(self.since, time.min, tzinfo=UTC))
        if self.until is not None:
            found.append(UsageEvent.at <= datetime.combine(self.until, time.max, tzinfo=UTC))
        return found


@dataclass(frozen=True)
class Rate:
    """A win rate with the closed deals it is measured on."""

    won: int
    closed: int

    @property
    def value(self) -> float | None:
        return self.won / self.closed if self.closed else None


@dataclass(frozen=True)
class AssetInfluence:
    item_id: int
    title: str
    kind: str
    deals: int  # distinct deals touched
    open_deals: int
    pipeline: int  # value of the open deals touched
    won_deals: int
    won_revenue: int
    with_it: Rate
    without_it: Rate

    @property
    def lift(self) -> float | None:
        """Percentage points the win rate with it is above (or below) the rate without."""
        if self.with_it.value is None or self.without_it.value is None:
            return None
        return self.with_it.value - self.without_it.value


@dataclass(frozen=True)
class Influence:
    scope: Scope
    assets: list[AssetInfluence]  # by won revenue, then pipeline
    overall: Rate  # every closed deal in scope
    deals_touched: int  # deals in scope with at least one asset in front of them
    closed_deals: int


def _before_close() -> ColumnElement[bool]:
    return or_(Deal.closed_at.is_(None), DealTouch.first_at <= Deal.closed_at)


def _closed(session: Session, scope: Scope) -> Rate:
    won, closed = session.execute(
        select(
            func.coalesce(func.sum(case((Deal.outcome == Outcome.WON, 1), else_=0)), 0),
            func.coalesce(func.sum(case((Deal.outcome != Outcome.OPEN, 1), else_=0)), 0),
        ).where(*scope.deals())
    ).one()
    return Rate(int(won), int(closed))


def influence(session: Session, actor: Principal, scope: Scope, *, limit: int = 50) -> Influence:
    """The assets that were in front of the most won revenue (then open pipeline) in scope;
    remembered until the data changes (see `analytics.answers`)."""
    require(actor, Action.READ_ANALYTICS)
    key = ("influence", actor.id, scope, limit)
    return remembered(session, key, lambda: _influence(session, actor, scope, limit))


def _influence(session: Session, actor: Principal, scope: Scope, limit: int) -> Influence:
    is_open, is_won = Deal.outcome == Outcome.OPEN, Deal.outcome == Outcome.WON
    closed = Deal.outcome != Outcome.OPEN
    # Added up by item alone (from the touches' index), then the top rows get their titles.
    totals = (
        select(
            DealTouch.item_id.label("item_id"),
            func.count().label("deals"),
            func.sum(case((is_open, 1), else_=0)).label("open_deals"),
            func.sum(case((is_open, Deal.value), else_=0)).label("pipeline"),
            func.sum(case((is_won, 1), else_=0)).label("won"),
            func.sum(case((is_won, Deal.value), else_=0)).label("won_revenue"),
            func.sum(case((closed, 1), else_=0)).label("closed"),
        )
        .join(Deal, Deal.id == DealTouch.deal_id)
        .where(_before_close(), *scope.deals())
        .group_by(DealTouch.item_id)
        .subquery()
    )
    rows = session.execute(
        select(
            totals.c.item_id,
            Item.title,
            Item.kind,
            totals.c.deals,
            totals.c.open_deals,
            totals.c.pipeline,
            totals.c.won,
            totals.c.won_revenue,
            totals.c.closed,
        )
        .join(Item, Item.id == totals.c.item_id)
        .where(readable_by(actor))  # a draft's title is not shown to who may not read it
        .order_by(totals.c.won_revenue.desc(), totals.c.pipeline.desc(), totals.c.item_id)
        .limit(limit)
    ).all()
    overall = _closed(session, scope)
    assets = [
        AssetInfluence(
            item_id=item_id,
            title=title,
            kind=kind,
            deals=deals,
            open_deals=int(open_deals),
            pipeline=int(pipe),
            won_deals=int(won),
            won_revenue=int(revenue),
            with_it=Rate(int(won), int(closed_n)),
            without_it=Rate(overall.won - int(won), overall.closed - int(closed_n)),
        )
        for item_id, title, kind, deals, open_deals, pipe, won, revenue, closed_n in rows
    ]
    touched = (
        session.scalar(
            select(func.count())
            .select_from(Deal)
            .where(*scope.deals(), exists().where(DealTouch.deal_id == Deal.id, _before_close()))
        )
        or 0
    )
    return Influence(
        scope=scope,
        assets=assets,
        overall=overall,
        deals_touched=int(touched),
        closed_deals=overall.closed,
    )


@dataclass(frozen=True)
class Touched:
    """One deal an asset was in front of, and when it first was."""

    deal_id: int
    name: str
    customer: str
    value: int
    currency: str
    outcome: Outcome
    closed_at: datetime | None
    first_at: datetime


def deals_touched(
    session: Session, actor: Principal, item_id: int, scope: Scope, *, limit: int = 200
) -> tuple[Item, list[Touched]]:
    """The asset and the deals in scope it was in front of before they closed: won first, then
    open, then lost, the largest first."""
    require(actor, Action.READ_ANALYTICS)
    item = session.scalar(select(Item).where(Item.id == item_id, readable_by(actor)))
    if item is None:
        raise NotFound(_("No item {item_id}.", item_id=item_id))
    order = case((Deal.outcome == Outcome.WON, 0), (Deal.outcome == Outcome.OPEN, 1), else_=2)
    rows = session.execute(
        select(
            Deal.id, Deal.name, Deal.customer, Deal.value, Deal.currency, Deal.outcome,
            Deal.closed_at, DealTouch.first_at,
        )
        .join(Deal, Deal.id == DealTouch.deal_id)
        .where(DealTouch.item_id == item_id, _before_close(), *scope.deals())
        .order_by(order, Deal.value.desc(), Deal.id)
        .limit(limit)
    )  # fmt: skip
    return item, [Touched(*row) for row in rows]


@dataclass(frozen=True)
class CardUse:
    """Battlecards about one competitor, and the deals that faced it."""

    competitor_id: int
    competitor: str
    battlecards: int
    uses: int  # uses of its battlecards in the period, for a deal or not
    deals: int  # deals in scope that named the competitor
    with_card: Rate  # closed deals facing it where one of its battlecards was used
    without_card: Rate


def battlecards(session: Session, actor: Principal, scope: Scope) -> list[CardUse]:
    """Each competitor with battlecards or deals: battlecard use, and the win rate against it
    when a battlecard about it was in front of the deal and when none was; remembered until
    the data changes (see `analytics.answers`)."""
    require(actor, Action.READ_ANALYTICS)
    key = ("battlecards", actor.id, scope)
    return list(remembered(session, key, lambda: tuple(_battlecards(session, actor, scope))))


def _battlecards(session: Session, actor: Principal, scope: Scope) -> list[CardUse]:
    competitors: dict[int, str] = dict(
        session.execute(
            select(Item.id, Item.title)
            .where(Item.kind == "competitor", readable_by(actor))
            .order_by(Item.title)
        ).all()
    )
    about: dict[int, set[int]] = defaultdict(set)  # battlecard → the competitors it is about
    for card_id, competitor_id in session.execute(
        select(ItemLink.source_id, ItemLink.target_id)
        .join(Item, Item.id == ItemLink.source_id)
        .where(ItemLink.relation == "competitor", Item.kind == "battlecard")
    ):
        about[card_id].add(competitor_id)
    card_counts: Counter[int] = Counter(c for covered in about.values() for c in covered)
    # Every event about an item is a use (searches name no item): counted from the index alone.
    uses: Counter[int] = Counter()
    for item_id, count in session.execute(
        select(UsageEvent.item_id, func.count())
        .where(UsageEvent.item_id.in_(list(about)), *scope.uses())
        .group_by(UsageEvent.item_id)
    ):
        for competitor_id in about.get(item_id or 0, ()):
            uses[competitor_id] += count
    # Which (competitor, deal) had one of its battlecards in front of it, then the deals in
    # scope facing each competitor: tens of thousands of rows at most, tallied here.
    carded = {
        (competitor_id, deal_id)
        for card_id, deal_id in session.execute(
            select(DealTouch.item_id, DealTouch.deal_id)
            .join(Deal, Deal.id == DealTouch.deal_id)
            .where(DealTouch.item_id.in_(list(about)), _before_close(), *scope.deals())
        )
        for competitor_id in about[card_id]
    }
    tallies: dict[int, list[int]] = {}
    for cid, deal_id, outcome in session.execute(
        select(DealFocus.item_id, Deal.id, Deal.outcome)
        .join(Deal, Deal.id == DealFocus.deal_id)
        .where(DealFocus.item_id.in_(list(competitors)), *scope.deals())
    ):
        # deals, then won and closed with a card, then won and closed without one
        tally = tallies.setdefault(cid, [0, 0, 0, 0, 0])
        tally[0] += 1
        column = 1 if (cid, deal_id) in carded else 3
        tally[column] += outcome is Outcome.WON
        tally[column + 1] += outcome is not Outcome.OPEN
    found = []
    for cid, title in competitors.items():
        if cid not in tallies and cid not in card_counts:
            continue
        deals, ww, wc, nw, nc = tallies.get(cid, [0, 0, 0, 0, 0])
        found.append(
            CardUse(
                competitor_id=cid,
                competitor=title,
                battlecards=card_counts.get(cid, 0),
                uses=uses.get(cid, 0),
                deals=deals,
                with_card=Rate(ww, wc),
                without_card=Rate(nw, nc),
            )
        )
    return sorted(found, key=lambda c: (-c.deals, c.competitor))
