"""`prism render SOURCE`: an item in the brand theme as a file, or every outdated output again."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from prism.auth.policy import SYSTEM
from prism.console import DataDir, console, unit_of_work
from prism.db import utcnow
from prism.i18n import _, format_number


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
    currency: Annotated[
        str,
        typer.Option(help="The price book a pricing sheet quotes; the product's own if left out."),
    ] = "",
    launch: Annotated[
        int | None,
        typer.Option(help="Preview this launch's packaging change (a pricing sheet, a deck)."),
    ] = None,
    data_dir: DataDir = None,
) -> None:
    """Render an item in the brand theme (or, with `outdated`, refresh every outdated output).
    A customer output names what it left out for the customer and why."""
    from prism.filestore import file_store
    from prism.render import service

    with unit_of_work(data_dir) as run:
        store = file_store(run.settings)
        if source == "outdated":
            count = service.rerender_outdated(run.session, SYSTEM, store=store, now=utcnow())
            console.print(_("Rendered {count} outdated outputs again.", count=count))
            return
        made = service.render_source(
            run.session,
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
                "currency": currency.upper(),
                "launch_id": str(launch or ""),
            },
            store=store,
            now=utcnow(),
        )
        rendition = made.rendition
        target = out or Path(rendition.filename)
        target.write_bytes(store.get(rendition.file_key))
    size = format_number(rendition.size)
    if rendition.gaps:
        gaps = ", ".join(rendition.gaps)
        said = _("Wrote {out} ({size} bytes; gaps: {gaps}).", out=target, size=size, gaps=gaps)
    else:
        said = _("Wrote {out} ({size} bytes).", out=target, size=size)
    console.print(said)
    for why in rendition.omitted:
        console.print("  " + _("left out for the customer: {why}", why=why))
