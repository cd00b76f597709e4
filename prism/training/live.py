"""Live sessions: a training at a time and place, the people invited, and who came."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from prism.auth.policy import Action, Principal, require
from prism.db import touch
from prism.errors import Conflict, Forbidden, Invalid, NotFound, check_version
from prism.i18n import _
from prism.people.models import User
from prism.people.service import active_person, teams_by_ids
from prism.training import service
from prism.training.models import Invitation, LiveSession
from prism.training.schemas import AttendanceIn, LiveSessionIn

LIVE = (
    joinedload(LiveSession.module),
    joinedload(LiveSession.host),
    selectinload(LiveSession.invitations).joinedload(Invitation.user),
)


def list_sessions(
    session: Session, actor: Principal, *, upcoming_from: datetime | None = None
) -> list[LiveSession]:
    """Sessions by start time: all for the enablement team, the ones `actor` is invited to or
    hosts for everyone else; only those not yet started when `upcoming_from` is given."""
    require(actor, Action.READ_PUBLISHED)
    stmt = select(LiveSession).options(*LIVE).order_by(LiveSession.starts_at)
    if upcoming_from is not None:
        stmt = stmt.where(LiveSession.starts_at >= upcoming_from)
    if not service.may_manage(actor):
        invited = select(Invitation.session_id).where(Invitation.user_id == actor.id)
        stmt = stmt.where(or_(LiveSession.id.in_(invited), LiveSession.host_id == actor.id))
    return list(session.scalars(stmt))


def get_session(session: Session, actor: Principal, session_id: int) -> LiveSession:
    require(actor, Action.READ_PUBLISHED)
    found = session.scalar(select(LiveSession).where(LiveSession.id == session_id).options(*LIVE))
    invited = found is not None and any(i.user_id == actor.id for i in found.invitations)
    if found is None or not (service.may_manage(actor) or invited or found.host_id == actor.id):
        raise NotFound(_("No live session {session_id}.", session_id=session_id))
    return found


def schedule(
    session: Session, actor: Principal, data: LiveSessionIn, *, now: datetime
) -> LiveSession:
    """Schedule a session hosted by `actor` and invite teams and people."""
    require(actor, Action.MANAGE_TRAINING)
    if data.starts_at.tzinfo is None:
        raise Invalid.about("starts_at", _("Give the start time with its time zone."))
    if data.starts_at < now:
        raise Invalid.about("starts_at", _("The start time has passed."))
    if data.module_id is not None:
        service.get_module(session, actor, data.module_id)
    teams = teams_by_ids(session, data.team_ids)
    people = {p.id: p for p in (active_person(session, i, field="user_ids") for i in data.user_ids)}
    if teams:
        members = select(User).where(User.is_active, User.team_id.in_([t.id for t in teams]))
        people.update((p.id, p) for p in session.scalars(members))
    if not people:
        raise Invalid.about("team_ids", _("Invite at least one team or person."))
    live = LiveSession(
        **data.model_dump(exclude={"team_ids", "user_ids"}),
        host_id=actor.id,
        invitations=[Invitation(user_id=i) for i in sorted(people)],
    )
    session.add(live)
    session.flush()
    session.expire(live)  # read back with what the answer shows (module, host, invitees)
    return get_session(session, actor, live.id)


def take_roll(
    session: Session, actor: Principal, session_id: int, data: AttendanceIn, *, now: datetime
) -> LiveSession:
    """Record who came: the host or the enablement team, once the session has started."""
    live = get_session(session, actor, session_id)
    if live.host_id != actor.id and not service.may_manage(actor):
        raise Forbidden(_("Only the host or the enablement team records attendance."))
    check_version("live session", data.version, live.version)
    if live.starts_at > now:
        raise Conflict(_("The session has not started; take the roll once it has."))
    invited = {i.user_id for i in live.invitations}
    strangers = sorted(set(data.attended_ids) - invited)
    if strangers:
        raise Invalid.about(
            "attended_ids", _("Person {value} was not invited.", value=strangers[0])
        )
    for invitation in live.invitations:
        invitation.attended = invitation.user_id in data.attended_ids
    touch(live)
    session.flush()
    return live


def cancel(session: Session, actor: Principal, session_id: int) -> None:
    """Call a session off."""
    require(actor, Action.MANAGE_TRAINING)
    session.delete(get_session(session, actor, session_id))
    session.flush()
