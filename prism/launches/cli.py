"""`prism launch …`: list launches, check a readiness gate (exit 1 when blocked), write a brief."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from prism.auth.policy import SYSTEM
from prism.console import DataDir, console, unit_of_work
from prism.db import utcnow
from prism.errors import PrismError
from prism.i18n import _, term
from prism.launches.models import Stage

app = typer.Typer(help="Launches: their gates and briefs.", no_args_is_help=True)

MARKS = {
    "passed": "[green]✓[/green]",
    "blocked": "[red]✗[/red]",
    "not_measurable": "[yellow]?[/yellow]",
}


@app.command("list")
def launch_list(data_dir: DataDir = None) -> None:
    """List launches, newest first, with their stage and bill-of-materials progress."""
    from prism.launches import service

    with unit_of_work(data_dir, writes=False) as run:
        table = Table(
            _("id"), _("launch"), _("tier"), _("stage"), _("date"), _("deliverables done")
        )
        for launch in service.list_launches(run.session, SYSTEM, limit=200).items:
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


@app.command("check")
def launch_check(
    name: Annotated[str, typer.Argument(help="The launch's name or id.")],
    to: Annotated[str | None, typer.Option(help="The stage to check (default: the next).")] = None,
    data_dir: DataDir = None,
) -> None:
    """Print the readiness gate report; exit 1 if something blocks the move."""
    from prism.launches import service

    with unit_of_work(data_dir, writes=False) as run:
        launch = service.find_launch(run.session, SYSTEM, name)
        stage = _stage(to) if to else None
        report = service.check_gate(run.session, SYSTEM, launch.id, to=stage, today=utcnow().date())
    if report is None:
        console.print(
            _(
                "{name} is {stage}; it moves no further.",
                name=launch.name,
                stage=term(launch.stage.label),
            )
        )
        return
    console.print(f"[bold]{report.summary()}[/bold]")
    for finding in report.findings:
        console.print(f" {MARKS[finding.state.value]} {finding.label}: {finding.detail}")
    if not report.findings:
        console.print(
            " "
            + _(
                "Tier {tier} sets no rules for entering {stage}.",
                tier=launch.tier,
                stage=term(report.stage.label),
            )
        )
    if not report.passed:
        raise typer.Exit(1)


def _stage(value: str) -> Stage:
    try:
        return Stage(value.lower())
    except ValueError:
        names = ", ".join(s.value for s in Stage)
        raise PrismError(
            _("No stage {value!r}; stages are {names}.", value=value, names=names)
        ) from None


@app.command("brief")
def launch_brief(
    name: Annotated[str, typer.Argument(help="The launch's name or id.")],
    out: Annotated[Path, typer.Option(help="Where to write it (.pdf or .md).")],
    data_dir: DataDir = None,
) -> None:
    """Write the launch brief as a PDF or markdown file, by the extension of --out."""
    from prism.filestore import file_store
    from prism.launches import brief, service

    with unit_of_work(data_dir, writes=False) as run:
        launch = service.find_launch(run.session, SYSTEM, name)
        today = utcnow().date()
        if out.suffix.lower() == ".md":
            out.write_text(brief.markdown(run.session, SYSTEM, launch, today=today))
        else:
            store = file_store(run.settings)
            out.write_bytes(brief.pdf(run.session, SYSTEM, launch, store=store, today=today))
    console.print(_("Wrote {out}.", out=out))


@app.command("packaging")
def launch_packaging(
    name: Annotated[str, typer.Argument(help="The launch's name or id.")],
    data_dir: DataDir = None,
) -> None:
    """Show the packaging change a launch carries, what GA needs for it, and what it means for
    sales, customer success and support. Exits 1 while something GA needs is missing."""
    from prism.launches import packaging, service

    with unit_of_work(data_dir, writes=False) as run:
        launch = service.find_launch(run.session, SYSTEM, name)
        change = packaging.change(run.session, launch)
        if change.empty:
            console.print(_("{name} carries no packaging change.", name=launch.name))
            return
        said = packaging.meaning(run.session, SYSTEM, launch, change)
        needs = packaging.requirements(run.session, launch, change, now=utcnow())
    if change.applied:
        state = _("made at GA")
    elif launch.stage.value == "cancelled":
        state = _("dropped: the launch was cancelled")
    else:
        state = _("held until the GA gate passes")
    console.print(f"[bold]{launch.name}[/bold] ({state})")
    for line in said.changes:
        console.print(f" • {line}")
    for need in needs:
        mark = MARKS["passed" if need.met else "blocked"]
        console.print(f" {mark} {need.label}: {need.detail}")
    for heading, lines in (
        (_("For sales"), said.sales),
        (_("For customer success"), said.success),
        (_("For support"), said.support),
    ):
        if lines:
            console.print(f"[bold]{heading}[/bold]")
            for line in lines:
                console.print(f" • {line}")
    if any(not need.met for need in needs):
        raise typer.Exit(1)
