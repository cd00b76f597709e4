"""Accounts: find one by name (creating it when a launch or a deal first meets it), list them,
record that one left and why."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from prism.accounts.models import Account
from prism.accounts.schemas import ChurnIn
from prism.auth.policy import Action, Principal, require
from prism.db import get_or_404
from prism.errors import Invalid
from prism.feedback import service as feedback
from prism.feedback.models import FeedbackItem, Kind, Origin
from prism.feedback.schemas import FeedbackIn
from prism.i18n import _
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


def record_churn(
    session: Session, actor: Principal, account_id: int, data: ChurnIn, *, today: date
) -> FeedbackItem:
    """Record that an account left, and why: the reason becomes a feedback item on the account
    and joins the themes. Its ARR stays on it as the revenue lost."""
    require(actor, Action.SUBMIT_FEEDBACK)
    account = get_or_404(session, Account, account_id, "account")
    if data.churned_on is not None and data.churned_on > today:
        raise Invalid.about("churned_on", _("An account cannot have left in the future."))
    feedback.require_competitor(session, actor, data.reason, data.competitor_id)
    if account.churned_on is None:
        account.churned_on = data.churned_on or today
    said = FeedbackIn(
        text=data.text,
        kind=Kind.CHURN_REASON,
        reason=data.reason,
        said_on=data.churned_on or today,
        product_id=data.product_id,
        competitor_id=data.competitor_id,
        account_id=account.id,
    )
    return feedback.submit(session, actor, said, origin=Origin.ACCOUNT, today=today)
