"""API shapes for deals."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, model_validator

from prism.deals.models import Outcome, Stage
from prism.feedback.models import Kind, Reason
from prism.feedback.schemas import reason_problem
from prism.schemas import Id, Input, Name, Output, Said

Currency = Annotated[
    str, StringConstraints(strip_whitespace=True, to_upper=True, pattern=r"^[A-Za-z]{3}$")
]
Value = Annotated[int, Field(ge=0, le=10**12, description="Expected deal value, whole units.")]
Cycle = Annotated[int, Field(ge=1, le=3650, description="Expected days from first call to close.")]
Ids = Annotated[list[Id], Field(max_length=20)]


class DealIn(Input):
    """A deal's context: who, what, against whom, how big and how long."""

    name: Name
    customer: Name
    industry_id: Id | None = Field(default=None, description="An industry facet.")
    value: Value = 0
    currency: Currency | None = Field(default=None, description="Defaults to Prism's currency.")
    cycle_days: Cycle = 30
    stage: Stage = Stage.DISCOVERY
    product_ids: Ids = []
    persona_ids: Ids = []
    competitor_ids: Ids = []


class DealUpdate(Input):
    version: Id
    name: Name | None = None
    customer: Name | None = None
    industry_id: Id | None = None
    value: Value | None = None
    currency: Currency | None = None
    cycle_days: Cycle | None = None
    stage: Stage | None = None
    outcome: Outcome | None = None
    product_ids: Ids | None = None
    persona_ids: Ids | None = None
    competitor_ids: Ids | None = None


class FocusOut(Output):
    id: int
    kind: str
    title: str


class DealOut(Output):
    id: int
    name: str
    customer: str
    industry_id: int | None
    value: int
    currency: str
    cycle_days: int
    stage: Stage
    outcome: Outcome
    closed_at: datetime | None
    external_id: str | None
    account_id: int | None
    close_on: date | None
    crm_stage: str
    loss_reason: str
    owner_id: int | None
    focus: list[FocusOut]
    version: int


class CloseIn(Input):
    """Close a deal as won or lost, and say why (or say why for a deal that closed already)."""

    version: Id = Field(description="The deal's version, as read.")
    outcome: Literal[Outcome.WON, Outcome.LOST]
    reason: Reason
    text: Said
    competitor_id: Id | None = Field(default=None, description="Who won it, or who we beat.")

    @model_validator(mode="after")
    def _reason_fits_outcome(self) -> CloseIn:
        kind = Kind.WIN_REASON if self.outcome is Outcome.WON else Kind.LOSS_REASON
        problem = reason_problem(kind, self.reason)
        if problem:
            raise ValueError(problem)
        return self
