"""`prism export`, `prism import knowledge` and `prism reindex`: the knowledge core as one JSON
document out and in (all or nothing), and its search index rebuilt."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from prism.auth.policy import SYSTEM
from prism.console import DataDir, console, err, unit_of_work
from prism.db import utcnow


def export_knowledge(
    path: Annotated[Path, typer.Argument(help="Where to write the JSON document; - for stdout.")],
    data_dir: DataDir = None,
) -> None:
    """Export the whole knowledge core (items, facets, links, versions, files) as one JSON file."""
    from prism.filestore import file_store
    from prism.knowledge import portable

    with unit_of_work(data_dir, writes=False) as run:
        store = file_store(run.settings)
        doc = portable.export_core(run.session, SYSTEM, store, now=utcnow())
        text = doc.model_dump_json(indent=1)
    if str(path) == "-":
        typer.echo(text)
        return
    path.write_text(text, encoding="utf-8")
    err.print(f"Exported {len(doc.items)} items and {len(doc.facets)} facets to {path}.")


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
    with (
        unit_of_work(data_dir, migrate=True) as run,
        console.status(f"Importing {len(doc.items)} items…"),
    ):
        store = file_store(run.settings)
        report = portable.import_core(
            run.session, SYSTEM, doc, store, now=utcnow(), replace=replace
        )
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


def reindex(data_dir: DataDir = None) -> None:
    """Rebuild the search index (keywords, vocabulary, embeddings) of every item."""
    from prism.knowledge import indexing

    with unit_of_work(data_dir) as run:

        def done(indexed: int, total: int) -> None:
            run.session.commit()
            err.print(f"  {indexed}/{total}")

        count = indexing.reindex(run.session, done=done)
    console.print(f"Reindexed {count} items.")
