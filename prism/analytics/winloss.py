"""Win/loss: closed deals added up by competitor, segment and product with the reasons given
(feedback items on the deals), and the accounts that left, with theirs."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from prism.accounts.models import Account
from prism.analytics.influence import Scope
from prism.auth.policy import Action, Principal, require
from prism.deals.models import Deal, Outcome
from prism.feedback.models import FeedbackItem, Kind, Reason
from prism.i18n import N_, _, translate
from prism.people.models import User

UNKNOWN_SEGMENT = N_("no segment")


@dataclass
class Tally:
    """Closed deals of one competitor, segment or product."""

    name: str
    won: int = 0
    lost: int = 0
    won_value: int = 0
    lost_value: int = 0
    reasons: Counter[str] = field(default_factory=Counter)

    @property
    def deals(self) -> int:
        return self.won + self.lost

    @property
    def win_rate(self) -> float:
        return self.won / self.deals if self.deals else 0.0

    def count(self, deal: Deal, reasons: Iterable[Reason]) -> None:
        if deal.outcome is Outcome.WON:
            self.won, self.won_value = self.won + 1, self.won_value + deal.value
        else:
            self.lost, self.lost_value = self.lost + 1, self.lost_value + deal.value
            self.reasons.update(r.label for r in reasons)


@dataclass
class Churned:
    accounts: int = 0
    arr: int = 0
    reasons: Counter[str] = field(default_factory=Counter)
    competitors: Counter[str] = field(default_factory=Counter)


# The ways the view adds closed deals up.
Dimension = Literal["competitor", "segment", "product"]


@dataclass(frozen=True)
class WinLoss:
    since: date | None
    until: date | None
    overall: Tally
    by_competitor: list[Tally]
    by_segment: list[Tally]
    by_product: list[Tally]
    win_reasons: list[tuple[str, int]]
    churn: Churned
    unexplained: int  # closed deals with no reason given
    explained_only: bool = False  # were those left out of the figures?


def view(
    session: Session,
    actor: Principal,
    *,
    since: date | None = None,
    until: date | None = None,
    product_id: int | None = None,
    team_id: int | None = None,
    explained_only: bool = False,
) -> WinLoss:
    """Closed deals (and churned accounts) in the period, added up by competitor, segment and
    product, with the reasons given; only the deals of a team's people, with `team_id`; only
    the deals someone gave a reason for, with `explained_only` (the others are still counted
    in `unexplained`, so the reader knows how much the reasons cover)."""
    require(actor, Action.READ_FEEDBACK)
    closed = _closed_deals(session, since, until, product_id, team_id)
    reasons = _reasons_by_deal(session, [d.id for d in closed])
    unexplained = sum(1 for d in closed if d.id not in reasons)
    if explained_only:
        closed = [d for d in closed if d.id in reasons]
    segments = _segments(session, closed)
    overall = Tally("All closed deals")
    tallies: dict[str, dict[str, Tally]] = defaultdict(dict)
    win_reasons: Counter[str] = Counter()
    for deal in closed:
        given = reasons.get(deal.id, [])
        given_reasons = [r for r, _unused in given]
        overall.count(deal, given_reasons)
        if deal.outcome is Outcome.WON:
            win_reasons.update(r.label for r, _unused in given)
        facing = {i.title for i in deal.focus if i.kind == "competitor"}
        facing |= {name for _unused, name in given if name}
        groups = {
            "competitor": facing or {_("no competitor named")},
            "segment": {translate(segments.get(deal.id, UNKNOWN_SEGMENT))},
            "product": {i.title for i in deal.focus if i.kind == "product"} or {_("no product")},
        }
        for dimension, names in groups.items():
            for name in names:
                tallies[dimension].setdefault(name, Tally(name)).count(deal, given_reasons)
    return WinLoss(
        since=since,
        until=until,
        overall=overall,
        by_competitor=_ranked(tallies["competitor"]),
        by_segment=_ranked(tallies["segment"]),
        by_product=_ranked(tallies["product"]),
        win_reasons=win_reasons.most_common(),
        churn=_churn(session, since, until, product_id),
        unexplained=unexplained,
        explained_only=explained_only,
    )


def view_in(session: Session, actor: Principal, scope: Scope) -> WinLoss:
    """The view over a dashboard's scope: its period, product and team."""
    return view(
        session,
        actor,
        since=scope.since,
        until=scope.until,
        product_id=scope.product_id,
        team_id=scope.team_id,
    )


