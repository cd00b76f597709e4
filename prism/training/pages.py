"""Training pages: the learner's queue, modules and their quizzes, results and certificates,
assignments, live sessions, surveys with their results, and readiness views."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from prism.auth.policy import Action, Principal, require
from prism.errors import Invalid
from prism.i18n import _
from prism.knowledge.models import Item
from prism.knowledge.service import ItemFilter, choices, list_items
from prism.launches import service as launches
from prism.launches.models import Launch
from prism.markdown import to_html
from prism.people import service as people
from prism.people.models import User
from prism.schemas import as_id
from prism.training import attempts, live, quiz, readiness, service, surveys
from prism.training.models import LiveSession, Module
from prism.training.schemas import (
    AnswersIn,
    AssignmentIn,
    AttendanceIn,
    LiveSessionIn,
    ModuleIn,
    ModuleUpdate,
    QuizIn,
    SendIn,
    SurveyIn,
)
from prism.web.deps import DbSession, Now, PageUser
from prism.web.forms import Outcome, Posted, attempt, form_with_lists, kept_filters, parse
from prism.web.routing import IdPath, IdQuery, page_router
from prism.web.templating import render, settle

router = page_router()
MODULE_LISTS = ("team_ids", "item_ids")


def _products(session: Session, user: Principal) -> list[Item]:
    return choices(session, user, "product")


@router.get("/training", response_class=HTMLResponse)
def my_training(request: Request, session: DbSession, user: PageUser, now: Now) -> HTMLResponse:
    today = now.date()
    led = service.led_team_ids(session, user)
    team_rows = readiness.by_person(session, user, today) if led else []
    context = {
        "title": _("Training"),
        "queue": readiness.queue(session, user, user, today),
        "certifications": attempts.certifications(session, user, user_id=user.id),
        # The enablement team sees every session; this page lists only the reader's own.
        "sessions": [
            s for s in live.list_sessions(session, user, upcoming_from=now) if _invited(s, user)
        ],
        "pending": surveys.pending(session, user, today),
        "team_overdue": [r for r in team_rows if r.overdue and r.label != user.name],
        "may_manage": service.may_manage(user),
        "today": today,
    }
    return render(request, "training/home.html", context)


def _invited(found: LiveSession, user: User) -> bool:
    return found.host_id == user.id or any(i.user_id == user.id for i in found.invitations)


# Modules.


@router.get("/training/modules", response_class=HTMLResponse)
def modules(
    request: Request,
    session: DbSession,
    user: PageUser,
    product_id: Annotated[str, Query(max_length=20)] = "",
    launch_id: Annotated[str, Query(max_length=20)] = "",
    cursor: Annotated[str | None, Query(max_length=100)] = None,
) -> HTMLResponse:
    """The modules, by product or launch, a page at a time."""
    chosen = {"product_id": as_id(product_id), "launch_id": as_id(launch_id)}
    page = service.list_modules(
        session,
        user,
        product_id=chosen["product_id"],
        launch_id=chosen["launch_id"],
        cursor=cursor,
    )
    context = {
        "title": _("Training modules"),
        "page": page,
        "chosen": chosen,
        "params": kept_filters(**chosen),
        "cursor": cursor,
        "products": _products(session, user),
        "launches": launches.list_launches(session, user, limit=200).items,
        "may_manage": service.may_manage(user),
    }
    return render(request, "training/modules.html", context)


def _module_choices(session: Session, user: Principal) -> dict[str, Any]:
    return {
        "products": _products(session, user),
        "items": list_items(session, user, ItemFilter(), limit=200).items,
        "launches": launches.list_launches(session, user, limit=200).items,
        "teams": people.all_teams(session, user),
    }


def _module_form(data: dict[str, Any]) -> dict[str, Any]:
    """The module form as the schema wants it: ticked boxes, and 'no limit' for attempts."""
    fields = {**data, "certifying": data.get("certifying") == "on"}
    if fields.get("max_attempts") == "none":
        fields["max_attempts"] = None
    for optional in ("product_id", "launch_id"):
        fields.setdefault(optional, None)
    return fields


def _editor(
    request: Request,
    session: Session,
    user: Principal,
    module: Module | None,
    form: dict[str, Any],
    outcome: Outcome,
    quiz_text: str | None = None,
) -> HTMLResponse:
    require(user, Action.MANAGE_TRAINING)
    questions = service.questions(session, module.id) if module else []
    context = {
        "title": f"Edit {module.title}" if module else "New training module",
        "module": module,
        "form": form,
        "quiz_text": quiz.as_text(questions) if quiz_text is None else quiz_text,
        "question_count": len(questions),
        **_module_choices(session, user),
        **outcome.context,
    }
    return render(request, "training/edit.html", context, status_code=outcome.status_code)


@router.get("/training/modules/new", response_class=HTMLResponse)
def new_module(
    request: Request, session: DbSession, user: PageUser, launch_id: IdQuery = None
) -> HTMLResponse:
    """A new module; from a launch's page, the launch's certification (launch chosen, passing
    certifies)."""
    form: dict[str, Any] = {"minutes": 15, "pass_mark": 80, "max_attempts": 3, "valid_months": 12}
    if launch_id is not None:
        launch = launches.get_launch(session, user, launch_id)
        form |= {
            "launch_id": launch.id,
            "certifying": True,
            "title": _("{name}: certification", name=launch.name),
        }
    return _editor(request, session, user, None, form, Outcome())


@router.post("/training/modules/new", response_class=HTMLResponse)
async def create_module(request: Request, session: DbSession, user: PageUser) -> Response:
    data = await form_with_lists(request, *MODULE_LISTS)
    outcome = attempt(
        session,
        lambda: service.create_module(session, user, parse(ModuleIn, _module_form(data))),
        success=_("Module saved as a draft."),
    )
    if outcome.error:
        return _editor(request, session, user, None, data, outcome)
    return RedirectResponse(f"/training/modules/{outcome.value.id}/edit", status_code=303)


def _as_form(module: Module) -> dict[str, Any]:
    return {
        **{k: getattr(module, k) for k in ModuleIn.model_fields if hasattr(module, k)},
        "team_ids": [t.id for t in module.teams],
        "item_ids": [i.id for i in module.items],
    }


@router.get("/training/modules/{module_id}/edit", response_class=HTMLResponse)
def edit_module(
    request: Request, session: DbSession, user: PageUser, module_id: IdPath
) -> HTMLResponse:
    module = service.get_module(session, user, module_id)
    return _editor(request, session, user, module, _as_form(module), Outcome())


@router.post("/training/modules/{module_id}/edit", response_class=HTMLResponse)
async def save_module(
    request: Request, session: DbSession, user: PageUser, module_id: IdPath
) -> Response:
    data = await form_with_lists(request, *MODULE_LISTS)
    outcome = attempt(
        session,
        lambda: service.update_module(
            session, user, module_id, parse(ModuleUpdate, _module_form(data))
        ),
        success=_("Module saved."),
    )
    module = service.get_module(session, user, module_id)
    return _editor(
        request, session, user, module, data if outcome.error else _as_form(module), outcome
    )


@router.post("/training/modules/{module_id}/quiz", response_class=HTMLResponse)
async def save_quiz(
    request: Request, session: DbSession, user: PageUser, module_id: IdPath
) -> Response:
    form = await request.form()
    text = str(form.get("quiz", ""))

    def save() -> object:
        drafts = [d.fields() for d in quiz.parse_text(text)]
        data = parse(QuizIn, {"version": form.get("version"), "questions": drafts})
        return service.set_quiz(session, user, module_id, data)

    outcome = attempt(session, save, success=_("Quiz saved."))
    module = service.get_module(session, user, module_id)
    return _editor(
        request, session, user, module, _as_form(module), outcome, text if outcome.error else None
    )


@router.post("/training/modules/{module_id}/status", response_class=HTMLResponse)
async def set_status(
    request: Request, session: DbSession, user: PageUser, module_id: IdPath
) -> Response:
    form = await request.form()
    wanted = {"version": form.get("version"), "status": form.get("status")}
    outcome = attempt(
        session,
        lambda: service.update_module(session, user, module_id, parse(ModuleUpdate, wanted)),
        success=_("Module {value}.", value=wanted["status"]),
    )
    module = service.get_module(session, user, module_id)
    return _editor(request, session, user, module, _as_form(module), outcome)


def _module_page(
    request: Request, session: Session, user: User, module_id: int, today: date, outcome: Outcome
) -> HTMLResponse:
    module = service.get_module(session, user, module_id)
    manage = service.may_manage(user)
    standing = next(
        (s for s in readiness.queue(session, user, user, today) if s.module.id == module.id), None
    )
    context = {
        "title": module.title,
        "module": module,
        "body": to_html(module.body),
        "questions": len(service.questions(session, module.id)),
        "standing": standing,
        "used": attempts.used(session, user.id, module.id),
        "may_manage": manage,
        "assignments": service.list_assignments(session, user, module_id=module.id)
        if manage
        else [],
        "teams": people.all_teams(session, user) if manage else [],
        "people": people.active_people(session) if manage else [],
        "today": today,
        **outcome.context,
    }
    return render(request, "training/module.html", context, status_code=outcome.status_code)


@router.get("/training/modules/{module_id}", response_class=HTMLResponse)
def module_page(
    request: Request, session: DbSession, user: PageUser, module_id: IdPath, now: Now
) -> HTMLResponse:
    return _module_page(request, session, user, module_id, now.date(), Outcome())


@router.post("/training/modules/{module_id}/attempts", response_class=HTMLResponse)
def start_attempt(
    request: Request, session: DbSession, user: PageUser, module_id: IdPath, now: Now
) -> Response:
    outcome = attempt(
        session, lambda: attempts.start(session, user, module_id, now=now), success=""
    )
    if outcome.error:
        return _module_page(request, session, user, module_id, now.date(), outcome)
    return RedirectResponse(f"/training/attempts/{outcome.value.id}", status_code=303)


@router.post("/training/modules/{module_id}/assign", response_class=HTMLResponse)
async def assign(
    request: Request, session: DbSession, user: PageUser, module_id: IdPath, now: Now
) -> Response:
    data = await form_with_lists(request, "team_ids", "user_ids")
    outcome = attempt(
        session,
        lambda: service.assign(
            session, user, parse(AssignmentIn, {**data, "module_id": module_id}), today=now.date()
        ),
        success=_("Assigned."),
    )
    return settle(
        request,
        outcome,
        f"/training/modules/{module_id}",
        lambda: _module_page(request, session, user, module_id, now.date(), outcome),
    )


@router.post(
    "/training/modules/{module_id}/assignments/{assignment_id}/withdraw",
    response_class=HTMLResponse,
)
def withdraw(
    request: Request,
    session: DbSession,
    user: PageUser,
    module_id: IdPath,
    assignment_id: IdPath,
    now: Now,
) -> Response:
    outcome = attempt(
        session,
        lambda: service.withdraw_assignment(session, user, assignment_id),
        success=_("Assignment withdrawn."),
    )
    return settle(
        request,
        outcome,
        f"/training/modules/{module_id}",
        lambda: _module_page(request, session, user, module_id, now.date(), outcome),
    )


# Attempts and certificates.


def _attempt_page(
    request: Request, session: Session, user: User, attempt_id: int, outcome: Outcome
) -> HTMLResponse:
    found = attempts.get_attempt(session, user, attempt_id)
    context = {
        "title": _("Quiz: {title}", title=found.module.title),
        "attempt": found,
        "number": attempts.number(session, found),
        "shown": attempts.shown(session, found),
        "marks": attempts.marks(session, found) if found.submitted_at else [],
        "certification": attempts.certification_of(session, found),
        "mine": found.user_id == user.id,
        **outcome.context,
    }
    return render(request, "training/attempt.html", context, status_code=outcome.status_code)


@router.get("/training/attempts/{attempt_id}", response_class=HTMLResponse)
def attempt_page(
    request: Request, session: DbSession, user: PageUser, attempt_id: IdPath
) -> HTMLResponse:
    return _attempt_page(request, session, user, attempt_id, Outcome())


def answers_from(form: Any, question_ids: list[int]) -> AnswersIn:
    """The posted choices (`q<id>` fields) as answers; a field that is not a number is refused."""
    answers: dict[int, list[int]] = {}
    for qid in question_ids:
        values = form.getlist(f"q{qid}")
        if not all(str(v).isascii() and str(v).isdigit() for v in values):
            raise Invalid.about(f"answers.{qid}", _("A choice is not one the question offers."))
        if values:
            answers[qid] = [int(v) for v in values]
    return AnswersIn(answers=answers)


@router.post("/training/attempts/{attempt_id}", response_class=HTMLResponse)
async def submit_attempt(
    request: Request, session: DbSession, user: PageUser, attempt_id: IdPath, now: Now
) -> HTMLResponse:
    form = await request.form()
    found = attempts.get_attempt(session, user, attempt_id)
    ids = [q.id for q, _unused in attempts.shown(session, found)]
    outcome = attempt(
        session,
        lambda: attempts.submit(session, user, attempt_id, answers_from(form, ids), now=now),
        success=_("Answers submitted."),
    )
    return _attempt_page(request, session, user, attempt_id, outcome)


@router.get("/training/certifications/{certification_id}", response_class=HTMLResponse)
def certificate(
    request: Request, session: DbSession, user: PageUser, certification_id: IdPath, now: Now
) -> HTMLResponse:
    found = attempts.get_certification(session, user, certification_id)
    context = {
        "title": _("Certificate: {title}", title=found.module.title),
        "certification": found,
        "text": to_html(attempts.certificate_markdown(found, now.date())),
        "current": found.is_current(now.date()),
    }
    return render(request, "training/certificate.html", context)


# Live sessions.


def _live_page(
    request: Request,
    session: Session,
    user: User,
    now: datetime,
    outcome: Outcome,
    form: dict[str, Any] | None = None,
) -> HTMLResponse:
    manage = service.may_manage(user)
    context = {
        "title": _("Live sessions"),
        "sessions": live.list_sessions(session, user),
        "may_manage": manage,
        "modules": service.list_modules(session, user, limit=200).items if manage else [],
        "teams": people.all_teams(session, user) if manage else [],
        "form": form or {},
        "now": now,
        **outcome.context,
    }
    return render(request, "training/live.html", context, status_code=outcome.status_code)


@router.get("/training/live", response_class=HTMLResponse)
def live_sessions(request: Request, session: DbSession, user: PageUser, now: Now) -> HTMLResponse:
    return _live_page(request, session, user, now, Outcome())


@router.post("/training/live", response_class=HTMLResponse)
async def schedule(request: Request, session: DbSession, user: PageUser, now: Now) -> Response:
    data = await form_with_lists(request, "team_ids")
    fields = {**data, "starts_at": _local(data.get("starts_at"), data.get("zone"))}
    fields.pop("zone", None)
    outcome = attempt(
        session,
        lambda: live.schedule(session, user, parse(LiveSessionIn, fields), now=now),
        success=_("Session scheduled; the invitations are on everyone's training page."),
    )
    return settle(
        request,
        outcome,
        "/training/live",
        lambda: _live_page(request, session, user, now, outcome, data if outcome.error else None),
    )


def _local(value: object, zone: object) -> str | None:
    """A datetime-local field with the browser's UTC offset (e.g. +01:00) as an ISO time."""
    if not value:
        return None
    return f"{value}{zone or '+00:00'}"


