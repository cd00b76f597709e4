"""What the answers API takes and gives."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StringConstraints

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
