"""Background work: register job functions, queue them by id, run them and report progress.

A job function takes a session, a progress callback and JSON arguments (ids, never objects);
whichever runner executes it (a thread in the web process on SQLite, `prism worker` on
PostgreSQL), the same `run_job` opens the sessions, records progress and catches failures.
`run_job` and `run_now` are entry points, like a request: they own their units of work.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import event, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from prism.audit.service import set_actor
from prism.auth.policy import SYSTEM, Action, Principal, can
from prism.db import utcnow
from prism.errors import Invalid, NotFound, Unavailable
from prism.i18n import _
from prism.jobs.models import Job, JobStatus
from prism.pagination import PageOf, paginate
from prism.people.models import User

if TYPE_CHECKING:
    from prism.db import Database

log = logging.getLogger(__name__)


class Progress(Protocol):
    def __call__(self, fraction: float, message: str = "") -> None: ...


JobFunction = Callable[..., str]


@dataclass(frozen=True)
class Registered:
    name: str
    function: JobFunction
    cron: str | None


REGISTRY: dict[str, Registered] = {}


def job(name: str, *, cron: str | None = None) -> Callable[[JobFunction], JobFunction]:
    """Register `function(session, progress, **args) -> message` as the job `name`.

    With `cron`, the job also runs on that schedule (standard five-field cron, UTC).
    """

    def register(function: JobFunction) -> JobFunction:
        REGISTRY[name] = Registered(name=name, function=function, cron=cron)
        return function

    return register


def scheduled() -> list[Registered]:
    return [entry for entry in REGISTRY.values() if entry.cron]


def enqueue(session: Session, name: str, *, actor: Principal, **args: Any) -> Job:
    """Queue job `name`; it is handed to the runner only once this session commits."""
    if name not in REGISTRY:
        raise Invalid(_("There is no job called {name}.", name=name))
    queued = Job(name=name, args=args, created_by_id=actor.id)
    session.add(queued)
    session.flush()
    pending: list[int] = session.info.setdefault("jobs_after_commit", [])
    pending.append(queued.id)
    return queued


@event.listens_for(Session, "after_commit")
def _dispatch_committed(session: Session) -> None:
    # Handing a job over before its row is committed would let the runner miss it.
    pending = session.info.pop("jobs_after_commit", [])
    database: Database | None = session.info.get("database")
    if database is not None:
        for job_id in pending:
            database.dispatch_job(job_id)


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back(session: Session) -> None:
    session.info.pop("jobs_after_commit", None)


def run_job(database: Database, job_id: int) -> JobStatus:
    """Run one queued job to the end, recording progress, result or failure."""
    with database.session_scope() as session:
        claimed = session.execute(
            update(Job)
            .where(Job.id == job_id, Job.status == JobStatus.QUEUED)
            .values(status=JobStatus.RUNNING, started_at=utcnow())
        )
        if not getattr(claimed, "rowcount", 0):
            return JobStatus.QUEUED
        queued = session.get_one(Job, job_id)
        name, args, creator = queued.name, dict(queued.args), queued.created_by_id
    try:
        entry = REGISTRY[name]
        with database.session_scope() as session:
            _act_for(session, creator)
            message = entry.function(session, _progress_reporter(database, job_id), **args)
    except Exception as exc:
        log.exception("job %s (%s) failed", job_id, name)
        _finish(database, job_id, JobStatus.FAILED, error=f"{type(exc).__name__}: {exc}")
        return JobStatus.FAILED
    _finish(database, job_id, JobStatus.SUCCEEDED, message=message)
    return JobStatus.SUCCEEDED


def _act_for(session: Session, creator_id: int | None) -> None:
    # A job's changes are audited as its creator's; scheduled jobs act as the system.
    creator = session.get(User, creator_id) if creator_id is not None else None
    if creator is not None:
        set_actor(session, creator)


def _progress_reporter(database: Database, job_id: int) -> Progress:
    def report(fraction: float, message: str = "") -> None:
        # A session of its own, committed at once, so people see progress while the job runs.
        # On SQLite the job's own transaction may hold the write lock (until it commits a batch);
        # progress then waits a moment at most and is skipped rather than stall the job.
        try:
            with database.session_scope(writes=False, patience_ms=250) as session:
                session.execute(
                    update(Job)
                    .where(Job.id == job_id)
                    .values(progress=max(0.0, min(1.0, fraction)), message=message[:500])
                )
        except (OperationalError, Unavailable):
            log.info("job %s: progress %.0f%% not recorded (database busy)", job_id, fraction * 100)

    return report


def _finish(
    database: Database, job_id: int, status: JobStatus, *, message: str = "", error: str = ""
) -> None:
    with database.session_scope() as session:
        values: dict[str, Any] = {"status": status, "finished_at": utcnow(), "error": error}
        if status is JobStatus.SUCCEEDED:
            values.update(progress=1.0, message=message[:500])
        session.execute(update(Job).where(Job.id == job_id).values(**values))


def queued_job_ids(session: Session) -> list[int]:
    """Jobs still waiting, oldest first (picked up again when a runner starts)."""
    return list(
        session.scalars(select(Job.id).where(Job.status == JobStatus.QUEUED).order_by(Job.id))
    )


def list_jobs(
    session: Session,
    actor: Principal,
    *,
    status: JobStatus | None = None,
    limit: int = 50,
    cursor: str | None = None,
) -> PageOf[Job]:
    """Jobs, newest first: all of them for editors and admins, otherwise one's own."""
    stmt = select(Job)
    if not can(actor, Action.READ_JOBS):
        stmt = stmt.where(Job.created_by_id == actor.id)
    if status is not None:
        stmt = stmt.where(Job.status == status)
    return paginate(session, stmt, key=Job.id, limit=limit, cursor=cursor, newest_first=True)


def get_job(session: Session, actor: Principal, job_id: int) -> Job:
    queued = session.get(Job, job_id)
    if queued is None or not (can(actor, Action.READ_JOBS) or queued.created_by_id == actor.id):
        raise NotFound(_("No job {job_id}.", job_id=job_id))
    return queued


def run_now(database: Database, name: str, **args: Any) -> Job:
    """Record and run a job right here (`prism jobs run`, and cron runs on a worker)."""
    with database.session_scope() as session:
        queued = enqueue(session, name, actor=SYSTEM, **args)
        session.info.pop("jobs_after_commit", None)
    run_job(database, queued.id)
    with database.session_scope() as session:
        return session.get_one(Job, queued.id)
