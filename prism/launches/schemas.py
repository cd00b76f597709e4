"""API shapes for launches, their bills of materials, gates, metrics and beta customers."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, StringConstraints

from prism.feedback.models import Kind
from prism.launches.gates import State
from prism.launches.models import (
    BetaStatus,
    BomStatus,
    Direction,
    Goal,
    Health,
    MetricSource,
    Stage,
    tier_problem,
)
from prism.pricing.schemas import PriceIn, PriceOut
from prism.schemas import Id, Input, Name, Output, PersonRef, Ref, TeamRef


def _known_tier(tier: int) -> int:
    problem = tier_problem(tier)
    if problem:
        raise ValueError(problem)
    return tier


TierNumber = Annotated[
    int,
    Field(description="1: new product or major release; 2: significant feature; 3: minor update."),
    AfterValidator(_known_tier),
]
Part = Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)]
Long = Annotated[str, StringConstraints(strip_whitespace=True, max_length=20_000)]
Ids = Annotated[list[Id], Field(max_length=50)]
Offset = Annotated[int, Field(ge=-730, le=730, description="Days relative to the launch date.")]
Kinds = Annotated[list[Annotated[str, StringConstraints(max_length=30)]], Field(max_length=15)]
Number = Annotated[float, Field(ge=-1e12, le=1e12, allow_inf_nan=False)]


class Positioning(Input):
    """Minimum viable positioning: for [target] who [need], [product] is a [category] that
    [benefit]; unlike [alternative], we [differentiator]."""

    target: Part = ""
    need: Part = ""
    category: Part = ""
    benefit: Part = ""
    alternative: Part = ""
    differentiator: Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] = ""


class LaunchIn(Positioning):
    name: Name
    tier: TierNumber
    target_date: date
    goal: Goal = Goal.ADOPTION
    summary: Long = ""
    owner_id: Id | None = Field(default=None, description="Defaults to whoever creates it.")
    product_id: Id = Field(description="The product item the launch is about.")
    feature_ids: Ids = []
    team_ids: Ids = Field(default=[], description="The teams this launch must ready.")


class LaunchUpdate(Input):
    version: Id
    name: Name | None = None
    target_date: date | None = None
    goal: Goal | None = None
    summary: Long | None = None
    owner_id: Id | None = None
    product_id: Id | None = None
    feature_ids: Ids | None = None
    team_ids: Ids | None = None
    target: Part | None = None
    need: Part | None = None
    category: Part | None = None
    benefit: Part | None = None
    alternative: Part | None = None
    differentiator: (
        Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)] | None
    ) = None


class MoveIn(Input):
    version: Id
    to: Stage
    override_reason: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] = (
        Field(default="", description="An admin's written reason to move despite a failed gate.")
    )


class BomItemOut(Output):
    id: int
    kind: str
    title: str
    required: bool
    status: BomStatus
    done: bool
    offset_days: int
    due_on: date
    owner: PersonRef | None
    item: Ref | None
    accepts: list[str]
    version: int


class BomItemIn(Input):
    kind: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]
    title: Name
    offset_days: Offset = 0
    required: bool = True
    accepts: Kinds = []
    owner_id: Id | None = None


class BomItemUpdate(Input):
    version: Id
    title: Name | None = None
    due_on: date | None = None
    owner_id: Id | None = None
    status: BomStatus | None = None
    required: bool | None = None
    item_id: Id | None = Field(default=None, description="The asset that stands for it.")
    unlink: bool = Field(default=False, description="Remove the linked asset.")


class FindingOut(Output):
    rule: str
    label: str
    state: State
    detail: str


class GateReportOut(Output):
    launch: str
    stage: Stage
    passed: bool
    summary: str
    findings: list[FindingOut]


class CalendarEventOut(Output):
    on: date
    what: str
    launch_id: int
    launch: str


class StageChangeOut(Output):
    from_stage: Stage
    to_stage: Stage
    at: datetime
    actor: PersonRef | None
    override_reason: str


class LaunchOut(Positioning):
    model_config = Output.model_config

    id: int
    name: str
    tier: int
    stage: Stage
    target_date: date
    ga_on: date | None
    goal: Goal
    summary: str
    owner: PersonRef | None
    product: Ref | None
    features: list[Ref]
    teams: list[TeamRef]
    version: int


class LaunchDetailOut(LaunchOut):
    bom: list[BomItemOut]
    next_gate: GateReportOut | None


class MetricIn(Input):
    name: Name
    unit: Annotated[str, StringConstraints(strip_whitespace=True, max_length=30)] = ""
    target: Number
    direction: Direction = Direction.HIGHER
    cumulative: bool = True
    source: MetricSource = MetricSource.MANUAL
    computation: str | None = Field(
        default=None, description="For computed metrics: what Prism counts (see the docs)."
    )


class MetricOut(Output):
    id: int
    name: str
    unit: str
    target: float
    direction: Direction
    cumulative: bool
    source: MetricSource
    computation: str | None
    version: int


class MeasurementIn(Input):
    measured_on: date
    value: Number


class MeasurementOut(Output):
    measured_on: date
    value: float
    source: MetricSource


class ResultOut(Output):
    metric_id: int
    metric: str
    actual: float | None
    expected: float
    health: Health


class CheckpointOut(Output):
    id: int
    day: int
    due_on: date
    health: Health | None
    note: str
    reviewed_at: datetime | None
    results: list[ResultOut]
    version: int


class ReviewIn(Input):
    version: Id
    note: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)]


class BetaCustomerIn(Input):
    account: Name = Field(description="The account's name; a new name creates the account.")
    contact: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] = ""
    status: BetaStatus = BetaStatus.INVITED


class AccountRef(Output):
    id: int
    name: str


class BetaStatusIn(Input):
    status: BetaStatus


class BetaCustomerOut(Output):
    id: int
    account: AccountRef
    contact: str
    status: BetaStatus


class BetaFeedbackIn(Input):
    account_id: Id
    body: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)]
    kind: Kind = Field(
        default=Kind.FEATURE_REQUEST, description="What sort of feedback, for the feedback loop."
    )


class BetaFeedbackOut(Output):
    id: int
    account: AccountRef
    body: str
    author: PersonRef | None
    created_at: datetime


class DeliverableIn(Input):
    kind: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]
    title: Name
    offset_days: Offset = 0
    required: bool = True
    accepts: Kinds = []


class GateIn(Input):
    stage: Literal["alpha", "beta", "ga", "landed"]
    rule: Annotated[str, StringConstraints(max_length=40)]
    threshold: float | None = Field(default=None, ge=0, le=1000)


class TierIn(Input):
    """A tier's whole configuration, replaced at once so it is never half-changed."""

    deliverables: Annotated[list[DeliverableIn], Field(max_length=60)]
    gates: Annotated[list[GateIn], Field(max_length=60)]


