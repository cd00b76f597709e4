"""Accounts and opportunities from a CRM: a CSV export (Salesforce, HubSpot, or any file through a
saved mapping) or records sent by a live sync, upserted by the CRM's own id.

Every row is read and checked before anything is written. Then the user's choice: nothing is
written and every bad row is reported with its line, or the good rows are written with the same
report. A row whose values are already in Prism changes nothing, so importing the same file twice
changes nothing. Rows are written in bulk (a 100,000-row export takes seconds); the import is
one entry in the audit log, naming the records it created and changed.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import partial
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from prism.accounts import bulk as account_bulk
from prism.accounts.bulk import AccountRow, Progress, Upserted
from prism.accounts.models import Account, Reference
from prism.audit import service as audit
from prism.audit.models import Audited
from prism.auth.policy import Action, Principal, require
from prism.crm.formats import FIELDS, detect, field_names, stage_named
from prism.crm.models import CrmMapping, Target
from prism.crm.schemas import MappingIn, MappingUpdate
from prism.csvfile import Names, OnError, Problem, parse_day, read_table
from prism.db import add_unique, get_or_404
from prism.deals import bulk as deal_bulk
from prism.deals.bulk import DealRow, NewAccount
from prism.deals.models import Outcome
from prism.errors import Invalid, check_version
from prism.i18n import _, term
from prism.knowledge.access import readable_by
from prism.knowledge.models import Dimension, Facet, Item
from prism.money import parse_amount
from prism.people.models import User

# One upload through the web or the API; the command line takes files of any length.
MAX_ROWS = 200_000
MAX_RECORDS = 1_000  # one live-sync call
LIST_SEPARATOR = ";"


@dataclass
class Report:
    target: Target
    source: str  # the format recognised, or the mapping used
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    accounts_created: int = 0
    problems: list[Problem] = field(default_factory=list)
    unknown_owners: set[str] = field(default_factory=set)
    dry_run: bool = False

    @property
    def summary(self) -> str:
        counts = {
            "rows": self.rows,
            "source": self.source,
            "created": self.created,
            "target": term(self.target.value),
            "updated": self.updated,
            "unchanged": self.unchanged,
        }
        if self.dry_run:
            said = _(
                "{rows} rows read as {source}: {created} {target} would be created, "
                "{updated} updated, {unchanged} unchanged",
                **counts,
            )
        else:
            said = _(
                "{rows} rows read as {source}: {created} {target} were created, "
                "{updated} updated, {unchanged} unchanged",
                **counts,
            )
        parts = [said]
        if self.accounts_created:
            parts.append(_("{count} new accounts", count=self.accounts_created))
        if self.problems:
            bad = len({p.line for p in self.problems})
            parts.append(_("{count} rows with problems", count=bad))
        if self.unknown_owners:
            owners = ", ".join(sorted(self.unknown_owners))
            parts.append(_("owners not found (left unassigned): {owners}", owners=owners))
        return _("; ").join(parts) + _(".")


class ImportRun(Audited):
    """The import as the audit log names it (not a table: the log keeps what it did)."""

    def __init__(self, label: str) -> None:
        self.label = label

    def audit_label(self) -> str:
        return self.label


# ---------------------------------------------------------------------------- mappings


def list_mappings(session: Session, actor: Principal) -> list[CrmMapping]:
    require(actor, Action.READ_ACCOUNTS)
    return list(session.scalars(select(CrmMapping).order_by(CrmMapping.name)))


def get_mapping(session: Session, actor: Principal, mapping_id: int) -> CrmMapping:
    require(actor, Action.READ_ACCOUNTS)
    return get_or_404(session, CrmMapping, mapping_id, "CRM mapping")


def mapping_named(session: Session, actor: Principal, name: str) -> CrmMapping:
    require(actor, Action.READ_ACCOUNTS)
    found = session.scalar(select(CrmMapping).where(func.lower(CrmMapping.name) == name.lower()))
    if found is None:
        known = ", ".join(m.name for m in list_mappings(session, actor)) or "none yet"
        raise Invalid(
            _("No CRM mapping called {name!r} (the saved ones: {known}).", name=name, known=known)
        )
    return found


def save_mapping(session: Session, actor: Principal, data: MappingIn) -> CrmMapping:
    require(actor, Action.MANAGE_ACCOUNTS)
    _check_columns(data.target, data.columns)
    mapping = CrmMapping(
        name=data.name, target=data.target, columns=data.columns, day_first=data.day_first
    )
    add_unique(session, mapping, f"A CRM mapping is already called {data.name!r}.")
    return mapping


def update_mapping(
    session: Session, actor: Principal, mapping_id: int, data: MappingUpdate
) -> CrmMapping:
    require(actor, Action.MANAGE_ACCOUNTS)
    mapping = get_mapping(session, actor, mapping_id)
    check_version("CRM mapping", data.version, mapping.version)
    changes = data.model_dump(exclude={"version"}, exclude_unset=True)
    _check_columns(mapping.target, changes.get("columns", mapping.columns))
    for key, value in changes.items():
        setattr(mapping, key, value)
    session.flush()
    return mapping


def delete_mapping(session: Session, actor: Principal, mapping_id: int) -> None:
    require(actor, Action.MANAGE_ACCOUNTS)
    session.delete(get_mapping(session, actor, mapping_id))
    session.flush()


def _check_columns(target: Target, columns: dict[str, str]) -> None:
    known = field_names(target)
    unknown = sorted(set(columns) - set(known))
    if unknown:
        raise Invalid.about(
            "columns",
            _(
                "{join}: not a field of {target}; the fields are {join2}.",
                join=", ".join(unknown),
                target=target.value,
                join2=", ".join(known),
            ),
        )
    missing = [f.name for f in FIELDS[target] if f.required and not columns.get(f.name)]
    if missing:
        raise Invalid.about(
            "columns", _("Name the column of each required field: {join}.", join=", ".join(missing))
        )


# ---------------------------------------------------------------------------- importing


def import_csv(
    session: Session,
    actor: Principal,
    raw: bytes,
    *,
    mapping: str | None = None,
    encoding: str = "utf-8",
    day_first: bool = False,
    on_error: OnError = OnError.REJECT,
    dry_run: bool = False,
    currency: str,
    now: datetime,
    max_rows: int | None = MAX_ROWS,
    file_name: str = "",
    progress: Callable[[int, int], None] | None = None,
) -> Report:
    """Read an export, check every row, and (unless `dry_run`) upsert the rows it may."""
    require(actor, Action.MANAGE_ACCOUNTS)
    table = read_table(raw, encoding=encoding)
    if mapping:
        saved = mapping_named(session, actor, mapping)
        target, columns, source = saved.target, dict(saved.columns), f"mapping {saved.name!r}"
        day_first = day_first or saved.day_first
        table.require(columns.values())
    else:
        known = detect(table.header)
        if known is None:
            raise Invalid(
                _(
                    "Prism does not know this export's columns (a Salesforce report has "
                    "'Opportunity ID', 'Opportunity Name' and 'Stage'; a HubSpot deals "
                    "export 'Record ID', 'Deal Name' and 'Deal Stage'). Save a column "
                    "mapping and import with it. The file's columns: {join}.",
                    join=", ".join(table.header),
                )
            )
        target, columns, source = known.target, known.resolve(table.header), known.name
    if not table.rows:
        raise Invalid(_("The file has a header but no rows."))
    if max_rows is not None and len(table.rows) > max_rows:
        raise Invalid(
            _(
                "The file has {len:,} rows; one upload takes {max_rows:,}. Use `prism "
                "import crm` on the command line for larger files.",
                len=len(table.rows),
                max_rows=max_rows,
            )
        )
    records = [(row.line, {f: row.get(c) for f, c in columns.items()}) for row in table.rows]
    label = f"CRM import ({source}){': ' + file_name if file_name else ''}"
    return _upsert(
        session,
        actor,
        target,
        records,
        Report(target, source, rows=len(records), dry_run=dry_run),
        where=columns,
        day_first=day_first,
        on_error=on_error,
        currency=currency,
        now=now,
        label=label,
        progress=progress,
    )


def upsert(
    session: Session,
    actor: Principal,
    target: Target,
    records: Sequence[dict[str, Any]],
    *,
    on_error: OnError = OnError.REJECT,
    dry_run: bool = False,
    currency: str,
    now: datetime,
) -> Report:
    """Records sent by a live sync (fields by Prism's names), upserted by their CRM id."""
    require(actor, Action.MANAGE_ACCOUNTS)
    if not records:
        raise Invalid(_("Send at least one record."))
    if len(records) > MAX_RECORDS:
        raise Invalid(
            _(
                "One call takes {MAX_RECORDS:,} records; send {len:,} in parts.",
                MAX_RECORDS=MAX_RECORDS,
                len=len(records),
            )
        )
    known = set(field_names(target))
    rows = []
    for number, record in enumerate(records, start=1):
        unknown = sorted(set(record) - known)
        if unknown:
            raise Invalid(
                _(
                    "Record {number}: {join} is not a field of {target}; the fields are {join2}.",
                    number=number,
                    join=", ".join(unknown),
                    target=target.value,
                    join2=", ".join(field_names(target)),
                )
            )
        rows.append((number, {k: _text(v) for k, v in record.items()}))
    return _upsert(
        session,
        actor,
        target,
        rows,
        Report(target, "live sync", rows=len(rows), dry_run=dry_run),
        where={name: name for name in known},
        unit="record",
        on_error=on_error,
        currency=currency,
        now=now,
        label=f"CRM live sync ({target.value})",
    )


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return LIST_SEPARATOR.join(str(v) for v in value)
    return str(value).strip()


def _upsert(
    session: Session,
    actor: Principal,
    target: Target,
    records: list[tuple[int, dict[str, str]]],
    report: Report,
    *,
    where: dict[str, str],
    unit: str = "line",
    day_first: bool = False,
    on_error: OnError,
    currency: str,
    now: datetime,
    label: str,
    progress: Callable[[int, int], None] | None = None,
) -> Report:
    def problem(line: int, name: str, message: str) -> None:
        report.problems.append(Problem(line, where.get(name, name), message, unit))

    writer = (
        _Opportunities(session, actor, currency, now)
        if target is Target.OPPORTUNITIES
        else _Accounts(session, actor, now)
    )
    seen: dict[str, int] = {}
    good: list[Any] = []
    for line, values in records:
        before = len(report.problems)
        for spec in FIELDS[target]:
            if spec.required and not values.get(spec.name):
                problem(line, spec.name, f"is empty; every row needs its {spec.label.lower()}")
        key = values.get("external_id", "")
        if key and key in seen:
            problem(line, "external_id", f"{key!r} is also on {unit} {seen[key]}")
        if len(report.problems) > before:
            continue
        seen[key] = line
        parsed = writer.read(values, day_first, partial(problem, line))
        if parsed is not None and len(report.problems) == before:
            good.append(parsed)
    if report.problems and on_error is OnError.REJECT:
        raise Invalid(
            _(
                "{len} of {rows} {unit}s have problems; nothing was imported.",
                len=len({p.line for p in report.problems}),
                rows=report.rows,
                unit=unit,
            ),
            errors=[p.as_error() for p in report.problems[:1000]],
        )
    done = writer.write(good, dry_run=report.dry_run, progress=progress)
    report.created, report.updated = done.created, done.updated
    report.unchanged, report.accounts_created = done.unchanged, done.accounts_created
    report.unknown_owners = writer.unknown_owners
    if not report.dry_run and (report.created or report.updated or report.accounts_created):
        audit.set_actor(session, actor)
        audit.record(
            session,
            action="import",
            item=ImportRun(label),
            note=report.summary,
        )
    return report


def _day(values: dict[str, str], name: str, day_first: bool, problem: _Report) -> date | None:
    text = values.get(name, "")
    if not text:
        return None
    try:
        return parse_day(text, day_first=day_first)
    except ValueError as exc:
        problem(name, str(exc))
        return None


_Report = Callable[[str, str], None]


def _names(value: str) -> list[str]:
    return [n.strip() for n in value.split(LIST_SEPARATOR) if n.strip()]


class _Opportunities:
    """Reads opportunities into deal rows; `deals.bulk` writes them."""

    def __init__(self, session: Session, actor: Principal, currency: str, now: datetime) -> None:
        self.session, self.currency, self.now = session, currency, now
        self.accounts = Names(
            session.execute(select(Account.id, Account.name, Account.external_id))
        )
        self.products = self._items(actor, "product")
        self.competitors = self._items(actor, "competitor")
        self.owners = Names(session.execute(select(User.id, User.email, User.name)))
        self.unknown_owners: set[str] = set()

    def _items(self, actor: Principal, kind: str) -> Names:
        return Names(
            self.session.execute(
                select(Item.id, Item.title).where(Item.kind == kind, readable_by(actor))
            )
        )

    def read(self, values: dict[str, str], day_first: bool, problem: _Report) -> DealRow | None:
        crm_stage = values["stage"]
        stage = stage_named(crm_stage)
        if stage is None:
            problem(
                "stage",
                f"unknown stage {crm_stage!r}; Prism knows Salesforce's and HubSpot's stages "
                "(Prospecting, Proposal/Price Quote, Closed Won, contractsent, closedlost …) "
                "or map an outcome column",
            )
            return None
        name = values["name"][:200]
        account = " ".join(values.get("account", "").split())[:200]
        row = DealRow(
            external_id=values["external_id"][:100],
            name=name,
            customer=account or name,
            stage=stage[0],
            outcome=stage[1],
            crm_stage=crm_stage[:60],
            close_on=_day(values, "close_on", day_first, problem),
            loss_reason=values.get("loss_reason", "")[:500],
        )
        wanted = values.get("outcome", "").lower()
        if wanted:
            outcome = {o.value: o for o in Outcome}.get(wanted)
            if outcome is None:
                problem("outcome", f"{values['outcome']!r} is not open, won or lost")
                return None
            row.outcome = outcome
        named = None
        if values.get("amount"):
            try:
                row.value, named = parse_amount(values["amount"])
            except ValueError as exc:
                problem("amount", str(exc))
        row.currency = (values.get("currency") or named or self.currency).upper()
        if len(row.currency) != 3 or not row.currency.isalpha():
            problem("currency", f"{row.currency!r} is not a three-letter currency code")
        row.focus = frozenset(self._focus(values, problem))
        owner = values.get("owner", "")
        if owner:
            try:
                row.owner_id = self.owners.find(owner, "person")
            except LookupError:
                self.unknown_owners.add(owner)
        key = values.get("account_external_id", "")[:100]
        if account:
            row.account = NewAccount(account, key or None)
            for wanted_account in (key, account):
                if wanted_account and row.account_id is None:
                    with contextlib.suppress(LookupError):
                        row.account_id = self.accounts.find(wanted_account, "account")
        return row

    def _focus(self, values: dict[str, str], problem: _Report) -> list[int]:
        found = []
        for name, names, what in (
            ("products", self.products, "product"),
            ("competitors", self.competitors, "competitor"),
        ):
            for wanted in _names(values.get(name, "")):
                try:
                    found.append(names.find(wanted, what))
                except LookupError as exc:
                    problem(name, str(exc))
        return found

    def write(self, rows: list[DealRow], *, dry_run: bool, progress: Progress | None) -> Upserted:
        return deal_bulk.upsert(
            self.session, rows, now=self.now, dry_run=dry_run, progress=progress
        )


class _Accounts:
    """Reads accounts into account rows; `accounts.bulk` writes them."""

    def __init__(self, session: Session, actor: Principal, now: datetime) -> None:
        self.session, self.now = session, now
        self.industries = Names(
            session.execute(
                select(Facet.id, Facet.name).where(Facet.dimension == Dimension.INDUSTRY)
            )
        )
        self.known = account_bulk.Known(session)
        self.named: dict[str, str] = {}  # the names this import gives, to their CRM ids
        self.unknown_owners: set[str] = set()

    def read(self, values: dict[str, str], day_first: bool, problem: _Report) -> AccountRow | None:
        name = " ".join(values["name"].split())[:200]
        row = AccountRow(external_id=values["external_id"][:100], name=name)
        holder = self.known.holder_of(name)
        if holder not in (None, row.external_id):
            problem("name", f"{name!r} is already the account with CRM id {holder!r}")
        elif self.named.setdefault(name.lower(), row.external_id) != row.external_id:
            problem("name", f"{name!r} is also the name of CRM id {self.named[name.lower()]!r}")
        if values.get("industry"):
            try:
                row.industry_id = self.industries.find(values["industry"], "industry")
            except LookupError as exc:
                problem("industry", f"{exc} (add it to the industries first)")
        row.segment = values.get("segment", "")[:60]
        row.region = values.get("region", "")[:60]
        row.employees = _count(values, "employees", problem, 10**8)
        if values.get("arr"):
            try:
                row.arr = parse_amount(values["arr"])[0]
            except ValueError as exc:
                problem("arr", str(exc))
        row.renewal_on = _day(values, "renewal_on", day_first, problem)
        row.health = _count(values, "health", problem, 100)
        if values.get("reference"):
            reference = {r.value: r for r in Reference}.get(values["reference"].strip().lower())
            if reference is None:
                problem(
                    "reference",
                    f"{values['reference']!r} is not one of "
                    + ", ".join(r.value for r in Reference),
                )
            else:
                row.reference = reference
        return row

    def write(
        self, rows: list[AccountRow], *, dry_run: bool, progress: Progress | None
    ) -> Upserted:
        return account_bulk.upsert(
            self.session, rows, self.known, now=self.now, dry_run=dry_run, progress=progress
        )


def _count(values: dict[str, str], name: str, problem: _Report, top: int) -> int | None:
    text = values.get(name, "").replace(",", "").replace(" ", "")
    if not text:
        return None
    try:
        number = round(float(text))
    except ValueError:
        problem(name, f"{values[name]!r} is not a number")
        return None
    if not 0 <= number <= top:
        problem(name, f"{number} is not between 0 and {top:,}")
        return None
    return number
