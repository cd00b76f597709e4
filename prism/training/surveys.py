"""Product-awareness surveys: questions with right answers sent to departments, scored per
department and per product, compared with the survey before, and the questions most often
answered wrong listed as gaps in the content."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from prism.auth.policy import Action, Principal, require
from prism.db import add_unique, touch
from prism.errors import Conflict, Forbidden, Gone, Invalid, NotFound, check_version
from prism.i18n import _
from prism.knowledge.models import Item
from prism.knowledge.service import items_of_kind
from prism.people.models import Team, User
from prism.people.service import teams_by_ids
from prism.training import service
from prism.training.models import (
    Answer,
    Question,
    Survey,
    SurveyRecipient,
    SurveyResponse,
)
from prism.training.quiz import Mark, mark
from prism.training.schemas import AnswersIn, QuizIn, SendIn, SurveyIn

# In an anonymous survey a department's figures show only once this many have answered, so a
# score never stands for one person.
MIN_ANONYMOUS_GROUP = 3
SURVEY = (joinedload(Survey.product), selectinload(Survey.teams))


def list_surveys(session: Session, actor: Principal, *, today: date) -> list[Survey]:
    """Every survey for the enablement team; for others, the open ones sent to them."""
    require(actor, Action.ANSWER_SURVEYS)
    stmt = select(Survey).options(*SURVEY).order_by(Survey.id.desc())
    if not service.may_manage(actor):
        mine = select(SurveyRecipient.survey_id).where(SurveyRecipient.user_id == actor.id)
        stmt = stmt.where(Survey.id.in_(mine))
        return [s for s in session.scalars(stmt) if s.is_open(today)]
    return list(session.scalars(stmt))


def get_survey(session: Session, actor: Principal, survey_id: int) -> Survey:
    """A survey, for the enablement team or someone it was sent to."""
    require(actor, Action.ANSWER_SURVEYS)
    survey = session.scalar(select(Survey).where(Survey.id == survey_id).options(*SURVEY))
    if survey is None or not (service.may_manage(actor) or recipient(session, actor, survey_id)):
        raise NotFound(_("No survey {survey_id}.", survey_id=survey_id))
    return survey


def recipient(session: Session, actor: Principal, survey_id: int) -> SurveyRecipient | None:
    if actor.id is None:
        return None
    return session.get(SurveyRecipient, (survey_id, actor.id))


def create_survey(session: Session, actor: Principal, data: SurveyIn) -> Survey:
    """A survey to write questions for, then send."""
    require(actor, Action.MANAGE_TRAINING)
    if data.product_id is not None:
        items_of_kind(session, actor, [data.product_id], "product", field="product_id")
    survey = Survey(**data.model_dump(), created_by_id=actor.id, teams=[])
    add_unique(session, survey, f"A survey called {data.title!r} already exists.")
    stmt = select(Survey).where(Survey.id == survey.id).options(*SURVEY)
    return session.scalars(stmt.execution_options(populate_existing=True)).one()


def questions(session: Session, survey_id: int) -> list[Question]:
    stmt = (
        select(Question)
        .where(Question.survey_id == survey_id, ~Question.retired)
        .options(joinedload(Question.product))
        .order_by(Question.position, Question.id)
    )
    return list(session.scalars(stmt))


def answer_key(session: Session, actor: Principal, survey_id: int) -> list[Question]:
    """The survey's questions with their answers, for the enablement team."""
    require(actor, Action.MANAGE_TRAINING)
    get_survey(session, actor, survey_id)
    return questions(session, survey_id)


def set_questions(
    session: Session, actor: Principal, survey_id: int, data: QuizIn
) -> list[Question]:
    """Replace the questions of a survey not yet sent."""
    require(actor, Action.MANAGE_TRAINING)
    survey = get_survey(session, actor, survey_id)
    check_version("survey", data.version, survey.version)
    if survey.sent_at is not None:
        raise Conflict(_("The survey has been sent; its questions can no longer change."))
    wanted = [q.product_id for q in data.questions if q.product_id is not None]
    items_of_kind(session, actor, wanted, "product", field="questions.product_id")
    found = service.replace_questions(session, questions(session, survey_id), data.questions)
    for question in found:
        question.survey_id = survey.id
        question.product_id = question.product_id or survey.product_id
    touch(survey)
    session.flush()
    return found


