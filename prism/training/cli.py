"""`prism training readiness`: who is ready, per team or person, as a table or CSV."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from prism.auth.policy import SYSTEM
from prism.console import DataDir, console, err, unit_of_work
from prism.db import utcnow
from prism.i18n import _

app = typer.Typer(help="Training: readiness across people and teams.", no_args_is_help=True)


@app.command("readiness")
def training_readiness(
    by: Annotated[str, typer.Option(help="person or team.")] = "team",
    out: Annotated[Path | None, typer.Option(help="Write CSV here instead of a table.")] = None,
    data_dir: DataDir = None,
) -> None:
    """Assigned, completed, overdue, certifications held and average score per team or person."""
    from prism.training import readiness

    if by not in ("person", "team"):
        err.print(_("--by takes person or team."))
        raise typer.Exit(2)
    with unit_of_work(data_dir, writes=False) as run:
        today = utcnow().date()
        rows = (
            readiness.by_team(run.session, SYSTEM, today)
            if by == "team"
            else readiness.by_person(run.session, SYSTEM, today)
        )
    if out is not None:
        out.write_text(readiness.as_csv(rows), encoding="utf-8")
        console.print(_("Wrote {count} lines to {out}.", count=len(rows), out=out))
        return
    table = Table(
        _("team") if by == "team" else _("person"),
        *(_(h) for h in ("people", "assigned", "completed", "overdue", "certified", "average")),
    )
    for r in rows:
        score = "-" if r.average_score is None else f"{r.average_score:.0%}"
        table.add_row(
            r.label,
            *(str(v) for v in (r.people, r.assigned, r.completed, r.overdue, r.certified)),
            score,
        )
    console.print(table)
