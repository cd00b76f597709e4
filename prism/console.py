"""What every `prism` command shares: the consoles, the `--data-dir` option, settings that fail
in one line, a database opened for the command's run with one unit of work, and Prism errors
printed, not raised. Each domain's `cli.py` builds its commands on these; `prism/cli.py`
assembles them.

The command line speaks the terminal's language: `PRISM_LANGUAGE` (`en` or `zh`), else the
locale (`LC_ALL`, `LC_MESSAGES`, `LANG`: `zh_CN.UTF-8` is Chinese), else English. Its messages
go through `_` like every page's, and `localize` translates the commands' help."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from sqlalchemy.orm import Session

from prism.auth.policy import SYSTEM, Principal
from prism.db import Database
from prism.errors import PrismError
from prism.i18n import ENGLISH, LANGUAGES, N_, _, translate
from prism.settings import Settings, SettingsError, load_settings

# Piped output (scripts, CI logs) gets room for whole emails instead of an 80-column squeeze.
console = Console(width=None if Console().is_terminal else 200)
err = Console(stderr=True)


def terminal_language(environ: Mapping[str, str] = os.environ) -> str:
    """The language the command line speaks, as the environment asks for it."""
    if environ.get("PRISM_LANGUAGE", "").strip() in LANGUAGES:
        return environ["PRISM_LANGUAGE"].strip()
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "")
        if value:  # the first one set decides, as gettext reads them
            code = value.split(".")[0].split("_")[0].lower()
            return code if code in LANGUAGES else ENGLISH
    return ENGLISH


# The words typer's help screens are framed with, by the names typer keeps them under.
_FRAME = {
    "ARGUMENTS_PANEL_TITLE": N_("Arguments"),
    "OPTIONS_PANEL_TITLE": N_("Options"),
    "COMMANDS_PANEL_TITLE": N_("Commands"),
    "ERRORS_PANEL_TITLE": N_("Error"),
    "ABORTED_TEXT": N_("Aborted."),
    "REQUIRED_LONG_STRING": N_("[required]"),
    "DEFAULT_STRING": N_("[default: {}]"),
    "ENVVAR_STRING": N_("[env var: {}]"),
}


def localize(command: Any) -> Any:
    """`command` (typer's click command) and every command under it with their help, and their
    options' help, in the current language (`prism.web.terms` puts the sentences in the
    catalog); the help screens' frame too."""
    from typer import rich_utils

    for name, words in _FRAME.items():
        setattr(rich_utils, name, translate(words))
    for owner, name in _helps(command):
        setattr(owner, name, translate(getattr(owner, name)))
    return command


def help_texts(command: Any) -> set[str]:
    """Every help sentence of `command` and the commands under it, as the catalog keeps them."""
    return {getattr(owner, name) for owner, name in _helps(command)}


def _helps(command: Any) -> Iterator[tuple[Any, str]]:
    """Where `command` and the commands under it keep a help sentence: (owner, attribute)."""
    for owner in (command, *command.params):
        for name in ("help", "short_help"):
            if getattr(owner, name, None):
                yield owner, name
    for child in getattr(command, "commands", {}).values():
        yield from _helps(child)


def complain(message: str, label: str | None = None) -> None:
    """`message` on standard error, after a red "Error:" (or `label`)."""
    said = label or _("Error:")
    err.print(f"[red]{said}[/red] {message}")


def problem_line(problem: object) -> str:
    """One bad row of an import as the command prints it: where it is and what is wrong."""
    return _(
        "line {line}, {column}: {message}",
        line=getattr(problem, "line", ""),
        column=getattr(problem, "column", ""),
        message=getattr(problem, "message", ""),
    )


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
        complain(str(exc), _("Bad setting:"))
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
        complain(exc.message)
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
