"""The feedback loop: what the field says (items), what it adds up to (themes), what became of it
(status changes, told to everyone who contributed)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import ClassVar

from sqlalchemy import Float, ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from prism.accounts.models import Account
from prism.audit.models import Audited
from prism.db import Base, Timestamped, Versioned, text_enum, utcnow
from prism.deals.models import Deal
from prism.knowledge.models import Item
from prism.launches.models import Launch
from prism.people.models import Team, User


class Signal(StrEnum):
    """What an item tells product. A theme gathers one signal: praise or a competitor's claim
    never joins a request, whatever words they share."""

    REQUEST = "request"  # something to build or make easier
    BUG = "bug"
    PRICING = "pricing"
    COMPETITOR = "competitor"
    PRAISE = "praise"
    WIN = "win"
    LOSS = "loss"  # why a deal was lost or an account left, when no product need explains it

    @property
    def label(self) -> str:
        """Its themes, as a list names them ("requests")."""
        return SIGNAL_WORDS[self.value][0]

    @property
    def one(self) -> str:
        """One item of this signal, as a sentence names it ("a request")."""
        return SIGNAL_WORDS[self.value][1]

    @property
    def asks(self) -> bool:
        """Does a theme of this signal wait for a product decision (and so join the digest)?"""
        return self in ASKING


ASKING = frozenset({Signal.REQUEST, Signal.BUG, Signal.PRICING})
SIGNAL_WORDS = {
    "request": ("requests", "a request"),
    "bug": ("bugs", "a bug"),
    "pricing": ("pricing", "about pricing"),
    "competitor": ("competitor intel", "competitor intel"),
    "praise": ("praise", "praise"),
    "win": ("win reasons", "a win reason"),
    "loss": ("other loss and churn reasons", "a loss or churn reason"),
}


class Kind(StrEnum):
    FEATURE_REQUEST = "feature_request"
    USABILITY = "usability"
    BUG = "bug"
    PRICING = "pricing"
    COMPETITOR_INTEL = "competitor_intel"
    PRAISE = "praise"
    WIN_REASON = "win_reason"
    LOSS_REASON = "loss_reason"
    CHURN_REASON = "churn_reason"

    @property
    def label(self) -> str:
        return {"bug": "bug seen by a customer"}.get(self.value, self.value.replace("_", " "))


# The kinds that explain an outcome: a deal won or lost, an account that left.
OUTCOME_KINDS = frozenset({Kind.WIN_REASON, Kind.LOSS_REASON, Kind.CHURN_REASON})


class Reason(StrEnum):
    """Why a deal was won or lost, or why an account left: the structured half of the story
    (the free text is the other half)."""

    PRODUCT_FIT = "product_fit"
    MISSING_FEATURE = "missing_feature"
    PRICE = "price"
    COMPETITOR = "competitor"
    EASE_OF_USE = "ease_of_use"
    SECURITY = "security"
    INTEGRATION = "integration"
    SUPPORT = "support"
    RELATIONSHIP = "relationship"
    TIMING = "timing"
    NO_DECISION = "no_decision"
    BUDGET = "budget"
    POOR_ADOPTION = "poor_adoption"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {
            "security": "security and compliance",
            "no_decision": "no decision",
            "price": "price and value",
        }.get(self.value, self.value.replace("_", " "))


KIND_SIGNALS = {
    Kind.FEATURE_REQUEST: Signal.REQUEST,
    Kind.USABILITY: Signal.REQUEST,
    Kind.BUG: Signal.BUG,
    Kind.PRICING: Signal.PRICING,
    Kind.COMPETITOR_INTEL: Signal.COMPETITOR,
    Kind.PRAISE: Signal.PRAISE,
    Kind.WIN_REASON: Signal.WIN,
    Kind.LOSS_REASON: Signal.LOSS,
    Kind.CHURN_REASON: Signal.LOSS,
}
# A deal lost (or an account gone) for want of something in the product is that need's weight:
# it joins the request or pricing themes; other losses (timing, relationship) stay apart.
LOSS_SIGNALS = {
    Reason.MISSING_FEATURE: Signal.REQUEST,
    Reason.PRODUCT_FIT: Signal.REQUEST,
    Reason.INTEGRATION: Signal.REQUEST,
    Reason.SECURITY: Signal.REQUEST,
    Reason.EASE_OF_USE: Signal.REQUEST,
    Reason.PRICE: Signal.PRICING,
    Reason.BUDGET: Signal.PRICING,
}


def signal_of(kind: Kind, reason: Reason | None) -> Signal:
    """The signal an item of this kind (and reason, for a loss or churn) carries."""
    if kind in (Kind.LOSS_REASON, Kind.CHURN_REASON) and reason in LOSS_SIGNALS:
        return LOSS_SIGNALS[reason]
    return KIND_SIGNALS[kind]


# Which reasons fit which outcome: nobody wins a deal over a missing feature.
REASONS: dict[Kind, tuple[Reason, ...]] = {
    Kind.WIN_REASON: (
        Reason.PRODUCT_FIT,
        Reason.PRICE,
        Reason.EASE_OF_USE,
        Reason.SECURITY,
        Reason.INTEGRATION,
        Reason.SUPPORT,
        Reason.RELATIONSHIP,
        Reason.OTHER,
    ),
    Kind.LOSS_REASON: (
        Reason.MISSING_FEATURE,
        Reason.PRICE,
        Reason.COMPETITOR,
        Reason.SECURITY,
        Reason.INTEGRATION,
        Reason.EASE_OF_USE,
        Reason.RELATIONSHIP,
        Reason.TIMING,
        Reason.NO_DECISION,
        Reason.BUDGET,
        Reason.OTHER,
    ),
    Kind.CHURN_REASON: (
        Reason.MISSING_FEATURE,
        Reason.PRICE,
        Reason.COMPETITOR,
        Reason.POOR_ADOPTION,
        Reason.SUPPORT,
        Reason.BUDGET,
        Reason.EASE_OF_USE,
        Reason.OTHER,
    ),
}


class Origin(StrEnum):
    """How the item came in."""

    FORM = "form"
    API = "api"
    CSV = "csv"
    BETA = "beta"
    DEAL = "deal"
    ACCOUNT = "account"
    ASSISTANT = "assistant"  # through an AI assistant (MCP)


class ThemeStatus(StrEnum):
    NEW = "new"
    REVIEWED = "reviewed"
    SHARED = "shared"
    PLANNED = "planned"
    SHIPPED = "shipped"
    DECLINED = "declined"

    @property
    def label(self) -> str:
        return "shared with product" if self is ThemeStatus.SHARED else self.value


class FeedbackSettings(Audited, Versioned, Timestamped, Base):
    """How the feedback inbox is grouped (one row): the granularity a person chose, which both
    re-clustering and the placing of new items follow."""

    __tablename__ = "feedback_settings"
    __audit_ignore__: ClassVar[frozenset[str]] = frozenset({"updated_at", "version", "join_at"})

    id: Mapped[int] = mapped_column(primary_key=True)
    # 0 as found; negative for broader themes, positive for narrower (-3 to 3).
    granularity: Mapped[int] = mapped_column(default=0)
    # How close to its theme's centre nine members in ten were at the last re-clustering: a new
    # item at least this close to the closest theme joins it, as re-clustering would keep it.
    join_at: Mapped[float | None] = mapped_column(Float)

    def audit_label(self) -> str:
        return "feedback settings"


class FeedbackTheme(Audited, Versioned, Timestamped, Base):
    """Items that say the same thing. Clustering proposes themes; people rename, merge, split,
    move items and pin, and re-clustering keeps what they did (`held`)."""

    __tablename__ = "feedback_themes"
    __audit_ignore__: ClassVar[frozenset[str]] = frozenset({"updated_at", "version", "vector_sum"})

    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(200))
    # A person named it: re-clustering and new items never relabel it.
    named: Mapped[bool] = mapped_column(default=False)
    # A person shaped it (merged into it, split it, moved items in or out): its items stay.
    curated: Mapped[bool] = mapped_column(default=False)
    pinned: Mapped[bool] = mapped_column(default=False)
    status: Mapped[ThemeStatus] = mapped_column(
        text_enum(ThemeStatus), default=ThemeStatus.NEW, index=True
    )
    status_note: Mapped[str] = mapped_column(Text, default="")
    # The one signal its items carry (their kinds'); new items join themes of their own signal.
    signal: Mapped[Signal] = mapped_column(text_enum(Signal), default=Signal.REQUEST, index=True)
    # The members' embeddings added up (float32 bytes): the centre new items are compared with.
    vector_sum: Mapped[bytes | None] = mapped_column(LargeBinary)

    @property
    def held(self) -> bool:
        """Re-clustering leaves its items where they are."""
        return self.named or self.curated or self.pinned or self.status is not ThemeStatus.NEW

    def audit_label(self) -> str:
        return f"theme: {self.label}"


class FeedbackItem(Audited, Timestamped, Base):
    """One thing the field heard: a request, a complaint, a reason a deal was won or lost."""

    __tablename__ = "feedback_items"
    __audit_ignore__: ClassVar[frozenset[str]] = frozenset({"updated_at", "vector", "theme_id"})

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    kind: Mapped[Kind] = mapped_column(text_enum(Kind), default=Kind.FEATURE_REQUEST, index=True)
    # Only for win, loss and churn reasons (see REASONS).
    reason: Mapped[Reason | None] = mapped_column(text_enum(Reason))
    origin: Mapped[Origin] = mapped_column(text_enum(Origin), default=Origin.FORM)
    said_on: Mapped[date] = mapped_column(default=lambda: utcnow().date(), index=True)
    submitter_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"))
    product_id: Mapped[int | None] = mapped_column(
        ForeignKey("items.id", ondelete="SET NULL"), index=True
    )
    feature_id: Mapped[int | None] = mapped_column(ForeignKey("items.id", ondelete="SET NULL"))
    competitor_id: Mapped[int | None] = mapped_column(ForeignKey("items.id", ondelete="SET NULL"))
    launch_id: Mapped[int | None] = mapped_column(ForeignKey("launches.id", ondelete="SET NULL"))
    account_id: Mapped[int | None] = mapped_column(
        ForeignKey("accounts.id", ondelete="SET NULL"), index=True
    )
    deal_id: Mapped[int | None] = mapped_column(ForeignKey("deals.id", ondelete="SET NULL"))
    theme_id: Mapped[int | None] = mapped_column(
        ForeignKey("feedback_themes.id", ondelete="SET NULL"), index=True
    )
    # A person put it in its theme: re-clustering leaves it there.
    placed: Mapped[bool] = mapped_column(default=False)
    # Where an imported row came from (the file's id column, or a fingerprint of the row), so
    # importing the same export twice adds nothing.
    external_id: Mapped[str | None] = mapped_column(String(200), unique=True)
    vector: Mapped[bytes] = mapped_column(LargeBinary)

    submitter: Mapped[User | None] = relationship(lazy="raise")
    team: Mapped[Team | None] = relationship(lazy="raise")
    product: Mapped[Item | None] = relationship(foreign_keys=[product_id], lazy="raise")
    feature: Mapped[Item | None] = relationship(foreign_keys=[feature_id], lazy="raise")
    competitor: Mapped[Item | None] = relationship(foreign_keys=[competitor_id], lazy="raise")
    launch: Mapped[Launch | None] = relationship(lazy="raise")
    account: Mapped[Account | None] = relationship(lazy="raise")
    deal: Mapped[Deal | None] = relationship(lazy="raise")
    theme: Mapped[FeedbackTheme | None] = relationship(lazy="raise")

    @property
    def signal(self) -> Signal:
        return signal_of(self.kind, self.reason)

    def audit_label(self) -> str:
        return f"feedback #{self.id}"


class StatusChange(Base):
    """A theme's move from one status to the next, with the note everyone who contributed sees."""

    __tablename__ = "feedback_status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    theme_id: Mapped[int] = mapped_column(
        ForeignKey("feedback_themes.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[ThemeStatus] = mapped_column(text_enum(ThemeStatus))
    note: Mapped[str] = mapped_column(Text, default="")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(default=utcnow)

    actor: Mapped[User | None] = relationship(lazy="raise")
