"""What a theme weighs: how many items, accounts and people said it, the ARR of those accounts,
the open pipeline it touches, the deals lost over it, and how often it came up month by month."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from prism.accounts.models import Account
from prism.db import utcnow
from prism.deals.models import Deal, Outcome
from prism.feedback.models import FeedbackItem, Kind
from prism.i18n import _, ngettext, short_money
from prism.knowledge.models import Item

TREND_MONTHS = 6


@dataclass(frozen=True)
class LostDeals:
    """Deals lost to one competitor (or to no one named) over a theme."""

    competitor: str | None
    deals: int
    value: int

    @property
    def sentence(self) -> str:
        worth = short_money(self.value)
        if self.competitor:
            return ngettext(
                "Lost {count} deal worth {worth} to {competitor}",
                "Lost {count} deals worth {worth} to {competitor}",
                self.deals,
                worth=worth,
                competitor=self.competitor,
            )
        return ngettext(
            "Lost {count} deal worth {worth}",
            "Lost {count} deals worth {worth}",
            self.deals,
            worth=worth,
        )


@dataclass
class Weight:
    """What a theme weighs: how many said it, for how much revenue, how lately."""

    items: int = 0
    accounts: int = 0
    submitters: int = 0
    arr: int = 0
    open_pipeline: int = 0
    kinds: dict[str, int] = field(default_factory=dict)
    reasons: dict[str, int] = field(default_factory=dict)
    lost: list[LostDeals] = field(default_factory=list)
    trend: dict[str, int] = field(default_factory=dict)
    first_said: date | None = None
    last_said: date | None = None

    @property
    def impact(self) -> int:
        """The revenue behind the theme: the accounts' ARR plus the open pipeline."""
        return self.arr + self.open_pipeline

    @property
    def sentence(self) -> str:
        return _(", ").join(
            [
                ngettext("{count} item", "{count} items", self.items),
                ngettext("{count} account", "{count} accounts", self.accounts),
                ngettext("{count} submitter", "{count} submitters", self.submitters),
                _("ARR {arr}", arr=short_money(self.arr)),
                _("open pipeline {pipeline}", pipeline=short_money(self.open_pipeline)),
            ]
        )


def months_back(today: date, count: int = TREND_MONTHS) -> list[str]:
    """The last `count` months as YYYY-MM, oldest first, this month last."""
    year, month = today.year, today.month
    out = []
    for _step in range(count):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return out[::-1]


def weights(
    session: Session,
    theme_ids: Iterable[int] | None = None,
    *,
    product_id: int | None = None,
    since: date | None = None,
    today: date | None = None,
) -> dict[int, Weight]:
    """Each theme's weight, from one query over its items, their accounts and deals. With
    `product_id` or `since`, only the items about that product or said since then count."""
    competitor = aliased(Item)
    stmt = (
        select(
            FeedbackItem.theme_id,
            FeedbackItem.kind,
            FeedbackItem.reason,
            FeedbackItem.submitter_id,
            FeedbackItem.said_on,
            FeedbackItem.account_id,
            Account.arr,
            FeedbackItem.deal_id,
            Deal.value.label("deal_value"),
            Deal.outcome,
            competitor.title.label("competitor"),
        )
        .outerjoin(Account, Account.id == FeedbackItem.account_id)
        .outerjoin(Deal, Deal.id == FeedbackItem.deal_id)
        .outerjoin(competitor, competitor.id == FeedbackItem.competitor_id)
        .where(FeedbackItem.theme_id.is_not(None))
    )
    if theme_ids is not None:
        stmt = stmt.where(FeedbackItem.theme_id.in_(list(theme_ids)))
    if product_id is not None:
        stmt = stmt.where(FeedbackItem.product_id == product_id)
    if since is not None:
        stmt = stmt.where(FeedbackItem.said_on >= since)
    grouped: dict[int, list[Any]] = defaultdict(list)
    for row in session.execute(stmt):
        grouped[row.theme_id].append(row)
    months = months_back(today or utcnow().date())
    return {theme_id: _weigh(rows, months) for theme_id, rows in grouped.items()}


def _weigh(rows: list[Any], months: list[str]) -> Weight:
    # Each account and deal counts once, however many items name it.
    arr = {r.account_id: r.arr or 0 for r in rows if r.account_id is not None}
    open_deals = {
        r.deal_id: r.deal_value or 0
        for r in rows
        if r.deal_id is not None and r.outcome == Outcome.OPEN
    }
    lost: dict[str | None, dict[int, int]] = defaultdict(dict)
    for r in rows:
        if r.kind == Kind.LOSS_REASON and r.deal_id is not None and r.outcome == Outcome.LOST:
            lost[r.competitor][r.deal_id] = r.deal_value or 0
    said = [r.said_on for r in rows]
    per_month = Counter(day.strftime("%Y-%m") for day in said)
    return Weight(
        items=len(rows),
        accounts=len(arr),
        submitters=len({r.submitter_id for r in rows if r.submitter_id is not None}),
        arr=sum(arr.values()),
        open_pipeline=sum(open_deals.values()),
        kinds=dict(Counter(Kind(r.kind).value for r in rows).most_common()),
        reasons=dict(Counter(r.reason.value for r in rows if r.reason).most_common()),
        lost=sorted(
            (LostDeals(name, len(deals), sum(deals.values())) for name, deals in lost.items()),
            key=lambda x: -x.value,
        ),
        trend={month: per_month.get(month, 0) for month in months},
        first_said=min(said),
        last_said=max(said),
    )
