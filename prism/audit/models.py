"""The audit log: one row for every change anyone makes to anything."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from prism.db import Base, utcnow


class Audited:
    """Marks a model whose creates, updates and deletes are written to the audit log."""

    # Fields whose values never go into the log (hashes, secrets); their change is still noted.
    __audit_redact__: ClassVar[frozenset[str]] = frozenset()
    # Fields that change as a side effect and are not worth an entry on their own.
    __audit_ignore__: ClassVar[frozenset[str]] = frozenset({"updated_at", "version"})

    def audit_label(self) -> str:
        """How the item is named in the log; models override it with something readable."""
        return f"#{getattr(self, 'id', '?')}"


class AuditEvent(Base):
    """Who did what to which item, when, and which fields changed from what to what."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_item", "item_type", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    actor_label: Mapped[str] = mapped_column(String(320))
    action: Mapped[str] = mapped_column(String(40), index=True)
    item_type: Mapped[str] = mapped_column(String(60))
    item_id: Mapped[int | None]
    item_label: Mapped[str] = mapped_column(String(300))
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    note: Mapped[str] = mapped_column(String(2000), default="")
