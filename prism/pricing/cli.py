"""`prism pricing …`: price books as a spreadsheet (export, import) and a product's grid."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from prism.auth.policy import SYSTEM
from prism.console import DataDir, actor_for, console, unit_of_work
from prism.db import utcnow
from prism.errors import Invalid
from prism.i18n import _, ngettext

app = typer.Typer(help="Pricing and packaging: price books and the grid.", no_args_is_help=True)


@app.command("export")
def export_prices(
    file: Annotated[Path, typer.Argument(help="Where to write the CSV ('-' for the screen).")],
    product: Annotated[
        str | None, typer.Option(help="One product (its name or id); else every product.")
    ] = None,
    data_dir: DataDir = None,
) -> None:
    """Write every price (history, in force and scheduled), one volume band per row."""
    from prism.knowledge.service import find_item
    from prism.pricing import portable

    with unit_of_work(data_dir, writes=False) as run:
        product_id = find_item(run.session, SYSTEM, "product", product).id if product else None
        text = portable.export_csv(run.session, SYSTEM, product_id)
    if str(file) == "-":
        console.print(text, end="", markup=False, highlight=False, soft_wrap=True)
        return
    file.write_text(text, encoding="utf-8")
    console.print(_("Wrote {rows} price rows to {file}.", rows=text.count("\n") - 1, file=file))


@app.command("import")
def import_prices(
    file: Annotated[
        Path, typer.Argument(help="A CSV with the columns `prism pricing export` writes.")
    ],
    dry_run: Annotated[bool, typer.Option(help="Check every row, import nothing.")] = False,
    as_email: Annotated[
        str | None, typer.Option("--as", help="Import as this person (email); else as Prism.")
    ] = None,
    data_dir: DataDir = None,
) -> None:
    """Set and schedule prices from a spreadsheet. All or nothing: every bad row is listed with
    its line and nothing is written; importing an export again changes nothing."""
    from prism.pricing import portable

    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise Invalid(
            _("Cannot read {file}: {strerror}.", file=file, strerror=exc.strerror)
        ) from None
    with unit_of_work(data_dir, migrate=True) as run:
        report = portable.import_csv(
            run.session, actor_for(run.session, as_email), raw, today=utcnow().date(),
            dry_run=dry_run,
        )  # fmt: skip
    console.print(report.summary)


@app.command("show")
def show(
    product: Annotated[str, typer.Argument(help="The product's name or id.")],
    data_dir: DataDir = None,
) -> None:
    """The product's features by edition, with each limit, and what needs a look."""
    from prism.knowledge.service import find_item
    from prism.pricing import service

    with unit_of_work(data_dir, writes=False) as run:
        found = find_item(run.session, SYSTEM, "product", product)
        grid = service.packaging(run.session, SYSTEM, found.id)
        packages = [*grid.editions, *grid.add_ons]
        table = Table(_("feature"), *(p.title for p in packages), title=grid.product.title)
        for feature in grid.features:
            cells = [
                ("✓ " + grid.limit(p, feature)).strip() if grid.carries(p, feature) else "–"
                for p in packages
            ]
            table.add_row(feature.title, *cells)
        console.print(table)
        for feature in grid.unpackaged:
            console.print(_("In no edition or add-on: {title}", title=feature.title))
        for edition in grid.undifferentiated:
            console.print(_("No differentiating feature: {title}", title=edition.title))


@app.command("holdings")
def import_holdings(
    file: Annotated[
        Path,
        typer.Argument(help="CRM line items: Salesforce, HubSpot, or account,product,edition,…"),
    ],
    dry_run: Annotated[bool, typer.Option(help="Check every row, import nothing.")] = False,
    as_email: Annotated[
        str | None, typer.Option("--as", help="Import as this person (email); else as Prism.")
    ] = None,
    data_dir: DataDir = None,
) -> None:
    """Import what accounts hold from CRM line items. All or nothing: every bad row is listed
    with its line; importing a file again changes nothing."""
    from prism.pricing import holdings

    raw = _read(file)
    with unit_of_work(data_dir, migrate=True) as run:
        report = holdings.import_csv(
            run.session, actor_for(run.session, as_email), raw, dry_run=dry_run, max_rows=None
        )
    console.print(report.summary)


@app.command("upsell")
def upsell(data_dir: DataDir = None) -> None:
    """Upgrades customers ask for: per edition and feature, the accounts whose own requests ask
    for what it includes, largest ARR first."""
    from prism.pricing import holdings

    with unit_of_work(data_dir, writes=False) as run:
        found = holdings.upsell(run.session, SYSTEM)
        for chance in found.opportunities:
            names = ", ".join(a.name for a, _held, _asked in chance.accounts)
            console.print(f"{holdings.said(chance)}: {names}", markup=False, highlight=False)
        if not found.opportunities:
            console.print(
                _("No account asks for a feature a higher edition of what it holds includes.")
            )
        for feature, asked in found.unpackaged:
            console.print(
                ngettext(
                    "In no edition, asked {count} time: {title}",
                    "In no edition, asked {count} times: {title}",
                    len(asked),
                    title=feature.title,
                )
            )


def _read(file: Path) -> bytes:
    try:
        return file.read_bytes()
    except OSError as exc:
        raise Invalid(
            _("Cannot read {file}: {strerror}.", file=file, strerror=exc.strerror)
        ) from None