def send(
    session: Session, actor: Principal, survey_id: int, data: SendIn, *, now: datetime
) -> Survey:
    """Send the survey to everyone active in the chosen departments."""
    require(actor, Action.MANAGE_TRAINING)
    survey = get_survey(session, actor, survey_id)
    check_version("survey", data.version, survey.version)
    if survey.sent_at is not None:
        raise Conflict(
            _(
                "{title!r} was sent on {sent_at:%d %b %Y}.",
                title=survey.title,
                sent_at=survey.sent_at,
            )
        )
    if not questions(session, survey_id):
        raise Conflict(_("Write the survey's questions before sending it."))
    if data.closes_on is not None and data.closes_on < now.date():
        raise Invalid.about("closes_on", _("The closing day has passed; choose today or later."))
    survey.teams = teams_by_ids(session, data.team_ids)
    people = session.scalars(select(User).where(User.is_active, User.team_id.in_(data.team_ids)))
    session.add_all(
        SurveyRecipient(survey_id=survey.id, user_id=p.id, team_id=p.team_id) for p in people
    )
    survey.sent_at, survey.closes_on = now, data.closes_on
    session.flush()
    return survey


def close(session: Session, actor: Principal, survey_id: int, *, now: datetime) -> Survey:
    """Stop taking answers."""
    require(actor, Action.MANAGE_TRAINING)
    survey = get_survey(session, actor, survey_id)
    if survey.sent_at is None:
        raise Conflict(_("The survey has not been sent."))
    survey.closed_at = survey.closed_at or now
    session.flush()
    return survey


def respond(
    session: Session, actor: Principal, survey_id: int, data: AnswersIn, *, now: datetime
) -> list[Mark]:
    """Record a recipient's answers once (an anonymous survey does not keep who answered);
    the marks show the respondent what was right and why."""
    require(actor, Action.ANSWER_SURVEYS)
    survey = get_survey(session, actor, survey_id)
    invited = recipient(session, actor, survey_id)
    if invited is None:
        raise Forbidden(_("This survey was not sent to you."))
    if invited.responded:
        raise Conflict(_("You have already answered this survey."))
    if not survey.is_open(now.date()):
        raise Gone(_("{title!r} is closed and takes no more answers.", title=survey.title))
    marked = mark({q.id: q for q in questions(session, survey_id)}, data.answers)
    response = SurveyResponse(
        survey_id=survey.id,
        team_id=invited.team_id,
        user_id=None if survey.anonymous else actor.id,
        submitted_on=now.date(),
        score=sum(m.right for m in marked) / len(marked),
    )
    session.add(response)
    session.flush()
    session.add_all(Answer(response_id=response.id, **m.answer()) for m in marked)
    invited.responded = True
    session.flush()
    return marked


def pending(session: Session, actor: Principal, today: date) -> list[Survey]:
    """Open surveys sent to `actor` that they have not answered yet."""
    if actor.id is None:
        return []
    stmt = (
        select(Survey)
        .join(SurveyRecipient)
        .where(SurveyRecipient.user_id == actor.id, ~SurveyRecipient.responded)
        .options(*SURVEY)
    )
    return [s for s in session.scalars(stmt) if s.is_open(today)]


@dataclass(frozen=True)
class DepartmentScore:
    team: Team | None
    recipients: int
    responses: int
    score: float | None
    previous: float | None


@dataclass(frozen=True)
class ProductScore:
    product: Item | None
    team: Team | None
    score: float
    answers: int


@dataclass(frozen=True)
class WeakQuestion:
    question: Question
    answered: int
    right_share: float
    common_wrong: str | None


@dataclass(frozen=True)
class Results:
    survey: Survey
    previous: Survey | None
    departments: list[DepartmentScore]
    products: list[ProductScore]
    weakest: list[WeakQuestion]


