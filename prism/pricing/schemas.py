"""API shapes of pricing and packaging. Amounts travel as exact decimal text ("49.90") beside
their integer minor units, never as JSON floats."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import BeforeValidator, Field, StringConstraints, ValidationInfo, field_validator

from prism.i18n import _
from prism.knowledge.kinds import DiscountBand
from prism.pricing.models import Banding, Period, Unit
from prism.schemas import AccountRef, Id, Input, Output, Ref

Currency = Annotated[
    str,
    BeforeValidator(lambda v: v.strip().upper() if isinstance(v, str) else v),
    StringConstraints(pattern=r"^[A-Z]{3}$"),
    Field(description="ISO 4217 code: USD, EUR, CNY…"),
]
Amount = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=30),
    Field(description='An exact amount as text, e.g. "49.90"; never a float.', examples=["49.90"]),
]
Limit = Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)]


class BandIn(Input):
    from_units: int = Field(ge=1, le=10**9, description="The band starts at this many units.")
    amount: Amount


class PriceIn(Input):
    """A list price for an edition or add-on from `effective_from` on (today or later: earlier
    prices are history and stay as they were)."""

    item_id: Id
    period: Period = Period.YEAR
    unit: Unit = Unit.FLAT
    banding: Banding = Banding.VOLUME
    effective_from: date
    bands: Annotated[list[BandIn], Field(min_length=1, max_length=20)]

    @field_validator("bands")
    @classmethod
    def _bands_in_order(cls, bands: list[BandIn], info: ValidationInfo) -> list[BandIn]:
        starts = [b.from_units for b in bands]
        if starts[0] != 1 or starts != sorted(set(starts)):
            raise ValueError(_("Volume bands start at 1 unit and go up, each once."))
        if info.data.get("unit") == Unit.FLAT and len(starts) > 1:
            raise ValueError(_("A flat price has one amount, not volume bands."))
        return bands


class MoveIn(Input):
    """A feature's move in a launch's packaging change: into `to_id`, out of `from_id`, or from
    one edition or add-on to another, with its limit where it lands."""

    feature_id: Id
    from_id: Id | None = None
    to_id: Id | None = None
    limit: Limit = ""


class BookIn(Input):
    product_id: Id
    currency: Currency
    public: bool = False


class BookUpdate(Input):
    version: Id
    public: bool


class InclusionIn(Input):
    """Whether an edition or add-on carries a feature, and its limit there."""

    version: Id
    included: bool
    limit: Limit = ""


class DiscountsIn(Input):
    """The deal desk's guidance for an edition: who approves how much, and the floor."""

    version: Id
    bands: Annotated[list[DiscountBand], Field(max_length=10)] = []
    floor_discount_percent: int | None = Field(default=None, ge=0, le=100)


class QuoteIn(Input):
    item_id: Id
    currency: Currency
    period: Period = Period.YEAR
    units: int = Field(default=1, ge=1, le=10**9)
    discount_percent: int = Field(default=0, ge=0, le=100)
    on: date | None = Field(
        default=None, description="The day whose prices apply; today if left out."
    )
    with_edition_id: Id | None = Field(
        default=None,
        description="For an add-on: the edition of the deal; refused if the add-on does not go "
        "with it.",
    )


class BandOut(Output):
    from_units: int
    amount_minor: int
    amount: str


class PriceOut(Output):
    id: int
    item: Ref
    period: Period
    unit: Unit
    banding: Banding
    effective_from: date
    currency: str
    bands: list[BandOut]
    held: bool = Field(
        default=False, description="Part of a launch's packaging change, in force once it is GA."
    )


class BookOut(Output):
    id: int
    product: Ref
    currency: str
    public: bool
    version: int
    in_force: list[PriceOut]
    scheduled: list[PriceOut]


class CellOut(Output):
    feature_id: int
    limit: str


class PackageOut(Output):
    """An edition or add-on as the grid shows it, with the deal desk's discount guidance (for
    our own team: no customer output prints it)."""

    id: int
    kind: str
    title: str
    status: str
    version: int
    rank: int
    for_whom: str
    features: list[CellOut]
    differentiates: bool
    discount_bands: list[DiscountBand]
    floor_discount_percent: int | None


class PackagingOut(Output):
    product: Ref
    editions: list[PackageOut]
    add_ons: list[PackageOut]
    features: list[Ref]
    unpackaged: list[Ref]
    books: list[BookOut]
    on: date


class QuoteOut(Output):
    item: Ref
    currency: str
    period: Period
    unit: Unit
    units: int
    unit_amount: str
    list_total_minor: int
    list_total: str
    discount_percent: int
    net_total_minor: int
    net_total: str
    effective_from: date
    # The deal desk's guidance, for our own team: who approves the discount, whether it goes
    # below the floor, and the floor price (None: the edition has none).
    approver: str
    below_floor: bool
    floor_total: str | None = None
    goes_with: list[Ref] = Field(
        default=[], description="For an add-on: the editions it may be bought with."
    )


class PriceReportOut(Output):
    rows: int
    created: int
    replaced: int
    unchanged: int
    books_created: int
    books_changed: int
    dry_run: bool
    summary: str


class HoldingReportOut(Output):
    source: str
    rows: int
    created: int
    updated: int
    unchanged: int
    dry_run: bool
    summary: str


class HoldingOut(Output):
    id: int
    product: Ref
    package: Ref
    quantity: int
    renewal_on: date | None


class WhitespaceCellOut(Output):
    product: Ref
    edition: Ref | None = Field(description="None: current accounts holding nothing of it.")
    accounts: int
    arr: int


class AskedOut(Output):
    id: int
    text: str


class UpgradeAccountOut(Output):
    account: AccountRef
    holds: Ref
    asked: list[AskedOut]


class OpportunityOut(Output):
    product: Ref
    feature: Ref
    to: Ref
    accounts: list[UpgradeAccountOut]
    arr: int
    summary: str


class UpsellOut(Output):
    opportunities: list[OpportunityOut]
    unpackaged: list[Ref] = Field(description="Features customers ask for that no edition has.")
