"""Every change is in the audit log: who, what, which item, which fields, when."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from prism.audit import service as audit
from prism.audit.models import AuditEvent
from prism.auth.policy import SYSTEM
from prism.db import utcnow
from prism.people import service as people
from prism.people.models import Role
from prism.people.schemas import TeamIn, TeamUpdate, UserIn, UserUpdate
from tests.conftest import Cast


def events(session: Session, item_type: str) -> list[AuditEvent]:
    return list(
        session.scalars(
            select(AuditEvent).where(AuditEvent.item_type == item_type).order_by(AuditEvent.id)
        )
    )


def test_create_update_delete_are_recorded_with_actor_and_fields(
    session: Session, cast: Cast
) -> None:
    audit.set_actor(session, cast.admin)
    team = people.create_team(session, cast.admin, TeamIn(name="Partners", description="Channel"))
    people.update_team(
        session, cast.admin, team.id, TeamUpdate(version=team.version, name="Alliances")
    )
    people.delete_team(session, cast.admin, team.id)
    created, updated, deleted = events(session, "Team")[-3:]
    assert (created.action, updated.action, deleted.action) == ("create", "update", "delete")
    assert {e.actor_id for e in (created, updated, deleted)} == {cast.admin.id}
    assert created.changes["name"] == {"from": None, "to": "Partners"}
    assert updated.changes == {"name": {"from": "Partners", "to": "Alliances"}}
    assert deleted.item_label == "Alliances"


def test_secrets_never_reach_the_log(session: Session, cast: Cast) -> None:
    user = people.create_user(
        session, SYSTEM, UserIn(email="x@example.com", name="X", password="secret-pass-1")
    )
    people.set_password(session, SYSTEM, user.id, "another-secret-2", now=utcnow())
    logged = [e for e in events(session, "User") if e.item_id == user.id]
    assert [e.action for e in logged] == ["create", "update"]
    assert logged[0].changes["password_hash"]["to"] == audit.REDACTED
    assert logged[1].changes == {"password_hash": {"from": audit.REDACTED, "to": audit.REDACTED}}
    assert "secret-pass" not in str([e.changes for e in logged])
    assert logged[0].actor_label == "system"


def test_state_changes_show_from_and_to(session: Session, cast: Cast) -> None:
    audit.set_actor(session, cast.admin)
    people.update_user(
        session,
        cast.admin,
        cast.seller.id,
        UserUpdate(version=cast.seller.version, role=Role.EDITOR, is_active=False),
        now=utcnow(),
    )
    last = events(session, "User")[-1]
    assert last.changes == {
        "role": {"from": "contributor", "to": "editor"},
        "is_active": {"from": True, "to": False},
    }
    assert last.actor_label == cast.admin.email


def test_a_rolled_back_change_leaves_no_entry(session: Session, cast: Cast) -> None:
    before = len(events(session, "Team"))
    nested = session.begin_nested()
    people.create_team(session, cast.admin, TeamIn(name="Ephemeral"))
    nested.rollback()
    assert len(events(session, "Team")) == before
