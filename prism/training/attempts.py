"""Taking a quiz: an attempt in a shuffled order, answers marked on submission, and a
certification issued (and later lapsed) for a certifying module."""

from __future__ import annotations

import calendar
import random
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from prism.auth.policy import Action, Principal, require
from prism.errors import Conflict, Forbidden, Gone, NotFound
from prism.filestore import FileStore
from prism.i18n import _
from prism.people.models import User
from prism.render import documents
from prism.render.brief import Brief
from prism.render.service import house_look
from prism.training import service
from prism.training.models import (
    Answer,
    Attempt,
    Certification,
    CertificationStatus,
    Module,
    Question,
)
from prism.training.quiz import Mark, mark, shuffled
from prism.training.schemas import AnswersIn

ATTEMPT = (joinedload(Attempt.module), joinedload(Attempt.user), joinedload(Attempt.assignment))


def start(
    session: Session,
    actor: Principal,
    module_id: int,
    *,
    now: datetime,
    rng: random.Random | None = None,
) -> Attempt:
    """The learner's unfinished attempt at the module, or a new one if they have attempts left."""
    require(actor, Action.TAKE_TRAINING)
    module = service.get_module(session, actor, module_id)
    learner = session.get_one(User, actor.id)
    questions = service.questions(session, module.id)
    if not questions:
        raise Conflict(_("{title!r} has no quiz yet.", title=module.title))
    unfinished = _unfinished(session, learner, module.id)
    if unfinished is not None:
        if unfinished.assignment is None or not unfinished.assignment.is_closed(now.date()):
            return unfinished
        session.delete(unfinished)
    _check_attempts_left(session, learner, module)
    attempt = Attempt(
        module=module,
        user=learner,
        assignment=service.open_assignment(session, learner, module.id, now.date()),
        layout=shuffled(questions, rng or random.SystemRandom()),
        started_at=now,
    )
    session.add(attempt)
    session.flush()
    return attempt


def _unfinished(session: Session, learner: User, module_id: int) -> Attempt | None:
    stmt = (
        select(Attempt)
        .where(
            Attempt.user_id == learner.id,
            Attempt.module_id == module_id,
            Attempt.submitted_at.is_(None),
        )
        .options(*ATTEMPT)
        .order_by(Attempt.id.desc())
        .limit(1)
    )
    return session.scalar(stmt)


def used(session: Session, learner_id: int, module_id: int) -> int:
    """How many attempts at the module the learner has submitted."""
    stmt = select(func.count()).where(
        Attempt.user_id == learner_id,
        Attempt.module_id == module_id,
        Attempt.submitted_at.is_not(None),
    )
    return session.scalar(stmt) or 0


def _check_attempts_left(session: Session, learner: User, module: Module) -> None:
    if (
        module.max_attempts is not None
        and used(session, learner.id, module.id) >= module.max_attempts
    ):
        raise Conflict(
            _(
                "You have used all {max_attempts} attempts at {title!r}; no more "
                "answers can count.",
                max_attempts=module.max_attempts,
                title=module.title,
            )
        )


def get_attempt(session: Session, actor: Principal, attempt_id: int) -> Attempt:
    """An attempt, for its learner, their team lead or an admin."""
    require(actor, Action.READ_PUBLISHED)
    attempt = session.scalar(select(Attempt).where(Attempt.id == attempt_id).options(*ATTEMPT))
    if attempt is None or not service.may_see_answers(session, actor, attempt.user):
        raise NotFound(_("No attempt {attempt_id}.", attempt_id=attempt_id))
    return attempt


def submit(
    session: Session, actor: Principal, attempt_id: int, data: AnswersIn, *, now: datetime
) -> Attempt:
    """Mark the answers; a pass at a certifying module issues a certification."""
    require(actor, Action.TAKE_TRAINING)
    attempt = get_attempt(session, actor, attempt_id)
    if attempt.user_id != actor.id:
        raise Forbidden(_("Only the learner answers their own attempt."))
    if attempt.submitted_at is not None:
        raise Conflict(
            _(
                "This attempt was submitted on {submitted_at:%d %b %Y at %H:%M}.",
                submitted_at=attempt.submitted_at,
            )
        )
    closed = attempt.assignment
    if closed is not None and closed.is_closed(now.date()):
        raise Gone(
            _(
                "The assignment of {title!r} closed on {closes_on:%d %b %Y}; these "
                "answers were not recorded.",
                title=attempt.module.title,
                closes_on=closed.closes_on,
            )
        )
    _check_attempts_left(session, attempt.user, attempt.module)
    marked = mark(_questions_of(session, attempt), data.answers)
    session.add_all(Answer(attempt_id=attempt.id, **m.answer()) for m in marked)
    right = sum(m.right for m in marked)
    attempt.submitted_at = now
    attempt.score = right / len(marked)
    attempt.passed = right * 100 >= attempt.module.pass_mark * len(marked)
    if attempt.passed and attempt.module.certifying:
        _certify(session, attempt, now.date())
    session.flush()
    return attempt


