"""API shapes for toolkits and kit rules."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from prism.schemas import Id, Input, Output
from prism.toolkits.models import KitKind

Reason = Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)]


class EntryIn(Input):
    """Add an item to a kit, at the end unless a position is given."""

    item_id: Id
    reason: Reason = ""
    position: Annotated[int, Field(ge=1, le=500)] | None = None


class EntryMove(Input):
    version: Id
    position: Annotated[int, Field(ge=1, le=500, description="The entry's new place, from 1.")]


class EntryItemOut(Output):
    id: int
    kind: str
    title: str
    audience: str
    status: str


class EntryRenditionOut(Output):
    id: int
    layout: str
    format: str
    filename: str


class EntryOut(Output):
    id: int
    position: int
    reason: str
    source: str
    item: EntryItemOut | None
    rendition: EntryRenditionOut | None


class ToolkitOut(Output):
    id: int
    kind: KitKind
    title: str
    product_id: int | None
    deal_id: int | None
    note: str
    version: int
    entries: list[EntryOut]


class RuleWhen(Input):
    """When a rule applies: any (or all) of the conditions given."""

    industries: Annotated[
        list[Annotated[str, StringConstraints(max_length=100)]], Field(max_length=30)
    ] = []
    customer_data: bool = Field(default=False, description="A deal product handles customer data.")
    min_value: Annotated[int, Field(ge=0, le=10**12)] | None = None
    expansion: bool = Field(
        default=False,
        description="An expansion: the deal's account already holds an edition or add-on of a "
        "product in the deal (from what accounts hold).",
    )
    match: Literal["any", "all"] = "any"


class RuleIn(Input):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
    when: RuleWhen
    item_ids: Annotated[
        list[Id],
        Field(
            max_length=50,
            description="The items to add (an expansion rule also adds, by itself, the edition "
            "above what the account holds).",
        ),
    ] = []
    enabled: bool = True


class RuleUpdate(RuleIn):
    version: Id


class RuleOut(Output):
    id: int
    name: str
    reason: str
    when: dict[str, object]
    item_ids: list[int]
    enabled: bool
    version: int
