"""API shapes of the knowledge core: one generic item shape, specialised per kind with its own
typed `fields`, so the OpenAPI document shows what a battlecard or a story holds."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, StringConstraints, create_model

from prism.knowledge.kinds import KINDS, Kind, RelationName
from prism.knowledge.models import Audience, Dimension, Status
from prism.schemas import Id, Input, Output

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
Summary = Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000)]
Body = Annotated[str, StringConstraints(max_length=200_000)]
VerifyEvery = Annotated[int, Field(ge=1, le=3650, description="Days between verifications.")]


TransitionName = Literal["submit", "publish", "request_changes", "archive", "reopen"]


class LinkIn(Input):
    relation: RelationName
    target_id: Id


class ItemIn(Input):
    """A new item; `fields` holds what is particular to its kind."""

    title: Title
    summary: Summary = ""
    body: Body = ""
    audience: Audience = Audience.INTERNAL
    verify_every_days: VerifyEvery = 90
    owner_id: Id | None = Field(default=None, description="Defaults to whoever creates it.")
    facet_ids: Annotated[list[Id], Field(max_length=50)] = []
    links: Annotated[list[LinkIn], Field(max_length=100)] = []
    fields: dict[str, Any] = {}


class ItemUpdate(Input):
    """A change to an item made against `version`; fields left out stay as they are."""

    version: Id
    title: Title | None = None
    summary: Summary | None = None
    body: Body | None = None
    audience: Audience | None = None
    verify_every_days: VerifyEvery | None = None
    owner_id: Id | None = None
    facet_ids: Annotated[list[Id], Field(max_length=50)] | None = None
    links: Annotated[list[LinkIn], Field(max_length=100)] | None = None
    fields: dict[str, Any] | None = None


class VersionRef(Input):
    version: Id
    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] = ""


class PersonRef(Output):
    id: int
    name: str
    email: str


class FacetOut(Output):
    id: int
    dimension: Dimension
    name: str
    version: int


class FacetIn(Input):
    dimension: Dimension
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


class FacetUpdate(Input):
    version: Id
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


class ItemRef(Output):
    id: int
    kind: str
    title: str
    status: Status


class LinkOut(Output):
    id: int
    relation: str
    target: ItemRef


class FileOut(Output):
    filename: str
    media_type: str
    size: int
    sha256: str
    pages: int | None


class ItemOut(Output):
    id: int
    uid: str
    kind: str
    title: str
    summary: str
    body: str
    status: Status
    audience: Audience
    owner: PersonRef | None
    verifier: PersonRef | None
    verified_at: datetime | None
    verify_every_days: int
    review_due_at: datetime
    published_at: datetime | None
    created_at: datetime
    updated_at: datetime
    version: int
    facets: list[FacetOut]
    links: list[LinkOut]
    file: FileOut | None = None
    fields: dict[str, Any]


class ItemSummaryOut(Output):
    """An item in a list: enough to show and filter it, without its body."""

    id: int
    kind: str
    title: str
    summary: str
    status: Status
    audience: Audience
    review_due_at: datetime
    updated_at: datetime
    version: int


class VersionOut(Output):
    number: int
    note: str
    author: PersonRef | None
    created_at: datetime


class ChangeOut(BaseModel):
    field: str
    before: str
    after: str
    segments: list[tuple[str, str]]


class DiffOut(BaseModel):
    item_id: int
    from_version: int
    to_version: int
    changes: list[ChangeOut]


class StaleOut(BaseModel):
    item: ItemRef
    review_due_at: datetime
    reasons: list[str]


def typed_in(kind: Kind) -> type[ItemIn]:
    """`ItemIn` whose `fields` is this kind's own model, for the OpenAPI document."""
    name = kind.label.title().replace(" ", "").replace("&", "And")
    return create_model(
        f"{name}In", __base__=ItemIn, fields=(kind.fields, Field(default_factory=kind.fields))
    )


def typed_update(kind: Kind) -> type[ItemUpdate]:
    name = kind.label.title().replace(" ", "").replace("&", "And")
    optional: Any = kind.fields | None
    return create_model(f"{name}Update", __base__=ItemUpdate, fields=(optional, None))


TYPED_IN = {name: typed_in(kind) for name, kind in KINDS.items()}
TYPED_UPDATE = {name: typed_update(kind) for name, kind in KINDS.items()}