class DeliverableOut(Output):
    kind: str
    title: str
    offset_days: int
    required: bool
    accepts: list[str]


class GateOut(Output):
    stage: Stage
    rule: str
    threshold: float | None
    label: str


class TierOut(Output):
    tier: int
    deliverables: list[DeliverableOut]
    gates: list[GateOut]


class AttentionOut(Output):
    """Something of the reader's that is late: an overdue deliverable or a due checkpoint."""

    kind: Literal["overdue_deliverable", "due_checkpoint"]
    launch_id: int
    launch: str
    title: str
    due_on: date
    owner: PersonRef | None


class PlannedPriceIn(PriceIn):
    """A new price the launch's packaging change brings, in one of its product's price books;
    held there until the launch passes its GA gate."""

    book_id: Id


class PlannedMoveOut(Output):
    id: int
    feature: Ref
    from_package: Ref | None = Field(description="The edition or add-on it leaves, if any.")
    to_package: Ref | None = Field(description="The edition or add-on it joins, if any.")
    limit: str
    applied_at: datetime | None


class RequirementOut(Output):
    rule: str
    label: str
    met: bool
    detail: str


class MeaningOut(Output):
    changes: list[str]
    sales: list[str]
    success: list[str] = Field(description="What it means for customer success.")
    support: list[str]


class PackagingOut(Output):
    """A launch's packaging change: its moves and held prices, what GA needs for it, and what
    it means for the teams that talk to customers."""

    moves: list[PlannedMoveOut]
    prices: list[PriceOut]
    applied: bool = Field(description="True once the launch went GA and the change was made.")
    requirements: list[RequirementOut]
    meaning: MeaningOut
