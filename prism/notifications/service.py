"""Notifications: written by other services for the people concerned, read by each person."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Protocol

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from prism.auth.policy import Principal
from prism.db import utcnow
from prism.errors import Forbidden
from prism.i18n import N_, _
from prism.notifications.models import Notification, word
from prism.notifications.models import day as day  # other domains name a notice's days here
from prism.pagination import PageOf, paginate
from prism.webhooks import service as webhooks


def notify(
    session: Session,
    user_ids: Iterable[int],
    subject: str,
    *,
    body: str = "",
    link: str = "",
    places: dict[str, object] | None = None,
) -> int:
    """Tell each of `user_ids` (once each); returns how many were told. `subject` and `body`
    are sentences as the code writes them (marked with `N_`), their places filled from `places`
    when a person reads them, in that person's language."""
    told = sorted(set(user_ids))
    session.add_all(
        Notification(
            user_id=user_id,
            subject_form=subject[:300],
            body_form=body[:2000],
            places=places or {},
            link=link,
        )
        for user_id in told
    )
    session.flush()
    return len(told)


def announce(
    session: Session,
    people: Iterable[int | None],
    *,
    actor: Principal,
    subject: str,
    body: str,
    places: dict[str, object],
    link: str,
    event: str,
    payload: dict[str, object],
    told_as: str,
    now: datetime,
) -> int:
    """Tell `people` (but not the actor, who knows) in the app, and send `event` to the
    webhooks with the payload and how many were told (as `told_as`)."""
    told = notify(
        session,
        (p for p in people if p is not None and p != actor.id),
        subject,
        body=body,
        link=link,
        places=places,
    )
    webhooks.emit(session, event, {**payload, told_as: told}, now=now)
    return told


class Status(Protocol):
    """A status people follow: its value (for webhooks) and its label (for people)."""

    @property
    def value(self) -> str: ...

    @property
    def label(self) -> str: ...


def announce_status(
    session: Session,
    people: Iterable[int | None],
    *,
    actor: Principal,
    about: tuple[str, dict[str, object]],
    status: Status,
    note: str,
    event: str,
    told_as: str,
    now: datetime,
) -> int:
    """Tell `people` that what they follow (`about`: its kind and its id, name and path) moved
    to `status`, with the note, and send `event` with the same."""
    kind, thing = about
    name, link = str(thing.get("title", thing.get("label", ""))), str(thing["path"])
    return announce(
        session,
        people,
        actor=actor,
        subject=N_("“{name}” is now {status}"),
        body=N_("{note}") if note else "",
        places={"name": name, "status": word(status.label), "note": note},
        link=link,
        event=event,
        payload={kind: thing, "status": status.value, "note": note},
        told_as=told_as,
        now=now,
    )


def _own(actor: Principal) -> int:
    if actor.id is None:
        raise Forbidden(_("Only a signed-in person has notifications."))
    return actor.id


def mine(
    session: Session,
    actor: Principal,
    *,
    unread_only: bool = False,
    limit: int = 50,
    cursor: str | None = None,
) -> PageOf[Notification]:
    """The actor's notifications, newest first."""
    stmt = select(Notification).where(Notification.user_id == _own(actor))
    if unread_only:
        stmt = stmt.where(Notification.read_at.is_(None))
    return paginate(
        session, stmt, key=Notification.id, limit=limit, cursor=cursor, newest_first=True
    )


def unread_count(session: Session, actor: Principal) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.user_id == _own(actor), Notification.read_at.is_(None))
        )
        or 0
    )


def mark_read(
    session: Session, actor: Principal, ids: list[int] | None = None, *, now: datetime | None = None
) -> int:
    """Mark the actor's notifications `ids` (all of them when None) read; returns how many."""
    stmt = (
        update(Notification)
        .where(Notification.user_id == _own(actor), Notification.read_at.is_(None))
        .values(read_at=now or utcnow())
    )
    if ids is not None:
        stmt = stmt.where(Notification.id.in_(ids))
    return session.execute(stmt).rowcount  # type: ignore[attr-defined, no-any-return]
