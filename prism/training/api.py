"""The training API: modules and their quizzes, attempts, assignments, the learner's queue,
certifications, live sessions, product-awareness surveys and readiness (JSON or CSV)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Query, Response, status
from sqlalchemy.orm import Session

from prism.auth.policy import Principal
from prism.filestore import file_store
from prism.launches import service as launches
from prism.pagination import Page
from prism.schemas import PersonRef, Ref, TeamRef
from prism.training import attempts, live, quiz, readiness, service, surveys
from prism.training.models import (
    Assignment,
    Attempt,
    Certification,
    LiveSession,
    Module,
    Question,
    Survey,
)
from prism.training.quiz import Mark
from prism.training.readiness import Row, Standing
from prism.training.schemas import (
    AnswersIn,
    AssignmentIn,
    AssignmentOut,
    AssignmentUpdate,
    AttemptOut,
    AttendanceIn,
    CertificationOut,
    ChoiceOut,
    DepartmentScoreOut,
    InviteeOut,
    LaunchReadinessOut,
    LiveSessionIn,
    LiveSessionOut,
    MarkOut,
    ModuleDetailOut,
    ModuleIn,
    ModuleOut,
    ModuleUpdate,
    ProductScoreOut,
    QuestionOut,
    QueueEntryOut,
    QuizIn,
    QuizQuestionOut,
    ReadinessOut,
    SendIn,
    SurveyIn,
    SurveyOut,
    SurveyQuestionOut,
    SurveyResultsOut,
    WeakQuestionOut,
)
from prism.training.surveys import Results
from prism.web.deps import AppSettings, CurrentUser, DbSession, Now
from prism.web.routing import (
    CSV,
    Cursor,
    IdPath,
    IdQuery,
    Limit,
    Paged,
    api_router,
    attachment,
)

router = api_router("training")


def module_out(module: Module) -> ModuleOut:
    return ModuleOut(**_module_fields(module))


def _module_fields(module: Module) -> dict[str, object]:
    return {
        "id": module.id,
        "title": module.title,
        "summary": module.summary,
        "body": module.body,
        "status": module.status,
        "product": Ref(id=module.product.id, title=module.product.title)
        if module.product
        else None,
        "launch": Ref(id=module.launch.id, title=module.launch.name) if module.launch else None,
        "teams": [TeamRef.model_validate(t) for t in module.teams],
        "minutes": module.minutes,
        "pass_mark": module.pass_mark,
        "max_attempts": module.max_attempts,
        "certifying": module.certifying,
        "valid_months": module.valid_months,
        "version": module.version,
    }


def module_detail(session: Session, actor: Principal, module: Module) -> ModuleDetailOut:
    quiz = service.questions(session, module.id)
    return ModuleDetailOut(
        **_module_fields(module),
        items=[Ref(id=i.id, title=i.title) for i in module.items],
        question_count=len(quiz),
        questions=[QuestionOut.model_validate(q) for q in quiz]
        if service.may_manage(actor)
        else None,
    )


def _choices(question: Question, order: list[int]) -> list[ChoiceOut]:
    return [ChoiceOut(value=i, text=question.choices[i]) for i in order]


def attempt_out(session: Session, attempt: Attempt) -> AttemptOut:
    submitted = attempt.submitted_at is not None
    certification = attempts.certification_of(session, attempt)
    return AttemptOut(
        id=attempt.id,
        module=Ref(id=attempt.module.id, title=attempt.module.title),
        learner=PersonRef.model_validate(attempt.user),
        number=attempts.number(session, attempt),
        started_at=attempt.started_at,
        submitted_at=attempt.submitted_at,
        score=attempt.score,
        passed=attempt.passed,
        pass_mark=attempt.module.pass_mark,
        questions=[
            QuizQuestionOut(id=q.id, kind=q.kind, prompt=q.prompt, choices=_choices(q, order))
            for q, order in attempts.shown(session, attempt)
        ],
        marks=[mark_out(m) for m in attempts.marks(session, attempt)] if submitted else None,
        certification_id=certification.id if certification else None,
    )


def mark_out(m: Mark) -> MarkOut:
    return MarkOut(
        question_id=m.question.id,
        prompt=m.question.prompt,
        choices=m.question.choices,
        chosen=m.chosen,
        correct=m.question.correct,
        right=m.right,
        explanation=m.question.explanation,
    )


def assignment_out(assignment: Assignment) -> AssignmentOut:
    module = assignment.module
    return AssignmentOut(
        id=assignment.id,
        module=Ref(id=module.id, title=module.title),
        team=TeamRef.model_validate(assignment.team) if assignment.team else None,
        user=PersonRef.model_validate(assignment.user) if assignment.user else None,
        due_on=assignment.due_on,
        closes_on=assignment.closes_on,
        version=assignment.version,
    )


def certification_out(c: Certification) -> CertificationOut:
    return CertificationOut(
        id=c.id,
        module=Ref(id=c.module.id, title=c.module.title),
        user=PersonRef.model_validate(c.user),
        issued_on=c.issued_on,
        expires_on=c.expires_on,
        status=c.status,
        score=c.score,
    )


def queue_out(s: Standing, today: date) -> QueueEntryOut:
    return QueueEntryOut(
        module=Ref(id=s.module.id, title=s.module.title),
        due_on=s.due_on,
        closes_on=s.closes_on,
        state=s.state(today),
        attempts_used=s.attempts_used,
        attempts_left=s.attempts_left,
        best_score=s.best_score,
        certified_until=s.certified_until,
    )


def readiness_out(row: Row) -> ReadinessOut:
    return ReadinessOut.model_validate(row)


# Modules and their quizzes.


@router.get("/training/modules", response_model=Page[ModuleOut], summary="List training modules")
def list_modules(
    session: DbSession,
    user: CurrentUser,
    product_id: IdQuery = None,
    launch_id: IdQuery = None,
    limit: int = Limit,
    cursor: str | None = Cursor,
) -> Page[ModuleOut]:
    page = service.list_modules(
        session, user, product_id=product_id, launch_id=launch_id, limit=limit, cursor=cursor
    )
    return Page[ModuleOut](
        items=[module_out(m) for m in page.items], next_cursor=page.next_cursor, total=page.total
    )


@router.post(
    "/training/modules",
    response_model=ModuleDetailOut,
    status_code=status.HTTP_201_CREATED,
    summary="Write a training module (a draft until its quiz is written and it is published)",
)
def create_module(data: ModuleIn, session: DbSession, user: CurrentUser) -> ModuleDetailOut:
    return module_detail(session, user, service.create_module(session, user, data))


@router.get(
    "/training/modules/{module_id}",
    response_model=ModuleDetailOut,
    summary="One module; its quiz with answers only for those who write quizzes",
)
def read_module(module_id: IdPath, session: DbSession, user: CurrentUser) -> ModuleDetailOut:
    return module_detail(session, user, service.get_module(session, user, module_id))


@router.patch(
    "/training/modules/{module_id}",
    response_model=ModuleDetailOut,
    summary="Change a module, or publish or retire it",
)
def update_module(
    module_id: IdPath, data: ModuleUpdate, session: DbSession, user: CurrentUser
) -> ModuleDetailOut:
    return module_detail(session, user, service.update_module(session, user, module_id, data))


@router.put(
    "/training/modules/{module_id}/quiz",
    response_model=list[QuestionOut],
    summary="Replace the module's quiz",
)
def set_quiz(
    module_id: IdPath, data: QuizIn, session: DbSession, user: CurrentUser
) -> list[QuestionOut]:
    found = service.set_quiz(session, user, module_id, data)
    return [QuestionOut.model_validate(q) for q in found]


# Attempts.


@router.post(
    "/training/modules/{module_id}/attempts",
    response_model=AttemptOut,
    status_code=status.HTTP_201_CREATED,
    summary="Start (or resume) an attempt at the module's quiz, shuffled, without its answers",
)
def start_attempt(module_id: IdPath, session: DbSession, user: CurrentUser, now: Now) -> AttemptOut:
    return attempt_out(session, attempts.start(session, user, module_id, now=now))


@router.get(
    "/training/attempts/{attempt_id}",
    response_model=AttemptOut,
    summary="An attempt: for its learner, their team lead or an admin",
)
def read_attempt(attempt_id: IdPath, session: DbSession, user: CurrentUser) -> AttemptOut:
    return attempt_out(session, attempts.get_attempt(session, user, attempt_id))


@router.post(
    "/training/attempts/{attempt_id}/answers",
    response_model=AttemptOut,
    summary="Submit the answers: marked at once, with a certification for a certifying pass",
)
def submit_attempt(
    attempt_id: IdPath, data: AnswersIn, session: DbSession, user: CurrentUser, now: Now
) -> AttemptOut:
    return attempt_out(session, attempts.submit(session, user, attempt_id, data, now=now))


# Assignments and the learner's queue.


@router.get("/training/assignments", response_model=Page[AssignmentOut], summary="Every assignment")
def list_assignments(
    session: DbSession, user: CurrentUser, paged: Paged, module_id: IdQuery = None
) -> Page[AssignmentOut]:
    found = service.list_assignments(session, user, module_id=module_id)
    return paged.page(found, AssignmentOut, assignment_out)


@router.post(
    "/training/assignments",
    response_model=list[AssignmentOut],
    status_code=status.HTTP_201_CREATED,
    summary="Assign a published module to teams and people with a due date",
)
def assign(
    data: AssignmentIn, session: DbSession, user: CurrentUser, now: Now
) -> list[AssignmentOut]:
    made = service.assign(session, user, data, today=now.date())
    return [assignment_out(a) for a in made]


@router.patch(
    "/training/assignments/{assignment_id}",
    response_model=AssignmentOut,
    summary="Move an assignment's due date or closing day",
)
def update_assignment(
    assignment_id: IdPath, data: AssignmentUpdate, session: DbSession, user: CurrentUser
) -> AssignmentOut:
    return assignment_out(service.update_assignment(session, user, assignment_id, data))


@router.delete(
    "/training/assignments/{assignment_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Withdraw an assignment",
)
def withdraw_assignment(assignment_id: IdPath, session: DbSession, user: CurrentUser) -> Response:
    service.withdraw_assignment(session, user, assignment_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/training/queue",
    response_model=Page[QueueEntryOut],
    summary="The modules someone was asked to take (yours by default), soonest due first",
)
def queue(
    session: DbSession, user: CurrentUser, now: Now, paged: Paged, user_id: IdQuery = None
) -> Page[QueueEntryOut]:
    person = service.learner(session, user, user_id or user.id)
    today = now.date()
    found = readiness.queue(session, user, person, today)
    return paged.page(found, QueueEntryOut, lambda entry: queue_out(entry, today))


# Certifications.


@router.get(
    "/training/certifications",
    response_model=Page[CertificationOut],
    summary="Certifications: one person's, or everyone's you may see",
)
def list_certifications(
    session: DbSession, user: CurrentUser, paged: Paged, user_id: IdQuery = None
) -> Page[CertificationOut]:
    found = attempts.certifications(session, user, user_id=user_id)
    return paged.page(found, CertificationOut, certification_out)


@router.get(
    "/training/certifications/{certification_id}",
    response_model=CertificationOut,
    summary="One certification",
)
def read_certification(
    certification_id: IdPath, session: DbSession, user: CurrentUser
) -> CertificationOut:
    return certification_out(attempts.get_certification(session, user, certification_id))


@router.get(
    "/training/certifications/{certification_id}/certificate.pdf",
    summary="The certificate as a PDF",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}},
)
def certificate(
    certification_id: IdPath, session: DbSession, user: CurrentUser, settings: AppSettings, now: Now
) -> Response:
    found = attempts.get_certification(session, user, certification_id)
    data = attempts.certificate_pdf(session, found, file_store(settings), now.date())
    return attachment(data, f"{found.module.title} certificate.pdf", "application/pdf")


# Live sessions.


def live_out(found: LiveSession) -> LiveSessionOut:
    return LiveSessionOut(
        id=found.id,
        title=found.title,
        module=Ref(id=found.module.id, title=found.module.title) if found.module else None,
        starts_at=found.starts_at,
        minutes=found.minutes,
        location=found.location,
        host=PersonRef.model_validate(found.host) if found.host else None,
        invitations=[
            InviteeOut(user=PersonRef.model_validate(i.user), attended=i.attended)
            for i in found.invitations
        ],
        version=found.version,
    )


@router.get(
    "/training/live-sessions",
    response_model=Page[LiveSessionOut],
    summary="Live sessions you host or are invited to (all, for the enablement team)",
)
def list_live_sessions(
    session: DbSession,
    user: CurrentUser,
    now: Now,
    paged: Paged,
    upcoming: Annotated[bool, Query(description="Only those not yet started.")] = False,
) -> Page[LiveSessionOut]:
    found = live.list_sessions(session, user, upcoming_from=now if upcoming else None)
    return paged.page(found, LiveSessionOut, live_out)


@router.post(
    "/training/live-sessions",
    response_model=LiveSessionOut,
    status_code=status.HTTP_201_CREATED,
    summary="Schedule a live session and invite teams and people",
)
def schedule(
    data: LiveSessionIn, session: DbSession, user: CurrentUser, now: Now
) -> LiveSessionOut:
    return live_out(live.schedule(session, user, data, now=now))


@router.get(
    "/training/live-sessions/{session_id}",
    response_model=LiveSessionOut,
    summary="One live session",
)
def read_live_session(session_id: IdPath, session: DbSession, user: CurrentUser) -> LiveSessionOut:
    return live_out(live.get_session(session, user, session_id))


@router.put(
    "/training/live-sessions/{session_id}/attendance",
    response_model=LiveSessionOut,
    summary="Record who attended",
)
def take_roll(
    session_id: IdPath, data: AttendanceIn, session: DbSession, user: CurrentUser, now: Now
) -> LiveSessionOut:
    return live_out(live.take_roll(session, user, session_id, data, now=now))


@router.delete(
    "/training/live-sessions/{session_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Cancel a live session",
)
def cancel_live_session(session_id: IdPath, session: DbSession, user: CurrentUser) -> Response:
    live.cancel(session, user, session_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# Surveys.


def survey_out(survey: Survey) -> SurveyOut:
    return SurveyOut(
        id=survey.id,
        title=survey.title,
        intro=survey.intro,
        product=Ref(id=survey.product.id, title=survey.product.title) if survey.product else None,
        anonymous=survey.anonymous,
        sent_at=survey.sent_at,
        closes_on=survey.closes_on,
        closed_at=survey.closed_at,
        teams=[TeamRef.model_validate(t) for t in survey.teams],
        version=survey.version,
    )


@router.get(
    "/training/surveys",
    response_model=Page[SurveyOut],
    summary="Surveys: all for the enablement team, the open ones sent to you for others",
)
def list_surveys(session: DbSession, user: CurrentUser, now: Now, paged: Paged) -> Page[SurveyOut]:
    found = surveys.list_surveys(session, user, today=now.date())
    return paged.page(found, SurveyOut, survey_out)


@router.post(
    "/training/surveys",
    response_model=SurveyOut,
    status_code=status.HTTP_201_CREATED,
    summary="Write a product-awareness survey",
)
def create_survey(data: SurveyIn, session: DbSession, user: CurrentUser) -> SurveyOut:
    return survey_out(surveys.create_survey(session, user, data))


@router.get("/training/surveys/{survey_id}", response_model=SurveyOut, summary="One survey")
def read_survey(survey_id: IdPath, session: DbSession, user: CurrentUser) -> SurveyOut:
    return survey_out(surveys.get_survey(session, user, survey_id))


@router.get(
    "/training/surveys/{survey_id}/questions",
    response_model=Page[QuestionOut],
    summary="The survey's questions with their answers (for the enablement team)",
)
def survey_questions(
    survey_id: IdPath, session: DbSession, user: CurrentUser, paged: Paged
) -> Page[QuestionOut]:
    return paged.page(surveys.answer_key(session, user, survey_id), QuestionOut)


@router.put(
    "/training/surveys/{survey_id}/questions",
    response_model=list[QuestionOut],
    summary="Replace the questions of a survey not yet sent",
)
def set_survey_questions(
    survey_id: IdPath, data: QuizIn, session: DbSession, user: CurrentUser
) -> list[QuestionOut]:
    found = surveys.set_questions(session, user, survey_id, data)
    return [QuestionOut.model_validate(q) for q in found]


@router.get(
    "/training/surveys/{survey_id}/form",
    response_model=Page[SurveyQuestionOut],
    summary="The questions as a respondent sees them, without answers",
)
def survey_form(
    survey_id: IdPath, session: DbSession, user: CurrentUser, paged: Paged
) -> Page[SurveyQuestionOut]:
    surveys.get_survey(session, user, survey_id)
    found = [
        SurveyQuestionOut(id=q.id, kind=q.kind, prompt=q.prompt, choices=_choices(q, order))
        for q, order in quiz.in_order(surveys.questions(session, survey_id))
    ]
    return paged.page(found, SurveyQuestionOut)


@router.post(
    "/training/surveys/{survey_id}/send",
    response_model=SurveyOut,
    summary="Send the survey to departments",
)
def send_survey(
    survey_id: IdPath, data: SendIn, session: DbSession, user: CurrentUser, now: Now
) -> SurveyOut:
    return survey_out(surveys.send(session, user, survey_id, data, now=now))


@router.post(
    "/training/surveys/{survey_id}/close",
    response_model=SurveyOut,
    summary="Stop taking answers",
)
def close_survey(survey_id: IdPath, session: DbSession, user: CurrentUser, now: Now) -> SurveyOut:
    return survey_out(surveys.close(session, user, survey_id, now=now))


@router.post(
    "/training/surveys/{survey_id}/responses",
    response_model=list[MarkOut],
    status_code=status.HTTP_201_CREATED,
    summary="Answer a survey sent to you; the answer shows what was right and why",
)
def respond(
    survey_id: IdPath, data: AnswersIn, session: DbSession, user: CurrentUser, now: Now
) -> list[MarkOut]:
    return [mark_out(m) for m in surveys.respond(session, user, survey_id, data, now=now)]


def results_out(found: Results) -> SurveyResultsOut:
    def ref(item: object) -> Ref | None:
        return Ref.model_validate(item) if item is not None else None

    return SurveyResultsOut(
        survey=survey_out(found.survey),
        previous=Ref(id=found.previous.id, title=found.previous.title) if found.previous else None,
        departments=[
            DepartmentScoreOut(
                team=TeamRef.model_validate(d.team) if d.team else None,
                recipients=d.recipients,
                responses=d.responses,
                score=d.score,
                previous=d.previous,
            )
            for d in found.departments
        ],
        products=[
            ProductScoreOut(
                product=ref(p.product),
                team=TeamRef.model_validate(p.team) if p.team else None,
                score=p.score,
                answers=p.answers,
            )
            for p in found.products
        ],
        weakest=[
            WeakQuestionOut(
                question_id=w.question.id,
                prompt=w.question.prompt,
                product=ref(w.question.product),
                answered=w.answered,
                right_share=w.right_share,
                common_wrong=w.common_wrong,
                explanation=w.question.explanation,
            )
            for w in found.weakest
        ],
    )


@router.get(
    "/training/surveys/{survey_id}/results",
    response_model=SurveyResultsOut,
    summary="Scores per department and product, and the questions most often answered wrong",
)
def survey_results(survey_id: IdPath, session: DbSession, user: CurrentUser) -> SurveyResultsOut:
    return results_out(surveys.results(session, user, survey_id))


# Readiness.


@router.get(
    "/training/readiness/people",
    response_model=Page[ReadinessOut],
    summary="A readiness line per person you may see",
)
def readiness_people(
    session: DbSession, user: CurrentUser, now: Now, paged: Paged, team_id: IdQuery = None
) -> Page[ReadinessOut]:
    rows = readiness.by_person(session, user, now.date(), team_id=team_id)
    return paged.page(rows, ReadinessOut, readiness_out)


@router.get(
    "/training/readiness/people.csv",
    summary="The same lines as CSV",
    response_class=Response,
    responses=CSV,
)
def readiness_people_csv(
    session: DbSession, user: CurrentUser, now: Now, team_id: IdQuery = None
) -> Response:
    rows = readiness.by_person(session, user, now.date(), team_id=team_id)
    return attachment(readiness.as_csv(rows).encode(), "readiness-people.csv", "text/csv")


EveryTeam = Annotated[
    bool,
    Query(description="Every team's totals, as the dashboards show them (needs analytics.read)."),
]


@router.get(
    "/training/readiness/teams",
    response_model=Page[ReadinessOut],
    summary="A readiness line per team (every team, or the teams you lead)",
)
def readiness_teams(
    session: DbSession, user: CurrentUser, now: Now, paged: Paged, every_team: EveryTeam = False
) -> Page[ReadinessOut]:
    found = readiness.by_team(session, user, now.date(), every_team=every_team)
    return paged.page(found, ReadinessOut, readiness_out)


@router.get(
    "/training/readiness/teams.csv",
    summary="The same lines as CSV",
    response_class=Response,
    responses=CSV,
)
def readiness_teams_csv(
    session: DbSession, user: CurrentUser, now: Now, every_team: EveryTeam = False
) -> Response:
    rows = readiness.by_team(session, user, now.date(), every_team=every_team)
    return attachment(readiness.as_csv(rows).encode(), "readiness-teams.csv", "text/csv")


@router.get(
    "/training/readiness/launches/{launch_id}",
    response_model=LaunchReadinessOut,
    summary="Who in a launch's target teams is certified for it",
)
def readiness_launch(
    launch_id: IdPath, session: DbSession, user: CurrentUser, now: Now
) -> LaunchReadinessOut:
    launch = launches.get_launch(session, user, launch_id)
    found = readiness.for_launch(session, user, launch, now.date())
    return LaunchReadinessOut(
        launch=Ref(id=launch.id, title=launch.name),
        modules=[Ref(id=m.id, title=m.title) for m in found.modules],
        people=found.people,
        certified=found.certified.count if found.certified else 0,
        rate=found.certified.rate if found.certified else None,
        rows=[readiness_out(r) for r in found.rows],
    )


@router.get(
    "/training/readiness/launches/{launch_id}/people.csv",
    summary="The same lines as CSV",
    response_class=Response,
    responses=CSV,
)
def readiness_launch_csv(
    launch_id: IdPath, session: DbSession, user: CurrentUser, now: Now
) -> Response:
    launch = launches.get_launch(session, user, launch_id)
    found = readiness.for_launch(session, user, launch, now.date())
    return attachment(
        readiness.as_csv(found.rows).encode(), f"readiness-{launch.name}.csv", "text/csv"
    )
