"""A launch's beta programme: the accounts taking part and what they said, tagged with the
launch so the feedback loop can weigh it."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from prism.accounts import service as accounts
from prism.auth.policy import Action, Principal, require
from prism.db import add_unique
from prism.errors import Invalid, NotFound
from prism.feedback import service as feedback_loop
from prism.feedback.models import Origin
from prism.feedback.schemas import FeedbackIn
from prism.i18n import _
from prism.launches.models import BetaCustomer, BetaFeedback, BetaStatus, Launch
from prism.launches.schemas import BetaCustomerIn, BetaFeedbackIn


def customers(session: Session, actor: Principal, launch: Launch) -> list[BetaCustomer]:
    require(actor, Action.READ_LAUNCHES)
    stmt = (
        select(BetaCustomer)
        .where(BetaCustomer.launch_id == launch.id)
        .options(selectinload(BetaCustomer.account))
        .order_by(BetaCustomer.id)
    )
    return list(session.scalars(stmt))


def add_customer(
    session: Session, actor: Principal, launch: Launch, data: BetaCustomerIn
) -> BetaCustomer:
    """Enrol an account (created on first mention) in the launch's beta."""
    require(actor, Action.RUN_LAUNCHES)
    account = accounts.find_or_create(session, actor, data.account)
    taking_part = BetaCustomer(
        launch_id=launch.id, account_id=account.id, contact=data.contact, status=data.status
    )
    add_unique(session, taking_part, f"{account.name} is already in this beta.")
    return _load(session, launch, taking_part.id)


def set_status(
    session: Session, actor: Principal, launch: Launch, customer_id: int, status: BetaStatus
) -> BetaCustomer:
    require(actor, Action.RUN_LAUNCHES)
    taking_part = _load(session, launch, customer_id)
    taking_part.status = status
    session.flush()
    return taking_part


def _load(session: Session, launch: Launch, customer_id: int) -> BetaCustomer:
    found = session.scalar(
        select(BetaCustomer)
        .where(BetaCustomer.id == customer_id, BetaCustomer.launch_id == launch.id)
        .options(selectinload(BetaCustomer.account))
    )
    if found is None:
        raise NotFound(_("No beta customer {customer_id} in this launch.", customer_id=customer_id))
    return found


def feedback(session: Session, actor: Principal, launch: Launch) -> list[BetaFeedback]:
    """What beta customers said, newest first."""
    require(actor, Action.READ_LAUNCHES)
    stmt = (
        select(BetaFeedback)
        .where(BetaFeedback.launch_id == launch.id)
        .options(selectinload(BetaFeedback.account), selectinload(BetaFeedback.author))
        .order_by(BetaFeedback.id.desc())
    )
    return list(session.scalars(stmt))


def add_feedback(
    session: Session, actor: Principal, launch: Launch, data: BetaFeedbackIn
) -> BetaFeedback:
    """Log what a beta customer said; anyone who may submit feedback may log it. It also goes
    into the feedback loop, tagged with the launch, its product and the account."""
    require(actor, Action.SUBMIT_FEEDBACK)
    enrolled = session.scalar(
        select(BetaCustomer.id).where(
            BetaCustomer.launch_id == launch.id, BetaCustomer.account_id == data.account_id
        )
    )
    if enrolled is None:
        raise Invalid.about("account_id", _("That account is not in this launch's beta."))
    said = BetaFeedback(
        launch_id=launch.id, account_id=data.account_id, author_id=actor.id, body=data.body
    )
    session.add(said)
    session.flush()
    heard = FeedbackIn(
        text=data.body,
        kind=data.kind,
        launch_id=launch.id,
        product_id=launch.product_id,
        account_id=data.account_id,
    )
    feedback_loop.submit(session, actor, heard, origin=Origin.BETA)
    return session.scalars(
        select(BetaFeedback)
        .where(BetaFeedback.id == said.id)
        .options(selectinload(BetaFeedback.account), selectinload(BetaFeedback.author))
    ).one()
