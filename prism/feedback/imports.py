"""Feedback from a CSV export (a support desk, a call-recording tool, a survey): any file with a
text column, and optionally mapped columns for the kind, account, deal, source team, product,
competitor, date and the export's own id.

Every row is checked before anything is written. The user chooses what happens when some rows
are bad: nothing is imported (and every bad row is reported with its line), or the good rows are
imported with the same report. Importing the same file twice adds nothing: each row is keyed by
the export's id column, or by a fingerprint of what it says, who said it and when.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from prism.accounts.models import Account
from prism.auth.policy import Action, Principal, require
from prism.csvfile import Names, OnError, Problem, Row, parse_day, read_table
from prism.deals.models import Deal
from prism.errors import Invalid
from prism.feedback import service
from prism.feedback.models import FeedbackItem, Kind, Origin
from prism.feedback.schemas import FeedbackIn, ImportMapping
from prism.i18n import _
from prism.knowledge.access import readable_by
from prism.knowledge.models import Item
from prism.people.models import Team
from prism.schemas import parse

# One upload through the web or the API; the command line takes files of any length.
MAX_ROWS = 5_000


@dataclass
class Report:
    rows: int = 0
    imported: int = 0
    duplicates: list[int] = field(default_factory=list)  # lines already imported
    problems: list[Problem] = field(default_factory=list)
    dry_run: bool = False

    @property
    def summary(self) -> str:
        counts = {"imported": self.imported, "rows": self.rows}
        if self.dry_run:
            parts = [_("{imported} of {rows} rows would be imported", **counts)]
        else:
            parts = [_("{imported} of {rows} rows imported", **counts)]
        if self.duplicates:
            parts.append(_("{count} already imported", count=len(self.duplicates)))
        if self.problems:
            bad = len({p.line for p in self.problems})
            parts.append(_("{count} with problems", count=bad))
        return _("; ").join(parts) + _(".")


def import_csv(
    session: Session,
    actor: Principal,
    raw: bytes,
    mapping: ImportMapping,
    *,
    on_error: OnError = OnError.REJECT,
    dry_run: bool = False,
    max_rows: int | None = MAX_ROWS,
    today: date,
    progress: Callable[[int, int], None] | None = None,
) -> Report:
    """Read, check and (unless `dry_run`) import the file's rows as feedback items."""
    require(actor, Action.SUBMIT_FEEDBACK)
    table = read_table(raw, encoding=mapping.encoding)
    table.require(mapping.columns())
    if not table.rows:
        raise Invalid(_("The file has a header but no rows."))
    if max_rows is not None and len(table.rows) > max_rows:
        raise Invalid(
            _(
                "The file has {len:,} rows; one upload takes {max_rows:,}. Split it, or "
                "use `prism feedback import` on the command line.",
                len=len(table.rows),
                max_rows=max_rows,
            )
        )
    report = Report(rows=len(table.rows), dry_run=dry_run)
    good = _check(session, actor, table.rows, mapping, report, today)
    if report.problems and on_error is OnError.REJECT:
        raise Invalid(
            _(
                "{len} of {rows} rows have problems; nothing was imported.",
                len=len({p.line for p in report.problems}),
                rows=report.rows,
            ),
            errors=[p.as_error() for p in report.problems],
        )
    report.imported = len(good)
    if dry_run or not good:
        return report
    for start in range(0, len(good), 256):
        chunk = good[start : start + 256]
        service.submit_many(
            session,
            actor,
            [data for data, _unused in chunk],
            origin=Origin.CSV,
            external_ids=[key for _unused, key in chunk],
            today=today,
        )
        if progress:
            progress(start + len(chunk), len(good))
    return report


