"""`prism jobs …` and `prism worker`: run a job now, list jobs and runs, work the queue."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from prism.auth.policy import SYSTEM
from prism.console import (
    DataDir,
    console,
    err,
    failures_exit,
    open_database,
    settings_for,
    unit_of_work,
)
from prism.i18n import ENGLISH, _, speak, term

app = typer.Typer(help="Background jobs.", no_args_is_help=True)


@app.command("run")
def jobs_run(
    name: Annotated[str, typer.Argument(help="The job's registered name.")],
    data_dir: DataDir = None,
) -> None:
    """Run one job now, in this process, and print how it ended."""
    from prism.jobs import service

    settings = settings_for(data_dir)
    with failures_exit(), open_database(settings) as database:
        finished = service.run_now(database, name)
    console.print(
        _(
            "Job {id} {status}: {result}",
            id=finished.id,
            status=term(finished.status.value),
            result=finished.error or finished.message,
        )
    )
    if finished.error:
        raise typer.Exit(1)


@app.command("list")
def jobs_list(data_dir: DataDir = None) -> None:
    """List the registered jobs with their schedules, then the 20 most recent runs."""
    from prism.jobs import service

    on_demand = _("(on demand)")
    for entry in sorted(service.REGISTRY.values(), key=lambda e: e.name):
        console.print(f"{entry.name}  {entry.cron or on_demand}")
    with unit_of_work(data_dir, writes=False) as run:
        table = Table(_("id"), _("job"), _("status"), _("progress"), _("result"))
        for job in service.list_jobs(run.session, SYSTEM, limit=20).items:
            result = job.error or job.message
            status = term(job.status.value)
            table.add_row(str(job.id), job.name, status, f"{job.progress:.0%}", result)
    console.print(table)


def worker(
    data_dir: DataDir = None,
    once: Annotated[bool, typer.Option("--once", help="Stop when the queue is empty.")] = False,
) -> None:
    """Run background jobs from the PostgreSQL queue (not needed on SQLite)."""
    from prism.jobs.runners import ProcrastinateRunner

    settings = settings_for(data_dir)
    if settings.is_sqlite:
        err.print(_("On SQLite, jobs run inside `prism serve`; no worker is needed."))
        raise typer.Exit(2)
    speak(ENGLISH)  # jobs write what they store and send in English, whoever started them
    with open_database(settings, migrate=True) as database:
        ProcrastinateRunner(database).work(wait=not once)
