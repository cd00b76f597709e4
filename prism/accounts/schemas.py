"""API shapes for accounts."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field, model_validator

from prism.accounts.models import Reference
from prism.feedback.models import Kind, Reason
from prism.feedback.schemas import reason_problem
from prism.i18n import _
from prism.schemas import Id, Input, Output, Said


class AccountOut(Output):
    id: int
    name: str
    industry_id: int | None
    external_id: str | None
    arr: int
    segment: str
    region: str
    employees: int | None
    reference: Reference
    renewal_on: date | None
    health: int | None
    churned_on: date | None
    version: int


class Signal(StrEnum):
    """Something an account does that says it is a good customer to be like."""

    HEALTHY = "healthy"  # health score 70 or more
    RECENT_WIN = "recent_win"  # won a deal in the last year
    OPEN_PIPELINE = "open_pipeline"  # has a deal open now
    LARGE_ARR = "large_arr"  # ARR at or above the profile's `arr_at_least`


Label = Annotated[str, Field(min_length=1, max_length=60)]


class IdealProfileIn(Input):
    """What a company that fits looks like; an empty list means that criterion is not used."""

    industries: list[Id] = Field(default_factory=list, max_length=50, description="Facet ids.")
    segments: list[Label] = Field(default_factory=list, max_length=20)
    regions: list[Label] = Field(default_factory=list, max_length=50)
    employees_min: Annotated[int, Field(ge=0, le=10_000_000)] | None = None
    employees_max: Annotated[int, Field(ge=1, le=10_000_000)] | None = None
    products: list[Id] = Field(
        default_factory=list, max_length=50, description="Products the account buys or evaluates."
    )
    signals: list[Signal] = Field(default_factory=list, max_length=len(Signal))
    arr_at_least: Annotated[int, Field(ge=0)] = 0

    @model_validator(mode="after")
    def _size_in_order(self) -> IdealProfileIn:
        low, high = self.employees_min, self.employees_max
        if low is not None and high is not None and low > high:
            raise ValueError(_("employees_min is above employees_max"))
        return self


class IdealProfileSave(IdealProfileIn):
    version: int = Field(ge=0, description="The version read (0 before the first profile).")


class IdealProfileOut(IdealProfileIn):
    version: int


class ReasonOut(Output):
    criterion: str
    matched: bool
    text: str


class AccountFitOut(Output):
    account: AccountOut
    score: int = Field(description="0 to 100: the share of the profile's weight it meets.")
    reasons: list[ReasonOut]


class AccountUpdate(Input):
    version: Id
    segment: Label | Literal[""] | None = None
    region: Label | Literal[""] | None = None
    employees: Annotated[int, Field(ge=0, le=10_000_000)] | None = None
    reference: Reference | None = None
    health: Annotated[int, Field(ge=0, le=100)] | None = None


class ChurnIn(Input):
    """An account left: why, in a structured reason and in words, and to whom."""

    reason: Reason
    text: Said
    churned_on: date | None = Field(default=None, description="When it left; today if absent.")
    product_id: Id | None = None
    competitor_id: Id | None = None

    @model_validator(mode="after")
    def _reason_fits_churn(self) -> ChurnIn:
        problem = reason_problem(Kind.CHURN_REASON, self.reason)
        if problem:
            raise ValueError(problem)
        return self
