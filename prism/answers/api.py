"""The answers API: drafts for a buyer's questions from the approved answer library."""

from __future__ import annotations

from prism.answers import drafting
from prism.answers.schemas import CandidateOut, DraftIn, DraftOut, DraftsOut
from prism.errors import Invalid, NotFound
from prism.knowledge.service import get_item
from prism.schemas import Ref
from prism.web.deps import CurrentUser, DbSession, Now
from prism.web.routing import api_router

router = api_router("answers")
ALTERNATIVES = 3


@router.post("/answers/drafts", response_model=DraftsOut, summary="Draft answers to questions")
def draft_answers(data: DraftIn, session: DbSession, user: CurrentUser, now: Now) -> DraftsOut:
    """For each question, the approved answer (a published, customer-shareable FAQ or security
    item of the questionnaire's products or of the whole company) that answers it most surely,
    with its source and version; below the threshold there is no draft and the question is for
    an expert. Nothing is invented: every answer is a source's own."""
    for product_id in data.product_ids:
        try:
            get_item(session, user, product_id, "product")
        except NotFound as exc:
            raise Invalid.about("product_ids", exc.message) from exc
    drafter = drafting.Drafter(session, user, now=now)
    made = [drafter.draft(q, product_ids=data.product_ids) for q in data.questions]
    return DraftsOut(threshold=drafting.DRAFT_AT, drafts=[draft_out(d) for d in made])


def draft_out(draft: drafting.Draft) -> DraftOut:
    chosen = draft.chosen
    others = [c for c in draft.candidates if c is not chosen][:ALTERNATIVES]
    return DraftOut(
        question=draft.question,
        for_expert=draft.for_expert,
        draft=candidate_out(chosen) if chosen else None,
        alternatives=[candidate_out(c) for c in others],
    )


def candidate_out(c: drafting.Candidate) -> CandidateOut:
    return CandidateOut(
        source=Ref(id=c.item.id, title=c.item.title),
        version=c.version,
        confidence=c.confidence,
        answer=c.text,
        long_answer=c.long_text,
        yes_or_no=c.yes_or_no,
    )
