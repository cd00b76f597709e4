"""Who runs the jobs: threads in the web process on SQLite, procrastinate workers on PostgreSQL."""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

from croniter import croniter

from prism.auth.policy import SYSTEM
from prism.db import Database, utcnow
from prism.jobs import service

log = logging.getLogger(__name__)


class InProcessRunner:
    """Runs jobs on a small thread pool and fires scheduled jobs from a timer thread."""

    def __init__(self, database: Database, *, workers: int = 2) -> None:
        self.database = database
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="prism-job")
        self.stopping = threading.Event()
        self.scheduler = threading.Thread(
            target=self._schedule_loop, daemon=True, name="prism-cron"
        )

    def start(self) -> None:
        """Attach to the database, resume jobs a previous process left queued, start the clock."""
        self.database.dispatcher = self
        with self.database.session_scope() as session:
            waiting = service.queued_job_ids(session)
        for job_id in waiting:
            self.dispatch(job_id)
        self.scheduler.start()

    def dispatch(self, job_id: int) -> None:
        self.pool.submit(service.run_job, self.database, job_id)

    def stop(self) -> None:
        self.stopping.set()
        self.database.dispatcher = None
        self.pool.shutdown(wait=True, cancel_futures=False)

    def _schedule_loop(self) -> None:
        upcoming = {
            entry.name: _next_fire(entry.cron or "", utcnow()) for entry in service.scheduled()
        }
        while not self.stopping.wait(timeout=20):
            now = utcnow()
            for name, fire_at in list(upcoming.items()):
                if fire_at <= now:
                    self._enqueue(name)
                    upcoming[name] = _next_fire(service.REGISTRY[name].cron or "", now)

    def _enqueue(self, name: str) -> None:
        try:
            with self.database.session_scope() as session:
                service.enqueue(session, name, actor=SYSTEM)
        except Exception:
            log.exception("could not queue scheduled job %s", name)


def _next_fire(cron: str, after: datetime) -> datetime:
    fire: datetime = croniter(cron, after).get_next(datetime)
    return fire


def conninfo(database: Database) -> str:
    """The libpq connection string of a PostgreSQL database, for procrastinate."""
    url = database.engine.url.set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


class ProcrastinateRunner:
    """Queues jobs in PostgreSQL through procrastinate; `prism worker` processes run them."""

    def __init__(self, database: Database) -> None:
        import procrastinate

        self.database = database
        self.app = procrastinate.App(
            connector=procrastinate.PsycopgConnector(conninfo=conninfo(database))
        )
        self.run_task = self.app.task(name="prism.run_job", pass_context=False)(self._run)
        for entry in service.scheduled():
            self._add_periodic(entry.name, entry.cron or "")

    def _run(self, job_id: int) -> None:
        service.run_job(self.database, job_id)

    def _add_periodic(self, name: str, cron: str) -> None:
        def fire(timestamp: int) -> None:
            # Already on a worker: record the run as a job and do it here, not queue it again.
            service.run_now(self.database, name)

        task = self.app.task(name=f"prism.scheduled.{name}", pass_context=False)(fire)
        self.app.periodic(cron=cron, periodic_id=name)(task)

    def start(self) -> None:
        """Open the queue for deferring from this (web or CLI) process."""
        self.app.open()
        self.database.dispatcher = self

    def dispatch(self, job_id: int) -> None:
        self.run_task.defer(job_id=job_id)

    def stop(self) -> None:
        self.database.dispatcher = None
        self.app.close()

    def work(self, *, wait: bool = True, **options: Any) -> None:
        """Run a worker here until stopped (without `wait`: until the queue is empty)."""
        # Jobs queued by a running job are deferred through the worker's own open connection.
        self.database.dispatcher = self
        self.app.run_worker(wait=wait, install_signal_handlers=wait, **options)


def runner_for(database: Database, *, in_process: bool) -> InProcessRunner | ProcrastinateRunner:
    """The runner Prism uses for `database`: threads here, or a PostgreSQL queue for workers."""
    if in_process:
        return InProcessRunner(database)
    return ProcrastinateRunner(database)
