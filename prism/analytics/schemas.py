"""API shapes for the dashboards."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field

from prism.deals.models import Outcome
from prism.launches.models import Health
from prism.launches.models import Stage as LaunchStage
from prism.schemas import Output


def _most_first(counts: Mapping[str, int] | Iterable[tuple[str, int]]) -> dict[str, int]:
    pairs = counts.items() if isinstance(counts, Mapping) else counts
    return dict(sorted(pairs, key=lambda pair: -pair[1]))


# A tally of names (reasons, competitors) answered most frequent first.
MostFirst = Annotated[dict[str, int], BeforeValidator(_most_first)]
Ratio = Annotated[float, AfterValidator(lambda ratio: round(ratio, 3))]


class RateOut(Output):
    won: int
    closed: int = Field(description="The closed deals the rate is measured on (its sample).")
    # Read from `Rate.value`, answered as `rate`.
    rate: float | None = Field(
        validation_alias="value", description="won / closed; null with no closed deal."
    )


class AssetInfluenceOut(Output):
    item_id: int
    title: str
    kind: str
    deals: int = Field(description="Deals it was in front of before they closed.")
    open_deals: int
    pipeline: int = Field(description="Value of the open deals it was in front of.")
    won_deals: int
    won_revenue: int
    with_it: RateOut
    without_it: RateOut
    lift: float | None = Field(description="Win rate with it minus win rate without it.")


class InfluenceOut(Output):
    since: date | None
    until: date | None
    product_id: int | None
    team_id: int | None
    closed_deals: int
    deals_touched: int
    overall: RateOut
    assets: list[AssetInfluenceOut]


class TouchedOut(Output):
    deal_id: int
    name: str
    customer: str
    value: int
    currency: str
    outcome: Outcome
    closed_at: datetime | None
    first_at: datetime = Field(description="When the asset was first in front of the deal.")


class AssetDealsOut(Output):
    item_id: int
    title: str
    kind: str
    deals: list[TouchedOut]


class CardUseOut(Output):
    competitor_id: int
    competitor: str
    battlecards: int
    uses: int = Field(description="Uses of its battlecards in the period, for a deal or not.")
    deals: int = Field(description="Deals in scope that named the competitor.")
    with_card: RateOut
    without_card: RateOut


class ContentRowOut(Output):
    item_id: int
    title: str
    kind: str
    uses: int
    stale: list[str] = Field(description="Why it is stale; empty when it is fresh.")


class QuadrantOut(Output):
    name: str
    items: int


class ContentHealthOut(Output):
    quadrants: list[QuadrantOut]
    attention: list[ContentRowOut] = Field(description="Stale or unused content, worst first.")


class LaunchStandingOut(Output):
    launch_id: int
    name: str
    tier: int
    stage: LaunchStage
    checkpoint_day: int | None
    health: Health | None
    on_track: int
    metrics: int


class TallyOut(Output):
    name: str
    deals: int
    won: int
    lost: int
    won_value: int
    lost_value: int
    win_rate: Ratio
    reasons: MostFirst = Field(description="Loss reasons given, most frequent first.")


class ChurnOut(Output):
    accounts: int
    arr: int = Field(description="The ARR of the accounts that left.")
    reasons: MostFirst
    competitors: MostFirst


class WinLossOut(Output):
    since: date | None
    until: date | None
    overall: TallyOut
    by_competitor: list[TallyOut]
    by_segment: list[TallyOut]
    by_product: list[TallyOut]
    win_reasons: MostFirst
    churn: ChurnOut
    unexplained: int = Field(description="Closed deals nobody gave a reason for.")
    explained_only: bool = Field(
        description="True when the figures count only the deals someone gave a reason for."
    )