@router.get("/training/live/{session_id}", response_class=HTMLResponse)
def live_session(
    request: Request, session: DbSession, user: PageUser, session_id: IdPath, now: Now
) -> HTMLResponse:
    return _roll_page(request, session, user, session_id, now, Outcome())


def _roll_page(
    request: Request, session: Session, user: User, session_id: int, now: datetime, outcome: Outcome
) -> HTMLResponse:
    found = live.get_session(session, user, session_id)
    context = {
        "title": found.title,
        "live": found,
        "may_roll": found.host_id == user.id or service.may_manage(user),
        "started": found.starts_at <= now,
        **outcome.context,
    }
    return render(request, "training/live_session.html", context, status_code=outcome.status_code)


@router.post("/training/live/{session_id}", response_class=HTMLResponse)
async def take_roll(
    request: Request, session: DbSession, user: PageUser, session_id: IdPath, now: Now
) -> Response:
    data = await form_with_lists(request, "attended_ids")
    outcome = attempt(
        session,
        lambda: live.take_roll(session, user, session_id, parse(AttendanceIn, data), now=now),
        success=_("Attendance saved."),
    )
    return settle(
        request,
        outcome,
        f"/training/live/{session_id}",
        lambda: _roll_page(request, session, user, session_id, now, outcome),
    )


