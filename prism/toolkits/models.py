"""Toolkits, their ordered entries, and the editable rules that add extras to deal kits."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from prism.audit.models import Audited
from prism.db import Base, Timestamped, Versioned, text_enum
from prism.deals.models import Deal
from prism.knowledge.models import Item
from prism.render.models import Rendition


class KitKind(StrEnum):
    STANDARD = "standard"
    DEAL = "deal"


class Toolkit(Audited, Versioned, Timestamped, Base):
    """An ordered set of items and rendered outputs for a product (standard) or a deal."""

    __tablename__ = "toolkits"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[KitKind] = mapped_column(text_enum(KitKind, length=10))
    title: Mapped[str] = mapped_column(String(200))
    # A standard kit belongs to one product; a deal kit to one deal. One kit each.
    product_id: Mapped[int | None] = mapped_column(
        ForeignKey("items.id", ondelete="CASCADE"), unique=True
    )
    deal_id: Mapped[int | None] = mapped_column(
        ForeignKey("deals.id", ondelete="CASCADE"), unique=True
    )
    # Why this kit's shape was chosen (the standard kit offered for a small fast deal, …).
    note: Mapped[str] = mapped_column(String(500), default="")

    product: Mapped[Item | None] = relationship(foreign_keys=[product_id], lazy="raise")
    deal: Mapped[Deal | None] = relationship(lazy="raise")
    entries: Mapped[list[ToolkitEntry]] = relationship(
        lazy="raise",
        order_by="ToolkitEntry.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    def audit_label(self) -> str:
        return f"toolkit: {self.title}"


class ToolkitEntry(Base):
    """One thing in a kit, in its place, with the reason it is there: an item or an output."""

    __tablename__ = "toolkit_entries"
    __table_args__ = (UniqueConstraint("toolkit_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    toolkit_id: Mapped[int] = mapped_column(ForeignKey("toolkits.id", ondelete="CASCADE"))
    position: Mapped[int]
    item_id: Mapped[int | None] = mapped_column(
        ForeignKey("items.id", ondelete="CASCADE"), index=True
    )
    rendition_id: Mapped[int | None] = mapped_column(
        ForeignKey("renditions.id", ondelete="CASCADE")
    )
    reason: Mapped[str] = mapped_column(String(500), default="")
    # Who put it there: "ranked", "rule", "seller", "standard"; sellers' choices survive a rebuild.
    source: Mapped[str] = mapped_column(String(20), default="seller")

    item: Mapped[Item | None] = relationship(lazy="raise")
    rendition: Mapped[Rendition | None] = relationship(lazy="raise")


class KitRule(Audited, Versioned, Timestamped, Base):
    """When a deal matches (an industry, a product that handles customer data, a value), add
    these items to its kit, saying why."""

    __tablename__ = "kit_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    reason: Mapped[str] = mapped_column(String(300))
    # {"industries": [...], "customer_data": true, "min_value": 100000, "match": "any" | "all"}
    when: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    item_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    enabled: Mapped[bool] = mapped_column(default=True)

    def audit_label(self) -> str:
        return f"kit rule: {self.name}"
