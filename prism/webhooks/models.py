"""A webhook subscription and each delivery of an event to it."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, ClassVar

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from prism.audit.models import Audited
from prism.db import Base, Timestamped, Versioned, text_enum, utcnow
from prism.i18n import N_

# The events Prism sends, and what each means.
EVENTS = {
    "launch.deliverable_overdue": N_("A launch deliverable passed its due date and is not done."),
    "launch.checkpoint_due": N_("A launch's 30, 60 or 90-day checkpoint is due for review."),
    "launch.stage_changed": N_("A launch moved to another stage."),
    "feedback.theme_status_changed": N_(
        "A feedback theme changed status (reviewed, shared with product, planned, shipped, "
        "declined); the payload says how many contributors were told in the app."
    ),
    "roadmap.capability_status_changed": N_(
        "A capability on the enablement roadmap changed status (planned, in progress, "
        "delivered, declined); the payload says how many requesters were told in the app."
    ),
    "launch.gate_blocked": N_(
        "Someone tried to move a launch to its next stage and the readiness gate held it; "
        "the payload lists what blocks it."
    ),
    "knowledge.item_stale": N_(
        "An item went stale (battlecards, FAQs, proof points…): its review date passed, or it "
        "rests on a claim that did; sent once until the item is verified again."
    ),
    "share.opened": N_(
        "A buyer opened a share link (each visitor once a day); the link's owner is told in "
        "the app too."
    ),
}
# Sent only when an administrator asks, to check that a channel receives.
TEST_EVENT = "webhook.test"


class WebhookFormat(StrEnum):
    """What a delivery's body looks like: Prism's own signed JSON, or a chat message for an
    incoming webhook of Slack or Microsoft Teams (every format is signed the same way)."""

    PRISM = "prism"
    SLACK = "slack"
    TEAMS = "teams"

    @property
    def label(self) -> str:
        return {"prism": "JSON (signed)", "slack": "Slack", "teams": "Microsoft Teams"}[self.value]


class Webhook(Audited, Versioned, Timestamped, Base):
    """An address that receives the events it subscribes to, signed with its secret."""

    __tablename__ = "webhooks"
    __audit_redact__: ClassVar[frozenset[str]] = frozenset({"secret"})

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    url: Mapped[str] = mapped_column(String(500))
    secret: Mapped[str] = mapped_column(String(100))
    events: Mapped[list[str]] = mapped_column(JSON, default=list)
    format: Mapped[WebhookFormat] = mapped_column(
        text_enum(WebhookFormat, 10), default=WebhookFormat.PRISM
    )
    # The language a chat channel's messages are written in (`prism.i18n.LANGUAGES`).
    language: Mapped[str] = mapped_column(String(5), default="en")
    active: Mapped[bool] = mapped_column(default=True)

    def audit_label(self) -> str:
        return f"webhook: {self.name}"


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"


class Delivery(Base):
    """One event on its way to one webhook, with every attempt's outcome."""

    __tablename__ = "webhook_deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    webhook_id: Mapped[int] = mapped_column(
        ForeignKey("webhooks.id", ondelete="CASCADE"), index=True
    )
    event: Mapped[str] = mapped_column(String(60))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[DeliveryStatus] = mapped_column(
        text_enum(DeliveryStatus),
        default=DeliveryStatus.PENDING,
        index=True,
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(index=True)
    response_status: Mapped[int | None]
    last_error: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    delivered_at: Mapped[datetime | None]

    webhook: Mapped[Webhook] = relationship(lazy="raise")
