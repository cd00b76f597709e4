"""API shapes for buyer share links."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field, StringConstraints

from prism.schemas import Id, Input, Output

PASSCODE_MIN, PASSCODE_MAX = 6, 64
Passcode = Annotated[
    str,
    StringConstraints(min_length=PASSCODE_MIN, max_length=PASSCODE_MAX, pattern=r"^\S(.*\S)?$"),
    Field(
        description=f"{PASSCODE_MIN} to {PASSCODE_MAX} characters, no spaces at either end; the "
        "buyer types it once per browser. Five wrong tries from one address in 15 minutes lock "
        "that address out, and twenty from anywhere lock the link, for 15 minutes."
    ),
]


class ShareIn(Input):
    """A link for one buyer: customer-shareable, published items only."""

    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    message: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] = ""
    item_ids: Annotated[list[Id], Field(min_length=1, max_length=50)]
    expires_in_days: Annotated[int, Field(ge=1, le=365)] = 30
    passcode: Passcode | None = None
    deal_id: Id | None = None


class ShareItemOut(Output):
    id: int
    kind: str
    title: str


class ShareOut(Output):
    id: int
    title: str
    message: str
    url: str | None = Field(
        default=None,
        description="The buyer's address. Null when Prism cannot show it again: links are kept "
        "sealed with the secret key, and that key changed since the link was made.",
    )
    deal_id: int | None
    owner_id: int | None
    expires_at: datetime
    revoked_at: datetime | None
    has_passcode: bool
    items: list[ShareItemOut]
    created_at: datetime
    version: int


class ViewOut(Output):
    at: datetime
    action: str
    item_id: int | None
    item_title: str | None
    seconds: int
    visitor: str


class ActivityOut(Output):
    """What buyers did with a link: every visit, and totals per item."""

    link: ShareOut
    views: list[ViewOut]
    visitors: int
    opens: int
    downloads: int
    seconds_by_item: dict[str, int]


class Revoke(Input):
    version: Id
