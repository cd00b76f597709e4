"""People and the departments they work in."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import ClassVar

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from prism.audit.models import Audited
from prism.db import Base, Timestamped, Versioned, text_enum


class Role(StrEnum):
    """What someone may do across Prism; the policy module maps each role to its actions."""

    ADMIN = "admin"
    EDITOR = "editor"
    CONTRIBUTOR = "contributor"
    VIEWER = "viewer"


class Team(Audited, Versioned, Timestamped, Base):
    """A department of the company: product, product marketing, sales, customer success, ..."""

    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    description: Mapped[str] = mapped_column(String(500), default="")
    # The team lead sees their team's training progress and answers.
    lead_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL", use_alter=True), index=True
    )

    lead: Mapped[User | None] = relationship(lazy="raise", foreign_keys=[lead_id])

    def audit_label(self) -> str:
        return self.name


class User(Audited, Versioned, Timestamped, Base):
    """Someone who signs in to Prism."""

    __tablename__ = "users"
    __audit_redact__: ClassVar[frozenset[str]] = frozenset({"password_hash"})
    __audit_ignore__: ClassVar[frozenset[str]] = frozenset(
        {"updated_at", "version", "last_login_at"}
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(text_enum(Role))
    team_id: Mapped[int | None] = mapped_column(
        ForeignKey("teams.id", ondelete="SET NULL"), index=True
    )
    is_active: Mapped[bool] = mapped_column(default=True)
    last_login_at: Mapped[datetime | None]
    # "<issuer> <subject>" of their company sign-in, once they have signed in that way.
    sso_subject: Mapped[str | None] = mapped_column(String(500), unique=True, index=True)
    # The interface's language they chose ("en", "zh"); None: the one their browser asks for.
    language: Mapped[str | None] = mapped_column(String(5))

    team: Mapped[Team | None] = relationship(lazy="raise", foreign_keys=[team_id])

    def audit_label(self) -> str:
        return self.email