def _check(
    session: Session,
    actor: Principal,
    rows: list[Row],
    mapping: ImportMapping,
    report: Report,
    today: date,
) -> list[tuple[FeedbackIn, str]]:
    """The rows that are good, as items with their import keys; problems go to the report."""
    lookups = _lookups(session, actor, mapping)
    seen = _already_imported(session)
    good = []
    for row in rows:
        problems_before = len(report.problems)

        def problem(column: str, message: str, line: int = row.line) -> None:
            report.problems.append(Problem(line, column, message))

        values = _values(row, mapping, lookups, problem, today)
        if len(report.problems) > problems_before:
            continue
        try:
            data = parse(FeedbackIn, values)
        except Invalid as exc:
            problem(mapping.text, exc.message)
            continue
        key = _key(row, mapping, data)
        if key in seen:
            report.duplicates.append(row.line)
            continue
        seen.add(key)
        good.append((data, key))
    return good


def _values(
    row: Row,
    mapping: ImportMapping,
    lookups: dict[str, Names],
    problem: Callable[[str, str], None],
    today: date,
) -> dict[str, object]:
    """The row as `FeedbackIn` fields, reporting each value that cannot be read."""
    text = row.get(mapping.text)
    if not text:
        problem(mapping.text, "has no text")
    values: dict[str, object] = {"text": text, "kind": mapping.kind}
    if mapping.kind_column and row.get(mapping.kind_column):
        kind = kind_named(row.get(mapping.kind_column))
        if kind is None:
            choices = ", ".join(k.label for k in Kind)
            problem(
                mapping.kind_column, f"unknown kind {row.get(mapping.kind_column)!r}: {choices}"
            )
        values["kind"] = kind
    if mapping.said_on_column and row.get(mapping.said_on_column):
        try:
            day = parse_day(row.get(mapping.said_on_column), day_first=mapping.day_first)
        except ValueError as exc:
            problem(mapping.said_on_column, str(exc))
        else:
            if day > today + service.ONE_DAY:
                problem(mapping.said_on_column, f"{day} is in the future")
            values["said_on"] = day
    for field_name, column, what in mapping.references():
        wanted = row.get(column)
        if column and wanted:
            try:
                values[field_name] = lookups[field_name].find(wanted, what)
            except LookupError as exc:
                problem(column, str(exc))
    return values


def kind_named(text: str) -> Kind | None:
    """The kind a value names, by value ("loss_reason") or label ("loss reason")."""
    wanted = text.strip().lower().replace("-", " ").replace("_", " ")
    return next((k for k in Kind if wanted in (k.value.replace("_", " "), k.label)), None)


def _key(row: Row, mapping: ImportMapping, data: FeedbackIn) -> str:
    if mapping.id_column and row.get(mapping.id_column):
        # Named by its column too: two tools' exports rarely share an id column's name.
        return f"csv:{mapping.id_column}:{row.get(mapping.id_column)}"[:200]
    said = "|".join(
        str(v) for v in (data.text, data.kind.value, data.said_on, data.account_id, data.deal_id)
    )
    return "csv#" + hashlib.sha256(said.encode()).hexdigest()[:40]


def _already_imported(session: Session) -> set[str]:
    return set(
        session.scalars(
            select(FeedbackItem.external_id).where(FeedbackItem.external_id.is_not(None))
        )
    )


def _lookups(session: Session, actor: Principal, mapping: ImportMapping) -> dict[str, Names]:
    """Names for each reference the mapping reads."""
    lookups = {}
    if mapping.account_column:
        lookups["account_id"] = Names(
            session.execute(select(Account.id, Account.name, Account.external_id)).all()
        )
    if mapping.deal_column:
        lookups["deal_id"] = Names(
            (i, name, i) for i, name in session.execute(select(Deal.id, Deal.name))
        )
    if mapping.team_column:
        lookups["team_id"] = Names(session.execute(select(Team.id, Team.name)).all())
    for field_name, kind, column in (
        ("product_id", "product", mapping.product_column),
        ("competitor_id", "competitor", mapping.competitor_column),
    ):
        if column:
            lookups[field_name] = Names(
                session.execute(
                    select(Item.id, Item.title).where(Item.kind == kind, readable_by(actor))
                ).all()
            )
    return lookups
