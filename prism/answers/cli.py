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

Products = Annotated[
    list[str] | None,
    typer.Option(help="A product the questionnaire is about (its name or id); repeatable."),
]
AsEmail = Annotated[
    str | None, typer.Option("--as", help="Draft as this person (email); else as Prism.")
]


@app.command("draft")
def draft(
    questions: Annotated[
        list[str] | None, typer.Argument(help="Questions; or give --file.", show_default=False)
    ] = None,
    file: Annotated[
        Path | None, typer.Option(help="A text file of questions, one per line.")
    ] = None,
    product: Products = None,
    as_email: AsEmail = None,
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


@app.command("fill")
def fill(
    file: Annotated[Path, typer.Argument(help="The buyer's questionnaire: XLSX, DOCX or CSV.")],
    out: Annotated[Path, typer.Option(help="Where to write the file with the drafts in it.")],
    product: Products = None,
    as_email: AsEmail = None,
    data_dir: DataDir = None,
) -> None:
    """Write the library's drafts into the buyer's own file, everything else left as sent, and
    list what was drafted and what is left for an expert; nothing is kept in Prism (upload the
    file under Questionnaires to review it with others). Exits 1 if any question is left for
    an expert."""
    from prism.answers import drafting, files
    from prism.knowledge.service import find_item

    with unit_of_work(data_dir, writes=False) as run:
        try:
            raw = file.read_bytes()
        except OSError as exc:
            raise Invalid(_("Cannot read {file}: {reason}", file=file, reason=exc)) from exc
        fmt = files.format_of(file.name)
        found = files.parts(raw, fmt)
        layout = files.find_layout(found, fmt)
        asked = files.questions(found, layout)
        actor = actor_for(run.session, as_email)
        scope = [find_item(run.session, actor, "product", p).id for p in product or []]
        drafter = drafting.Drafter(run.session, actor, now=utcnow())
        table = Table(_("Question"), _("Draft answer"), _("Source"))
        answers, left = [], 0
        for question in asked:
            chosen = drafter.draft(question.text, product_ids=scope).chosen
            label = question.ref or question.text
            if chosen is None:
                left += 1
                table.add_row(label, "[yellow]" + _("For an expert") + "[/yellow]", "")
                continue
            answers.append(files.Answer(question.part, question.row, chosen.text, chosen.yes_or_no))
            source = _("{title} (v{version}, {percent}%)", title=chosen.item.title,
                       version=chosen.version, percent=round(chosen.confidence * 100))  # fmt: skip
            table.add_row(label, chosen.text, source)
        try:
            out.write_bytes(files.write(raw, layout, answers))
        except OSError as exc:
            raise Invalid(_("Cannot write {file}: {reason}", file=out, reason=exc)) from exc
    console.print(table)
    console.print(_("{drafted} of {count} drafted; {left} left for an expert.",
                    drafted=len(asked) - left, count=len(asked), left=left))  # fmt: skip
    console.print(_("Written to {file}.", file=out))
    if left:
        raise typer.Exit(1)
