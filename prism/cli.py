"""The `prism` command: set up, serve and load the demo here; every domain's commands come from
its own `cli.py` (users, tokens, jobs, launches, training, knowledge, rendering, feedback, CRM),
assembled below as `app.py` assembles routers."""

from __future__ import annotations

import os
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

import prism.catalog  # noqa: F401  (maps every model, registers audit capture and jobs)
from prism.answers import cli as answers_cli
from prism.assistant import cli as assistant_cli
from prism.auth import cli as auth_cli
from prism.console import (
    DataDir,
    console,
    err,
    localize,
    open_database,
    settings_for,
    terminal_language,
)
from prism.crm import cli as crm_cli
from prism.db import utcnow
from prism.feedback import cli as feedback_cli
from prism.i18n import ENGLISH, _, speak
from prism.jobs import cli as jobs_cli
from prism.knowledge import cli as knowledge_cli
from prism.launches import cli as launches_cli
from prism.migrate import prepare_database
from prism.people import cli as people_cli
from prism.pricing import cli as pricing_cli
from prism.render import cli as render_cli
from prism.settings import Settings
from prism.training import cli as training_cli

app = typer.Typer(help="Prism, the product enablement hub.", no_args_is_help=True)


class _KnowledgeByDefault(TyperGroup):
    """`prism import FILE.json` stays what it always was: `prism import knowledge FILE.json`."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:  # typer carries its own click
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["knowledge", *args]
        return super().parse_args(ctx, args)


import_app = typer.Typer(
    cls=_KnowledgeByDefault,
    help="Import a knowledge-core document (the default) or a CRM export (`crm`).",
    no_args_is_help=True,
)
import_app.command("knowledge")(knowledge_cli.import_knowledge)
import_app.command("crm")(crm_cli.import_crm)
app.add_typer(import_app, name="import")
app.command("export")(knowledge_cli.export_knowledge)
app.command("reindex")(knowledge_cli.reindex)
app.command("render")(render_cli.render)
app.command("mcp")(assistant_cli.mcp)
app.command("worker")(jobs_cli.worker)
app.add_typer(people_cli.app, name="user")
app.add_typer(auth_cli.app, name="token")
app.add_typer(jobs_cli.app, name="jobs")
app.add_typer(launches_cli.app, name="launch")
app.add_typer(training_cli.app, name="training")
app.add_typer(feedback_cli.app, name="feedback")
app.add_typer(pricing_cli.app, name="pricing")
app.add_typer(answers_cli.app, name="answers")


@app.command()
def init(data_dir: DataDir = None) -> None:
    """Create the data directory and the database, or bring an existing one up to date."""
    settings = settings_for(data_dir)
    prepare_database(settings).dispose()
    console.print(
        _("Prism is ready in {path}.", path=f"[bold]{settings.data_dir.resolve()}[/bold]")
    )


@app.command()
def serve(
    data_dir: DataDir = None,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(help="App processes (PostgreSQL only).")] = 1,
) -> None:
    """Apply migrations and serve the web app and API."""
    settings = settings_for(data_dir)
    prepare_database(settings).dispose()
    run_server(settings, host=host, port=port, workers=workers)


def run_server(settings: Settings, *, host: str, port: int, workers: int = 1) -> None:
    import uvicorn

    if workers > 1 and settings.is_sqlite:
        err.print(_("SQLite serves from one process; ignoring --workers."), style="yellow")
        workers = 1
    os.environ["PRISM_DATA_DIR"] = str(settings.data_dir.resolve())
    speak(ENGLISH)  # each request speaks its reader's language; background work, English
    uvicorn.run(
        "prism.serving:app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        # Proxy headers are the app's to believe, from `PRISM_TRUSTED_PROXIES` only
        # (uvicorn's own default believes any client on 127.0.0.1).
        proxy_headers=False,
        log_level="info",
    )


@app.command()
def demo(
    data_dir: DataDir = None,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    serve_it: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Serve after loading.")
    ] = True,
) -> None:
    """Load the demo company (Helio Systems) into the database, then serve it."""
    from prism.demo import (
        analytics,
        answers,
        company,
        feedback,
        knowledge,
        launches,
        pricing,
        toolkits,
        training,
    )
    from prism.filestore import file_store

    settings = settings_for(data_dir)
    with (
        console.status(_("Loading the demo company…")),
        open_database(settings, migrate=True) as database,
        database.session_scope() as session,
    ):
        loaded = company.load(session)
        loaded += ", " + knowledge.load(session, file_store(settings), utcnow())
        loaded += ", " + answers.load(session, utcnow())
        loaded += ", " + pricing.load(session, utcnow())
        store, key = file_store(settings), settings.secret_key
        loaded += ", " + toolkits.load(session, store, utcnow(), key=key)
        loaded += ", " + answers.load_questionnaire(session, store, utcnow())
        loaded += ", " + launches.load(session, utcnow())
        loaded += ", " + training.load(session, utcnow())
        loaded += ", " + feedback.load(session, utcnow())
        loaded += ", " + pricing.load_holdings(session, utcnow())
        examples = settings.data_dir / "examples"
        loaded += ", " + analytics.load(session, utcnow(), examples)
    console.print(_("Loaded the demo company: {loaded}.", loaded=loaded))
    export = examples / analytics.EXPORT_NAME
    console.print(_("A Salesforce export to try the CRM import with: {path}", path=export))
    address = f"[bold]http://{host}:{port}/[/bold]"
    login = f"[bold]{company.ADMIN_EMAIL}[/bold] / [bold]{company.PASSWORD}[/bold]"
    console.print(
        "\n  "
        + _("Open {address} and sign in as", address=address)
        + "\n  "
        + _("{login} (admin)", login=login)
        + "\n  "
        + _("Every demo user has the same password; see `prism user list`.")
        + "\n"
    )
    if serve_it:
        run_server(settings, host=host, port=port)


def command() -> Any:
    """The `prism` command speaking the terminal's language, its help included."""
    speak(terminal_language())
    return localize(typer.main.get_command(app))


def main() -> None:
    command()(prog_name="prism")
