"""Writing and reading the audit log.

Changes are captured once, at flush, for every `Audited` model, so no service can forget to log
one; services add explicit entries only for events that change no row (a sign-in, an override).
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import event, insert, inspect, select
from sqlalchemy.orm import Session, UOWTransaction
from sqlalchemy.orm.base import NO_VALUE

from prism.audit.models import Audited, AuditEvent
from prism.auth.policy import Action, Principal, require
from prism.db import utcnow
from prism.pagination import PageOf, paginate

REDACTED = "(changed)"


def set_actor(session: Session, actor: Principal) -> None:
    """Attribute every change this session flushes to `actor`."""
    session.info["actor_id"] = actor.id
    session.info["actor_label"] = actor.email


def record(
    session: Session,
    *,
    action: str,
    item: Audited,
    note: str = "",
) -> None:
    """Log an event that is not a row change, such as a sign-in or an overridden gate."""
    session.execute(insert(AuditEvent), [_row(session, action, item, {}, note)])


def record_unattached(
    session: Session, *, action: str, item_type: str, label: str, note: str = ""
) -> None:
    """Log an event about no row, such as a refused sign-in by someone Prism may not know."""
    row: dict[str, Any] = {
        "at": utcnow(),
        "actor_id": session.info.get("actor_id"),
        "actor_label": session.info.get("actor_label") or "system",
        "action": action,
        "item_type": item_type,
        "item_id": None,
        "item_label": label[:300],
        "changes": {},
        "note": note[:2000],
    }
    session.execute(insert(AuditEvent), [row])


def list_events(
    session: Session,
    actor: Principal,
    *,
    item_type: str | None = None,
    item_id: int | None = None,
    actor_id: int | None = None,
    action: str | None = None,
    limit: int = 50,
    cursor: str | None = None,
) -> PageOf[AuditEvent]:
    """The audit log, newest first, for administrators."""
    require(actor, Action.READ_AUDIT)
    stmt = select(AuditEvent)
    if item_type:
        stmt = stmt.where(AuditEvent.item_type == item_type)
    if item_id is not None:
        stmt = stmt.where(AuditEvent.item_id == item_id)
    if actor_id is not None:
        stmt = stmt.where(AuditEvent.actor_id == actor_id)
    if action:
        stmt = stmt.where(AuditEvent.action == action)
    return paginate(session, stmt, key=AuditEvent.id, limit=limit, cursor=cursor, newest_first=True)


@event.listens_for(Session, "after_flush")
def _capture_changes(session: Session, _flush: UOWTransaction) -> None:
    # Runs inside the flush, so the log and the change commit or roll back together.
    rows = [_row(session, "create", o, _created(o), "") for o in _audited(session.new)]
    rows += [
        _row(session, "update", o, diff, "")
        for o in _audited(session.dirty)
        if (diff := _updated(o))
    ]
    rows += [_row(session, "delete", o, {}, "") for o in _audited(session.deleted)]
    if rows:
        session.connection().execute(insert(AuditEvent), rows)


def _audited(objects: Any) -> list[Audited]:
    return [o for o in objects if isinstance(o, Audited)]


def _row(
    session: Session, action: str, item: Audited, changes: dict[str, Any], note: str
) -> dict[str, Any]:
    return {
        "at": utcnow(),
        "actor_id": session.info.get("actor_id"),
        "actor_label": session.info.get("actor_label") or "system",
        "action": action,
        "item_type": type(item).__name__,
        "item_id": getattr(item, "id", None),
        "item_label": item.audit_label()[:300],
        "changes": changes,
        "note": note,
    }


def _created(item: Audited) -> dict[str, Any]:
    state = inspect(item)
    changes: dict[str, Any] = {}
    for attr in state.mapper.column_attrs:
        if attr.key in item.__audit_ignore__ or attr.key in {"id", "created_at"}:
            continue
        value = state.attrs[attr.key].loaded_value
        if value is NO_VALUE:
            continue
        changes[attr.key] = {"from": None, "to": _plain(item, attr.key, value)}
    return changes


def _updated(item: Audited) -> dict[str, Any]:
    state = inspect(item)
    changes: dict[str, Any] = {}
    for attr in state.mapper.column_attrs:
        if attr.key in item.__audit_ignore__:
            continue
        history = state.attrs[attr.key].history
        if not history.has_changes():
            continue
        old = history.deleted[0] if history.deleted else None
        new = history.added[0] if history.added else None
        if old != new:
            changes[attr.key] = {
                "from": _plain(item, attr.key, old),
                "to": _plain(item, attr.key, new),
            }
    return changes


def _plain(item: Audited, key: str, value: Any) -> Any:
    """A JSON-safe copy of a field's value, with secrets replaced by a placeholder."""
    if key in item.__audit_redact__:
        return REDACTED
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)
