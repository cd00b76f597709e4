"""An account: a customer company, keyed by the CRM's id when it came from one."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from prism.audit.models import Audited
from prism.db import Base, Timestamped, Versioned, text_enum
from prism.knowledge.models import Facet


class Reference(StrEnum):
    """Whether the account speaks for Prism's company: in a story, on a call with a prospect."""

    NONE = "none"
    CANDIDATE = "candidate"  # proposed, not yet asked
    ACTIVE = "active"  # agreed to be a reference
    DECLINED = "declined"  # asked, said no: never proposed again


class Account(Audited, Versioned, Timestamped, Base):
    """A customer company (or a prospect) that takes part in a beta, a deal or a story."""

    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    industry_id: Mapped[int | None] = mapped_column(ForeignKey("facets.id", ondelete="SET NULL"))
    external_id: Mapped[str | None] = mapped_column(String(100), unique=True)
    # Annual recurring revenue, in whole units of the company's currency (0: not a customer).
    arr: Mapped[int] = mapped_column(default=0, server_default="0")
    segment: Mapped[str] = mapped_column(String(60), default="", server_default="")
    region: Mapped[str] = mapped_column(String(60), default="", server_default="")
    employees: Mapped[int | None]
    reference: Mapped[Reference] = mapped_column(
        text_enum(Reference), default=Reference.NONE, server_default=Reference.NONE.value
    )
    renewal_on: Mapped[date | None]
    # The customer-success health score, 0 (about to leave) to 100 (thriving).
    health: Mapped[int | None]
    # The day the account left; its ARR stays as what was lost.
    churned_on: Mapped[date | None]

    industry: Mapped[Facet | None] = relationship(lazy="raise")

    def audit_label(self) -> str:
        return f"account: {self.name}"


class IdealProfile(Audited, Versioned, Timestamped, Base):
    """The ideal customer profile: what a company that fits looks like. There is one."""

    __tablename__ = "ideal_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The criteria as `IdealProfileIn` writes them: industries, size, regions, products, signals.
    criteria: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)

    def audit_label(self) -> str:
        return "ideal customer profile"
