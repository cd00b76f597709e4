"""API shapes for CRM import: saved column mappings, import reports, live-sync records."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator, Field

from prism.crm.models import Target
from prism.csvfile import OnError
from prism.schemas import Id, ImportProblem, Input, Name, Output

Columns = Annotated[
    dict[str, Annotated[str, Field(min_length=1, max_length=200)]],
    Field(max_length=20, description="Prism's field → the export's column."),
]


class MappingIn(Input):
    """How one export names the fields Prism reads."""

    name: Annotated[Name, Field(max_length=100)]
    target: Target
    columns: Columns
    day_first: bool = Field(default=False, description="Slashed dates are day first (31/12/2026).")


class MappingUpdate(Input):
    version: Id
    name: Annotated[Name, Field(max_length=100)] | None = None
    columns: Columns | None = None
    day_first: bool | None = None


class MappingOut(Output):
    id: int
    name: str
    target: Target
    columns: dict[str, str]
    day_first: bool
    version: int


class FieldOut(Output):
    name: str
    label: str
    required: bool


class CrmReportOut(Output):
    target: Target
    source: str = Field(description="The export recognised, or the mapping used.")
    rows: int
    created: int
    updated: int
    unchanged: int
    accounts_created: int
    problems: list[ImportProblem]
    unknown_owners: Annotated[list[str], BeforeValidator(sorted)]
    dry_run: bool
    summary: str


class SyncIn(Input):
    """Records from a CRM, by Prism's field names; each is upserted by its `external_id`."""

    records: Annotated[list[dict[str, Any]], Field(min_length=1, max_length=1000)]
    on_error: OnError = OnError.REJECT
    dry_run: bool = False
