"""A deal and the knowledge items that describe it (its products, personas and competitors)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from prism.accounts.models import Account
from prism.audit.models import Audited
from prism.db import Base, Timestamped, Versioned, text_enum
from prism.knowledge.models import Facet, Item
from prism.people.models import User


class Stage(StrEnum):
    DISCOVERY = "discovery"
    EVALUATION = "evaluation"
    PROPOSAL = "proposal"
    NEGOTIATION = "negotiation"
    CLOSED = "closed"


class Outcome(StrEnum):
    OPEN = "open"
    WON = "won"
    LOST = "lost"


class Deal(Audited, Versioned, Timestamped, Base):
    """A sales opportunity as the toolkit sees it."""

    __tablename__ = "deals"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    customer: Mapped[str] = mapped_column(String(200))
    # The CRM's opportunity id when the deal came from one: re-imports and live sync find it by it.
    external_id: Mapped[str | None] = mapped_column(String(100), unique=True)
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), index=True
    )
    industry_id: Mapped[int | None] = mapped_column(ForeignKey("facets.id", ondelete="SET NULL"))
    value: Mapped[int] = mapped_column(default=0)
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    cycle_days: Mapped[int] = mapped_column(default=30)
    stage: Mapped[Stage] = mapped_column(text_enum(Stage), default=Stage.DISCOVERY)
    outcome: Mapped[Outcome] = mapped_column(text_enum(Outcome), default=Outcome.OPEN, index=True)
    closed_at: Mapped[datetime | None] = mapped_column(index=True)
    # The day it is expected to close (open) or closed (won, lost), as the CRM says.
    close_on: Mapped[date | None]
    # The CRM's own name for the stage ("Proposal/Price Quote", "contractsent").
    crm_stage: Mapped[str] = mapped_column(String(60), default="", server_default="")
    loss_reason: Mapped[str] = mapped_column(String(500), default="", server_default="")
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )

    owner: Mapped[User | None] = relationship(lazy="raise")
    account: Mapped[Account | None] = relationship(lazy="raise")
    industry: Mapped[Facet | None] = relationship(lazy="raise")
    focus: Mapped[list[Item]] = relationship(secondary="deal_focus", lazy="raise")

    def audit_label(self) -> str:
        return f"deal: {self.name}"


class DealFocus(Base):
    """An item the deal is about: a product sold, a persona met, a competitor faced."""

    __tablename__ = "deal_focus"

    deal_id: Mapped[int] = mapped_column(
        ForeignKey("deals.id", ondelete="CASCADE"), primary_key=True
    )
    item_id: Mapped[int] = mapped_column(
        ForeignKey("items.id", ondelete="CASCADE"), primary_key=True, index=True
    )
