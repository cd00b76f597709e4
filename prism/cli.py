"""The `prism` command: set up, serve, load the demo company, manage users and tokens, run jobs.

Scripts and operators depend on these command names and options: keep them stable.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table
from sqlalchemy.orm import Session
from typer.core import TyperGroup

import prism.catalog  # noqa: F401  (maps every model, registers audit capture and jobs)
from prism.auth import service as auth_service
from prism.auth.policy import SYSTEM
from prism.auth.schemas import TokenIn
from prism.console import DataDir, console, err, failures_exit, open_database, settings_for
from prism.crm import cli as crm_cli
from prism.db import utcnow
from prism.errors import PrismError
from prism.feedback import cli as feedback_cli
from prism.launches.models import Stage
from prism.migrate import prepare_database
from prism.people import service as people_service
from prism.people.models import Role, User
from prism.people.schemas import UserIn
from prism.schemas import parse
from prism.settings import Settings

app = typer.Typer(help="Prism, the product enablement hub.", no_args_is_help=True)
user_app = typer.Typer(help="Manage user accounts.", no_args_is_help=True)
token_app = typer.Typer(help="Manage API tokens.", no_args_is_help=True)
jobs_app = typer.Typer(help="Background jobs.", no_args_is_help=True)
launch_app = typer.Typer(help="Launches: their gates and briefs.", no_args_is_help=True)
training_app = typer.Typer(
    help="Training: readiness across people and teams.", no_args_is_help=True
)


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
import_app.command("crm")(crm_cli.import_crm)
app.add_typer(import_app, name="import")
app.add_typer(user_app, name="user")
app.add_typer(launch_app, name="launch")
app.add_typer(training_app, name="training")
app.add_typer(feedback_cli.app, name="feedback")
app.add_typer(token_app, name="token")
app.add_typer(jobs_app, name="jobs")


@app.command()
def init(data_dir: DataDir = None) -> None:
    """Create the data directory and the database, or bring an existing one up to date."""
    settings = settings_for(data_dir)
    prepare_database(settings).dispose()
    console.print(f"Prism is ready in [bold]{settings.data_dir.resolve()}[/bold].")


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
        err.print("[yellow]SQLite serves from one process; ignoring --workers.[/yellow]")
        workers = 1
    os.environ["PRISM_DATA_DIR"] = str(settings.data_dir.resolve())
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
    from prism.demo import analytics, company, feedback, knowledge, launches, toolkits, training
    from prism.filestore import file_store

    settings = settings_for(data_dir)
    database = prepare_database(settings)
    with console.status("Loading the demo company…"), database.session_scope() as session:
        loaded = company.load(session)
        loaded += ", " + knowledge.load(session, file_store(settings), utcnow())
        store, key = file_store(settings), settings.secret_key
        loaded += ", " + toolkits.load(session, store, utcnow(), key=key)
        loaded += ", " + launches.load(session, utcnow())
        loaded += ", " + training.load(session, utcnow())
        loaded += ", " + feedback.load(session, utcnow())
        examples = settings.data_dir / "examples"
        loaded += ", " + analytics.load(session, utcnow(), examples)
    database.dispose()
    console.print(f"Loaded the demo company: {loaded}.")
    console.print(
        f"A Salesforce export to try the CRM import with: {examples / analytics.EXPORT_NAME}"
    )
    console.print(
        f"\n  Open [bold]http://{host}:{port}/[/bold] and sign in as\n"
        f"  [bold]{company.ADMIN_EMAIL}[/bold] / [bold]{company.PASSWORD}[/bold] (admin)\n"
        f"  Every demo user has the same password; see `prism user list`.\n"
    )
    if serve_it:
        run_server(settings, host=host, port=port)


@app.command("export")
def export_knowledge(
    path: Annotated[Path, typer.Argument(help="Where to write the JSON document; - for stdout.")],
    data_dir: DataDir = None,
) -> None:
    """Export the whole knowledge core (items, facets, links, versions, files) as one JSON file."""
    from prism.filestore import file_store
    from prism.knowledge import portable

    settings = settings_for(data_dir)
    with (
        failures_exit(),
        open_database(settings) as database,
        database.session_scope(writes=False) as session,
    ):
        doc = portable.export_core(session, SYSTEM, file_store(settings), now=utcnow())
        text = doc.model_dump_json(indent=1)
    if str(path) == "-":
        typer.echo(text)
        return
    path.write_text(text, encoding="utf-8")
    err.print(f"Exported {len(doc.items)} items and {len(doc.facets)} facets to {path}.")


@import_app.command("knowledge")
def import_knowledge(
    path: Annotated[Path, typer.Argument(help="A JSON document written by `prism export`.")],
    replace: Annotated[
        bool, typer.Option("--replace", help="Overwrite items whose uid is already here.")
    ] = False,
    data_dir: DataDir = None,
) -> None:
    """Import a knowledge-core document: all of it, or on any mistake nothing."""
    from pydantic import ValidationError

    from prism.filestore import file_store
    from prism.knowledge import portable

    settings = settings_for(data_dir)
    try:
        doc = portable.KnowledgeDoc.model_validate_json(path.read_bytes())
    except OSError as exc:
        err.print(f"[red]Error:[/red] cannot read {path}: {exc.strerror}")
        raise typer.Exit(1) from None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(map(str, first["loc"])) or "document"
        err.print(f"[red]Error:[/red] {path} is not a knowledge document: {where}: {first['msg']}")
        raise typer.Exit(1) from None
    database = prepare_database(settings)
    try:
        with (
            failures_exit(),
            database.session_scope() as session,
            console.status(f"Importing {len(doc.items)} items…"),
        ):
            report = portable.import_core(
                session, SYSTEM, doc, file_store(settings), now=utcnow(), replace=replace
            )
    finally:
        database.dispose()
    console.print(
        f"Imported: {report.items_created} items created, {report.items_replaced} replaced, "
        f"{report.facets_created} facets created."
    )
    if report.unknown_people:
        console.print(
            "[yellow]No account here for[/yellow] "
            + ", ".join(report.unknown_people)
            + "; their items have no owner."
        )


@app.command()
def reindex(data_dir: DataDir = None) -> None:
    """Rebuild the search index (keywords, vocabulary, embeddings) of every item."""
    from prism.search import index

    settings = settings_for(data_dir)
    with failures_exit(), open_database(settings) as database, database.session_scope() as session:

        def done(indexed: int, total: int) -> None:
            session.commit()
            err.print(f"  {indexed}/{total}")

        count = index.reindex(session, done=done)
    console.print(f"Reindexed {count} items.")


@app.command()
def render(
    source: Annotated[
        str,
        typer.Argument(
            help="solution:ID, product:ID, story:ID, battlecard:ID, faqs:PRODUCT_ID, or outdated."
        ),
    ],
    fmt: Annotated[str, typer.Option("--format", help="pptx, pdf, docx or html.")] = "pdf",
    out: Annotated[Path | None, typer.Option("--out", help="Where to write the file.")] = None,
    layout: Annotated[
        str | None, typer.Option(help="sales_deck, talk, whitepaper, one_pager, …")
    ] = None,
    customer: Annotated[str, typer.Option(help="Who it is for: shown on the output.")] = "",
    industry: Annotated[str, typer.Option(help="Their industry: picks the stories.")] = "",
    against: Annotated[str, typer.Option(help="A competitor in the deal: adds a comparison.")] = "",
    audience: Annotated[
        str, typer.Option(help="customer (the default for all but battlecards) or internal.")
    ] = "",
    language: Annotated[str, typer.Option(help="en or zh; by default the source's.")] = "",
    data_dir: DataDir = None,
) -> None:
    """Render an item in the brand theme (or, with `outdated`, refresh every outdated output).
    A customer output names what it left out for the customer and why."""
    from prism.filestore import file_store
    from prism.render import service as rendering

    settings = settings_for(data_dir)
    store = file_store(settings)
    with failures_exit(), open_database(settings) as database, database.session_scope() as session:
        if source == "outdated":
            count = rendering.rerender_outdated(session, SYSTEM, store=store, now=utcnow())
            console.print(f"Rendered {count} outdated outputs again.")
            return
        made = rendering.render_source(
            session,
            SYSTEM,
            source,
            fmt=fmt,
            layout=layout,
            choices={
                "customer": customer,
                "industry": industry,
                "against": against,
                "audience": audience,
                "language": language,
            },
            store=store,
            now=utcnow(),
        )
        rendition = made.rendition
        target = out or Path(rendition.filename)
        target.write_bytes(store.get(rendition.file_key))
    gaps = f" (gaps: {', '.join(rendition.gaps)})" if rendition.gaps else ""
    console.print(f"Wrote {target} ({rendition.size:,} bytes){gaps}.")
    for why in rendition.omitted:
        console.print(f"  left out for the customer: {why}")


@user_app.command("create")
def user_create(
    email: Annotated[str, typer.Option(help="Sign-in email.")],
    name: Annotated[str, typer.Option(help="Full name.")],
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, help="Initial password.")],
    role: Annotated[Role, typer.Option(help="admin, editor, contributor or viewer.")] = Role.VIEWER,
    team: Annotated[str | None, typer.Option(help="Team name, e.g. Sales.")] = None,
    data_dir: DataDir = None,
) -> None:
    """Create a user account."""
    settings = settings_for(data_dir)
    with failures_exit(), open_database(settings) as database, database.session_scope() as session:
        team_id = _team_id(session, team)
        fields = {"email": email, "name": name, "password": password, "role": role}
        data = parse(UserIn, {**fields, "team_id": team_id})
        user = people_service.create_user(session, SYSTEM, data)
        console.print(f"Created {user.email} ({user.role.value}).")


def _team_id(session: Session, team: str | None) -> int | None:
    if team is None:
        return None
    found = people_service.find_team_by_name(session, team)
    if found is None:
        names = ", ".join(t.name for t in people_service.all_teams(session, SYSTEM))
        raise PrismError(f"No team called {team}. Teams: {names}.")
    return found.id


@user_app.command("list")
def user_list(data_dir: DataDir = None) -> None:
    """List user accounts."""
    settings = settings_for(data_dir)
    with open_database(settings) as database, database.session_scope() as session:
        teams = {t.id: t.name for t in people_service.all_teams(session, SYSTEM)}
        table = Table("id", "email", "name", "role", "team", "active")
        cursor: str | None = None
        while True:
            page = people_service.list_users(session, SYSTEM, limit=200, cursor=cursor)
            for u in page.items:
                table.add_row(
                    str(u.id),
                    u.email,
                    u.name,
                    u.role.value,
                    teams.get(u.team_id or 0, ""),
                    "yes" if u.is_active else "no",
                )
            if page.next_cursor is None:
                break
            cursor = page.next_cursor
        console.print(table)


@user_app.command("set-password")
def user_set_password(
    email: Annotated[str, typer.Option(help="Whose password.")],
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)],
    data_dir: DataDir = None,
) -> None:
    """Set a user's password."""
    settings = settings_for(data_dir)
    with failures_exit(), open_database(settings) as database, database.session_scope() as session:
        user = people_service.get_user_by_email(session, email)
        people_service.set_password(session, SYSTEM, user.id, password, now=utcnow())
        console.print(f"Password set for {user.email}.")


