"""API shapes for the feedback loop."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import Field, StringConstraints, model_validator

from prism.csvfile import Encoding
from prism.feedback.models import OUTCOME_KINDS, REASONS, Kind, Origin, Reason, Signal, ThemeStatus
from prism.grouping import clustering
from prism.i18n import _, translate
from prism.schemas import (
    AccountRef,
    DealRef,
    Id,
    ImportProblem,
    Input,
    LaunchRef,
    Name,
    Note,
    Output,
    PersonRef,
    Ref,
    Said,
    TeamRef,
)


class FeedbackIn(Input):
    """One thing heard in the field. Only the text is required."""

    text: Said
    kind: Kind = Kind.FEATURE_REQUEST
    reason: Reason | None = Field(
        default=None, description="For win, loss and churn reasons: the structured reason."
    )
    said_on: date | None = Field(default=None, description="When it was said; today if absent.")
    team_id: Id | None = Field(default=None, description="The source team; the submitter's own.")
    product_id: Id | None = None
    feature_id: Id | None = None
    competitor_id: Id | None = None
    launch_id: Id | None = None
    account_id: Id | None = None
    deal_id: Id | None = None

    @model_validator(mode="after")
    def _reason_fits_kind(self) -> FeedbackIn:
        problem = reason_problem(self.kind, self.reason)
        if problem:
            raise ValueError(problem)
        return self


def reason_problem(kind: Kind, reason: Reason | None) -> str | None:
    """Why `reason` does not go with `kind`, or None when it does."""
    if reason is None:
        return None
    if kind not in OUTCOME_KINDS:
        return _("Only win, loss and churn reasons take a structured reason.")
    if reason not in REASONS[kind]:
        fits = ", ".join(r.value for r in REASONS[kind])
        return _(
            "{reason} is not a {kind}; choose one of: {fits}.",
            reason=reason.value,
            kind=translate(kind.label).lower(),
            fits=fits,
        )
    return None


class ThemeRef(Output):
    id: int
    label: str
    status: ThemeStatus


class FeedbackOut(Output):
    id: int
    text: str
    kind: Kind
    reason: Reason | None
    origin: Origin
    said_on: date
    created_at: datetime
    submitter: PersonRef | None
    team: TeamRef | None
    product: Ref | None
    feature: Ref | None
    competitor: Ref | None
    launch: LaunchRef | None
    account: AccountRef | None
    deal: DealRef | None
    theme: ThemeRef | None
    placed: bool


class Match(Output):
    id: int
    text: str
    similarity: float


class ThemeMatch(Output):
    id: int
    label: str
    status: ThemeStatus
    items: int
    similarity: float


class SimilarOut(Output):
    """What a submitter may add weight to instead of writing a duplicate."""

    themes: list[ThemeMatch]
    items: list[Match]


class Lost(Output):
    """Deals lost to one competitor (or to no one named) over a theme."""

    competitor: str | None
    deals: int
    value: int


class WeightOut(Output):
    items: int
    accounts: int
    submitters: int
    arr: int
    open_pipeline: int
    kinds: dict[str, int]
    reasons: dict[str, int] = Field(description="Structured win, loss and churn reasons.")
    lost: list[Lost]
    trend: dict[str, int] = Field(description="Items per month (YYYY-MM), oldest first.")
    first_said: date | None
    last_said: date | None
    impact: int = Field(description="ARR of the accounts plus the open pipeline it touches.")


class FeedbackThemeOut(Output):
    id: int
    label: str
    signal: Signal = Field(description="What its items tell product; a theme keeps to one.")
    named: bool
    curated: bool
    pinned: bool
    status: ThemeStatus
    status_note: str
    version: int
    weight: WeightOut


class StatusChangeOut(Output):
    status: ThemeStatus
    note: str
    at: datetime
    actor: PersonRef | None


class ThemeDetailOut(FeedbackThemeOut):
    representatives: list[FeedbackOut]
    history: list[StatusChangeOut]


class FeedbackThemeUpdate(Input):
    version: Id
    label: Name | None = None
    pinned: bool | None = None


class StatusIn(Input):
    version: Id
    status: ThemeStatus
    note: Note = ""


class MergeIn(Input):
    """Fold the `theme_ids` into this theme: their items move here and the themes go."""

    theme_ids: Annotated[list[Id], Field(min_length=1, max_length=50)]


class SplitIn(Input):
    """Take `item_ids` out of this theme into a new one called `label`."""

    item_ids: Annotated[list[Id], Field(min_length=1, max_length=500)]
    label: Name


class MoveIn(Input):
    theme_id: Id


class ReclusterIn(Input):
    granularity: int | None = Field(
        default=None,
        ge=clustering.BROADEST,
        le=clustering.NARROWEST,
        description="Broader (negative) or narrower (positive) themes, kept for later "
        "re-clusterings and for placing new items; absent: as chosen before (0 at first).",
    )


class ReclusterOut(Output):
    themes_before: int
    themes_after: int
    items_moved: int
    items_held: int
    granularity: int


class DigestEntry(Output):
    theme: FeedbackThemeOut
    evidence: list[FeedbackOut]


Column = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class ImportMapping(Input):
    """Which columns of a CSV file hold what. Only the text column is required; every other
    column is optional and matched by name (accounts also by CRM id, deals also by number)."""

    text: Column = Field(description="The column holding what was said.")
    kind: Kind = Field(
        default=Kind.FEATURE_REQUEST, description="The kind of rows that do not say theirs."
    )
    kind_column: Column | None = None
    account_column: Column | None = None
    deal_column: Column | None = None
    team_column: Column | None = Field(default=None, description="The source team, by name.")
    product_column: Column | None = None
    competitor_column: Column | None = None
    said_on_column: Column | None = None
    id_column: Column | None = Field(
        default=None, description="The export's own id for each row: re-importing skips it."
    )
    day_first: bool = Field(default=False, description="Slashed dates are DD/MM/YYYY.")
    encoding: Encoding = "utf-8"

    def columns(self) -> list[str | None]:
        return [
            self.text,
            self.kind_column,
            self.said_on_column,
            self.id_column,
            *(column for _, column, _ in self.references()),
        ]

    def references(self) -> list[tuple[str, str | None, str]]:
        """(field, column, what it names) for each column that refers to something."""
        return [
            ("account_id", self.account_column, "account"),
            ("deal_id", self.deal_column, "deal"),
            ("team_id", self.team_column, "team"),
            ("product_id", self.product_column, "product"),
            ("competitor_id", self.competitor_column, "competitor"),
        ]


class ImportReportOut(Output):
    rows: int
    imported: int
    duplicates: list[int] = Field(description="Lines already imported before (skipped).")
    problems: list[ImportProblem]
    dry_run: bool
    summary: str
