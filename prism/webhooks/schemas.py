"""API shapes for webhooks."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import Field, StringConstraints, field_validator

from prism.i18n import Language, _
from prism.schemas import Input, Name, Output
from prism.webhooks.models import EVENTS, DeliveryStatus, WebhookFormat

Url = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=500, pattern=r"^https?://[^\s]+$")
]


class WebhookIn(Input):
    name: Name
    url: Url = Field(description="Where events are POSTed.")
    events: Annotated[list[str], Field(min_length=1, max_length=20)]
    format: WebhookFormat = Field(
        default=WebhookFormat.PRISM,
        description="`prism`: the event's JSON; `slack` or `teams`: a chat message for the "
        "channel's incoming webhook (Block Kit, or an Adaptive Card).",
    )
    language: Language = Field(
        default="en", description="The language a chat channel's messages are written in."
    )
    active: bool = True

    @field_validator("events")
    @classmethod
    def _known(cls, value: list[str]) -> list[str]:
        unknown = [e for e in value if e not in EVENTS]
        if unknown:
            raise ValueError(
                _(
                    "no event {event}; events are {events}",
                    event=unknown[0],
                    events=", ".join(EVENTS),
                )
            )
        return list(dict.fromkeys(value))


class WebhookOut(Output):
    id: int
    name: str
    url: str
    events: list[str]
    format: WebhookFormat
    language: Language
    active: bool


class WebhookCreated(WebhookOut):
    secret: str = Field(description="The key that signs every delivery (HMAC-SHA256).")


class DeliveryOut(Output):
    id: int
    webhook_id: int
    event: str
    payload: dict[str, Any]
    status: DeliveryStatus
    attempts: int
    next_attempt_at: datetime | None
    response_status: int | None
    last_error: str
    created_at: datetime
    delivered_at: datetime | None
