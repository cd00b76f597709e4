"""Accounts written many at once, as a CRM import sends them: upserted by the CRM's id, and a
row whose values Prism already has changes nothing (so importing a file twice changes nothing).

The caller reads and checks the rows; this module only writes them, many per statement.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, fields
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from prism.accounts.models import Account, Reference
from prism.db import insert_rows, update_rows

Progress = Callable[[int, int], None]


@dataclass
class AccountRow:
    """An account as a CRM names it."""

    external_id: str
    name: str
    industry_id: int | None = None
    segment: str = ""
    region: str = ""
    employees: int | None = None
    arr: int = 0
    renewal_on: date | None = None
    health: int | None = None
    reference: Reference = Reference.NONE


# The columns an import owns: a row whose values equal these changes nothing.
COLUMNS = tuple(f.name for f in fields(AccountRow))


@dataclass
class Upserted:
    """What writing the rows did (or, dry, would do)."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    accounts_created: int = 0  # the new customers a deal import made accounts of


class Known:
    """The accounts Prism has, by CRM id and by lower-cased name, read once for a whole import."""

    def __init__(self, session: Session) -> None:
        stmt = select(Account.id, *[getattr(Account, c) for c in COLUMNS])
        self.by_key: dict[str, Any] = {}
        self.by_name: dict[str, Any] = {}
        for old in session.execute(stmt).mappings():
            if old["external_id"]:
                self.by_key[old["external_id"]] = old
            self.by_name[old["name"].lower()] = old

    def holder_of(self, name: str) -> str | None:
        """The CRM id of the account called `name`, if one with a CRM id is."""
        same = self.by_name.get(name.lower())
        return same["external_id"] if same is not None else None

    def match(self, row: AccountRow) -> Any:
        """The account `row` is: the one with its CRM id, else the one of its name that a deal
        import made without a CRM id; None for a new account."""
        old = self.by_key.get(row.external_id)
        if old is None:
            same = self.by_name.get(row.name.lower())
            old = same if same is not None and not same["external_id"] else None
        return old


def upsert(
    session: Session,
    rows: list[AccountRow],
    known: Known,
    *,
    now: datetime,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> Upserted:
    fresh, changed = [], []
    for row in rows:
        values = asdict(row)
        old = known.match(row)
        if old is None:
            fresh.append(values)
        elif any(values[c] != old[c] for c in COLUMNS):
            changed.append({**values, "id": old["id"]})
    done = Upserted(len(fresh), len(changed), len(rows) - len(fresh) - len(changed))
    if dry_run:
        return done
    insert_rows(session, Account, fresh, now=now)
    update_rows(session, Account, changed, now=now)
    if progress:
        progress(len(rows), len(rows))
    session.expire_all()
    return done


def create_named(
    session: Session, named: Iterable[tuple[str, str | None]], *, now: datetime
) -> dict[str, int]:
    """New accounts known by name (and perhaps a CRM id), as a deal import meets them; their
    ids by lower-cased name."""
    rows = [
        {
            **asdict(AccountRow(external_id="", name=name)),
            "external_id": key,
        }
        for name, key in named
    ]
    insert_rows(session, Account, rows, now=now)
    return ids_by_name(session, [r["name"].lower() for r in rows])


def ids_by_name(session: Session, lowered: list[str]) -> dict[str, int]:
    """The ids of the accounts with these (lower-cased) names."""
    found: dict[str, int] = {}
    for start in range(0, len(lowered), 500):
        part = lowered[start : start + 500]
        for ident, name in session.execute(
            select(Account.id, Account.name).where(func.lower(Account.name).in_(part))
        ):
            found[name.lower()] = ident
    return found
