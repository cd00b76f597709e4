"""Requests to the enablement team and the reusable capabilities they add up to.

A middle platform absorbs demand instead of answering it request by request: similar requests
are grouped into one capability (a battlecard refresh, a pricing training, a security pack) on
the enablement roadmap, whose status every requester sees. Help on one deal is reserved, by rule,
for the deals that need it; other requests are pointed to the self-serve toolkit.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import ClassVar

from sqlalchemy import ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from prism.accounts.models import Account
from prism.audit.models import Audited
from prism.db import Base, Timestamped, Versioned, text_enum
from prism.deals.models import Deal
from prism.knowledge.models import Item
from prism.people.models import Team, User


class Need(StrEnum):
    """What the front office asks the enablement team for."""

    ASSET = "asset"
    TRAINING = "training"
    DEAL_HELP = "deal_help"
    COMPETITIVE_INTEL = "competitive_intel"

    @property
    def label(self) -> str:
        return {"asset": "an asset", "training": "a training", "deal_help": "help on a deal"}.get(
            self.value, "competitive intel"
        )


class Risk(StrEnum):
    """What the requester says is at stake on the account, beyond the deal itself."""

    NONE = "none"
    REFUND = "refund"
    CHURN = "churn"


class Route(StrEnum):
    """Where a request went: onto the roadmap, to a person for deal help, or to the toolkit."""

    ROADMAP = "roadmap"
    DEAL_HELP = "deal_help"
    SELF_SERVE = "self_serve"

    @property
    def label(self) -> str:
        return {"roadmap": "on the roadmap", "deal_help": "deal help offered"}.get(
            self.value, "pointed to the self-serve toolkit"
        )


class HelpStatus(StrEnum):
    """Deal help, once offered, is open until someone gives it (or it is no longer needed)."""

    OPEN = "open"
    DONE = "done"
    WITHDRAWN = "withdrawn"


class CapabilityStatus(StrEnum):
    PROPOSED = "proposed"
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DELIVERED = "delivered"
    DECLINED = "declined"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


class Capability(Audited, Versioned, Timestamped, Base):
    """Something reusable the enablement team builds once for everyone who asked for it."""

    __tablename__ = "capabilities"
    __audit_ignore__: ClassVar[frozenset[str]] = frozenset({"updated_at", "version", "vector_sum"})

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    # A person named it: new requests joining it never rename it.
    named: Mapped[bool] = mapped_column(default=False)
    need: Mapped[Need] = mapped_column(text_enum(Need), default=Need.ASSET)
    status: Mapped[CapabilityStatus] = mapped_column(
        text_enum(CapabilityStatus), default=CapabilityStatus.PROPOSED, index=True
    )
    note: Mapped[str] = mapped_column(Text, default="")
    target_on: Mapped[date | None]
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # What was delivered: a library item (a battlecard, a deck, a handbook, ...).
    asset_id: Mapped[int | None] = mapped_column(ForeignKey("items.id", ondelete="SET NULL"))
    # The members' embeddings added up (float32 bytes): the centre new requests are compared with.
    vector_sum: Mapped[bytes | None] = mapped_column(LargeBinary)

    owner: Mapped[User | None] = relationship(lazy="raise")
    asset: Mapped[Item | None] = relationship(lazy="raise")

    def audit_label(self) -> str:
        return f"capability: {self.title}"


class EnablementRequest(Audited, Versioned, Timestamped, Base):
    """One ask from the front office: what they need, for which product, deal or account."""

    __tablename__ = "enablement_requests"
    __audit_ignore__: ClassVar[frozenset[str]] = frozenset({"updated_at", "version", "vector"})

    id: Mapped[int] = mapped_column(primary_key=True)
    need: Mapped[Need] = mapped_column(text_enum(Need), index=True)
    text: Mapped[str] = mapped_column(Text)
    requester_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"))
    product_id: Mapped[int | None] = mapped_column(ForeignKey("items.id", ondelete="SET NULL"))
    competitor_id: Mapped[int | None] = mapped_column(ForeignKey("items.id", ondelete="SET NULL"))
    deal_id: Mapped[int | None] = mapped_column(ForeignKey("deals.id", ondelete="SET NULL"))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id", ondelete="SET NULL"))
    risk: Mapped[Risk] = mapped_column(text_enum(Risk), default=Risk.NONE)
    route: Mapped[Route] = mapped_column(text_enum(Route), index=True)
    # Why it went where it went, in words the requester reads ("the deal is 240k, above 100k").
    route_reason: Mapped[str] = mapped_column(Text, default="")
    help_status: Mapped[HelpStatus | None] = mapped_column(text_enum(HelpStatus))
    helper_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    capability_id: Mapped[int | None] = mapped_column(
        ForeignKey("capabilities.id", ondelete="SET NULL"), index=True
    )
    vector: Mapped[bytes] = mapped_column(LargeBinary)

    requester: Mapped[User | None] = relationship(foreign_keys=[requester_id], lazy="raise")
    helper: Mapped[User | None] = relationship(foreign_keys=[helper_id], lazy="raise")
    team: Mapped[Team | None] = relationship(lazy="raise")
    product: Mapped[Item | None] = relationship(foreign_keys=[product_id], lazy="raise")
    competitor: Mapped[Item | None] = relationship(foreign_keys=[competitor_id], lazy="raise")
    deal: Mapped[Deal | None] = relationship(lazy="raise")
    account: Mapped[Account | None] = relationship(lazy="raise")
    capability: Mapped[Capability | None] = relationship(lazy="raise")

    def audit_label(self) -> str:
        return f"enablement request #{self.id}"