def results(session: Session, actor: Principal, survey_id: int, *, weakest: int = 5) -> Results:
    """Scores per department (against the previous survey on the same product), per product
    and department, and the `weakest` questions by share answered right."""
    require(actor, Action.MANAGE_TRAINING)
    survey = get_survey(session, actor, survey_id)
    previous = _previous(session, survey)
    scores = _department_scores(session, survey)
    before = _department_scores(session, previous) if previous else {}
    teams = {t.id: t for t in session.scalars(select(Team))}
    recipients = Counter(
        session.scalars(
            select(SurveyRecipient.team_id).where(SurveyRecipient.survey_id == survey.id)
        )
    )
    departments = [
        DepartmentScore(
            teams.get(team_id or 0),
            recipients[team_id],
            scores.get(team_id, (0, None))[0],
            scores.get(team_id, (0, None))[1],
            before.get(team_id, (0, None))[1],
        )
        for team_id in sorted(
            recipients.keys() | scores.keys(),
            key=lambda t: teams[t].name if t in teams else "",
        )
    ]
    shown = {team for team, (_unused, score) in scores.items() if score is not None}
    answers = _answers(session, survey.id)
    return Results(
        survey,
        previous,
        departments,
        _product_scores(answers, shown, teams),
        _weakest(answers, weakest),
    )


def _previous(session: Session, survey: Survey) -> Survey | None:
    if survey.sent_at is None:
        return None
    stmt = (
        select(Survey)
        .where(
            Survey.sent_at < survey.sent_at,
            Survey.product_id.is_(None)
            if survey.product_id is None
            else Survey.product_id == survey.product_id,
        )
        .order_by(Survey.sent_at.desc())
        .limit(1)
    )
    return session.scalar(stmt)


def _department_scores(
    session: Session, survey: Survey
) -> dict[int | None, tuple[int, float | None]]:
    """Responses and average score per department; an anonymous survey hides the score of a
    department too small to stay anonymous."""
    stmt = (
        select(SurveyResponse.team_id, func.count(), func.avg(SurveyResponse.score))
        .where(SurveyResponse.survey_id == survey.id)
        .group_by(SurveyResponse.team_id)
    )
    return {
        team: (count, float(avg) if count >= _smallest(survey) else None)
        for team, count, avg in session.execute(stmt)
    }


def _smallest(survey: Survey) -> int:
    return MIN_ANONYMOUS_GROUP if survey.anonymous else 1


@dataclass(frozen=True)
class _Answered:
    question: Question
    team_id: int | None
    chosen: list[int]
    correct: bool


def _answers(session: Session, survey_id: int) -> list[_Answered]:
    stmt = (
        select(Answer, SurveyResponse.team_id)
        .join(SurveyResponse, Answer.response_id == SurveyResponse.id)
        .where(SurveyResponse.survey_id == survey_id)
    )
    rows = list(session.execute(stmt))
    qs = {q.id: q for q in questions(session, survey_id)}
    return [
        _Answered(qs[a.question_id], team, a.chosen, a.correct)
        for a, team in rows
        if a.question_id in qs
    ]


def _product_scores(
    answers: list[_Answered], shown: set[int | None], teams: dict[int, Team]
) -> list[ProductScore]:
    cells: dict[tuple[int | None, int | None], list[bool]] = defaultdict(list)
    products: dict[int | None, Item | None] = {}
    for a in answers:
        if a.team_id in shown:
            cells[(a.question.product_id, a.team_id)].append(a.correct)
            products[a.question.product_id] = a.question.product
    scores = [
        ProductScore(products[p], teams.get(t or 0), sum(marks) / len(marks), len(marks))
        for (p, t), marks in cells.items()
    ]
    return sorted(
        scores,
        key=lambda s: (s.product.title if s.product else "", s.team.name if s.team else ""),
    )


def _weakest(answers: list[_Answered], count: int) -> list[WeakQuestion]:
    per_question: dict[int, list[_Answered]] = defaultdict(list)
    for a in answers:
        per_question[a.question.id].append(a)
    weak = []
    for given in per_question.values():
        question = given[0].question
        wrong = Counter(
            c for a in given if not a.correct for c in a.chosen if c not in question.correct
        )
        common = question.choices[wrong.most_common(1)[0][0]] if wrong else None
        right = sum(a.correct for a in given) / len(given)
        weak.append(WeakQuestion(question, len(given), right, common))
    weak.sort(key=lambda w: (w.right_share, -w.answered))
    return [w for w in weak if w.right_share < 1][:count]
