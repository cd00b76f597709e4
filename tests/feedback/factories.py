"""Factories for the feedback loop in tests: accounts with revenue, deals, and items."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from prism.accounts.models import Account
from prism.auth.policy import Principal
from prism.db import utcnow
from prism.deals.models import Deal, DealFocus, Outcome
from prism.feedback import service
from prism.feedback.models import FeedbackItem
from prism.feedback.schemas import FeedbackIn

SSO = [
    "We need single sign-on with Okta before rollout",
    "Customer asked again for Okta SSO support",
    "Okta single sign-on support is still missing for them",
]
PRICE = [
    "The price per seat is too high for a team of our size",
    "Too expensive compared with what they pay today",
]


def make_account(session: Session, name: str | None = None, **overrides: Any) -> Account:
    account = Account(name=name or f"Account {uuid.uuid4().hex[:6]}", **overrides)
    session.add(account)
    session.flush()
    return account


def make_deal(
    session: Session,
    customer: str = "Big Bank",
    *,
    value: int = 100_000,
    outcome: Outcome = Outcome.OPEN,
    owner: Principal | None = None,
    focus: list[int] | None = None,
    **overrides: Any,
) -> Deal:
    deal = Deal(
        name=overrides.pop("name", f"{customer} deal {uuid.uuid4().hex[:4]}"),
        customer=customer,
        value=value,
        outcome=outcome,
        owner_id=owner.id if owner else None,
        **overrides,
    )
    session.add(deal)
    session.flush()
    session.add_all(DealFocus(deal_id=deal.id, item_id=i) for i in focus or [])
    session.flush()
    session.expire(deal)
    return deal


def submit(session: Session, actor: Principal, text: str, **extra: Any) -> FeedbackItem:
    return service.submit(session, actor, FeedbackIn(text=text, **extra))


def today() -> date:
    return utcnow().date()
