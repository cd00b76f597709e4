"""What every `prism` command shares: the consoles, the `--data-dir` option, settings that fail
in one line, a database opened for the command's run with one unit of work, and Prism errors
printed, not raised. Each domain's `cli.py` builds its commands on these; `prism/cli.py`
assembles them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from sqlalchemy.orm import Session

from prism.auth.policy import SYSTEM, Principal
from prism.db import Database
from prism.errors import PrismError
from prism.i18n import _
from prism.settings import Settings, SettingsError, load_settings

# Piped output (scripts, CI logs) gets room for whole emails instead of an 80-column squeeze.
console = Console(width=None if Console().is_terminal else 200)
err = Console(stderr=True)

DataDir = Annotated[
    Path | None,
    typer.Option("--data-dir", envvar="PRISM_DATA_DIR", help="Prism's data directory."),
]


def settings_for(data_dir: Path | None) -> Settings:
    """Settings from the environment, with `--data-dir` winning; a bad value exits in one line."""
    try:
        overrides = {"data_dir": data_dir} if data_dir is not None else {}
        return load_settings(**overrides).prepare()
    except SettingsError as exc:
        err.print(f"[red]Bad setting:[/red] {exc}")
        raise typer.Exit(2) from None


@contextmanager
def open_database(settings: Settings, *, migrate: bool = False) -> Iterator[Database]:
    """The database for one command's run (brought up to date first, with `migrate`)."""
    from prism.migrate import prepare_database

    database = prepare_database(settings) if migrate else Database.from_settings(settings)
    try:
        yield database
    finally:
        database.dispose()


@dataclass(frozen=True)
class Run:
    """What a command works with: its settings and one unit of work."""

    settings: Settings
    session: Session


@contextmanager
def unit_of_work(
    data_dir: Path | None, *, writes: bool = True, migrate: bool = False
) -> Iterator[Run]:
    """One command's unit of work: committed when the block ends; on a Prism error nothing is
    written, the error is printed in one line and the command exits 1."""
    settings = settings_for(data_dir)
    with (
        failures_exit(),
        open_database(settings, migrate=migrate) as database,
        database.session_scope(writes=writes) as session,
    ):
        yield Run(settings, session)


@contextmanager
def failures_exit() -> Iterator[None]:
    """Print a Prism error in one line and exit non-zero, instead of a traceback."""
    try:
        yield
    except PrismError as exc:
        err.print(f"[red]Error:[/red] {exc.message}")
        for error in exc.errors[:50]:  # an import's bad rows, each where it is
            column = f", {error['column']}" if error.get("column") else ""
            err.print(f"  {error.get('field', '')}{column}: {error.get('message', '')}")
        raise typer.Exit(1) from None


def actor_for(session: Session, email: str | None) -> Principal:
    """Who a command acts as: the person who signs in as `email`, or Prism itself."""
    from prism.people.service import find_user_by_email

    if email is None:
        return SYSTEM
    found = find_user_by_email(session, email)
    if found is None:
        raise PrismError(_("No one signs in as {email}.", email=email))
    return found