@token_app.command("create")
def token_create(
    email: Annotated[str, typer.Option(help="Whose token.")],
    name: Annotated[str, typer.Option(help="What the token is for.")] = "CLI token",
    days: Annotated[int | None, typer.Option(min=1, max=3650, help="Lifetime in days.")] = None,
    read_only: Annotated[bool, typer.Option("--read-only", help="Only the read scope.")] = False,
    data_dir: DataDir = None,
) -> None:
    """Create an API token for a user and print it (shown only this once)."""
    settings = settings_for(data_dir)
    with failures_exit(), open_database(settings) as database, database.session_scope() as session:
        user: User = people_service.get_user_by_email(session, email)
        scopes = ["read"] if read_only else ["read", "write"]
        data = parse(TokenIn, {"name": name, "scopes": scopes, "days": days})
        _, raw = auth_service.create_token(
            session, SYSTEM, user=user, data=data, now=utcnow(), default_days=settings.token_days
        )
    typer.echo(raw)


@jobs_app.command("run")
def jobs_run(
    name: Annotated[str, typer.Argument(help="The job's registered name.")],
    data_dir: DataDir = None,
) -> None:
    """Run one job now, in this process, and print how it ended."""
    from prism.jobs import service as jobs_service

    settings = settings_for(data_dir)
    with failures_exit(), open_database(settings) as database:
        finished = jobs_service.run_now(database, name)
        console.print(
            f"Job {finished.id} {finished.status.value}: {finished.error or finished.message}"
        )
        if finished.error:
            raise typer.Exit(1)


