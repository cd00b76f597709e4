"""`prism feedback …`: cluster a file of texts without the app, import a CSV export into the
themes, re-cluster them, and write the product digest."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from prism.auth.policy import SYSTEM
from prism.console import (
    DataDir,
    actor_for,
    console,
    err,
    failures_exit,
    problem_line,
    unit_of_work,
)
from prism.csvfile import OnError
from prism.db import utcnow
from prism.errors import PrismError
from prism.grouping import clustering
from prism.i18n import _
from prism.knowledge.models import Item

app = typer.Typer(
    help="Feedback: cluster a file, import an export, re-cluster the themes, write the digest.",
    no_args_is_help=True,
)

Column = Annotated[str | None, typer.Option(help="The column holding it (matched by name).")]
Granularity = Annotated[
    int | None,
    typer.Option(
        min=clustering.BROADEST,
        max=clustering.NARROWEST,
        help="Broader (-3 to -1) or narrower (1 to 3) themes; 0 is as found.",
    ),
]


@app.command("cluster")
def cluster(
    file: Annotated[Path, typer.Argument(help="A CSV file with a header row.", exists=True)],
    text_column: Annotated[str, typer.Option(help="The column holding the text.")],
    out: Annotated[Path, typer.Option(help="Where to write row,theme_id,theme_label.")],
    k: Annotated[int | None, typer.Option(help="Fix the number of themes.")] = None,
    granularity: Granularity = None,
    encoding: Annotated[str, typer.Option(help="The file's encoding.")] = "utf-8",
) -> None:
    """Cluster a file's texts into themes (without being told how many, unless --k), writing one
    line per input row, in order, with the same clustering as the app."""
    from prism.feedback import offline

    with failures_exit(), console.status(_("Embedding and clustering…")):
        texts = offline.read_text_column(file.read_bytes(), text_column, encoding=encoding)
        done = offline.cluster_texts(texts, k=k, granularity=granularity or 0)
    out.write_text(done.as_csv(), encoding="utf-8")
    console.print(
        _(
            "{rows} rows in {themes} themes written to {out}.",
            rows=len(texts),
            themes=done.themes,
            out=out,
        )
    )
    if done.empty_rows:
        shown = ", ".join(str(r) for r in done.empty_rows[:10])
        more = "…" if len(done.empty_rows) > 10 else ""
        err.print(
            _(
                "{count} rows had no text (rows {rows}): no theme.",
                count=len(done.empty_rows),
                rows=shown + more,
            )
        )


@app.command("import")
def import_file(
    file: Annotated[Path, typer.Argument(help="A CSV export with a header row.", exists=True)],
    text_column: Annotated[str, typer.Option(help="The column holding what was said.")],
    kind: Annotated[str, typer.Option(help="The kind of rows that do not say theirs.")] = (
        "feature_request"
    ),
    kind_column: Column = None,
    account_column: Column = None,
    deal_column: Column = None,
    team_column: Column = None,
    product_column: Column = None,
    competitor_column: Column = None,
    date_column: Column = None,
    id_column: Column = None,
    day_first: Annotated[bool, typer.Option(help="Slashed dates are DD/MM/YYYY.")] = False,
    encoding: Annotated[str, typer.Option(help="The file's encoding.")] = "utf-8",
    skip_bad_rows: Annotated[
        bool, typer.Option(help="Import the good rows when some are bad (else import none).")
    ] = False,
    dry_run: Annotated[bool, typer.Option(help="Check every row, import nothing.")] = False,
    submitter: Annotated[
        str | None, typer.Option(help="Import as this person (email); else as Prism.")
    ] = None,
    data_dir: DataDir = None,
) -> None:
    """Import a CSV export into the feedback themes. Every bad row is listed with its line;
    nothing is imported unless all rows are good (or --skip-bad-rows)."""
    from prism.feedback import imports
    from prism.feedback.schemas import ImportMapping
    from prism.schemas import parse

    values = {
        "text": text_column,
        "kind": kind,
        "kind_column": kind_column,
        "account_column": account_column,
        "deal_column": deal_column,
        "team_column": team_column,
        "product_column": product_column,
        "competitor_column": competitor_column,
        "said_on_column": date_column,
        "id_column": id_column,
        "day_first": day_first,
        "encoding": encoding,
    }
    on_error = OnError.SKIP if skip_bad_rows else OnError.REJECT
    with (
        unit_of_work(data_dir) as run,
        Progress(console=console, transient=True) as bar,
    ):
        task = bar.add_task(_("Importing"), total=None)
        report = imports.import_csv(
            run.session,
            actor_for(run.session, submitter),
            file.read_bytes(),
            parse(ImportMapping, values),
            on_error=on_error,
            dry_run=dry_run,
            max_rows=None,
            today=utcnow().date(),
            progress=lambda done, total: bar.update(task, completed=done, total=total),
        )
    console.print(report.summary)
    for problem in report.problems[:50]:
        err.print("  " + problem_line(problem))


@app.command("recluster")
def recluster(granularity: Granularity = None, data_dir: DataDir = None) -> None:
    """Re-cluster the themes now, each signal on its own; what people curated stays as it is.
    A granularity given is kept for later re-clusterings and for placing new items."""
    from prism.feedback import themes

    with unit_of_work(data_dir) as run, console.status(_("Re-clustering…")):
        done = themes.recluster(run.session, SYSTEM, granularity=granularity)
    console.print(
        _(
            "{before} themes before, {after} after (granularity {granularity}); "
            "{moved} items moved, {held} held.",
            before=done.themes_before,
            after=done.themes_after,
            granularity=f"{done.granularity:+d}",
            moved=done.items_moved,
            held=done.items_held,
        )
    )


@app.command("digest")
def digest(
    out: Annotated[Path, typer.Option(help="Where to write it (.pdf or .md).")],
    product: Annotated[str | None, typer.Option(help="Only this product (its name).")] = None,
    data_dir: DataDir = None,
) -> None:
    """Write the product digest (the top undecided themes by revenue impact) as PDF or markdown."""
    from prism.feedback import digest as digests
    from prism.filestore import file_store

    with unit_of_work(data_dir, writes=False) as run:
        product_id = _product(run.session, product)
        found = digests.digest(run.session, SYSTEM, product_id=product_id)
        today = utcnow().date()
        if out.suffix.lower() == ".md":
            out.write_text(digests.markdown(found, today=today), encoding="utf-8")
        else:
            store = file_store(run.settings)
            out.write_bytes(digests.pdf(run.session, found, store=store, today=today))
    console.print(_("Wrote {out} ({count} themes).", out=out, count=len(found.lines)))


def _product(session: Session, name: str | None) -> int | None:
    if name is None:
        return None
    found = session.scalar(
        select(Item.id).where(Item.kind == "product", func.lower(Item.title) == name.lower())
    )
    if found is None:
        raise PrismError(_("No product called {name}.", name=name))
    return found
