"""The knowledge core's tables: items of every kind, their facets, links, versions and files."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, ClassVar

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from prism.audit.models import Audited
from prism.db import Base, Timestamped, Versioned, text_enum, utcnow
from prism.people.models import User


class Status(StrEnum):
    """Where an item is in its life: only published items reach the whole front line."""

    DRAFT = "draft"
    IN_REVIEW = "in_review"
    PUBLISHED = "published"
    ARCHIVED = "archived"


class Audience(StrEnum):
    """How far an item may travel: staff only, partners too, or customers too."""

    INTERNAL = "internal"
    PARTNER = "partner"
    CUSTOMER = "customer"


class Dimension(StrEnum):
    """The taxonomy's editable lists."""

    INDUSTRY = "industry"
    SCENARIO = "scenario"
    FUNCTION = "function"
    REGION = "region"


class Facet(Audited, Versioned, Timestamped, Base):
    """One value of a taxonomy list: the industry "Financial services", the region "EMEA"."""

    __tablename__ = "facets"
    __table_args__ = (UniqueConstraint("dimension", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(36), unique=True)
    dimension: Mapped[Dimension] = mapped_column(text_enum(Dimension))
    name: Mapped[str] = mapped_column(String(100))

    def audit_label(self) -> str:
        return f"{self.dimension.value}: {self.name}"


class ItemFacet(Base):
    __tablename__ = "item_facets"

    item_id: Mapped[int] = mapped_column(
        ForeignKey("items.id", ondelete="CASCADE"), primary_key=True
    )
    facet_id: Mapped[int] = mapped_column(
        ForeignKey("facets.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class Item(Audited, Versioned, Timestamped, Base):
    """A piece of product-marketing knowledge of any kind (see `prism.knowledge.kinds`)."""

    __tablename__ = "items"
    __table_args__ = (Index("ix_items_kind_status", "kind", "status"),)
    __audit_ignore__: ClassVar[frozenset[str]] = frozenset({"updated_at", "version"})
    # Long texts are noted as changed; their before and after live in the version history.
    __audit_redact__: ClassVar[frozenset[str]] = frozenset({"body", "fields"})

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(36), unique=True)
    kind: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(String(1000), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    fields: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[Status] = mapped_column(text_enum(Status), default=Status.DRAFT)
    audience: Mapped[Audience] = mapped_column(text_enum(Audience), default=Audience.INTERNAL)
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    published_at: Mapped[datetime | None]
    verified_at: Mapped[datetime | None]
    verifier_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    verify_every_days: Mapped[int] = mapped_column(default=90)
    # When the item next needs a look: verified (or created) + verify-every; indexed for the queue.
    review_due_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    owner: Mapped[User | None] = relationship(foreign_keys=[owner_id], lazy="raise")
    verifier: Mapped[User | None] = relationship(foreign_keys=[verifier_id], lazy="raise")
    facets: Mapped[list[Facet]] = relationship(secondary="item_facets", lazy="raise")
    links: Mapped[list[ItemLink]] = relationship(
        foreign_keys="ItemLink.source_id",
        lazy="raise",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    file: Mapped[ItemFile | None] = relationship(
        lazy="raise", cascade="all, delete-orphan", passive_deletes=True
    )

    def audit_label(self) -> str:
        return f"{self.kind}: {self.title}"


class ItemLink(Base):
    """A typed link from one item to another (see `prism.knowledge.kinds.RELATIONS`)."""

    __tablename__ = "item_links"
    __table_args__ = (UniqueConstraint("source_id", "target_id", "relation"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"))
    target_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    relation: Mapped[str] = mapped_column(String(30))

    target: Mapped[Item] = relationship(foreign_keys=[target_id], lazy="raise")


class ItemVersion(Base):
    """A snapshot of an item after each change: what the history, diff and restore read."""

    __tablename__ = "item_versions"
    __table_args__ = (UniqueConstraint("item_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"))
    number: Mapped[int]
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
    note: Mapped[str] = mapped_column(String(200), default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author: Mapped[User | None] = relationship(lazy="raise")


class ItemFile(Base):
    """The uploaded file behind an asset item, and the text extracted from it for search."""

    __tablename__ = "item_files"

    item_id: Mapped[int] = mapped_column(
        ForeignKey("items.id", ondelete="CASCADE"), primary_key=True
    )
    filename: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text, default="")
    pages: Mapped[int | None]


class StaleNotice(Base):
    """That an item's going stale was announced (to the webhooks), and when: once per time it
    goes stale. The row goes when the item is fresh again, so the next time is announced too."""

    __tablename__ = "stale_notices"

    item_id: Mapped[int] = mapped_column(
        ForeignKey("items.id", ondelete="CASCADE"), primary_key=True
    )
    noticed_at: Mapped[datetime] = mapped_column(default=utcnow)
