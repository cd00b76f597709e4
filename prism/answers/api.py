"""The answers API: drafts for a buyer's questions from the approved answer library, and
questionnaire projects: the buyer's file taken in, each answer reviewed, the file given back
answered."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Literal

from fastapi import File, Form, Query, Response, UploadFile, status

from prism.answers import drafting, service
from prism.answers.models import Questionnaire, QuestionnaireQuestion
from prism.answers.schemas import (
    AcceptDraftsIn,
    AssignIn,
    CandidateOut,
    ColumnsOut,
    DraftIn,
    DraftOut,
    DraftsOut,
    LayoutIn,
    LayoutOut,
    ProgressOut,
    QuestionnaireIn,
    QuestionnaireOut,
    QuestionOut,
    ReviewIn,
)
from prism.filestore import file_store
from prism.pagination import Page
from prism.schemas import Ref, parse
from prism.web.deps import AppSettings, CurrentUser, DbSession, Now
from prism.web.routing import IdPath, Paged, api_router, attachment

router = api_router("answers")
ALTERNATIVES = 3


@router.post("/answers/drafts", response_model=DraftsOut, summary="Draft answers to questions")
def draft_answers(data: DraftIn, session: DbSession, user: CurrentUser, now: Now) -> DraftsOut:
    """For each question, the approved answer (a published, customer-shareable FAQ or security
    item of the questionnaire's products or of the whole company) that answers it most surely,
    with its source and version; below the threshold there is no draft and the question is for
    an expert. Nothing is invented: every answer is a source's own."""
    service.products_of(session, user, data.product_ids)
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


@router.post(
    "/questionnaires",
    response_model=QuestionnaireOut,
    status_code=status.HTTP_201_CREATED,
    summary="Take in a buyer's questionnaire",
)
async def start_questionnaire(
    session: DbSession,
    user: CurrentUser,
    settings: AppSettings,
    now: Now,
    file: Annotated[UploadFile, File(description="The buyer's XLSX, DOCX or CSV, as sent.")],
    title: Annotated[str, Form()] = "",
    product_ids: Annotated[list[int], Form()] = [],  # noqa: B006 (FastAPI copies defaults)
    deal_id: Annotated[int | None, Form()] = None,
    due_on: Annotated[str | None, Form(description="YYYY-MM-DD")] = None,
) -> QuestionnaireOut:
    """Prism finds the question, answer, yes/no and id columns itself (past instructions and
    section rows) and drafts every question from the library; `layout` says what it found, and
    `PUT …/layout` corrects it. The file is kept exactly as sent."""
    data = parse(QuestionnaireIn, {"title": title, "product_ids": product_ids,
                                   "deal_id": deal_id, "due_on": due_on or None})  # fmt: skip
    made = service.start(session, user, filename=file.filename or "", raw=await file.read(),
                         data=data, store=file_store(settings), now=now)  # fmt: skip
    return questionnaire_out(made)


@router.get("/questionnaires", response_model=Page[QuestionnaireOut], summary="Questionnaires")
def list_questionnaires(
    session: DbSession, user: CurrentUser, paged: Paged
) -> Page[QuestionnaireOut]:
    """Every questionnaire being answered, soonest due first, with its progress (questions
    left out: read one for them)."""
    found = service.list_questionnaires(session, user)
    return paged.page(found, QuestionnaireOut, lambda q: questionnaire_out(q, questions=False))


@router.get(
    "/questionnaires/{questionnaire_id}", response_model=QuestionnaireOut, summary="A questionnaire"
)
def get_questionnaire(
    questionnaire_id: IdPath, session: DbSession, user: CurrentUser
) -> QuestionnaireOut:
    return questionnaire_out(service.get_questionnaire(session, user, questionnaire_id))


@router.put(
    "/questionnaires/{questionnaire_id}/layout",
    response_model=QuestionnaireOut,
    summary="Correct where the questions and answers are",
)
def correct_layout(
    questionnaire_id: IdPath,
    data: LayoutIn,
    session: DbSession,
    user: CurrentUser,
    settings: AppSettings,
    now: Now,
) -> QuestionnaireOut:
    """Reads the questions again with these columns and drafts them again; refused (409) once
    an answer has been accepted."""
    made = service.relayout(session, user, questionnaire_id, data.columns, version=data.version,
                            store=file_store(settings), now=now)  # fmt: skip
    return questionnaire_out(made)


@router.post(
    "/questionnaires/{questionnaire_id}/questions/{question_id}/review",
    response_model=QuestionOut,
    summary="Accept, edit or reject an answer",
)
def review_question(
    questionnaire_id: IdPath,
    question_id: IdPath,
    data: ReviewIn,
    session: DbSession,
    user: CurrentUser,
) -> QuestionOut:
    return question_out(service.review(session, user, questionnaire_id, question_id, data))


@router.post(
    "/questionnaires/{questionnaire_id}/accept-drafts",
    response_model=list[QuestionOut],
    summary="Accept the sure drafts in one step",
)
def accept_drafts(
    questionnaire_id: IdPath, data: AcceptDraftsIn, session: DbSession, user: CurrentUser
) -> list[QuestionOut]:
    """Every draft at or above `at_least` confidence that no one has edited is accepted as
    drafted; the questions accepted come back."""
    made = service.accept_drafts(session, user, questionnaire_id, at_least=data.at_least)
    return [question_out(q) for q in made]


@router.post(
    "/questionnaires/{questionnaire_id}/assign",
    response_model=list[QuestionOut],
    summary="Ask someone to answer questions",
)
def assign_questions(
    questionnaire_id: IdPath, data: AssignIn, session: DbSession, user: CurrentUser
) -> list[QuestionOut]:
    """They get a notification with the questionnaire's link."""
    return [question_out(q) for q in service.assign(session, user, questionnaire_id, data)]


@router.post(
    "/questionnaires/{questionnaire_id}/questions/{question_id}/propose",
    response_model=Ref,
    status_code=status.HTTP_201_CREATED,
    summary="Propose an answer to the library",
)
def propose_answer(
    questionnaire_id: IdPath, question_id: IdPath, session: DbSession, user: CurrentUser, now: Now
) -> Ref:
    """A person's accepted answer becomes a new FAQ in review: published by an editor, it is
    drafted for the next questionnaire that asks it."""
    item = service.propose(session, user, questionnaire_id, question_id, now=now)
    return Ref(id=item.id, title=item.title)


@router.get(
    "/questionnaires/{questionnaire_id}/file",
    summary="The buyer's file, answered",
    response_class=Response,
    responses={200: {"content": {m.split(";")[0]: {} for m in service.MEDIA_TYPES.values()}}},
)
def answered_file(
    questionnaire_id: IdPath,
    session: DbSession,
    user: CurrentUser,
    settings: AppSettings,
    drafts: Annotated[
        bool, Query(description="Also unreviewed drafts, not only accepted answers.")
    ] = False,
) -> Response:
    """The buyer's own file with the answers in their cells and everything else as sent. An
    answer whose source is no longer published and customer-shareable is left out (the
    `X-Prism-Withheld` header counts them)."""
    filled = service.export(session, user, questionnaire_id, store=file_store(settings),
                            drafts=drafts)  # fmt: skip
    response = attachment(filled.data, filled.filename, filled.media_type)
    response.headers["X-Prism-Written"] = str(filled.written)
    response.headers["X-Prism-Withheld"] = str(len(filled.withheld))
    return response


@router.get(
    "/questionnaires/{questionnaire_id}/book",
    summary="The answer book",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}, service.MEDIA_TYPES["docx"]: {}}}},
)
def answer_book(
    questionnaire_id: IdPath,
    session: DbSession,
    user: CurrentUser,
    now: Now,
    format: Annotated[Literal["pdf", "docx"], Query(description="pdf or docx")] = "pdf",
) -> Response:
    """The accepted answers as a document of their own, every question in the buyer's order
    (one without an answer to send says it is to follow)."""
    made = service.answer_book(session, user, questionnaire_id, fmt=format, today=now.date())
    return attachment(made.data, made.filename, made.media_type)


def questionnaire_out(q: Questionnaire, *, questions: bool = True) -> QuestionnaireOut:
    layout = service.layout_of(q)
    done = service.progress(q)
    return QuestionnaireOut(
        id=q.id,
        version=q.version,
        title=q.title,
        filename=q.filename,
        format=q.format,
        products=[Ref(id=p.id, title=p.title) for p in q.products],
        deal=Ref(id=q.deal.id, title=q.deal.name) if q.deal else None,
        owner=Ref(id=q.owner.id, title=q.owner.name) if q.owner else None,
        due_on=q.due_on,
        progress=ProgressOut(**asdict(done), percent=done.percent),
        layout=LayoutOut(
            format=layout.format,
            ignored=layout.ignored,
            columns=[ColumnsOut(**asdict(c)) for c in layout.columns],
        ),
        questions=[question_out(x) for x in q.questions] if questions else [],
    )


def question_out(q: QuestionnaireQuestion) -> QuestionOut:
    return QuestionOut.of(q, source=Ref(id=q.source.id, title=q.source.title) if q.source else None)
