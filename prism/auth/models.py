"""Credentials: web sign-in sessions, personal API tokens and the record of failed sign-ins."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from prism.audit.models import Audited
from prism.db import Base, utcnow
from prism.people.models import User


class WebSession(Base):
    """A signed-in browser; the cookie holds a random token, the database only its hash."""

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]

    user: Mapped[User] = relationship(lazy="raise")


class ApiToken(Audited, Base):
    """A personal API token: shown once, stored hashed, scoped, expiring and revocable."""

    __tablename__ = "api_tokens"
    __audit_redact__: ClassVar[frozenset[str]] = frozenset({"token_hash"})
    __audit_ignore__: ClassVar[frozenset[str]] = frozenset({"last_used_at"})

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(lazy="raise")

    def audit_label(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def scope_list(self) -> list[str]:
        return self.scopes.split()

    @property
    def writes(self) -> bool:
        """May this token change data (the write scope)?"""
        return "write" in self.scope_list


class LoginFailure(Base):
    """One failed sign-in, kept for a while so repeated guessing can be throttled."""

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    email_key: Mapped[str] = mapped_column(String(64), index=True)
    client: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
