"""The brand theme every output wears, and the rendered outputs themselves."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from prism.audit.models import Audited
from prism.db import Base, Timestamped, Versioned, utcnow
from prism.knowledge.models import Item
from prism.people.models import User
from prism.render.brand import DEFAULT_LOOK


class Theme(Audited, Versioned, Timestamped, Base):
    """The company's brand: colours, the fonts (shipped with Prism) and an uploaded logo."""

    __tablename__ = "themes"

    id: Mapped[int] = mapped_column(primary_key=True)
    company: Mapped[str] = mapped_column(String(120), default=DEFAULT_LOOK.company)
    primary: Mapped[str] = mapped_column(String(7), default=DEFAULT_LOOK.primary)
    accent: Mapped[str] = mapped_column(String(7), default=DEFAULT_LOOK.accent)
    ink: Mapped[str] = mapped_column(String(7), default=DEFAULT_LOOK.ink)
    heading_font: Mapped[str] = mapped_column(String(40), default=DEFAULT_LOOK.heading_font)
    body_font: Mapped[str] = mapped_column(String(40), default=DEFAULT_LOOK.body_font)
    logo_key: Mapped[str | None] = mapped_column(String(64))
    logo_media_type: Mapped[str | None] = mapped_column(String(40))

    @classmethod
    def defaults(cls) -> Theme:
        """Prism's own look, not saved: what outputs wear until someone sets the brand."""
        look = DEFAULT_LOOK
        return cls(
            company=look.company,
            primary=look.primary,
            accent=look.accent,
            ink=look.ink,
            heading_font=look.heading_font,
            body_font=look.body_font,
            version=0,
        )

    @property
    def has_logo(self) -> bool:
        return self.logo_key is not None

    def audit_label(self) -> str:
        return f"theme: {self.company or 'house'}"


class Rendition(Timestamped, Base):
    """One item rendered in one layout and format, remembering every input and its version, so
    Prism knows when the output has fallen behind its sources."""

    __tablename__ = "renditions"
    __table_args__ = (UniqueConstraint("item_id", "layout", "format", "options_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    layout: Mapped[str] = mapped_column(String(30))
    format: Mapped[str] = mapped_column(String(10))
    # What it was rendered for (a customer's name, their industry), and the same as a sorted key.
    options: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    options_key: Mapped[str] = mapped_column(String(400), default="")
    # {item id: version} of the source and every item it drew on, plus the theme's version.
    inputs: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    gaps: Mapped[list[str]] = mapped_column(JSON, default=list)
    # For the seller, never the customer: what a customer output left out and why, and why
    # each story in it was chosen.
    omitted: Mapped[list[str]] = mapped_column(JSON, default=list)
    chosen: Mapped[list[str]] = mapped_column(JSON, default=list)
    file_key: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int]
    rendered_at: Mapped[datetime] = mapped_column(default=utcnow)
    rendered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    item: Mapped[Item] = relationship(lazy="raise")
    rendered_by: Mapped[User | None] = relationship(lazy="raise")
