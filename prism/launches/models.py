"""A launch, the tier templates it is generated from, and everything that tracks its progress."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any, ClassVar

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from prism.accounts.models import Account
from prism.audit.models import Audited
from prism.db import Base, Timestamped, Versioned, text_enum, utcnow
from prism.i18n import _
from prism.knowledge.models import Item, Status
from prism.people.models import Team, User

TIERS = (1, 2, 3)


def tier_problem(tier: int) -> str | None:
    """Why `tier` is not a tier, or None if it is."""
    if tier in TIERS:
        return None
    return _(
        "there is no tier {tier}; tiers are 1 (new product or major release), "
        "2 (significant feature) and 3 (minor update)",
        tier=tier,
    )


class Stage(StrEnum):
    PLANNING = "planning"
    ALPHA = "alpha"
    BETA = "beta"
    GA = "ga"
    LANDED = "landed"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return "GA" if self is Stage.GA else self.value.title()


# The road every launch travels, one stage at a time; a launch may be cancelled before it lands.
ROAD = (Stage.PLANNING, Stage.ALPHA, Stage.BETA, Stage.GA, Stage.LANDED)
# The stages of a launch still under way: its deliverables and reviews can still be late.
UNDER_WAY = ROAD[:-1]


class Goal(StrEnum):
    AWARENESS = "awareness"
    ADOPTION = "adoption"
    CONVERSION = "conversion"
    PIPELINE = "pipeline"
    UPSELL = "upsell"


class BomStatus(StrEnum):
    """What the owner says; whether the item is *done* is decided by its linked asset."""

    TODO = "todo"
    IN_PROGRESS = "in_progress"
    DROPPED = "dropped"


class MetricSource(StrEnum):
    MANUAL = "manual"
    API = "api"
    CSV = "csv"
    COMPUTED = "computed"


class Direction(StrEnum):
    HIGHER = "higher"
    LOWER = "lower"


class Health(StrEnum):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"


class BetaStatus(StrEnum):
    INVITED = "invited"
    ACTIVE = "active"
    COMPLETED = "completed"
    DROPPED = "dropped"


class Launch(Audited, Versioned, Timestamped, Base):
    """One go-to-market event: what ships, when, for whom, and why anyone should care."""

    __tablename__ = "launches"
    __table_args__ = (CheckConstraint("tier in (1, 2, 3)", name="known_tier"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    tier: Mapped[int]
    stage: Mapped[Stage] = mapped_column(text_enum(Stage), default=Stage.PLANNING, index=True)
    target_date: Mapped[date]
    ga_on: Mapped[date | None]
    goal: Mapped[Goal] = mapped_column(text_enum(Goal), default=Goal.ADOPTION)
    summary: Mapped[str] = mapped_column(Text, default="")
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    product_id: Mapped[int | None] = mapped_column(
        ForeignKey("items.id", ondelete="SET NULL"), index=True
    )
    # Minimum viable positioning: for [target] who [need], [product] is a [category] that
    # [benefit]; unlike [alternative], we [differentiator].
    target: Mapped[str] = mapped_column(String(300), default="")
    need: Mapped[str] = mapped_column(String(300), default="")
    category: Mapped[str] = mapped_column(String(300), default="")
    benefit: Mapped[str] = mapped_column(String(300), default="")
    alternative: Mapped[str] = mapped_column(String(300), default="")
    differentiator: Mapped[str] = mapped_column(String(500), default="")

    owner: Mapped[User | None] = relationship(lazy="raise")
    product: Mapped[Item | None] = relationship(lazy="raise")
    features: Mapped[list[Item]] = relationship(secondary="launch_features", lazy="raise")
    teams: Mapped[list[Team]] = relationship(secondary="launch_teams", lazy="raise")
    bom: Mapped[list[BomItem]] = relationship(
        lazy="raise", order_by="BomItem.position", cascade="all, delete-orphan"
    )

    def audit_label(self) -> str:
        return f"launch: {self.name}"

    @property
    def is_open(self) -> bool:
        return self.stage in UNDER_WAY


class LaunchFeature(Base):
    __tablename__ = "launch_features"

    launch_id: Mapped[int] = mapped_column(
        ForeignKey("launches.id", ondelete="CASCADE"), primary_key=True
    )
    item_id: Mapped[int] = mapped_column(
        ForeignKey("items.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class LaunchTeam(Base):
    """A team the launch must ready (its certification rate feeds the GA gate)."""

    __tablename__ = "launch_teams"

    launch_id: Mapped[int] = mapped_column(
        ForeignKey("launches.id", ondelete="CASCADE"), primary_key=True
    )
    team_id: Mapped[int] = mapped_column(
        ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class TierDeliverable(Audited, Versioned, Timestamped, Base):
    """One line of a tier's bill-of-materials template."""

    __tablename__ = "tier_deliverables"

    id: Mapped[int] = mapped_column(primary_key=True)
    tier: Mapped[int] = mapped_column(index=True)
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    # Days relative to the launch date: -14 is due two weeks before it.
    offset_days: Mapped[int] = mapped_column(default=0)
    required: Mapped[bool] = mapped_column(default=True)
    # The knowledge kinds that may stand for this deliverable; empty means any.
    accepts: Mapped[list[str]] = mapped_column(JSON, default=list)

    def audit_label(self) -> str:
        return f"tier {self.tier} deliverable: {self.title}"


