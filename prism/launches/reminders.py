"""What is late: overdue deliverables and checkpoints due for review, shown to their owners on
their pages and in the API, and sent once to webhooks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from prism.auth.policy import Action, Principal, require
from prism.launches.bom import overdue
from prism.launches.models import UNDER_WAY, BomItem, Checkpoint, Launch
from prism.people.models import User
from prism.webhooks import service as webhooks


@dataclass(frozen=True)
class Attention:
    kind: str  # overdue_deliverable or due_checkpoint
    launch_id: int
    launch: str
    title: str
    due_on: date
    owner: User | None


def _overdue(session: Session, today: date, owner_id: int | None) -> list[tuple[Launch, BomItem]]:
    stmt = (
        select(Launch)
        .where(Launch.stage.in_(UNDER_WAY))
        .options(
            selectinload(Launch.bom).selectinload(BomItem.item),
            selectinload(Launch.bom).selectinload(BomItem.owner),
        )
    )
    found = []
    for launch in session.scalars(stmt):
        for item in overdue(list(launch.bom), launch.target_date, today):
            if owner_id is None or item.owner_id == owner_id:
                found.append((launch, item))
    return found


def _due_checkpoints(
    session: Session, today: date, owner_id: int | None
) -> list[tuple[Launch, Checkpoint]]:
    stmt = (
        select(Launch, Checkpoint)
        .join(Checkpoint, Checkpoint.launch_id == Launch.id)
        .where(Checkpoint.reviewed_at.is_(None), Checkpoint.due_on <= today)
        .options(selectinload(Launch.owner))
        .order_by(Checkpoint.due_on)
    )
    if owner_id is not None:
        stmt = stmt.where(Launch.owner_id == owner_id)
    return [(launch, point) for launch, point in session.execute(stmt).all()]


def attention(
    session: Session, actor: Principal, *, today: date, everyone: bool = False
) -> list[Attention]:
    """The reader's late work (or, for the launch team, everyone's), most overdue first."""
    require(actor, Action.READ_LAUNCHES)
    if everyone:
        require(actor, Action.RUN_LAUNCHES)
    owner_id = None if everyone else actor.id
    if owner_id is None and not everyone:
        return []
    late = [
        Attention(
            "overdue_deliverable",
            launch.id,
            launch.name,
            item.title,
            item.due_on(launch.target_date),
            item.owner,
        )
        for launch, item in _overdue(session, today, owner_id)
    ]
    late += [
        Attention(
            "due_checkpoint",
            launch.id,
            launch.name,
            f"{point.day}-day review",
            point.due_on,
            launch.owner,
        )
        for launch, point in _due_checkpoints(session, today, owner_id)
    ]
    return sorted(late, key=lambda a: a.due_on)


def remind(session: Session, *, now: datetime) -> int:
    """Send each newly overdue deliverable and newly due checkpoint to the webhooks, once."""
    today = now.date()
    sent = 0
    for launch, item in _overdue(session, today, None):
        due = item.due_on(launch.target_date)
        if item.overdue_notified_on is not None and item.overdue_notified_on >= due:
            continue
        webhooks.emit(
            session,
            "launch.deliverable_overdue",
            {
                "launch": launch_ref(launch),
                "deliverable": {"id": item.id, "title": item.title, "due_on": due.isoformat()},
                "owner": _person(item.owner),
            },
            now=now,
        )
        item.overdue_notified_on = today
        sent += 1
    for launch, point in _due_checkpoints(session, today, None):
        if point.due_notified_on is not None:
            continue
        webhooks.emit(
            session,
            "launch.checkpoint_due",
            {
                "launch": launch_ref(launch),
                "checkpoint": {
                    "id": point.id,
                    "day": point.day,
                    "due_on": point.due_on.isoformat(),
                },
                "owner": _person(launch.owner),
            },
            now=now,
        )
        point.due_notified_on = today
        sent += 1
    session.flush()
    return sent


def launch_ref(launch: Launch) -> dict[str, object]:
    """How a webhook payload names a launch."""
    return {"id": launch.id, "name": launch.name, "path": f"/launches/{launch.id}"}


def _person(user: User | None) -> dict[str, str] | None:
    return None if user is None else {"name": user.name, "email": user.email}