# Surveys.


@router.get("/training/surveys", response_class=HTMLResponse)
def survey_list(request: Request, session: DbSession, user: PageUser, now: Now) -> HTMLResponse:
    return _surveys_page(request, session, user, now, Outcome(), {})


def _surveys_page(
    request: Request,
    session: Session,
    user: User,
    now: datetime,
    outcome: Outcome,
    form: dict[str, Any],
) -> HTMLResponse:
    manage = service.may_manage(user)
    context = {
        "title": _("Surveys"),
        "surveys": surveys.list_surveys(session, user, today=now.date()),
        "may_manage": manage,
        "products": _products(session, user) if manage else [],
        "form": form,
        "today": now.date(),
        **outcome.context,
    }
    return render(request, "training/surveys.html", context, status_code=outcome.status_code)


@router.post("/training/surveys", response_class=HTMLResponse)
async def create_survey(
    request: Request, session: DbSession, user: PageUser, now: Now, form: Posted
) -> Response:
    data = {**form, "anonymous": form.get("anonymous") == "on"}
    outcome = attempt(
        session,
        lambda: surveys.create_survey(session, user, parse(SurveyIn, data)),
        success=_("Survey created."),
    )
    if outcome.error:
        return _surveys_page(request, session, user, now, outcome, data)
    return RedirectResponse(f"/training/surveys/{outcome.value.id}", status_code=303)