class TierGate(Audited, Versioned, Timestamped, Base):
    """A rule a launch of this tier must meet to enter `stage`, with its threshold if any."""

    __tablename__ = "tier_gates"
    __table_args__ = (UniqueConstraint("tier", "stage", "rule"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tier: Mapped[int] = mapped_column(index=True)
    stage: Mapped[Stage] = mapped_column(text_enum(Stage))
    rule: Mapped[str] = mapped_column(String(40))
    threshold: Mapped[float | None]

    def audit_label(self) -> str:
        return f"tier {self.tier} gate to {self.stage.value}: {self.rule}"


class BomItem(Audited, Versioned, Timestamped, Base):
    """A deliverable of one launch: owned, due, and done once its linked asset is published."""

    __tablename__ = "bom_items"
    __audit_ignore__: ClassVar[frozenset[str]] = frozenset(
        {"updated_at", "version", "overdue_notified_on"}
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    launch_id: Mapped[int] = mapped_column(
        ForeignKey("launches.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    offset_days: Mapped[int] = mapped_column(default=0)
    required: Mapped[bool] = mapped_column(default=True)
    accepts: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[BomStatus] = mapped_column(text_enum(BomStatus), default=BomStatus.TODO)
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    item_id: Mapped[int | None] = mapped_column(
        ForeignKey("items.id", ondelete="SET NULL"), index=True
    )
    overdue_notified_on: Mapped[date | None]

    launch: Mapped[Launch] = relationship(lazy="raise", back_populates="bom")
    owner: Mapped[User | None] = relationship(lazy="raise")
    item: Mapped[Item | None] = relationship(lazy="raise")

    def audit_label(self) -> str:
        return f"deliverable: {self.title}"

    @property
    def done(self) -> bool:
        """Done means the linked asset is published, whatever the owner has ticked."""
        return self.item is not None and self.item.status == Status.PUBLISHED

    def due_on(self, launch_date: date) -> date:
        return launch_date + timedelta(days=self.offset_days)


class StageChange(Base):
    """A launch's move from one stage to the next, with the override that allowed it, if any."""

    __tablename__ = "launch_stage_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    launch_id: Mapped[int] = mapped_column(
        ForeignKey("launches.id", ondelete="CASCADE"), index=True
    )
    from_stage: Mapped[Stage] = mapped_column(text_enum(Stage))
    to_stage: Mapped[Stage] = mapped_column(text_enum(Stage))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    override_reason: Mapped[str] = mapped_column(Text, default="")
    # What the gate could not pass or could not measure at the time of the move.
    open_findings: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)

    actor: Mapped[User | None] = relationship(lazy="raise")


class Metric(Audited, Versioned, Timestamped, Base):
    """A success metric of a launch: what is measured, in what unit, against which target."""

    __tablename__ = "launch_metrics"

    id: Mapped[int] = mapped_column(primary_key=True)
    launch_id: Mapped[int] = mapped_column(
        ForeignKey("launches.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(30), default="")
    target: Mapped[float]
    direction: Mapped[Direction] = mapped_column(text_enum(Direction), default=Direction.HIGHER)
    # A cumulative metric grows toward its target, so a 30-day checkpoint expects a third of it.
    cumulative: Mapped[bool] = mapped_column(default=True)
    source: Mapped[MetricSource] = mapped_column(
        text_enum(MetricSource), default=MetricSource.MANUAL
    )
    computation: Mapped[str | None] = mapped_column(String(40))

    def audit_label(self) -> str:
        return f"metric: {self.name}"

    @property
    def target_text(self) -> str:
        """The target as people read it: "≥ 900,000 USD", "≤ 20 tickets"."""
        sign = "≥" if self.direction is Direction.HIGHER else "≤"
        return f"{sign} {self.target:,g} {self.unit}".rstrip()


class Measurement(Base):
    """A metric's value on a day; a later value for the same day replaces the earlier one."""

    __tablename__ = "launch_measurements"
    __table_args__ = (UniqueConstraint("metric_id", "measured_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    metric_id: Mapped[int] = mapped_column(ForeignKey("launch_metrics.id", ondelete="CASCADE"))
    measured_on: Mapped[date]
    value: Mapped[float]
    source: Mapped[MetricSource] = mapped_column(text_enum(MetricSource))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)


class Checkpoint(Audited, Versioned, Timestamped, Base):
    """The review 30, 60 or 90 days after GA: actual against target for every metric."""

    __tablename__ = "launch_checkpoints"
    __table_args__ = (UniqueConstraint("launch_id", "day"),)
    __audit_ignore__: ClassVar[frozenset[str]] = frozenset(
        {"updated_at", "version", "due_notified_on"}
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    launch_id: Mapped[int] = mapped_column(
        ForeignKey("launches.id", ondelete="CASCADE"), index=True
    )
    day: Mapped[int]
    due_on: Mapped[date] = mapped_column(index=True)
    health: Mapped[Health | None] = mapped_column(text_enum(Health))
    note: Mapped[str] = mapped_column(Text, default="")
    reviewed_at: Mapped[datetime | None]
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    due_notified_on: Mapped[date | None]

    reviewer: Mapped[User | None] = relationship(lazy="raise")
    results: Mapped[list[CheckpointResult]] = relationship(
        lazy="raise", cascade="all, delete-orphan"
    )

    def audit_label(self) -> str:
        return f"{self.day}-day checkpoint"


class CheckpointResult(Base):
    """One metric's actual against its target, as it stood when the checkpoint was reviewed."""

    __tablename__ = "launch_checkpoint_results"

    checkpoint_id: Mapped[int] = mapped_column(
        ForeignKey("launch_checkpoints.id", ondelete="CASCADE"), primary_key=True
    )
    metric_id: Mapped[int] = mapped_column(
        ForeignKey("launch_metrics.id", ondelete="CASCADE"), primary_key=True
    )
    actual: Mapped[float | None]
    expected: Mapped[float]
    health: Mapped[Health] = mapped_column(text_enum(Health))


class BetaCustomer(Audited, Versioned, Timestamped, Base):
    """An account taking part in a launch's beta."""

    __tablename__ = "beta_customers"
    __table_args__ = (UniqueConstraint("launch_id", "account_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    launch_id: Mapped[int] = mapped_column(
        ForeignKey("launches.id", ondelete="CASCADE"), index=True
    )
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    status: Mapped[BetaStatus] = mapped_column(text_enum(BetaStatus), default=BetaStatus.INVITED)
    contact: Mapped[str] = mapped_column(String(200), default="")

    account: Mapped[Account] = relationship(lazy="raise")

    def audit_label(self) -> str:
        return f"beta customer #{self.account_id} of launch #{self.launch_id}"


class BetaFeedback(Audited, Timestamped, Base):
    """What a beta customer said, tagged with the launch so the feedback loop can take it up."""

    __tablename__ = "beta_feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    launch_id: Mapped[int] = mapped_column(
        ForeignKey("launches.id", ondelete="CASCADE"), index=True
    )
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)

    account: Mapped[Account] = relationship(lazy="raise")
    author: Mapped[User | None] = relationship(lazy="raise")

    def audit_label(self) -> str:
        return f"beta feedback #{self.id}"
