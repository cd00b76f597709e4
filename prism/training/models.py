"""Enablement: training modules with quizzes, assignments, attempts, certifications, live
sessions and product-awareness surveys."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from prism.audit.models import Audited
from prism.db import Base, Timestamped, Versioned, text_enum, utcnow
from prism.knowledge.models import Item
from prism.launches.models import Launch
from prism.people.models import Team, User


class ModuleStatus(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    RETIRED = "retired"


class QuestionKind(StrEnum):
    SINGLE = "single"
    MULTIPLE = "multiple"
    TRUE_FALSE = "true_false"

    @property
    def keyword(self) -> str:
        """How the quiz text form names the kind: single, multiple, true/false."""
        return self.value.replace("_", "/")

    @property
    def label(self) -> str:
        return "true or false" if self is QuestionKind.TRUE_FALSE else f"{self.value} choice"


class Module(Audited, Versioned, Timestamped, Base):
    """A training: what to read (markdown and linked library items) and a quiz to pass."""

    __tablename__ = "training_modules"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200), unique=True)
    summary: Mapped[str] = mapped_column(String(500), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[ModuleStatus] = mapped_column(
        text_enum(ModuleStatus), default=ModuleStatus.DRAFT, index=True
    )
    product_id: Mapped[int | None] = mapped_column(
        ForeignKey("items.id", ondelete="SET NULL"), index=True
    )
    launch_id: Mapped[int | None] = mapped_column(
        ForeignKey("launches.id", ondelete="SET NULL"), index=True
    )
    minutes: Mapped[int] = mapped_column(default=15)
    # The share of questions to get right, in percent.
    pass_mark: Mapped[int] = mapped_column(default=80)
    # None: as many attempts as the learner likes.
    max_attempts: Mapped[int | None] = mapped_column(default=3)
    certifying: Mapped[bool] = mapped_column(default=False)
    valid_months: Mapped[int] = mapped_column(default=12)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    product: Mapped[Item | None] = relationship(lazy="raise")
    launch: Mapped[Launch | None] = relationship(lazy="raise")
    owner: Mapped[User | None] = relationship(lazy="raise")
    teams: Mapped[list[Team]] = relationship(secondary="training_module_teams", lazy="raise")
    items: Mapped[list[Item]] = relationship(secondary="training_module_items", lazy="raise")

    __table_args__ = (
        CheckConstraint("pass_mark BETWEEN 1 AND 100", name="pass_mark_percent"),
        CheckConstraint("max_attempts IS NULL OR max_attempts >= 1", name="max_attempts_positive"),
        CheckConstraint("valid_months >= 1", name="valid_months_positive"),
    )

    def audit_label(self) -> str:
        return self.title


class ModuleTeam(Base):
    """A team the module is written for (its audience)."""

    __tablename__ = "training_module_teams"

    module_id: Mapped[int] = mapped_column(
        ForeignKey("training_modules.id", ondelete="CASCADE"), primary_key=True
    )
    team_id: Mapped[int] = mapped_column(
        ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class ModuleItem(Base):
    """A library item the module asks learners to study."""

    __tablename__ = "training_module_items"

    module_id: Mapped[int] = mapped_column(
        ForeignKey("training_modules.id", ondelete="CASCADE"), primary_key=True
    )
    item_id: Mapped[int] = mapped_column(
        ForeignKey("items.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class Survey(Audited, Versioned, Timestamped, Base):
    """A product-awareness survey sent to departments; its questions have right answers."""

    __tablename__ = "surveys"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200), unique=True)
    intro: Mapped[str] = mapped_column(Text, default="")
    # None: the survey spans products (each question may name its own).
    product_id: Mapped[int | None] = mapped_column(
        ForeignKey("items.id", ondelete="SET NULL"), index=True
    )
    anonymous: Mapped[bool] = mapped_column(default=False)
    sent_at: Mapped[datetime | None]
    closes_on: Mapped[date | None]
    closed_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    product: Mapped[Item | None] = relationship(lazy="raise")
    teams: Mapped[list[Team]] = relationship(secondary="survey_teams", lazy="raise")

    def audit_label(self) -> str:
        return self.title

    def is_open(self, today: date) -> bool:
        closed = self.closed_at is not None or (
            self.closes_on is not None and today > self.closes_on
        )
        return self.sent_at is not None and not closed


class SurveyTeam(Base):
    __tablename__ = "survey_teams"

    survey_id: Mapped[int] = mapped_column(
        ForeignKey("surveys.id", ondelete="CASCADE"), primary_key=True
    )
    team_id: Mapped[int] = mapped_column(
        ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class Question(Base):
    """A quiz or survey question; choices are stored in order, answers by their position."""

    __tablename__ = "training_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int | None] = mapped_column(
        ForeignKey("training_modules.id", ondelete="CASCADE"), index=True
    )
    survey_id: Mapped[int | None] = mapped_column(
        ForeignKey("surveys.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[QuestionKind] = mapped_column(text_enum(QuestionKind))
    prompt: Mapped[str] = mapped_column(Text)
    choices: Mapped[list[str]] = mapped_column(JSON)
    correct: Mapped[list[int]] = mapped_column(JSON)
    explanation: Mapped[str] = mapped_column(Text, default="")
    # The product a survey question is about, for scores per product.
    product_id: Mapped[int | None] = mapped_column(
        ForeignKey("items.id", ondelete="SET NULL"), index=True
    )
    # An edited quiz retires the questions it drops, so past attempts keep their answers.
    retired: Mapped[bool] = mapped_column(default=False)

    product: Mapped[Item | None] = relationship(lazy="raise")

    __table_args__ = (
        CheckConstraint(
            "(module_id IS NULL) <> (survey_id IS NULL)", name="question_of_module_or_survey"
        ),
    )


class Assignment(Audited, Versioned, Timestamped, Base):
    """A module assigned to a team or to one person, due by a date."""

    __tablename__ = "training_assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(
        ForeignKey("training_modules.id", ondelete="CASCADE"), index=True
    )
    team_id: Mapped[int | None] = mapped_column(
        ForeignKey("teams.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    due_on: Mapped[date]
    # After this day the assignment takes no more answers; None keeps it open.
    closes_on: Mapped[date | None]
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    module: Mapped[Module] = relationship(lazy="raise")
    team: Mapped[Team | None] = relationship(lazy="raise")
    user: Mapped[User | None] = relationship(lazy="raise", foreign_keys=[user_id])
    assigned_by: Mapped[User | None] = relationship(lazy="raise", foreign_keys=[assigned_by_id])

    __table_args__ = (
        CheckConstraint("(team_id IS NULL) <> (user_id IS NULL)", name="assigned_to_one"),
        UniqueConstraint("module_id", "team_id", name="uq_assignment_team"),
        UniqueConstraint("module_id", "user_id", name="uq_assignment_user"),
    )

    def audit_label(self) -> str:
        return f"assignment {self.id}"

    def is_closed(self, today: date) -> bool:
        return self.closes_on is not None and today > self.closes_on


class Attempt(Timestamped, Base):
    """One go at a module's quiz: the order it was shown in, then the answers and the score."""

    __tablename__ = "training_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(
        ForeignKey("training_modules.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    assignment_id: Mapped[int | None] = mapped_column(
        ForeignKey("training_assignments.id", ondelete="SET NULL")
    )
    # [[question id, [choice positions in the order shown]], ...]
    layout: Mapped[list[list[Any]]] = mapped_column(JSON)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None]
    score: Mapped[float | None]
    passed: Mapped[bool | None]

    module: Mapped[Module] = relationship(lazy="raise")
    user: Mapped[User] = relationship(lazy="raise")
    assignment: Mapped[Assignment | None] = relationship(lazy="raise")


