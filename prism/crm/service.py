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
from datetime import UTC, date, datetime, time
from functools import partial
from typing import Any

from sqlalchemy import bindparam, delete, func, insert, select, update
from sqlalchemy.orm import Session

from prism.accounts.models import Account, Reference
from prism.audit import service as audit
from prism.audit.models import Audited
from prism.auth.policy import Action, Principal, require
from prism.crm.formats import FIELDS, detect, field_names, stage_named
from prism.crm.models import CrmMapping, Target
from prism.crm.schemas import MappingIn, MappingUpdate
from prism.csvfile import Names, OnError, Problem, parse_day, read_table
from prism.db import add_unique, get_or_404, table_of
from prism.deals.models import Deal, DealFocus, Outcome, Stage
from prism.errors import Invalid, check_version
from prism.knowledge.access import readable_by
from prism.knowledge.models import Dimension, Facet, Item
from prism.money import parse_amount
from prism.people.models import User

# One upload through the web or the API; the command line takes files of any length.
MAX_ROWS = 200_000
MAX_RECORDS = 1_000  # one live-sync call
CHUNK = 5_000
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
        verb = "would be" if self.dry_run else "were"
        parts = [
            f"{self.rows} rows read as {self.source}: {self.created} {self.target.value} "
            f"{verb} created, {self.updated} updated, {self.unchanged} unchanged"
        ]
        if self.accounts_created:
            parts.append(f"{self.accounts_created} new accounts")
        if self.problems:
            parts.append(f"{len({p.line for p in self.problems})} rows with problems")
        if self.unknown_owners:
            parts.append(
                f"owners not found (left unassigned): {', '.join(sorted(self.unknown_owners))}"
            )
        return "; ".join(parts) + "."


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
        raise Invalid(f"No CRM mapping called {name!r} (the saved ones: {known}).")
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
            f"{', '.join(unknown)}: not a field of {target.value}; the fields are "
            f"{', '.join(known)}.",
        )
    missing = [f.name for f in FIELDS[target] if f.required and not columns.get(f.name)]
    if missing:
        raise Invalid.about(
            "columns", f"Name the column of each required field: {', '.join(missing)}."
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
                "Prism does not know this export's columns (a Salesforce report has "
                "'Opportunity ID', 'Opportunity Name' and 'Stage'; a HubSpot deals export "
                "'Record ID', 'Deal Name' and 'Deal Stage'). Save a column mapping and import "
                f"with it. The file's columns: {', '.join(table.header)}."
            )
        target, columns, source = known.target, known.resolve(table.header), known.name
    if not table.rows:
        raise Invalid("The file has a header but no rows.")
    if max_rows is not None and len(table.rows) > max_rows:
        raise Invalid(
            f"The file has {len(table.rows):,} rows; one upload takes {max_rows:,}. "
            "Use `prism import crm` on the command line for larger files."
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
        raise Invalid("Send at least one record.")
    if len(records) > MAX_RECORDS:
        raise Invalid(f"One call takes {MAX_RECORDS:,} records; send {len(records):,} in parts.")
    known = set(field_names(target))
    rows = []
    for number, record in enumerate(records, start=1):
        unknown = sorted(set(record) - known)
        if unknown:
            raise Invalid(
                f"Record {number}: {', '.join(unknown)} is not a field of {target.value}; "
                f"the fields are {', '.join(field_names(target))}."
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
    good = []
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
            f"{len({p.line for p in report.problems})} of {report.rows} {unit}s have problems; "
            "nothing was imported.",
            errors=[p.as_error() for p in report.problems[:1000]],
        )
    writer.write(good, report, dry_run=report.dry_run, progress=progress)
    report.unknown_owners = getattr(writer, "unknown_owners", set())
    if not report.dry_run and (report.created or report.updated or report.accounts_created):
        audit.set_actor(session, actor)
        audit.record(
            session,
            action="import",
            item=ImportRun(label),
            note=report.summary,
        )
    return report


def _moment(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=UTC)


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


# The deal columns an import owns: a row whose values equal these changes nothing.
DEAL_COLUMNS = (
    "name",
    "customer",
    "account_id",
    "value",
    "currency",
    "stage",
    "outcome",
    "close_on",
    "crm_stage",
    "loss_reason",
    "owner_id",
)


class _Opportunities:
    def __init__(self, session: Session, actor: Principal, currency: str, now: datetime) -> None:
        self.session, self.currency, self.now = session, currency, now
        self.accounts = Names(
            session.execute(select(Account.id, Account.name, Account.external_id))
        )
        self.products = self._items(actor, "product")
        self.competitors = self._items(actor, "competitor")
        self.owners = Names(session.execute(select(User.id, User.email, User.name)))
        self.unknown_owners: set[str] = set()
        self.new_accounts: dict[str, dict[str, Any]] = {}

    def _items(self, actor: Principal, kind: str) -> Names:
        return Names(
            self.session.execute(
                select(Item.id, Item.title).where(Item.kind == kind, readable_by(actor))
            )
        )

    def read(
        self, values: dict[str, str], day_first: bool, problem: _Report
    ) -> dict[str, Any] | None:
        row: dict[str, Any] = {
            "external_id": values["external_id"][:100],
            "name": values["name"][:200],
        }
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
        row["stage"], row["outcome"] = stage
        row["crm_stage"] = crm_stage[:60]
        wanted = values.get("outcome", "").lower()
        if wanted:
            outcome = {o.value: o for o in Outcome}.get(wanted)
            if outcome is None:
                problem("outcome", f"{values['outcome']!r} is not open, won or lost")
                return None
            row["outcome"] = outcome
            if outcome is not Outcome.OPEN:
                row["stage"] = Stage.CLOSED
        amount, named = 0, None
        if values.get("amount"):
            try:
                amount, named = parse_amount(values["amount"])
            except ValueError as exc:
                problem("amount", str(exc))
        row["value"] = amount
        code = (values.get("currency") or named or self.currency).upper()
        if len(code) != 3 or not code.isalpha():
            problem("currency", f"{code!r} is not a three-letter currency code")
        row["currency"] = code
        row["close_on"] = _day(values, "close_on", day_first, problem)
        row["loss_reason"] = values.get("loss_reason", "")[:500]
        focus = []
        for name, names, what in (
            ("products", self.products, "product"),
            ("competitors", self.competitors, "competitor"),
        ):
            for wanted_name in _names(values.get(name, "")):
                try:
                    focus.append(names.find(wanted_name, what))
                except LookupError as exc:
                    problem(name, str(exc))
        row["focus"] = frozenset(focus)
        owner = values.get("owner", "")
        row["owner_id"] = None
        if owner:
            try:
                row["owner_id"] = self.owners.find(owner, "person")
            except LookupError:
                self.unknown_owners.add(owner)
        self._account(row, values)
        return row

    def _account(self, row: dict[str, Any], values: dict[str, str]) -> None:
        name = " ".join(values.get("account", "").split())[:200]
        key = values.get("account_external_id", "")[:100]
        found = None
        for wanted in (key, name):
            if wanted and found is None:
                with contextlib.suppress(LookupError):
                    found = self.accounts.find(wanted, "account")
        row["customer"] = name or row["name"]
        row["account_id"] = found
        row["account"] = {"name": name, "external_id": key or None} if name else None

    def write(
        self,
        rows: list[dict[str, Any]],
        report: Report,
        *,
        dry_run: bool,
        progress: Callable[[int, int], None] | None,
    ) -> None:
        # Accounts Prism has not met yet, named by the good rows only.
        for row in rows:
            if row["account_id"] is None and row["account"] is not None:
                self.new_accounts.setdefault(row["account"]["name"].lower(), row["account"])
        report.accounts_created = len(self.new_accounts)
        if self.new_accounts and not dry_run:
            stamp = {"created_at": self.now, "updated_at": self.now, "version": 1}
            # Core inserts, ids read back after: on SQLite the ORM's RETURNING goes row by row.
            self.session.execute(
                insert(table_of(Account)),
                [
                    {
                        **a,
                        **stamp,
                        "arr": 0,
                        "segment": "",
                        "region": "",
                        "reference": Reference.NONE,
                    }
                    for a in self.new_accounts.values()
                ],
            )
            ids = self._account_ids(list(self.new_accounts))
            for row in rows:
                if row["account_id"] is None and row["customer"].lower() in ids:
                    row["account_id"] = ids[row["customer"].lower()]
        existing = _existing_deals(self.session, [r["external_id"] for r in rows])
        fresh, changed, refocus = [], [], []
        for row in rows:
            old = existing.get(row["external_id"])
            if old is not None and row["owner_id"] is None:
                row["owner_id"] = old["owner_id"]  # no owner named: keep the one Prism has
            if old is None:
                fresh.append(row)
            elif any(row[c] != old[c] for c in DEAL_COLUMNS) or row["focus"] != old["focus"]:
                row["id"], row["version"] = old["id"], old["version"] + 1
                row["closed_at"] = _closed_at(row, old["closed_at"])
                changed.append(row)
                if row["focus"] != old["focus"]:
                    refocus.append(row)
        report.created, report.updated = len(fresh), len(changed)
        report.unchanged = len(rows) - len(fresh) - len(changed)
        if dry_run:
            return
        total, done = len(fresh) + len(changed), 0
        for start in range(0, len(fresh), CHUNK):
            chunk = fresh[start : start + CHUNK]
            self.session.execute(
                insert(table_of(Deal)),
                [
                    {
                        **{c: r[c] for c in DEAL_COLUMNS},
                        "external_id": r["external_id"],
                        "closed_at": _closed_at(r, None),
                        "cycle_days": 30,
                        "created_at": self.now,
                        "updated_at": self.now,
                        "version": 1,
                    }
                    for r in chunk
                ],
            )
            keys = [r["external_id"] for r in chunk]
            ids = {
                key: ident
                for key, ident in self.session.execute(
                    select(Deal.external_id, Deal.id).where(Deal.external_id.in_(keys))
                )
                if key is not None
            }
            focus = [
                {"deal_id": ids[r["external_id"]], "item_id": i} for r in chunk for i in r["focus"]
            ]
            if focus:
                self.session.execute(insert(table_of(DealFocus)), focus)
            done += len(chunk)
            if progress:
                progress(done, total)
        for start in range(0, len(changed), CHUNK):
            chunk = changed[start : start + CHUNK]
            _update(
                self.session,
                Deal,
                [
                    {
                        **{c: r[c] for c in DEAL_COLUMNS},
                        "id": r["id"],
                        "closed_at": r["closed_at"],
                        "version": r["version"],
                        "updated_at": self.now,
                    }
                    for r in chunk
                ],
            )
            done += len(chunk)
            if progress:
                progress(done, total)
        if refocus:
            stale = [r["id"] for r in refocus]
            for start in range(0, len(stale), 500):
                self.session.execute(
                    delete(DealFocus).where(DealFocus.deal_id.in_(stale[start : start + 500]))
                )
            focus = [{"deal_id": r["id"], "item_id": i} for r in refocus for i in r["focus"]]
            if focus:
                self.session.execute(insert(table_of(DealFocus)), focus)
        self.session.expire_all()

    def _account_ids(self, lowered: list[str]) -> dict[str, int]:
        """The ids of the accounts with these (lower-cased) names."""
        found: dict[str, int] = {}
        for start in range(0, len(lowered), 500):
            part = lowered[start : start + 500]
            for ident, name in self.session.execute(
                select(Account.id, Account.name).where(func.lower(Account.name).in_(part))
            ):
                found[name.lower()] = ident
        return found


def _update(
    session: Session, model: type[Deal] | type[Account], rows: list[dict[str, Any]]
) -> None:
    """Rows of `model` changed by id in one statement (the version is the one they get: the
    import read the rows it changes in this transaction)."""
    table = table_of(model)
    columns = [c for c in rows[0] if c != "id"]
    stmt = (
        update(table)
        .where(table.c.id == bindparam("row_id"))
        .values({c: bindparam(f"v_{c}") for c in columns})
    )
    session.execute(stmt, [{"row_id": r["id"], **{f"v_{c}": r[c] for c in columns}} for r in rows])


def _closed_at(row: dict[str, Any], before: datetime | None) -> datetime | None:
    if row["outcome"] is Outcome.OPEN:
        return None
    if row["close_on"] is not None:
        return _moment(row["close_on"])
    return before or datetime.now(UTC)


def _existing_deals(session: Session, keys: list[str]) -> dict[str, dict[str, Any]]:
    """The deals Prism already has for these CRM ids, with their focus."""
    found: dict[str, dict[str, Any]] = {}
    columns = [getattr(Deal, c) for c in DEAL_COLUMNS]
    for start in range(0, len(keys), 10_000):
        part = keys[start : start + 10_000]
        stmt = select(Deal.id, Deal.external_id, Deal.version, Deal.closed_at, *columns).where(
            Deal.external_id.in_(part)
        )
        for row in session.execute(stmt).mappings():
            found[row["external_id"]] = {**row, "focus": set()}
    by_id = {v["id"]: v for v in found.values()}
    ids = list(by_id)
    for start in range(0, len(ids), 10_000):
        stmt = select(DealFocus.deal_id, DealFocus.item_id).where(
            DealFocus.deal_id.in_(ids[start : start + 10_000])
        )
        for deal_id, item_id in session.execute(stmt):
            by_id[deal_id]["focus"].add(item_id)
    for value in found.values():
        value["focus"] = frozenset(value["focus"])
    return found


ACCOUNT_COLUMNS = (
    "name",
    "industry_id",
    "segment",
    "region",
    "employees",
    "arr",
    "renewal_on",
    "health",
    "reference",
)


class _Accounts:
    def __init__(self, session: Session, actor: Principal, now: datetime) -> None:
        self.session, self.now = session, now
        self.industries = Names(
            session.execute(
                select(Facet.id, Facet.name).where(Facet.dimension == Dimension.INDUSTRY)
            )
        )
        columns = [getattr(Account, c) for c in ACCOUNT_COLUMNS]
        stmt = select(Account.id, Account.external_id, Account.version, *columns)
        self.by_key: dict[str, Any] = {}
        self.by_name: dict[str, Any] = {}
        self.named: dict[str, str] = {}  # the names this import gives, to their CRM ids
        for old in session.execute(stmt).mappings():
            if old["external_id"]:
                self.by_key[old["external_id"]] = old
            self.by_name[old["name"].lower()] = old

    def read(
        self, values: dict[str, str], day_first: bool, problem: _Report
    ) -> dict[str, Any] | None:
        name = " ".join(values["name"].split())[:200]
        row: dict[str, Any] = {"external_id": values["external_id"][:100], "name": name}
        same = self.by_name.get(name.lower())
        if same is not None and same["external_id"] not in (None, row["external_id"]):
            problem("name", f"{name!r} is already the account with CRM id {same['external_id']!r}")
        elif self.named.setdefault(name.lower(), row["external_id"]) != row["external_id"]:
            problem("name", f"{name!r} is also the name of CRM id {self.named[name.lower()]!r}")
        row["industry_id"] = None
        if values.get("industry"):
            try:
                row["industry_id"] = self.industries.find(values["industry"], "industry")
            except LookupError as exc:
                problem("industry", f"{exc} (add it to the industries first)")
        row["segment"] = values.get("segment", "")[:60]
        row["region"] = values.get("region", "")[:60]
        row["employees"] = _count(values, "employees", problem, 10**8)
        row["arr"] = 0
        if values.get("arr"):
            try:
                row["arr"] = parse_amount(values["arr"])[0]
            except ValueError as exc:
                problem("arr", str(exc))
        row["renewal_on"] = _day(values, "renewal_on", day_first, problem)
        row["health"] = _count(values, "health", problem, 100)
        row["reference"] = Reference.NONE
        if values.get("reference"):
            reference = {r.value: r for r in Reference}.get(values["reference"].strip().lower())
            if reference is None:
                problem(
                    "reference",
                    f"{values['reference']!r} is not one of "
                    + ", ".join(r.value for r in Reference),
                )
            row["reference"] = reference
        return row

    def write(
        self,
        rows: list[dict[str, Any]],
        report: Report,
        *,
        dry_run: bool,
        progress: Callable[[int, int], None] | None,
    ) -> None:
        fresh, changed = [], []
        for row in rows:
            old = self.by_key.get(row["external_id"])
            if old is None:
                # An account a deal import made by name, without its CRM id, is this one.
                same = self.by_name.get(row["name"].lower())
                old = same if same is not None and not same["external_id"] else None
            if old is None:
                fresh.append(row)
            elif old["external_id"] != row["external_id"] or any(
                row[c] != old[c] for c in ACCOUNT_COLUMNS
            ):
                changed.append(
                    {**row, "id": old["id"], "version": old["version"] + 1, "updated_at": self.now}
                )
        report.created, report.updated = len(fresh), len(changed)
        report.unchanged = len(rows) - len(fresh) - len(changed)
        if dry_run:
            return
        stamp = {"created_at": self.now, "updated_at": self.now, "version": 1}
        for start in range(0, len(fresh), CHUNK):
            self.session.execute(
                insert(Account), [{**r, **stamp} for r in fresh[start : start + CHUNK]]
            )
        for start in range(0, len(changed), CHUNK):
            _update(self.session, Account, changed[start : start + CHUNK])
        if progress:
            progress(len(rows), len(rows))
        self.session.expire_all()


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
