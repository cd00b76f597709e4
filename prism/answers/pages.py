"""The questionnaire pages: the list of questionnaires being answered with the upload of a new
one; a questionnaire's page (what Prism found in the file, each question with its draft, source
and review, the buyer's file answered); and quick answers for questions pasted in."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from prism.answers import drafting, files, service
from prism.answers.models import QuestionnaireQuestion, QuestionState
from prism.answers.schemas import AcceptDraftsIn, AssignIn, ColumnsIn, QuestionnaireIn, ReviewIn
from prism.auth.policy import Action, Principal, can
from prism.db import utcnow
from prism.deals.service import deal_choices
from prism.errors import Invalid
from prism.filestore import file_store
from prism.i18n import N_, _
from prism.knowledge.freshness import stale_reasons
from prism.knowledge.service import choices
from prism.people.service import active_people
from prism.schemas import as_id, parse
from prism.web.deps import AppSettings, DbSession, Now, PageUser
from prism.web.forms import Outcome, attempt, form_with_lists, posted_file
from prism.web.routing import IdPath, attachment, page_router
from prism.web.templating import render, settle

router = page_router()
MOST = 500  # questions drafted at once, as the API takes them


def column_letter(index: int) -> str:
    """A 0-based column as a spreadsheet names it: A, B, … Z, AA."""
    from openpyxl.utils.cell import get_column_letter

    return str(get_column_letter(index + 1))


def _products(session: Session, user: Principal) -> list[Any]:
    return sorted(choices(session, user, "product"), key=lambda p: p.title.casefold())


def _list_page(
    request: Request,
    session: Session,
    user: Principal,
    *,
    text: str = "",
    chosen: list[int] | None = None,
    made: list[drafting.Draft] | None = None,
    outcome: Outcome | None = None,
    error: str = "",
) -> HTMLResponse:
    runs = can(user, Action.BUILD_KITS)
    context: dict[str, Any] = {
        "title": _("Questionnaire answers"),
        "products": _products(session, user),
        "questionnaires": service.list_questionnaires(session, user) if runs else [],
        "progress": service.progress,
        "deals": deal_choices(session, user, open_only=True) if runs else [],
        "runs": runs,
        "chosen": chosen or [],
        "text": text,
        "drafts": made,
        "drafted": sum(1 for d in made or [] if not d.for_expert),
        "threshold": drafting.DRAFT_AT,
        "library": service.library(session, user, now=utcnow()),
        "error": error,
        **(outcome.context if outcome else {}),
    }
    failed = error or (outcome is not None and outcome.error)
    status_code = (outcome.status_code if outcome and outcome.error else 422) if failed else 200
    return render(request, "answers/list.html", context, status_code=status_code)


@router.get("/answers", response_class=HTMLResponse)
def answers_page(request: Request, session: DbSession, user: PageUser) -> HTMLResponse:
    return _list_page(request, session, user)


@router.post("/answers", response_class=HTMLResponse)
async def draft_answers(
    request: Request, session: DbSession, user: PageUser, now: Now
) -> HTMLResponse:
    """Quick answers: the questions pasted in, drafted; nothing is kept."""
    form = await form_with_lists(request, "product_id")
    text = str(form.get("questions", ""))
    known = {p.id for p in choices(session, user, "product")}
    chosen = [i for i in (as_id(str(v)) for v in form["product_id"]) if i in known]
    questions = [line.strip() for line in text.splitlines() if line.strip()]
    if not questions:
        return _list_page(request, session, user, text=text, chosen=chosen,
                          error=_("Paste the buyer's questions, one per line."))  # fmt: skip
    if len(questions) > MOST:
        error = _("At most {most} questions at a time.", most=MOST)
        return _list_page(request, session, user, text=text, chosen=chosen, error=error)
    drafter = drafting.Drafter(session, user, now=now)
    made = [drafter.draft(q, product_ids=chosen) for q in questions]
    return _list_page(request, session, user, text=text, chosen=chosen, made=made)


@router.post("/answers/questionnaires", response_class=HTMLResponse)
async def start_questionnaire(
    request: Request, session: DbSession, user: PageUser, settings: AppSettings, now: Now
) -> Response:
    raw = await posted_file(request)
    form = await form_with_lists(request, "product_id")
    upload = (await request.form()).get("file")
    filename = str(getattr(upload, "filename", "") or "")

    def start() -> Any:
        data = parse(QuestionnaireIn, {
            "title": form.get("title", ""), "product_ids": form["product_id"],
            "deal_id": form.get("deal_id") or None, "due_on": form.get("due_on") or None,
        })  # fmt: skip
        return service.start(session, user, filename=filename, raw=raw, data=data,
                             store=file_store(settings), now=now)  # fmt: skip

    outcome = attempt(session, start, success=lambda: _("Questionnaire taken in and drafted."))
    if outcome.error:
        return _list_page(request, session, user, outcome=outcome)
    return settle(request, outcome, f"/answers/{outcome.value.id}", lambda: Response())


def _page(
    request: Request,
    session: Session,
    user: Principal,
    questionnaire_id: int,
    *,
    outcome: Outcome | None = None,
    settings: Any = None,
    show: str = "all",
) -> HTMLResponse:
    questionnaire = service.get_questionnaire(session, user, questionnaire_id)
    today = utcnow().date()
    views = _views(questionnaire.questions, user, today)
    layout = service.layout_of(questionnaire)
    found = {c.part: c for c in layout.columns}
    headers: dict[str, list[str]] = {}  # each part's columns, named as its header row names them
    if settings is not None:
        for part in service.parts_of(questionnaire, file_store(settings)):
            width = max((len(r) for r in part.rows), default=0)
            row = found[part.name].header_row if part.name in found else None
            names = part.rows[row] if row is not None and row < len(part.rows) else []
            headers[part.name] = [names[i] if i < len(names) else "" for i in range(width)]
    context: dict[str, Any] = {
        "title": questionnaire.title,
        "q": questionnaire,
        "layout": layout,
        "headers": headers,
        "found": found,
        "letter": column_letter,
        "paragraphs": files.PARAGRAPHS,
        "late": service.late,
        "today": today,
        "views": views,
        "show": show if show in views else "all",
        "shown": views.get(show, views["all"])[1],
        "paragraph_columns": files.PARAGRAPH_COLUMNS,
        "done": service.progress(questionnaire),
        "states": QuestionState,
        "reviewed": any(x.state == QuestionState.ACCEPTED for x in questionnaire.questions),
        "people": active_people(session),
        "stale": stale_reasons(session, utcnow()),
        **(outcome.context if outcome else {}),
    }
    status_code = outcome.status_code if outcome and outcome.error else 200
    return render(request, "answers/questionnaire.html", context, status_code=status_code)


VIEWS = ("all", "drafted", "for_expert", "rejected", "accepted", "mine", "late")


def _views(
    questions: list[QuestionnaireQuestion], user: Principal, today: date
) -> dict[str, tuple[str, list[QuestionnaireQuestion]]]:
    """The ways to narrow a long questionnaire down: each one's label and its questions."""
    chosen: dict[str, tuple[str, Callable[[QuestionnaireQuestion], bool]]] = {
        "all": (N_("All"), lambda x: True),
        "drafted": (N_("To review"), lambda x: x.state == QuestionState.DRAFTED),
        "for_expert": (N_("For an expert"), lambda x: x.state == QuestionState.FOR_EXPERT),
        "rejected": (N_("Rejected"), lambda x: x.state == QuestionState.REJECTED),
        "accepted": (N_("Accepted"), lambda x: x.state == QuestionState.ACCEPTED),
        "mine": (N_("Assigned to me"), lambda x: x.assignee_id == user.id),
        "late": (N_("Late"), lambda x: service.late(x, today)),
    }
    assert tuple(chosen) == VIEWS
    return {
        name: (label, [x for x in questions if test(x)]) for name, (label, test) in chosen.items()
    }


