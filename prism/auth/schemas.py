"""What the authentication API takes and gives."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AliasChoices, Field

from prism.schemas import Email, Input, Output

Scope = Literal["read", "write"]
ALL_SCOPES: list[Scope] = ["read", "write"]
TokenName = Annotated[str, Field(min_length=1, max_length=100)]


class TokenIn(Input):
    """A new personal API token: what it is for, what it may do, how long it lives."""

    name: TokenName
    scopes: list[Scope] = Field(
        default_factory=lambda: list(ALL_SCOPES), min_length=1, max_length=2
    )
    days: int | None = Field(
        default=None, ge=1, le=3650, description="Lifetime; default from settings."
    )


class TokenLogin(TokenIn):
    """Exchange an email and password for a personal API token."""

    email: Email
    password: Annotated[str, Field(min_length=1, max_length=256)]
    name: TokenName = "API token"


class TokenOut(Output):
    id: int
    user_id: int
    name: str
    prefix: str = Field(description="The first characters of the token, to recognise it.")
    scopes: list[Scope] = Field(validation_alias=AliasChoices("scope_list", "scopes"))
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None


class NewToken(TokenOut):
    token: str = Field(description="The token itself. It is shown only this once; keep it safe.")


def issued(token: object, raw: str) -> NewToken:
    """The one-time answer to creating a token: its details plus the raw token."""
    return NewToken(**TokenOut.model_validate(token).model_dump(), token=raw)