class SurveyResponse(Base):
    """One person's answers to a survey; an anonymous survey keeps only their department."""

    __tablename__ = "survey_responses"

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    team_id: Mapped[int | None] = mapped_column(
        ForeignKey("teams.id", ondelete="SET NULL"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Anonymous responses keep the day only, so the time cannot point at a person.
    submitted_on: Mapped[date]
    score: Mapped[float]


class Answer(Base):
    """The choices picked for one question, in an attempt or a survey response."""

    __tablename__ = "training_answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int | None] = mapped_column(
        ForeignKey("training_attempts.id", ondelete="CASCADE"), index=True
    )
    response_id: Mapped[int | None] = mapped_column(
        ForeignKey("survey_responses.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[int] = mapped_column(
        ForeignKey("training_questions.id", ondelete="CASCADE"), index=True
    )
    chosen: Mapped[list[int]] = mapped_column(JSON)
    correct: Mapped[bool]

    __table_args__ = (
        CheckConstraint(
            "(attempt_id IS NULL) <> (response_id IS NULL)", name="answer_of_attempt_or_response"
        ),
    )


class SurveyRecipient(Base):
    """Someone a survey was sent to, and whether they have answered (not what they answered)."""

    __tablename__ = "survey_recipients"

    survey_id: Mapped[int] = mapped_column(
        ForeignKey("surveys.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"))
    responded: Mapped[bool] = mapped_column(default=False)


class CertificationStatus(StrEnum):
    ACTIVE = "active"
    LAPSED = "lapsed"


class Certification(Audited, Timestamped, Base):
    """Proof that someone passed a certifying module, valid until it expires."""

    __tablename__ = "certifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(
        ForeignKey("training_modules.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    attempt_id: Mapped[int | None] = mapped_column(
        ForeignKey("training_attempts.id", ondelete="SET NULL")
    )
    issued_on: Mapped[date]
    expires_on: Mapped[date] = mapped_column(index=True)
    status: Mapped[CertificationStatus] = mapped_column(
        text_enum(CertificationStatus), default=CertificationStatus.ACTIVE
    )
    score: Mapped[float]

    module: Mapped[Module] = relationship(lazy="raise")
    user: Mapped[User] = relationship(lazy="raise")

    def audit_label(self) -> str:
        return f"certification {self.id}"

    def is_current(self, today: date) -> bool:
        return today < self.expires_on


class LiveSession(Audited, Versioned, Timestamped, Base):
    """A scheduled live training, with the people invited and who attended."""

    __tablename__ = "live_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    module_id: Mapped[int | None] = mapped_column(
        ForeignKey("training_modules.id", ondelete="SET NULL"), index=True
    )
    starts_at: Mapped[datetime] = mapped_column(index=True)
    minutes: Mapped[int] = mapped_column(default=60)
    location: Mapped[str] = mapped_column(String(500), default="")
    host_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    module: Mapped[Module | None] = relationship(lazy="raise")
    host: Mapped[User | None] = relationship(lazy="raise")
    invitations: Mapped[list[Invitation]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="Invitation.user_id"
    )

    def audit_label(self) -> str:
        return self.title


class Invitation(Base):
    """Someone invited to a live session; `attended` stays None until the host takes the roll."""

    __tablename__ = "live_session_invitations"

    session_id: Mapped[int] = mapped_column(
        ForeignKey("live_sessions.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    attended: Mapped[bool | None]

    user: Mapped[User] = relationship(lazy="raise")