def _settled(
    request: Request,
    session: Session,
    user: Principal,
    questionnaire_id: int,
    outcome: Outcome,
    settings: Any,
    url: str,
) -> Response:
    """After a form on a questionnaire's page: back to `url` with the notice, or the page again
    with the error."""
    return settle(request, outcome, url, lambda: _page(
        request, session, user, questionnaire_id, outcome=outcome, settings=settings))  # fmt: skip


@router.get("/answers/{questionnaire_id}", response_class=HTMLResponse)
def questionnaire_page(
    request: Request,
    session: DbSession,
    user: PageUser,
    settings: AppSettings,
    questionnaire_id: IdPath,
    show: str = "all",
) -> HTMLResponse:
    """`show` narrows the questions down: all, drafted, for_expert, rejected, accepted, mine,
    late."""
    return _page(request, session, user, questionnaire_id, settings=settings, show=show)


@router.post("/answers/{questionnaire_id}/questions/{question_id}", response_class=HTMLResponse)
async def review_question(
    request: Request,
    session: DbSession,
    user: PageUser,
    settings: AppSettings,
    questionnaire_id: IdPath,
    question_id: IdPath,
) -> Response:
    form = await form_with_lists(request)

    def review() -> object:
        data = parse(ReviewIn, {
            "version": form.get("version"), "decision": form.get("decision"),
            "answer": form.get("answer", ""), "yes_or_no": form.get("yes_or_no", ""),
        })  # fmt: skip
        return service.review(session, user, questionnaire_id, question_id, data)

    decision = form.get("decision")
    said = _("Answer accepted.") if decision == "accept" else _("Answer rejected.")
    outcome = attempt(session, review, success=said)
    show = str(form.get("show", ""))
    narrowed = f"?show={show}" if show in VIEWS and show != "all" else ""
    url = f"/answers/{questionnaire_id}{narrowed}#question-{question_id}"
    return _settled(request, session, user, questionnaire_id, outcome, settings, url)