def _survey_page(
    request: Request,
    session: Session,
    user: User,
    survey_id: int,
    now: datetime,
    outcome: Outcome,
    quiz_text: str | None = None,
) -> HTMLResponse:
    found = surveys.get_survey(session, user, survey_id)
    manage = service.may_manage(user)
    invited = surveys.recipient(session, user, survey_id)
    products = {p.id: p.title for p in _products(session, user)}
    context = {
        "title": found.title,
        "survey": found,
        "may_manage": manage,
        "open": found.is_open(now.date()),
        "invited": invited,
        "questions": (asked := surveys.questions(session, survey_id)),
        "form": quiz.in_order(asked),
        "quiz_text": quiz_text
        if quiz_text is not None
        else (
            quiz.as_text(surveys.answer_key(session, user, survey_id), products) if manage else ""
        ),
        "results": surveys.results(session, user, survey_id) if manage and found.sent_at else None,
        "teams": people.all_teams(session, user) if manage else [],
        "marks": outcome.value if isinstance(outcome.value, list) else [],
        **outcome.context,
    }
    return render(request, "training/survey.html", context, status_code=outcome.status_code)


@router.get("/training/surveys/{survey_id}", response_class=HTMLResponse)
def survey_page(
    request: Request, session: DbSession, user: PageUser, survey_id: IdPath, now: Now
) -> HTMLResponse:
    return _survey_page(request, session, user, survey_id, now, Outcome())


