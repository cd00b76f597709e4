"""Base classes for the API's input and output models: inputs reject unknown fields."""

from __future__ import annotations

from typing import Annotated, Any, Self, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
)
from pydantic_core import PydanticCustomError

from prism.errors import Invalid
from prism.validation import field_errors, summary

M = TypeVar("M", bound=BaseModel)


class Input(BaseModel):
    """A request body: unknown fields are an error, surrounding spaces are trimmed, and text
    holding a NUL character is refused (PostgreSQL cannot store one; no person types one)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        if has_nul(value):
            raise PydanticCustomError("nul_character", NUL_MESSAGE)
        return value


NUL_MESSAGE = "must not contain a NUL character (\\u0000)"


def has_nul(value: Any) -> bool:
    """Does `value` (text, or lists and mappings of it) hold a NUL character anywhere?"""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list | tuple | set):
        return any(has_nul(v) for v in value)
    if isinstance(value, dict):
        return any(has_nul(k) or has_nul(v) for k, v in value.items())
    return False


def read_shape(schema: type[M], *sources: object, **fields: Any) -> M:
    """`schema` read from several objects' attributes (the first source that has a field gives
    it; a field read under another name reads that name), plus `fields` given outright: an
    answer made of a domain object and what was worked out beside it."""
    values: dict[str, Any] = {}
    for name, field in schema.model_fields.items():
        key = field.validation_alias if isinstance(field.validation_alias, str) else name
        if name in fields or key in fields:
            continue
        found = next((s for s in sources if hasattr(s, key)), None)
        if found is not None:
            values[key] = getattr(found, key)
    return schema.model_validate(values | fields)


class Output(BaseModel):
    """A response body, read from domain objects' attributes."""

    model_config = ConfigDict(from_attributes=True)

    @classmethod
    def of(cls, *sources: object, **fields: Any) -> Self:
        """This shape read from several objects (see `read_shape`)."""
        return read_shape(cls, *sources, **fields)


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


class AccountRef(Output):
    id: int
    name: str
    arr: int


class LaunchRef(Output):
    id: int
    name: str


class DealRef(Output):
    id: int
    name: str
    value: int
    currency: str
    outcome: str


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


def as_id(text: str) -> int | None:
    """`text` as an id when it is one (digits 0–9, 1 to MAX_ID), else None. `str.isdigit`
    alone also takes "²", which `int` refuses, and numbers no database column holds."""
    value = text.strip()
    if not (value.isascii() and value.isdigit()):
        return None
    number = int(value)
    return number if 1 <= number <= MAX_ID else None


Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
# What someone in the field said, and a short note about it.
Said = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=5000),
    Field(description="What was said, in the customer's or the field's words."),
]
Note = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]


def parse(schema: type[M], data: dict[str, Any]) -> M:
    """Validate fields (a form post, CLI options), failing with one readable `Invalid`."""
    try:
        return schema.model_validate(data)
    except ValidationError as exc:
        errors = field_errors(exc.errors())
        raise Invalid(summary(errors), errors=errors) from None


class ImportProblem(Output):
    """One bad row of an import."""

    line: int = Field(description="The file's line (or the record's number, for a live sync).")
    column: str
    message: str