@router.post("/answers/{questionnaire_id}/accept-drafts", response_class=HTMLResponse)
async def accept_drafts(
    request: Request,
    session: DbSession,
    user: PageUser,
    settings: AppSettings,
    questionnaire_id: IdPath,
) -> Response:
    """The form: `at_least`, the confidence in percent a draft needs."""
    form = await form_with_lists(request)
    accepted: list[object] = []

    def accept() -> object:
        percent = str(form.get("at_least", "")).strip()
        value = float(percent) / 100 if percent.replace(".", "", 1).isdigit() else percent
        data = parse(AcceptDraftsIn, {"at_least": value})
        accepted.extend(service.accept_drafts(session, user, questionnaire_id,
                                              at_least=data.at_least))  # fmt: skip
        return accepted

    outcome = attempt(
        session, accept, success=lambda: _("Drafts accepted: {count}.", count=len(accepted))
    )
    return _settled(
        request, session, user, questionnaire_id, outcome, settings, f"/answers/{questionnaire_id}"
    )


@router.post("/answers/{questionnaire_id}/assign", response_class=HTMLResponse)
async def assign_questions(
    request: Request,
    session: DbSession,
    user: PageUser,
    settings: AppSettings,
    questionnaire_id: IdPath,
) -> Response:
    """The form: `assignee_id`, `due_on`, and `which`: the questions for an expert, or every
    question not yet accepted."""
    form = await form_with_lists(request)

    def assign() -> object:
        questionnaire = service.get_questionnaire(session, user, questionnaire_id)
        states = (QuestionState.FOR_EXPERT,) if form.get("which") != "open" else service.OPEN
        ids = [q.id for q in questionnaire.questions if q.state in states]
        if not ids:
            raise Invalid(_("No question is waiting for an answer."))
        data = parse(AssignIn, {"question_ids": ids, "assignee_id": form.get("assignee_id"),
                                "due_on": form.get("due_on") or None})  # fmt: skip
        return service.assign(session, user, questionnaire_id, data)

    outcome = attempt(session, assign, success=_("Questions assigned; they have been told."))
    return _settled(
        request, session, user, questionnaire_id, outcome, settings, f"/answers/{questionnaire_id}"
    )


@router.post(
    "/answers/{questionnaire_id}/questions/{question_id}/propose", response_class=HTMLResponse
)
async def propose_answer(
    request: Request,
    session: DbSession,
    user: PageUser,
    settings: AppSettings,
    now: Now,
    questionnaire_id: IdPath,
    question_id: IdPath,
) -> Response:
    outcome = attempt(
        session,
        lambda: service.propose(session, user, questionnaire_id, question_id, now=now),
        success=_("Proposed to the library: an editor will review it."),
    )
    url = f"/answers/{questionnaire_id}#question-{question_id}"
    return _settled(request, session, user, questionnaire_id, outcome, settings, url)


@router.post("/answers/{questionnaire_id}/layout", response_class=HTMLResponse)
async def correct_layout(
    request: Request,
    session: DbSession,
    user: PageUser,
    settings: AppSettings,
    now: Now,
    questionnaire_id: IdPath,
) -> Response:
    """The form: `part` repeated for each sheet or table kept, and for each its
    `<field>.<part>` columns (1-based as people count them; empty for none)."""
    form = await form_with_lists(request, "part")

    def column(name: str, part: str) -> int | None:
        value = as_id(str(form.get(f"{name}.{part}", "")))
        return None if value is None else value - 1

    def relayout() -> object:
        columns = [
            parse(
                ColumnsIn,
                {
                    "part": part,
                    "header_row": column("header_row", part),
                    "question": column("question", part),
                    "answer": column("answer", part),
                    "yes_no": column("yes_no", part),
                    "ref": column("ref", part),
                },
            )
            for part in form["part"]
        ]
        if not columns:
            raise Invalid(_("Keep at least one sheet or table with questions."))
        version = as_id(str(form.get("version", ""))) or 0
        return service.relayout(session, user, questionnaire_id, columns, version=version,
                                store=file_store(settings), now=now)  # fmt: skip

    outcome = attempt(session, relayout, success=_("Questions read again and drafted."))
    return _settled(
        request, session, user, questionnaire_id, outcome, settings, f"/answers/{questionnaire_id}"
    )


@router.get("/answers/{questionnaire_id}/file")
def answered_file(
    session: DbSession,
    user: PageUser,
    settings: AppSettings,
    questionnaire_id: IdPath,
    drafts: bool = False,
) -> Response:
    filled = service.export(session, user, questionnaire_id, store=file_store(settings),
                            drafts=drafts)  # fmt: skip
    return attachment(filled.data, filled.filename, filled.media_type)


@router.get("/answers/{questionnaire_id}/book.{fmt}")
def answer_book(
    session: DbSession, user: PageUser, now: Now, questionnaire_id: IdPath, fmt: str
) -> Response:
    made = service.answer_book(session, user, questionnaire_id, fmt=fmt, today=now.date())
    return attachment(made.data, made.filename, made.media_type)