@router.post("/training/surveys/{survey_id}/questions", response_class=HTMLResponse)
async def save_survey_questions(
    request: Request, session: DbSession, user: PageUser, survey_id: IdPath, now: Now
) -> HTMLResponse:
    form = await request.form()
    text = str(form.get("quiz", ""))

    def save() -> object:
        products = {p.title.casefold(): p.id for p in _products(session, user)}
        drafts = []
        for d in quiz.parse_text(text):
            fields = d.fields()
            if d.product:
                if d.product.casefold() not in products:
                    raise Invalid.about(
                        "quiz",
                        _(
                            "Line {line}: there is no product called {product!r}.",
                            line=d.line,
                            product=d.product,
                        ),
                    )
                fields["product_id"] = products[d.product.casefold()]
            drafts.append(fields)
        data = parse(QuizIn, {"version": form.get("version"), "questions": drafts})
        return surveys.set_questions(session, user, survey_id, data)

    outcome = attempt(session, save, success=_("Questions saved."))
    return _survey_page(
        request, session, user, survey_id, now, outcome, text if outcome.error else None
    )


@router.post("/training/surveys/{survey_id}/send", response_class=HTMLResponse)
async def send_survey(
    request: Request, session: DbSession, user: PageUser, survey_id: IdPath, now: Now
) -> Response:
    data = await form_with_lists(request, "team_ids")
    outcome = attempt(
        session,
        lambda: surveys.send(session, user, survey_id, parse(SendIn, data), now=now),
        success=_("Survey sent."),
    )
    return settle(
        request,
        outcome,
        f"/training/surveys/{survey_id}",
        lambda: _survey_page(request, session, user, survey_id, now, outcome),
    )