def _questions_of(session: Session, attempt: Attempt) -> dict[int, Question]:
    ids: list[int] = [qid for qid, _unused in attempt.layout]
    found = {q.id: q for q in session.scalars(select(Question).where(Question.id.in_(ids)))}
    return {qid: found[qid] for qid in ids}


def _certify(session: Session, attempt: Attempt, today: date) -> Certification:
    module = attempt.module
    certification = Certification(
        module_id=module.id,
        user_id=attempt.user_id,
        attempt_id=attempt.id,
        issued_on=today,
        expires_on=months_after(today, module.valid_months),
        score=attempt.score or 0.0,
    )
    session.add(certification)
    return certification


def months_after(day: date, months: int) -> date:
    """The same day `months` later (or the month's last day, from 31 January to February)."""
    years, month = divmod(day.month - 1 + months, 12)
    year = day.year + years
    last = calendar.monthrange(year, month + 1)[1]
    return day.replace(year=year, month=month + 1, day=min(day.day, last))


def number(session: Session, attempt: Attempt) -> int:
    """Which of the learner's attempts at the module this is (1 for the first)."""
    stmt = select(func.count()).where(
        Attempt.user_id == attempt.user_id,
        Attempt.module_id == attempt.module_id,
        Attempt.id <= attempt.id,
    )
    return session.scalar(stmt) or 1


def shown(session: Session, attempt: Attempt) -> list[tuple[Question, list[int]]]:
    """The attempt's questions as the learner sees them: each with its choices' order."""
    questions = _questions_of(session, attempt)
    return [(questions[qid], order) for qid, order in attempt.layout]


def marks(session: Session, attempt: Attempt) -> list[Mark]:
    """A submitted attempt's answers in the order the learner saw the questions."""
    questions = _questions_of(session, attempt)
    answers = {
        a.question_id: a
        for a in session.scalars(select(Answer).where(Answer.attempt_id == attempt.id))
    }
    return [Mark(q, answers[q.id].chosen, answers[q.id].correct) for q in questions.values()]


def certification_of(session: Session, attempt: Attempt) -> Certification | None:
    return session.scalar(select(Certification).where(Certification.attempt_id == attempt.id))


CERTIFICATION = (joinedload(Certification.module), joinedload(Certification.user))


def certifications(
    session: Session, actor: Principal, *, user_id: int | None = None
) -> list[Certification]:
    """Certifications, newest first: one person's (the reader's by default) or, for the
    enablement team and team leads, everyone's they may see."""
    require(actor, Action.READ_PUBLISHED)
    stmt = select(Certification).options(*CERTIFICATION).order_by(Certification.id.desc())
    if user_id is not None:
        service.learner(session, actor, user_id)
        stmt = stmt.where(Certification.user_id == user_id)
    else:
        visible = service.visible_people(session, actor).with_only_columns(User.id)
        stmt = stmt.where(Certification.user_id.in_(visible))
    return list(session.scalars(stmt))


def get_certification(session: Session, actor: Principal, certification_id: int) -> Certification:
    require(actor, Action.READ_PUBLISHED)
    found = session.scalar(
        select(Certification).where(Certification.id == certification_id).options(*CERTIFICATION)
    )
    if found is None or not service.may_see_progress(session, actor, found.user):
        raise NotFound(_("No certification {certification_id}.", certification_id=certification_id))
    return found


def lapse(session: Session, today: date) -> int:
    """Mark the certifications that expired by `today` as lapsed; how many there were."""
    expired = list(
        session.scalars(
            select(Certification).where(
                Certification.status == CertificationStatus.ACTIVE,
                Certification.expires_on <= today,
            )
        )
    )
    for certification in expired:
        certification.status = CertificationStatus.LAPSED
    session.flush()
    return len(expired)


def certificate_markdown(certification: Certification, today: date) -> str:
    state = (
        f"Valid until {certification.expires_on:%d %B %Y}."
        if certification.is_current(today)
        else f"Expired on {certification.expires_on:%d %B %Y}; passing the module again renews it."
    )
    return (
        f"This certifies that **{certification.user.name}** passed "
        f"**{certification.module.title}** on {certification.issued_on:%d %B %Y} "
        f"with a score of {certification.score:.0%}.\n\n{state}\n\n"
        f"Certificate number PRISM-{certification.id:06d}."
    )


def certificate_pdf(
    session: Session, certification: Certification, store: FileStore, today: date
) -> bytes:
    """The certificate as a PDF in the house look."""
    page = Brief(
        title=certification.user.name,
        subtitle=certification.module.title,
        kind_label="Certificate",
    )
    body = certificate_markdown(certification, today)
    return documents.pdf("item_sheet", page, house_look(session, store), body)
