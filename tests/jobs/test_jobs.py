"""Background jobs: queued by id, run after commit, progress and failures visible to people."""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from prism.auth.policy import SYSTEM
from prism.db import Database
from prism.errors import Invalid
from prism.jobs import service
from prism.jobs.models import Job, JobStatus
from prism.jobs.runners import InProcessRunner, ProcrastinateRunner
from prism.people.models import Team
from tests.conftest import Cast, bearer, make_user


@service.job("test.count_teams")
def count_teams(session: Session, progress: service.Progress, *, label: str) -> str:
    progress(0.5, "counting")
    teams = session.scalar(select(func.count()).select_from(Team))
    return f"{label}: {teams} teams"


@service.job("test.explode")
def explode(session: Session, progress: service.Progress) -> str:
    raise ValueError("the source file is corrupt")


@service.job("test.chain")
def chain(session: Session, progress: service.Progress) -> str:
    follow_up = service.enqueue(session, "test.count_teams", actor=SYSTEM, label="chained")
    return f"queued {follow_up.id}"


def wait_for(database: Database, job_id: int, timeout: float = 20) -> Job:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with database.session_scope() as session:
            job = session.get_one(Job, job_id)
            if job.status in (JobStatus.SUCCEEDED, JobStatus.FAILED):
                return job
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} did not finish")


def queue(database: Database, name: str, **args: object) -> int:
    with database.session_scope() as session:
        return service.enqueue(session, name, actor=SYSTEM, **args).id


def test_in_process_runner_runs_after_commit_and_records_the_outcome(
    committed_database: Database,
) -> None:
    runner = InProcessRunner(committed_database)
    runner.start()
    try:
        done = wait_for(
            committed_database, queue(committed_database, "test.count_teams", label="now")
        )
        failed = wait_for(committed_database, queue(committed_database, "test.explode"))
    finally:
        runner.stop()
    assert done.status is JobStatus.SUCCEEDED and done.progress == 1.0
    assert done.message == "now: 0 teams" and done.started_at and done.finished_at
    assert failed.status is JobStatus.FAILED
    assert failed.error == "ValueError: the source file is corrupt"


def enqueue_then_fail(database: Database) -> None:
    with database.session_scope() as session:
        service.enqueue(session, "test.count_teams", actor=SYSTEM, label="ghost")
        raise RuntimeError("the request failed")


def test_a_rolled_back_enqueue_never_runs(committed_database: Database) -> None:
    runner = InProcessRunner(committed_database)
    runner.start()
    try:
        with pytest.raises(RuntimeError, match="request failed"):
            enqueue_then_fail(committed_database)
    finally:
        runner.stop()
    with committed_database.session_scope() as session:
        assert session.scalar(select(func.count()).select_from(Job)) == 0


def test_jobs_left_queued_are_resumed_when_a_runner_starts(committed_database: Database) -> None:
    job_id = queue(committed_database, "test.count_teams", label="left over")
    runner = InProcessRunner(committed_database)
    runner.start()
    try:
        assert wait_for(committed_database, job_id).status is JobStatus.SUCCEEDED
    finally:
        runner.stop()


def test_unknown_job_is_refused(session: Session) -> None:
    with pytest.raises(Invalid, match="no job called"):
        service.enqueue(session, "test.nope", actor=SYSTEM)


def test_procrastinate_worker_runs_jobs_on_postgresql(committed_database: Database) -> None:
    if committed_database.engine.dialect.name != "postgresql":
        pytest.skip("the PostgreSQL queue is for PostgreSQL")
    runner = ProcrastinateRunner(committed_database)
    runner.start()
    try:
        first = queue(committed_database, "test.chain")
        second = queue(committed_database, "test.explode")
    finally:
        runner.stop()
    with committed_database.session_scope() as session:
        assert session.get_one(Job, first).status is JobStatus.QUEUED  # nothing runs until a worker
    ProcrastinateRunner(committed_database).work(wait=False)
    chained = wait_for(committed_database, first, timeout=1)
    assert chained.status is JobStatus.SUCCEEDED
    follow_up = int(chained.message.split()[-1])
    assert wait_for(committed_database, follow_up, timeout=1).message == "chained: 0 teams"
    assert wait_for(committed_database, second, timeout=1).status is JobStatus.FAILED


def test_jobs_api_shows_everything_to_editors_and_own_jobs_to_others(
    client: TestClient, session: Session, cast: Cast
) -> None:
    mine = service.enqueue(session, "test.count_teams", actor=cast.seller, label="mine")
    theirs = service.enqueue(session, "test.count_teams", actor=cast.csm, label="theirs")
    session.commit()
    seller, editor = bearer(session, cast.seller), bearer(session, cast.editor)
    assert [j["id"] for j in client.get("/api/v1/jobs", headers=seller).json()["items"]] == [
        mine.id
    ]
    assert client.get(f"/api/v1/jobs/{theirs.id}", headers=seller).status_code == 404
    assert client.get("/api/v1/jobs", headers=editor).json()["total"] == 2
    assert client.get(f"/api/v1/jobs/{theirs.id}", headers=editor).json()["status"] == "queued"


def test_scheduled_housekeeping_is_registered() -> None:
    scheduled = {entry.name: entry.cron for entry in service.scheduled()}
    assert scheduled["auth.forget_expired_sessions"] == "17 3 * * *"


def test_expired_sessions_are_forgotten(committed_database: Database) -> None:
    from datetime import timedelta

    from prism.auth import service as auth_service
    from prism.db import utcnow

    with committed_database.session_scope() as session:
        user = make_user(session)
        auth_service.start_web_session(
            session, user=user, now=utcnow() - timedelta(days=2), lifetime=timedelta(hours=1)
        )
        auth_service.start_web_session(
            session, user=user, now=utcnow(), lifetime=timedelta(hours=1)
        )
    finished = service.run_now(committed_database, "auth.forget_expired_sessions")
    assert finished.status is JobStatus.SUCCEEDED
    assert finished.message == "Forgot 1 expired browser session(s)."


@service.job("test.rename_team")
def rename_team(session: Session, progress: service.Progress, *, team_id: int) -> str:
    session.get_one(Team, team_id).name = "Renamed by a job"
    return "renamed"


def test_a_jobs_changes_are_audited_as_its_creators(committed_database: Database) -> None:
    from prism.audit.models import AuditEvent

    with committed_database.session_scope() as session:
        creator = make_user(session)
        team = Team(name="Before")
        session.add(team)
        session.flush()
        job_id = service.enqueue(session, "test.rename_team", actor=creator, team_id=team.id).id
        session.info.pop("jobs_after_commit")
    assert service.run_job(committed_database, job_id) is JobStatus.SUCCEEDED
    with committed_database.session_scope() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "update")).one()
        assert event.actor_id == creator.id and event.actor_label == creator.email
        assert event.changes["name"] == {"from": "Before", "to": "Renamed by a job"}