@router.post("/training/surveys/{survey_id}/close", response_class=HTMLResponse)
def close_survey(
    request: Request, session: DbSession, user: PageUser, survey_id: IdPath, now: Now
) -> Response:
    outcome = attempt(
        session,
        lambda: surveys.close(session, user, survey_id, now=now),
        success=_("Survey closed."),
    )
    return settle(
        request,
        outcome,
        f"/training/surveys/{survey_id}",
        lambda: _survey_page(request, session, user, survey_id, now, outcome),
    )


@router.post("/training/surveys/{survey_id}/respond", response_class=HTMLResponse)
async def respond(
    request: Request, session: DbSession, user: PageUser, survey_id: IdPath, now: Now
) -> Response:
    form = await request.form()
    ids = [q.id for q in surveys.questions(session, survey_id)]
    outcome = attempt(
        session,
        lambda: surveys.respond(session, user, survey_id, answers_from(form, ids), now=now),
        success=_("Thank you: your answers are in."),
    )
    return settle(
        request,
        outcome,
        f"/training/surveys/{survey_id}",
        lambda: _survey_page(request, session, user, survey_id, now, outcome),
    )


# Readiness.


@router.get("/training/readiness", response_class=HTMLResponse)
def readiness_page(
    request: Request,
    session: DbSession,
    user: PageUser,
    now: Now,
    team_id: int | None = None,
    launch_id: int | None = None,
) -> HTMLResponse:
    today = now.date()
    launch: Launch | None = launches.get_launch(session, user, launch_id) if launch_id else None
    context = {
        "title": _("Readiness"),
        "teams": readiness.by_team(session, user, today),
        "people": readiness.by_person(session, user, today, team_id=team_id),
        "team_id": team_id,
        "team_choices": people.all_teams(session, user),
        "launch": readiness.for_launch(session, user, launch, today) if launch else None,
        "launches": launches.list_launches(session, user, limit=200).items,
    }
    return render(request, "training/readiness.html", context)