@jobs_app.command("list")
def jobs_list(data_dir: DataDir = None) -> None:
    """List the registered jobs with their schedules, then the 20 most recent runs."""
    from prism.jobs import service as jobs_service

    for entry in sorted(jobs_service.REGISTRY.values(), key=lambda e: e.name):
        console.print(f"{entry.name}  {entry.cron or '(on demand)'}")
    settings = settings_for(data_dir)
    with open_database(settings) as database, database.session_scope() as session:
        table = Table("id", "job", "status", "progress", "result")
        for run in jobs_service.list_jobs(session, SYSTEM, limit=20).items:
            result = run.error or run.message
            table.add_row(str(run.id), run.name, run.status.value, f"{run.progress:.0%}", result)
        console.print(table)


@launch_app.command("list")
def launch_list(data_dir: DataDir = None) -> None:
    """List launches, newest first, with their stage and bill-of-materials progress."""
    from prism.launches import service as launches

    settings = settings_for(data_dir)
    with open_database(settings) as database, database.session_scope(writes=False) as session:
        table = Table("id", "launch", "tier", "stage", "date", "deliverables done")
        for launch in launches.list_launches(session, SYSTEM, limit=200).items:
            done = sum(1 for item in launch.bom if item.done)
            when = launch.ga_on or launch.target_date
            table.add_row(
                str(launch.id),
                launch.name,
                str(launch.tier),
                launch.stage.label,
                when.isoformat(),
                f"{done}/{len(launch.bom)}",
            )
        console.print(table)


