"""Questionnaire projects: the buyer's file as they sent it, where its questions and answers
are, and each question's answer with where it came from and where review has got to."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from prism.audit.models import Audited
from prism.db import Base, Timestamped, Versioned, text_enum
from prism.deals.models import Deal
from prism.knowledge.models import Item
from prism.people.models import User


class QuestionState(StrEnum):
    """Where a question's answer stands."""

    DRAFTED = "drafted"  # an approved answer fits; a person has yet to look
    FOR_EXPERT = "for_expert"  # nothing in the library is sure enough
    ACCEPTED = "accepted"  # a person agreed to the answer (as drafted or as they edited it)
    REJECTED = "rejected"  # a person turned the draft down; it needs another answer

    @property
    def open(self) -> bool:
        return self in (QuestionState.DRAFTED, QuestionState.FOR_EXPERT, QuestionState.REJECTED)


class Questionnaire(Audited, Versioned, Timestamped, Base):
    """A buyer's questionnaire or tender being answered: their file, kept as sent, and what
    Prism read of it."""

    __tablename__ = "questionnaires"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    filename: Mapped[str] = mapped_column(String(300))
    format: Mapped[str] = mapped_column(String(10))
    file_key: Mapped[str] = mapped_column(String(200))
    # Where the questions and answers are: `files.Layout` as JSON, correctable by a person.
    layout: Mapped[dict[str, Any]] = mapped_column(JSON)
    deal_id: Mapped[int | None] = mapped_column(
        ForeignKey("deals.id", ondelete="SET NULL"), index=True
    )
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    due_on: Mapped[date | None]

    deal: Mapped[Deal | None] = relationship(lazy="raise")
    owner: Mapped[User | None] = relationship(lazy="raise")
    products: Mapped[list[Item]] = relationship(
        secondary="questionnaire_products", lazy="raise", order_by="Item.title"
    )
    questions: Mapped[list[QuestionnaireQuestion]] = relationship(
        lazy="raise",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="QuestionnaireQuestion.position",
        back_populates="questionnaire",
    )

    def audit_label(self) -> str:
        return f"questionnaire: {self.title}"


class QuestionnaireProduct(Base):
    """A product a questionnaire is about: its answers come from that product's, or the whole
    company's."""

    __tablename__ = "questionnaire_products"

    questionnaire_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaires.id", ondelete="CASCADE"), primary_key=True
    )
    product_id: Mapped[int] = mapped_column(
        ForeignKey("items.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class QuestionnaireQuestion(Audited, Versioned, Timestamped, Base):
    """One question of the buyer's file, where it is in it, and its answer."""

    __tablename__ = "questionnaire_questions"
    __table_args__ = (UniqueConstraint("questionnaire_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_id: Mapped[int] = mapped_column(
        ForeignKey("questionnaires.id", ondelete="CASCADE")
    )
    position: Mapped[int]
    part: Mapped[str] = mapped_column(String(100))  # the sheet or table
    row: Mapped[int]  # 0-based within the part
    ref: Mapped[str] = mapped_column(String(100), default="")  # the buyer's id for it
    section: Mapped[str] = mapped_column(String(500), default="")
    text: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text, default="")
    yes_or_no: Mapped[str] = mapped_column(String(5), default="")
    # The library answer it was drawn from, at which version, and how surely it fits.
    source_id: Mapped[int | None] = mapped_column(
        ForeignKey("items.id", ondelete="SET NULL"), index=True
    )
    source_version: Mapped[int | None]
    confidence: Mapped[float | None]
    state: Mapped[QuestionState] = mapped_column(text_enum(QuestionState))
    # The answer is a person's, not the source's.
    edited: Mapped[bool] = mapped_column(default=False)
    # Who should answer it (an expert, legal, product) and by when.
    assignee_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    due_on: Mapped[date | None]
    # The day its assignee was told it is late: set by the reminder job, outside the version.
    reminded_on: Mapped[date | None]
    # The library answer proposed from a person's edited answer, going through review.
    proposed_id: Mapped[int | None] = mapped_column(ForeignKey("items.id", ondelete="SET NULL"))

    questionnaire: Mapped[Questionnaire] = relationship(lazy="raise", back_populates="questions")
    source: Mapped[Item | None] = relationship(lazy="raise", foreign_keys=[source_id])
    assignee: Mapped[User | None] = relationship(lazy="raise")
    proposed: Mapped[Item | None] = relationship(lazy="raise", foreign_keys=[proposed_id])

    def audit_label(self) -> str:
        return f"question {self.ref or self.position} of questionnaire #{self.questionnaire_id}"
