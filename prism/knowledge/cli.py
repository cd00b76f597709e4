"""`prism export`, `prism import knowledge` and `prism reindex`: the knowledge core as one JSON
document out and in (all or nothing), and its search index rebuilt."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from prism.auth.policy import SYSTEM
from prism.console import DataDir, complain, console, err, unit_of_work
from prism.db import utcnow
from prism.i18n import _


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
    err.print(
        _(
            "Exported {items} items and {facets} facets to {path}.",
            items=len(doc.items),
            facets=len(doc.facets),
            path=path,
        )
    )


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
    from prism.validation import field_errors

    try:
        doc = portable.KnowledgeDoc.model_validate_json(path.read_bytes())
    except OSError as exc:
        complain(_("Cannot read {file}: {strerror}.", file=path, strerror=exc.strerror))
        raise typer.Exit(1) from None
    except ValidationError as exc:
        first = field_errors(exc.errors())[0]
        said = _(
            "{path} is not a knowledge document: {field}: {message}",
            path=path,
            field=first["field"],
            message=first["message"],
        )
        complain(said)
        raise typer.Exit(1) from None
    with (
        unit_of_work(data_dir, migrate=True) as run,
        console.status(_("Importing {count} items…", count=len(doc.items))),
    ):
        store = file_store(run.settings)
        report = portable.import_core(
            run.session, SYSTEM, doc, store, now=utcnow(), replace=replace
        )
    console.print(
        _(
            "Imported: {created} items created, {replaced} replaced, {facets} facets created.",
            created=report.items_created,
            replaced=report.items_replaced,
            facets=report.facets_created,
        )
    )
    if report.unknown_people:
        people = ", ".join(report.unknown_people)
        said = _("No account here for {people}; their items have no owner.", people=people)
        console.print(f"[yellow]{said}[/yellow]")


def reindex(data_dir: DataDir = None) -> None:
    """Rebuild the search index (keywords, vocabulary, embeddings) of every item."""
    from prism.knowledge import indexing

    with unit_of_work(data_dir) as run:

        def done(indexed: int, total: int) -> None:
            run.session.commit()
            err.print(f"  {indexed}/{total}")

        count = indexing.reindex(run.session, done=done)
    console.print(_("Reindexed {count} items.", count=count))
