"""Base classes for the API's input and output models: inputs reject unknown fields."""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from prism.errors import Invalid

M = TypeVar("M", bound=BaseModel)


class Input(BaseModel):
    """A request body: unknown fields are an error, surrounding spaces are trimmed."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Output(BaseModel):
    """A response body, read from domain objects' attributes."""

    model_config = ConfigDict(from_attributes=True)


class Ref(Output):
    """Something titled that an answer points at (an item, a launch, a module)."""

    id: int
    title: str


class PersonRef(Output):
    id: int
    name: str


class TeamRef(Output):
    id: int
    name: str


class Problem(BaseModel):
    """An RFC 9457 problem document: every API error has this shape."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    errors: list[dict[str, object]] = Field(default_factory=list)


Email = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, to_lower=True, max_length=320, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
    ),
]
MAX_ID = 2**31 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID, description="An item's id.")]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


def parse(schema: type[M], data: dict[str, Any]) -> M:
    """Validate fields (a form post, CLI options), failing with one readable `Invalid`."""
    try:
        return schema.model_validate(data)
    except ValidationError as exc:
        errors = [
            {"field": ".".join(str(p) for p in e["loc"]), "message": e["msg"]} for e in exc.errors()
        ]
        first = errors[0]
        raise Invalid(f"{first['field']}: {first['message']}", errors=errors) from None


class ImportProblem(Output):
    """One bad row of an import."""

    line: int = Field(description="The file's line (or the record's number, for a live sync).")
    column: str
    message: str
