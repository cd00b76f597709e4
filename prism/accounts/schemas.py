"""API shapes for accounts."""

from __future__ import annotations

from datetime import date

from prism.accounts.models import Reference
from prism.schemas import Output


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
