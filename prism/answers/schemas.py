"""What the answers API takes and gives."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from prism.answers.models import QuestionState
from prism.schemas import Id, Input, Output, Ref

Question = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


class DraftIn(Input):
    questions: Annotated[list[Question], Field(min_length=1, max_length=500)]
    product_ids: Annotated[list[Id], Field(max_length=10)] = Field(
        default=[],
        description="The questionnaire's products: answers about another product are never "
        "drafted. Answers linked to no product hold for the whole company.",
    )


class CandidateOut(Output):
    source: Ref
    version: int = Field(description="The version of the source the answer was drawn from.")
    confidence: float = Field(description="0 to 1: how surely the source answers the question.")
    answer: str = Field(description="The source's short answer, else its long answer.")
    long_answer: str
    yes_or_no: str = Field(
        description="What the source says to a yes/no question: yes, no, n/a, or empty when it "
        "says neither (a Yes/No cell is then left for a person)."
    )


class DraftOut(Output):
    question: str
    for_expert: bool = Field(
        description="No approved answer is sure enough: the question goes to an expert."
    )
    draft: CandidateOut | None
    alternatives: list[CandidateOut] = Field(description="Other likely sources, best first.")


class DraftsOut(Output):
    threshold: float = Field(description="The confidence at or above which a draft is offered.")
    drafts: list[DraftOut]


class QuestionnaireIn(Input):
    title: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] = Field(
        default="", description="The file's name if left out."
    )
    product_ids: Annotated[list[Id], Field(max_length=10)] = Field(
        default=[], description="The products the questionnaire is about."
    )
    deal_id: Id | None = None
    due_on: date | None = None


class ColumnsIn(Input):
    """Where one sheet's or table's questions and answers are: 0-based rows and columns."""

    part: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    header_row: Annotated[int, Field(ge=0, le=5_000)]
    question: Annotated[int, Field(ge=0, le=500)]
    answer: Annotated[int | None, Field(ge=0, le=500)] = None
    yes_no: Annotated[int | None, Field(ge=0, le=500)] = None
    ref: Annotated[int | None, Field(ge=0, le=500)] = None


class LayoutIn(Input):
    version: int
    columns: Annotated[list[ColumnsIn], Field(min_length=1, max_length=50)]


class ReviewIn(Input):
    version: int
    decision: Literal["accept", "reject"]
    answer: Annotated[str | None, StringConstraints(strip_whitespace=True, max_length=20_000)] = (
        Field(default=None, description="The answer as the reviewer edited it.")
    )
    yes_or_no: Literal["", "yes", "no", "n/a"] | None = None


class AcceptDraftsIn(Input):
    at_least: Annotated[float, Field(ge=0, le=1)] = Field(
        description="The confidence (0 to 1) a draft needs to be accepted as drafted."
    )


class AssignIn(Input):
    question_ids: Annotated[list[Id], Field(min_length=1, max_length=2_000)]
    assignee_id: Id
    due_on: date | None = None


class ColumnsOut(Output):
    part: str
    header_row: int
    question: int
    answer: int | None
    yes_no: int | None
    ref: int | None


class LayoutOut(Output):
    format: str
    columns: list[ColumnsOut]
    ignored: list[str] = Field(description="Sheets or tables where no questions were found.")


class ProgressOut(Output):
    total: int
    accepted: int
    drafted: int
    for_expert: int
    rejected: int
    percent: int = Field(description="Accepted answers as a share of all questions.")


class QuestionOut(Output):
    id: int
    version: int
    position: int
    part: str
    row: int
    ref: str
    section: str
    text: str
    answer: str
    yes_or_no: str
    state: QuestionState
    edited: bool
    source: Ref | None
    source_version: int | None
    confidence: float | None
    assignee: Ref | None
    due_on: date | None
    proposed: Ref | None = Field(description="The library answer proposed from this one.")


class QuestionnaireOut(Output):
    id: int
    version: int
    title: str
    filename: str
    format: str
    products: list[Ref]
    deal: Ref | None
    owner: Ref | None
    due_on: date | None
    progress: ProgressOut
    layout: LayoutOut
    questions: list[QuestionOut] = []
