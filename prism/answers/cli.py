"""`prism answers …`: draft a questionnaire's answers from the approved library."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from prism.console import DataDir, actor_for, console, unit_of_work
from prism.db import utcnow
from prism.errors import Invalid
from prism.i18n import _, term

app = typer.Typer(help="Answers for questionnaires and tenders.", no_args_is_help=True)


@app.command("draft")
def draft(
    questions: Annotated[
        list[str] | None, typer.Argument(help="Questions; or give --file.", show_default=False)
    ] = None,
    file: Annotated[
        Path | None, typer.Option(help="A text file of questions, one per line.")
    ] = None,
    product: Annotated[
        list[str] | None,
        typer.Option(help="A product the questionnaire is about (its name or id); repeatable."),
    ] = None,
    as_email: Annotated[
        str | None, typer.Option("--as", help="Draft as this person (email); else as Prism.")
    ] = None,
    data_dir: DataDir = None,
) -> None:
    """Draft each question's answer from published, customer-shareable answers, with its
    source, version and confidence; a question no answer fits surely enough is left for an
    expert. Exits 1 if any question is left for an expert."""
    from prism.answers import drafting
    from prism.knowledge.service import find_item

    asked = list(questions or [])
    if file is not None:
        try:
            asked += [q.strip() for q in file.read_text(encoding="utf-8").splitlines()]
        except (OSError, UnicodeDecodeError) as exc:
            raise Invalid(_("Cannot read {file}: {reason}", file=file, reason=exc)) from exc
    asked = [q for q in asked if q]
    with unit_of_work(data_dir, writes=False) as run:
        if not asked:
            raise Invalid(_("Give the questions, or a file of them with --file."))
        actor = actor_for(run.session, as_email)
        scope = [find_item(run.session, actor, "product", p).id for p in product or []]
        drafter = drafting.Drafter(run.session, actor, now=utcnow())
        made = [drafter.draft(q, product_ids=scope) for q in asked]
        table = Table(_("Question"), _("Draft answer"), _("Yes or no"), _("Source"))
        for d in made:
            c = d.chosen
            if c is None:
                expert = _("For an expert")
                table.add_row(d.question, "[yellow]" + expert + "[/yellow]", "", "")
                continue
            source = _("{title} (v{version}, {percent}%)", title=c.item.title, version=c.version,
                       percent=round(c.confidence * 100))  # fmt: skip
            table.add_row(d.question, c.text, term(c.yes_or_no) if c.yes_or_no else "", source)
        console.print(table)
    left = sum(1 for d in made if d.for_expert)
    console.print(_("{drafted} of {count} drafted; {left} left for an expert.",
                    drafted=len(made) - left, count=len(made), left=left))  # fmt: skip
    if left:
        raise typer.Exit(1)
