"""`prism import crm FILE.csv`: a CRM export of any size, with a progress bar."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress

from prism.console import DataDir, actor_for, console, err, problem_line, unit_of_work
from prism.csvfile import ENCODINGS, OnError
from prism.db import utcnow
from prism.errors import Invalid
from prism.i18n import _


def import_crm(
    file: Annotated[Path, typer.Argument(help="A Salesforce or HubSpot export, or any CSV.")],
    mapping: Annotated[
        str | None, typer.Option(help="A saved column mapping's name, for other exports.")
    ] = None,
    dry_run: Annotated[bool, typer.Option(help="Check every row, import nothing.")] = False,
    skip_bad_rows: Annotated[
        bool, typer.Option(help="Import the good rows when some are bad (else import none).")
    ] = False,
    day_first: Annotated[bool, typer.Option(help="Slashed dates are DD/MM/YYYY.")] = False,
    encoding: Annotated[str, typer.Option(help="The file's encoding.")] = "utf-8",
    as_email: Annotated[
        str | None, typer.Option("--as", help="Import as this person (email); else as Prism.")
    ] = None,
    data_dir: DataDir = None,
) -> None:
    """Import opportunities or accounts from a CRM export. Rows are matched by their CRM id,
    so importing a file again changes nothing; every bad row is listed with its line, and
    nothing is imported unless all rows are good (or --skip-bad-rows)."""
    from prism.crm import service

    with (
        unit_of_work(data_dir, migrate=True) as run,
        Progress(console=console, transient=True) as bar,
    ):
        if encoding not in ENCODINGS:
            raise Invalid(
                _(
                    "Prism reads {join}; not {encoding!r}.",
                    join=", ".join(ENCODINGS),
                    encoding=encoding,
                )
            )
        try:
            raw = file.read_bytes()
        except OSError as exc:
            raise Invalid(
                _("Cannot read {file}: {strerror}.", file=file, strerror=exc.strerror)
            ) from None
        task = bar.add_task(_("Importing"), total=None)
        report = service.import_csv(
            run.session,
            actor_for(run.session, as_email),
            raw,
            mapping=mapping,
            encoding=encoding,
            day_first=day_first,
            on_error=OnError.SKIP if skip_bad_rows else OnError.REJECT,
            dry_run=dry_run,
            currency=run.settings.currency,
            now=utcnow(),
            max_rows=None,
            file_name=file.name,
            progress=lambda done, total: bar.update(task, completed=done, total=total),
        )
    console.print(report.summary)
    for problem in report.problems[:50]:
        err.print("  " + problem_line(problem))
    if len(report.problems) > 50:
        err.print("  " + _("… and {count} more.", count=len(report.problems) - 50))
