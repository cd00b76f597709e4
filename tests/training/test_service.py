"""Training services on SQLite and PostgreSQL: attempts and their limits, certifications that
lapse, assignments and the learner's queue, readiness and the launch gate, surveys, live
sessions."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from prism.audit.service import set_actor
from prism.auth.policy import SYSTEM
from prism.db import utcnow
from prism.errors import Conflict, Forbidden, Gone, Invalid, NotFound
from prism.launches import service as launches
from prism.launches.models import Stage
from prism.training import attempts, live, readiness, service, surveys
from prism.training.models import CertificationStatus
from prism.training.quiz import parse_text
from prism.training.schemas import (
    AnswersIn,
    AttendanceIn,
    LiveSessionIn,
    QuizIn,
    SendIn,
    SurveyIn,
)
from tests.conftest import Cast, make_team
from tests.launches.factories import make_launch
from tests.training.factories import QUIZ, assign, make_module, right_answers, take


def test_a_pass_certifies_until_the_expiry_and_the_lapse_job_marks_it(
    session: Session, cast: Cast
) -> None:
    set_actor(session, cast.seller)
    module = make_module(session, certifying=True, valid_months=12, pass_mark=80)
    now = utcnow()
    attempt = take(session, cast.seller, module, wrong=1, now=now)
    assert attempt.passed and attempt.score == pytest.approx(0.8)
    [certification] = attempts.certifications(session, cast.seller, user_id=cast.seller.id)
    assert certification.issued_on == now.date()
    assert certification.expires_on == attempts.months_after(now.date(), 12)
    assert attempts.lapse(session, certification.expires_on - timedelta(days=1)) == 0
    assert attempts.lapse(session, certification.expires_on) == 1
    assert certification.status is CertificationStatus.LAPSED


def test_months_after_keeps_the_day_or_the_months_last() -> None:
    from datetime import date

    assert attempts.months_after(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert attempts.months_after(date(2026, 11, 23), 12) == date(2027, 11, 23)


def test_a_fail_certifies_nothing_and_the_attempts_run_out(session: Session, cast: Cast) -> None:
    module = make_module(session, certifying=True, max_attempts=2)
    assert not take(session, cast.seller, module, wrong=2).passed
    assert not take(session, cast.seller, module, wrong=3).passed
    assert attempts.certifications(session, cast.seller, user_id=cast.seller.id) == []
    with pytest.raises(Conflict, match="used all 2 attempts"):
        attempts.start(session, cast.seller, module.id, now=utcnow())


def test_answers_after_the_limit_are_refused(session: Session, cast: Cast) -> None:
    module = make_module(session, max_attempts=1)
    first = attempts.start(session, cast.seller, module.id, now=utcnow())
    # Another session has since submitted the only attempt: this one can no longer count.
    take(session, cast.seller, make_module(session), wrong=0)
    attempts.submit(session, cast.seller, first.id, right_answers(session, first), now=utcnow())
    with pytest.raises(Conflict, match="submitted on"):
        attempts.submit(session, cast.seller, first.id, right_answers(session, first), now=utcnow())
    with pytest.raises(Conflict, match="used all 1 attempts"):
        attempts.start(session, cast.seller, module.id, now=utcnow())


def test_an_open_attempt_is_resumed_not_doubled(session: Session, cast: Cast) -> None:
    module = make_module(session)
    first = attempts.start(session, cast.seller, module.id, now=utcnow(), rng=random.Random(1))
    again = attempts.start(session, cast.seller, module.id, now=utcnow(), rng=random.Random(2))
    assert again.id == first.id and again.layout == first.layout


def test_bad_answers_are_refused_and_nothing_is_recorded(session: Session, cast: Cast) -> None:
    module = make_module(session)
    attempt = attempts.start(session, cast.seller, module.id, now=utcnow())
    with pytest.raises(Invalid, match="is not in this quiz"):
        attempts.submit(
            session, cast.seller, attempt.id, AnswersIn(answers={999999: [0]}), now=utcnow()
        )
    assert attempt.submitted_at is None
    with pytest.raises(Forbidden, match="Only the learner"):
        attempts.submit(
            session, cast.admin, attempt.id, right_answers(session, attempt), now=utcnow()
        )


def test_an_assignment_that_closed_takes_no_answers(session: Session, cast: Cast) -> None:
    module = make_module(session)
    today = utcnow().date()
    assign(
        session, module, user_ids=[cast.seller.id], due_in=1, closes_on=today + timedelta(days=2)
    )
    attempt = attempts.start(session, cast.seller, module.id, now=utcnow())
    assert attempt.assignment is not None
    later = utcnow() + timedelta(days=3)
    with pytest.raises(Gone, match="closed on"):
        attempts.submit(
            session, cast.seller, attempt.id, right_answers(session, attempt), now=later
        )
    assert attempt.submitted_at is None


def test_answers_are_seen_by_the_learner_their_lead_and_admins_only(
    session: Session, cast: Cast
) -> None:
    attempt = take(session, cast.seller, make_module(session))
    assert attempts.get_attempt(session, cast.seller, attempt.id)
    assert attempts.get_attempt(session, cast.admin, attempt.id)
    for stranger in (cast.editor, cast.csm, cast.pm):
        with pytest.raises(NotFound):
            attempts.get_attempt(session, stranger, attempt.id)
    make_team(session, "Sales").lead_id = cast.csm.id
    session.flush()
    assert attempts.get_attempt(session, cast.csm, attempt.id)


def test_the_queue_shows_due_overdue_done_and_a_lapsed_certification_again(
    session: Session, cast: Cast
) -> None:
    sales = make_team(session, "Sales")
    overdue = make_module(session, title="Overdue one")
    certifying = make_module(session, title="Certifying one", certifying=True, valid_months=1)
    assign(session, overdue, team_ids=[sales.id], due_in=-2)
    assign(session, certifying, user_ids=[cast.seller.id], due_in=60)
    take(session, cast.seller, certifying, now=utcnow() - timedelta(days=40))
    today = utcnow().date()
    states = {
        s.module.title: s.state(today)
        for s in readiness.queue(session, cast.seller, cast.seller, today)
    }
    assert states == {"Overdue one": "overdue", "Certifying one": "to_do"}
    take(session, cast.seller, certifying)
    states = {
        s.module.title: s.state(today)
        for s in readiness.queue(session, cast.seller, cast.seller, today)
    }
    assert states["Certifying one"] == "done"
    [row] = readiness.by_person(session, cast.seller, today)
    assert (row.assigned, row.completed, row.overdue, row.certified) == (2, 1, 1, 1)


def test_readiness_lines_only_for_people_one_may_see(session: Session, cast: Cast) -> None:
    today = utcnow().date()
    assert [r.label for r in readiness.by_person(session, cast.seller, today)] == [cast.seller.name]
    assert readiness.by_team(session, cast.seller, today) == []
    # The dashboards' view: every team's totals, no person named.
    every = readiness.by_team(session, cast.pm, today, every_team=True)
    assert {"Sales", "Product", "Customer Success"} <= {r.label for r in every}
    everyone = {r.label for r in readiness.by_person(session, cast.editor, today)}
    assert {cast.seller.name, cast.csm.name} <= everyone
    make_team(session, "Sales").lead_id = cast.csm.id
    session.flush()
    led = {r.label for r in readiness.by_person(session, cast.csm, today)}
    assert led == {cast.csm.name, cast.seller.name}
    assert [r.label for r in readiness.by_team(session, cast.csm, today)] == ["Sales"]
    assert (
        readiness.as_csv(readiness.by_team(session, cast.csm, today))
        .splitlines()[1]
        .startswith("Sales,")
    )


def test_the_launch_gate_reads_the_share_certified(session: Session, cast: Cast) -> None:
    set_actor(session, cast.editor)
    sales = make_team(session, "Sales")
    launch = make_launch(session, tier=1, team_ids=[sales.id])
    today = utcnow().date()
    before = readiness.certified(session, launch, today)
    assert before is None
    module = make_module(session, certifying=True, launch_id=launch.id)
    assert readiness.certified(session, launch, today) == readiness.Certified(0, 1)
    report = launches.check_gate(session, SYSTEM, launch.id, to=Stage.GA, today=today)
    assert report is not None
    finding = next(f for f in report.findings if f.rule == "certification")
    assert finding.state.value == "blocked" and "0 of 1" in finding.detail
    take(session, cast.seller, module)
    assert readiness.certified(session, launch, today) == readiness.Certified(1, 1)
    report = launches.check_gate(session, SYSTEM, launch.id, to=Stage.GA, today=today)
    finding = next(f for f in report.findings if f.rule == "certification")  # type: ignore[union-attr]
    assert finding.state.value == "passed" and "1 of 1" in finding.detail


def test_an_edited_quiz_keeps_unchanged_questions(session: Session) -> None:
    module = make_module(session, publish=False)
    before = {q.prompt: q.id for q in service.questions(session, module.id)}
    edited = QUIZ.replace("Q: Who buys it?", "Q: Who signs the order?")
    questions = [d.fields() for d in parse_text(edited)]
    session.refresh(module)
    service.set_quiz(
        session, SYSTEM, module.id, QuizIn(version=module.version, questions=questions)
    )
    after = {q.prompt: q.id for q in service.questions(session, module.id)}
    assert after["What does DSAR stand for?"] == before["What does DSAR stand for?"]
    assert "Who buys it?" not in after and "Who signs the order?" in after


def test_a_draft_is_hidden_from_learners_and_cannot_be_assigned(
    session: Session, cast: Cast
) -> None:
    draft = make_module(session, publish=False)
    with pytest.raises(NotFound):
        service.get_module(session, cast.seller, draft.id)
    with pytest.raises(Conflict, match="Publish"):
        assign(session, draft, user_ids=[cast.seller.id])


def _survey(session: Session, cast: Cast, *, anonymous: bool) -> int:
    survey = surveys.create_survey(
        session, SYSTEM, SurveyIn(title=f"Awareness {anonymous}", anonymous=anonymous)
    )
    questions = [d.fields() for d in parse_text(QUIZ)]
    surveys.set_questions(
        session, SYSTEM, survey.id, QuizIn(version=survey.version, questions=questions)
    )
    teams = [make_team(session, "Sales").id, make_team(session, "Customer Success").id]
    surveys.send(
        session, SYSTEM, survey.id, SendIn(version=survey.version, team_ids=teams), now=utcnow()
    )
    return survey.id


def _answers(session: Session, survey_id: int, wrong: int) -> AnswersIn:
    answers = {}
    for n, q in enumerate(surveys.questions(session, survey_id)):
        bad = next(c for c in range(len(q.choices)) if c not in q.correct)
        answers[q.id] = [bad] if n < wrong else list(q.correct)
    return AnswersIn(answers=answers)


def test_survey_scores_per_department_and_the_weakest_questions(
    session: Session, cast: Cast
) -> None:
    survey_id = _survey(session, cast, anonymous=False)
    surveys.respond(session, cast.seller, survey_id, _answers(session, survey_id, 2), now=utcnow())
    surveys.respond(session, cast.csm, survey_id, _answers(session, survey_id, 1), now=utcnow())
    with pytest.raises(Conflict, match="already answered"):
        surveys.respond(
            session, cast.seller, survey_id, _answers(session, survey_id, 0), now=utcnow()
        )
    with pytest.raises(Forbidden, match="not sent to you"):
        surveys.respond(
            session, cast.editor, survey_id, _answers(session, survey_id, 0), now=utcnow()
        )
    found = surveys.results(session, cast.editor, survey_id)
    scores = {d.team.name: d.score for d in found.departments if d.team}
    assert scores == {"Sales": pytest.approx(0.6), "Customer Success": pytest.approx(0.8)}
    assert found.weakest[0].question.prompt == "What does DSAR stand for?"
    assert (
        found.weakest[0].right_share == 0
        and found.weakest[0].common_wrong == "Data storage and retention"
    )
    with pytest.raises(Forbidden):
        surveys.results(session, cast.seller, survey_id)


def test_an_anonymous_survey_keeps_no_name_and_hides_small_departments(
    session: Session, cast: Cast
) -> None:
    from prism.training.models import SurveyResponse

    survey_id = _survey(session, cast, anonymous=True)
    surveys.respond(session, cast.seller, survey_id, _answers(session, survey_id, 1), now=utcnow())
    [response] = session.query(SurveyResponse).filter_by(survey_id=survey_id).all()
    assert response.user_id is None and response.team_id == cast.seller.team_id
    found = surveys.results(session, cast.editor, survey_id)
    sales = next(d for d in found.departments if d.team and d.team.name == "Sales")
    assert sales.responses == 1 and sales.score is None
    assert found.products == []


def test_a_closed_survey_takes_no_answers(session: Session, cast: Cast) -> None:
    survey_id = _survey(session, cast, anonymous=False)
    surveys.close(session, cast.editor, survey_id, now=utcnow())
    with pytest.raises(Gone):
        surveys.respond(
            session, cast.seller, survey_id, _answers(session, survey_id, 0), now=utcnow()
        )


def test_a_live_session_invites_teams_and_records_who_came(session: Session, cast: Cast) -> None:
    sales = make_team(session, "Sales")
    starts = utcnow() + timedelta(days=1)
    data = LiveSessionIn(
        title="Walkthrough", starts_at=starts, team_ids=[sales.id], user_ids=[cast.csm.id]
    )
    found = live.schedule(session, cast.editor, data, now=utcnow())
    assert {i.user_id for i in found.invitations} == {cast.seller.id, cast.csm.id}
    assert live.list_sessions(session, cast.pm) == []
    roll = AttendanceIn(version=found.version, attended_ids=[cast.seller.id])
    with pytest.raises(Conflict, match="not started"):
        live.take_roll(session, cast.editor, found.id, roll, now=utcnow())
    later = starts + timedelta(hours=1)
    live.take_roll(session, cast.editor, found.id, roll, now=later)
    assert {i.user_id: i.attended for i in found.invitations} == {
        cast.seller.id: True,
        cast.csm.id: False,
    }
    with pytest.raises(Invalid, match="not invited"):
        live.take_roll(
            session,
            cast.editor,
            found.id,
            AttendanceIn(version=found.version, attended_ids=[cast.pm.id]),
            now=later,
        )
    with pytest.raises(Forbidden):
        live.take_roll(session, cast.seller, found.id, roll, now=later)
