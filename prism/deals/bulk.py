"""Deals written many at once, as a CRM import or a live sync sends them: upserted by the CRM's
id with the products and competitors they are about, and a row whose values Prism already has
changes nothing. Accounts a deal names that Prism has not met are created first.

The caller reads and checks the rows; this module writes them, many per statement, closing
deals by the same rule as a seller closing one (`service.closing`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from prism.accounts import bulk as accounts
from prism.accounts.bulk import Progress, Upserted
from prism.db import BULK_CHUNK, insert_rows, table_of, update_rows
from prism.deals.models import Deal, DealFocus, Outcome, Stage
from prism.deals.service import closing

# Ids per IN (...) list when reading deals back.
READ_CHUNK = 10_000


@dataclass
class NewAccount:
    """An account a deal names, to create when Prism does not know it."""

    name: str
    external_id: str | None = None


@dataclass
class DealRow:
    """An opportunity as a CRM names it."""

    external_id: str
    name: str
    customer: str
    stage: Stage
    outcome: Outcome
    value: int = 0
    currency: str = "USD"
    crm_stage: str = ""
    close_on: date | None = None
    loss_reason: str = ""
    owner_id: int | None = None  # None: keep the owner Prism has
    account_id: int | None = None
    account: NewAccount | None = None  # the account to create when `account_id` is None
    focus: frozenset[int] = field(default_factory=frozenset)  # products and competitors


# The deal columns an import owns: a row whose values equal these changes nothing.
COLUMNS = (
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


def upsert(
    session: Session,
    rows: list[DealRow],
    *,
    now: datetime,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> Upserted:
    done = Upserted(accounts_created=_link_accounts(session, rows, now=now, dry_run=dry_run))
    existing = _existing(session, [r.external_id for r in rows])
    fresh: list[tuple[dict[str, Any], frozenset[int]]] = []
    changed: list[dict[str, Any]] = []
    refocus: list[tuple[int, frozenset[int]]] = []
    for row in rows:
        old = existing.get(row.external_id)
        values = _values(row, old, now)
        if old is None:
            fresh.append(({**values, "external_id": row.external_id}, row.focus))
        elif any(values[c] != old[c] for c in COLUMNS) or row.focus != old["focus"]:
            changed.append({**values, "id": old["id"]})
            if row.focus != old["focus"]:
                refocus.append((old["id"], row.focus))
    done.created, done.updated = len(fresh), len(changed)
    done.unchanged = len(rows) - len(fresh) - len(changed)
    if dry_run:
        return done
    total = len(fresh) + len(changed)
    for start in range(0, len(fresh), BULK_CHUNK):
        _create(session, fresh[start : start + BULK_CHUNK], now)
        if progress:
            progress(min(start + BULK_CHUNK, len(fresh)), total)
    for start in range(0, len(changed), BULK_CHUNK):
        update_rows(session, Deal, changed[start : start + BULK_CHUNK], now=now)
        if progress:
            progress(len(fresh) + min(start + BULK_CHUNK, len(changed)), total)
    _refocus(session, refocus)
    session.expire_all()
    return done


def _link_accounts(session: Session, rows: list[DealRow], *, now: datetime, dry_run: bool) -> int:
    """Create the accounts the rows name that Prism has not met, link the rows to them, and
    say how many there are."""
    new: dict[str, NewAccount] = {}
    for row in rows:
        if row.account_id is None and row.account is not None:
            new.setdefault(row.account.name.lower(), row.account)
    if new and not dry_run:
        ids = accounts.create_named(
            session, [(a.name, a.external_id) for a in new.values()], now=now
        )
        for row in rows:
            if row.account_id is None and row.account is not None:
                row.account_id = ids.get(row.account.name.lower())
    return len(new)


def _values(row: DealRow, old: dict[str, Any] | None, now: datetime) -> dict[str, Any]:
    """The columns the row writes: the owner Prism has when it names none, and the stage and
    closing moment its outcome gives."""
    values = {c: getattr(row, c) for c in COLUMNS}
    if old is not None and row.owner_id is None:
        values["owner_id"] = old["owner_id"]
    values["stage"], values["closed_at"] = closing(
        row.outcome,
        row.stage,
        on=row.close_on,
        before=old["closed_at"] if old is not None else None,
        now=now,
    )
    return values


def _create(
    session: Session, rows: list[tuple[dict[str, Any], frozenset[int]]], now: datetime
) -> None:
    insert_rows(session, Deal, [{**values, "cycle_days": 30} for values, _ in rows], now=now)
    keys = [values["external_id"] for values, _ in rows]
    stmt = select(Deal.external_id, Deal.id).where(Deal.external_id.in_(keys))
    ids = dict(session.execute(stmt).all())
    _add_focus(session, [(ids[values["external_id"]], focus) for values, focus in rows])


def _refocus(session: Session, refocus: list[tuple[int, frozenset[int]]]) -> None:
    """Replace the products and competitors of deals whose focus changed."""
    stale = [ident for ident, _ in refocus]
    for start in range(0, len(stale), 500):
        session.execute(delete(DealFocus).where(DealFocus.deal_id.in_(stale[start : start + 500])))
    _add_focus(session, refocus)


def _add_focus(session: Session, pairs: list[tuple[int, frozenset[int]]]) -> None:
    rows = [{"deal_id": ident, "item_id": item} for ident, focus in pairs for item in focus]
    if rows:
        session.execute(insert(table_of(DealFocus)), rows)


def _existing(session: Session, keys: list[str]) -> dict[str, dict[str, Any]]:
    """The deals Prism already has for these CRM ids, with their focus."""
    found: dict[str, dict[str, Any]] = {}
    columns = [getattr(Deal, c) for c in COLUMNS]
    for start in range(0, len(keys), READ_CHUNK):
        part = keys[start : start + READ_CHUNK]
        stmt = select(Deal.id, Deal.external_id, Deal.closed_at, *columns).where(
            Deal.external_id.in_(part)
        )
        for row in session.execute(stmt).mappings():
            found[row["external_id"]] = {**row, "focus": set()}
    by_id = {v["id"]: v for v in found.values()}
    ids = list(by_id)
    for start in range(0, len(ids), READ_CHUNK):
        stmt = select(DealFocus.deal_id, DealFocus.item_id).where(
            DealFocus.deal_id.in_(ids[start : start + READ_CHUNK])
        )
        for deal_id, item_id in session.execute(stmt):
            by_id[deal_id]["focus"].add(item_id)
    for value in found.values():
        value["focus"] = frozenset(value["focus"])
    return found