MARKS = {
    "passed": "[green]✓[/green]",
    "blocked": "[red]✗[/red]",
    "not_measurable": "[yellow]?[/yellow]",
}


@launch_app.command("check")
def launch_check(
    name: Annotated[str, typer.Argument(help="The launch's name or id.")],
    to: Annotated[str | None, typer.Option(help="The stage to check (default: the next).")] = None,
    data_dir: DataDir = None,
) -> None:
    """Print the readiness gate report; exit 1 if something blocks the move."""
    from prism.launches import service as launches

    settings = settings_for(data_dir)
    with failures_exit(), open_database(settings) as database:
        with database.session_scope(writes=False) as session:
            launch = launches.find_launch(session, SYSTEM, name)
            stage = _stage(to) if to else None
            report = launches.check_gate(
                session, SYSTEM, launch.id, to=stage, today=utcnow().date()
            )
            if report is None:
                console.print(f"{launch.name} is {launch.stage.label}; it moves no further.")
                return
            console.print(f"[bold]{report.summary()}[/bold]")
            for finding in report.findings:
                console.print(f" {MARKS[finding.state.value]} {finding.label}: {finding.detail}")
            if not report.findings:
                console.print(
                    f" Tier {launch.tier} sets no rules for entering {report.stage.label}."
                )
        if not report.passed:
            raise typer.Exit(1)


@training_app.command("readiness")
def training_readiness(
    by: Annotated[str, typer.Option(help="person or team.")] = "team",
    out: Annotated[Path | None, typer.Option(help="Write CSV here instead of a table.")] = None,
    data_dir: DataDir = None,
) -> None:
    """Assigned, completed, overdue, certifications held and average score per team or person."""
    from prism.training import readiness

    if by not in ("person", "team"):
        err.print("--by takes person or team.")
        raise typer.Exit(2)
    settings = settings_for(data_dir)
    with open_database(settings) as database, database.session_scope(writes=False) as session:
        today = utcnow().date()
        rows = (
            readiness.by_team(session, SYSTEM, today)
            if by == "team"
            else readiness.by_person(session, SYSTEM, today)
        )
        if out is not None:
            out.write_text(readiness.as_csv(rows), encoding="utf-8")
            console.print(f"Wrote {len(rows)} lines to {out}.")
            return
        table = Table(by, "people", "assigned", "completed", "overdue", "certified", "average")
        for r in rows:
            score = "-" if r.average_score is None else f"{r.average_score:.0%}"
            table.add_row(
                r.label,
                *(str(v) for v in (r.people, r.assigned, r.completed, r.overdue, r.certified)),
                score,
            )
        console.print(table)


def _stage(value: str) -> Stage:
    try:
        return Stage(value.lower())
    except ValueError:
        names = ", ".join(s.value for s in Stage)
        raise PrismError(f"No stage {value!r}; stages are {names}.") from None


@launch_app.command("brief")
def launch_brief(
    name: Annotated[str, typer.Argument(help="The launch's name or id.")],
    out: Annotated[Path, typer.Option(help="Where to write it (.pdf or .md).")],
    data_dir: DataDir = None,
) -> None:
    """Write the launch brief as a PDF or markdown file, by the extension of --out."""
    from prism.filestore import file_store
    from prism.launches import brief
    from prism.launches import service as launches

    settings = settings_for(data_dir)
    with (
        failures_exit(),
        open_database(settings) as database,
        database.session_scope(writes=False) as session,
    ):
        launch = launches.find_launch(session, SYSTEM, name)
        today = utcnow().date()
        if out.suffix.lower() == ".md":
            out.write_text(brief.markdown(session, SYSTEM, launch, today=today))
        else:
            out.write_bytes(
                brief.pdf(session, SYSTEM, launch, store=file_store(settings), today=today)
            )
    console.print(f"Wrote {out}.")


@app.command()
def worker(
    data_dir: DataDir = None,
    once: Annotated[bool, typer.Option("--once", help="Stop when the queue is empty.")] = False,
) -> None:
    """Run background jobs from the PostgreSQL queue (not needed on SQLite)."""
    from prism.jobs.runners import ProcrastinateRunner

    settings = settings_for(data_dir)
    if settings.is_sqlite:
        err.print("On SQLite, jobs run inside `prism serve`; no worker is needed.")
        raise typer.Exit(2)
    database = prepare_database(settings)
    try:
        ProcrastinateRunner(database).work(wait=not once)
    finally:
        database.dispose()


def main() -> None:
    app()
