"""Accounts: find one by name (creating it when a launch or a deal first meets it), list them."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from prism.accounts.models import Account
from prism.auth.policy import Action, Principal, require
from prism.pagination import PageOf, paginate


def list_accounts(
    session: Session,
    actor: Principal,
    *,
    text: str | None = None,
    limit: int = 50,
    cursor: str | None = None,
) -> PageOf[Account]:
    """Accounts in the order Prism met them, optionally those whose name contains `text`."""
    require(actor, Action.READ_ACCOUNTS)
    stmt = select(Account)
    if text:
        stmt = stmt.where(func.lower(Account.name).contains(text.strip().lower(), autoescape=True))
    return paginate(session, stmt, key=Account.id, limit=limit, cursor=cursor)


def all_accounts(
    session: Session, actor: Principal, *, current_only: bool = False
) -> list[Account]:
    """Every account by name (those that have not left, with `current_only`), for a picker."""
    require(actor, Action.READ_ACCOUNTS)
    stmt = select(Account).order_by(Account.name)
    if current_only:
        stmt = stmt.where(Account.churned_on.is_(None))
    return list(session.scalars(stmt))


def find_or_create(session: Session, actor: Principal, name: str) -> Account:
    """The account called `name` (ignoring case), created if Prism has not met it yet."""
    require(actor, Action.MANAGE_ACCOUNTS)
    clean = " ".join(name.split())
    found = session.scalar(select(Account).where(func.lower(Account.name) == clean.lower()))
    if found is not None:
        return found
    account = Account(name=clean)
    session.add(account)
    session.flush()
    return account