def _ranked(tallies: dict[str, Tally]) -> list[Tally]:
    return sorted(tallies.values(), key=lambda t: (-t.deals, t.name))


def _moment(day: date | None, *, end: bool = False) -> datetime | None:
    if day is None:
        return None
    return datetime.combine(day, time.max if end else time.min, tzinfo=UTC)


def _closed_deals(
    session: Session,
    since: date | None,
    until: date | None,
    product_id: int | None,
    team_id: int | None,
) -> list[Deal]:
    stmt = (
        select(Deal)
        .where(Deal.outcome.in_([Outcome.WON, Outcome.LOST]))
        .options(selectinload(Deal.focus))
        .order_by(Deal.id)
    )
    start, end = _moment(since), _moment(until, end=True)
    if start is not None:
        stmt = stmt.where(Deal.closed_at >= start)
    if end is not None:
        stmt = stmt.where(Deal.closed_at <= end)
    if team_id is not None:
        stmt = stmt.where(Deal.owner_id.in_(select(User.id).where(User.team_id == team_id)))
    found = list(session.scalars(stmt))
    if product_id is None:
        return found
    return [d for d in found if any(i.id == product_id for i in d.focus)]


def _reasons_by_deal(
    session: Session, deal_ids: list[int]
) -> dict[int, list[tuple[Reason, str | None]]]:
    """The structured reasons given on each deal, with the competitor each names."""
    items = session.scalars(
        select(FeedbackItem)
        .where(
            FeedbackItem.deal_id.in_(deal_ids),
            FeedbackItem.kind.in_([Kind.WIN_REASON, Kind.LOSS_REASON]),
            FeedbackItem.reason.is_not(None),
        )
        .options(selectinload(FeedbackItem.competitor))
    )
    found: dict[int, list[tuple[Reason, str | None]]] = defaultdict(list)
    for item in items:
        if item.deal_id is not None and item.reason is not None:
            found[item.deal_id].append(
                (item.reason, item.competitor.title if item.competitor else None)
            )
    return found


def _segments(session: Session, closed: list[Deal]) -> dict[int, str]:
    """Each deal's segment: its account's (the one it is linked to, else the one of its
    customer's name)."""
    linked = {d.account_id for d in closed if d.account_id is not None}
    named = {d.customer.lower() for d in closed if d.account_id is None}
    by_id: dict[int, str] = {}
    by_name: dict[str, str] = {}
    for ident, name, segment in session.execute(
        select(Account.id, Account.name, Account.segment).where(
            Account.id.in_(linked) | func.lower(Account.name).in_(named)
        )
    ):
        by_id[ident] = by_name[name.lower()] = segment or UNKNOWN_SEGMENT
    return {
        d.id: by_id.get(d.account_id, UNKNOWN_SEGMENT)
        if d.account_id is not None
        else by_name.get(d.customer.lower(), UNKNOWN_SEGMENT)
        for d in closed
    }


def _churn(
    session: Session, since: date | None, until: date | None, product_id: int | None
) -> Churned:
    """Accounts that left in the period (those that named the product, with `product_id`)."""
    stmt = select(Account).where(Account.churned_on.is_not(None))
    if since is not None:
        stmt = stmt.where(Account.churned_on >= since)
    if until is not None:
        stmt = stmt.where(Account.churned_on <= until)
    accounts = {a.id: a for a in session.scalars(stmt)}
    items = list(
        session.scalars(
            select(FeedbackItem)
            .where(
                FeedbackItem.kind == Kind.CHURN_REASON,
                FeedbackItem.account_id.in_(list(accounts)),
            )
            .options(selectinload(FeedbackItem.competitor))
        )
    )
    if product_id is not None:
        items = [i for i in items if i.product_id == product_id]
        accounts = {i.account_id: accounts[i.account_id] for i in items if i.account_id}
    churned = Churned(accounts=len(accounts), arr=sum(a.arr for a in accounts.values()))
    for item in items:
        if item.reason is not None:
            churned.reasons[item.reason.label] += 1
        if item.competitor is not None:
            churned.competitors[item.competitor.title] += 1
    return churned
