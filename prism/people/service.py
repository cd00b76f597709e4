"""People and teams: who works here, in which department, with which role."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from prism.auth.guard import Throttle, end_access
from prism.auth.passwords import hash_password, verify_password
from prism.auth.policy import Action, Principal, require
from prism.db import get_or_404
from prism.errors import Conflict, Forbidden, Invalid, NotFound, check_version
from prism.i18n import _
from prism.pagination import PageOf, paginate
from prism.people.models import Role, Team, User
from prism.people.schemas import TeamIn, TeamUpdate, UserIn, UserUpdate

DEPARTMENTS = (
    ("Product", "Product managers: read prioritised insights, share plans down."),
    ("Product Marketing", "Own positioning, messaging, launches and the knowledge core."),
    ("Product Ops", "Run the launch machine, content operations and enablement."),
    ("Sales", "Account executives and sales leadership."),
    ("Presales", "Solution engineers who run demos and technical evaluations."),
    ("Marketing", "Content, campaigns, events and communications."),
    ("Customer Success", "Onboarding, adoption, renewals and support."),
    ("Implementation", "Professional services and deployment teams."),
    ("Leadership", "Executives who watch launches, readiness and win/loss."),
)


def list_teams(
    session: Session, actor: Principal, *, limit: int = 50, cursor: str | None = None
) -> PageOf[Team]:
    """Teams, a page at a time; anyone signed in may read the directory."""
    require(actor, Action.READ_DIRECTORY)
    return paginate(session, select(Team), key=Team.id, limit=limit, cursor=cursor)


def all_teams(session: Session, actor: Principal) -> list[Team]:
    """Every team by name, for pickers and the directory page."""
    require(actor, Action.READ_DIRECTORY)
    return list(session.scalars(select(Team).order_by(Team.name)))


def teams_by_ids(
    session: Session, team_ids: Sequence[int], *, field: str = "team_ids"
) -> list[Team]:
    """The teams `team_ids`, in order and once each; `Invalid` naming the first that does not
    exist."""
    teams = {t.id: t for t in session.scalars(select(Team).where(Team.id.in_(team_ids)))}
    missing = next((i for i in team_ids if i not in teams), None)
    if missing is not None:
        raise Invalid.about(field, _("No team {missing}.", missing=missing))
    return [teams[i] for i in dict.fromkeys(team_ids)]


def team_of(session: Session, actor: Principal) -> int | None:
    """The team the actor belongs to (None for the system, or someone in no team)."""
    if actor.id is None:
        return None
    return session.scalar(select(User.team_id).where(User.id == actor.id))


def get_team(session: Session, actor: Principal, team_id: int) -> Team:
    require(actor, Action.READ_DIRECTORY)
    return get_or_404(session, Team, team_id, "team")


def create_team(session: Session, actor: Principal, data: TeamIn) -> Team:
    """Add a department."""
    require(actor, Action.MANAGE_TEAMS)
    _ensure_team_name_free(session, data.name)
    team = Team(name=data.name, description=data.description)
    if data.lead_id is not None:
        team.lead_id = active_person(session, data.lead_id, field="lead_id").id
    session.add(team)
    session.flush()
    return team


def update_team(session: Session, actor: Principal, team_id: int, data: TeamUpdate) -> Team:
    """Rename a department, change its description or its lead."""
    require(actor, Action.MANAGE_TEAMS)
    team = get_team(session, actor, team_id)
    check_version("team", data.version, team.version)
    if data.name is not None and data.name != team.name:
        _ensure_team_name_free(session, data.name)
        team.name = data.name
    if data.description is not None:
        team.description = data.description
    if "lead_id" in data.model_fields_set:
        lead = data.lead_id
        team.lead_id = None if lead is None else active_person(session, lead, field="lead_id").id
    session.flush()
    return team


def delete_team(session: Session, actor: Principal, team_id: int) -> None:
    """Remove an empty department; one with members must be emptied first."""
    require(actor, Action.MANAGE_TEAMS)
    team = get_team(session, actor, team_id)
    members = session.scalar(select(func.count()).where(User.team_id == team_id)) or 0
    if members:
        raise Conflict(
            _(
                "Team {name} still has {members} member(s); move them to another team first.",
                name=team.name,
                members=members,
            )
        )
    session.delete(team)
    session.flush()


def member_counts(session: Session) -> dict[int, int]:
    """How many people each team has, by team id."""
    rows = session.execute(
        select(User.team_id, func.count()).where(User.team_id.is_not(None)).group_by(User.team_id)
    )
    return {team_id: count for team_id, count in rows if team_id is not None}


def seed_departments(session: Session) -> None:
    """Give a brand-new Prism the standard departments; teams an admin renamed or deleted
    later are never brought back (used by `prism init` and `prism serve`)."""
    if session.scalar(select(func.count()).select_from(Team)):
        return
    ensure_teams(session, dict(DEPARTMENTS))


def ensure_teams(session: Session, wanted: dict[str, str]) -> dict[str, int]:
    """Create the named teams that do not exist yet; every wanted team's id by name."""
    existing = {team.name: team.id for team in session.scalars(select(Team))}
    for name, description in wanted.items():
        if name not in existing:
            team = Team(name=name, description=description)
            session.add(team)
            session.flush()
            existing[name] = team.id
    return {name: existing[name] for name in wanted}


def find_team_by_name(session: Session, name: str) -> Team | None:
    """The team with this name, ignoring case and surrounding spaces."""
    return session.scalar(select(Team).where(func.lower(Team.name) == name.strip().lower()))


def _ensure_team_name_free(session: Session, name: str) -> None:
    if find_team_by_name(session, name) is not None:
        raise Conflict(_("There is already a team called {name}.", name=name))


def list_users(
    session: Session,
    actor: Principal,
    *,
    query: str | None = None,
    team_id: int | None = None,
    role: Role | None = None,
    limit: int = 50,
    cursor: str | None = None,
) -> PageOf[User]:
    """People, oldest account first, optionally filtered by name/email, team or role."""
    require(actor, Action.READ_DIRECTORY)
    stmt = select(User)
    if query:
        pattern = f"%{query.strip().lower()}%"
        stmt = stmt.where(func.lower(User.name).like(pattern) | User.email.like(pattern))
    if team_id is not None:
        stmt = stmt.where(User.team_id == team_id)
    if role is not None:
        stmt = stmt.where(User.role == role)
    return paginate(session, stmt, key=User.id, limit=limit, cursor=cursor)


def get_user(session: Session, actor: Principal, user_id: int) -> User:
    require(actor, Action.READ_DIRECTORY)
    return get_or_404(session, User, user_id, "user")


def find_user_by_email(session: Session, email: str) -> User | None:
    """The account for this email (compared as Prism stores them: trimmed, lower case)."""
    return session.scalar(select(User).where(User.email == email.strip().lower()))


def get_user_by_email(session: Session, email: str) -> User:
    user = find_user_by_email(session, email)
    if user is None:
        raise NotFound(_("No user with the email {email}.", email=email))
    return user


def create_user(session: Session, actor: Principal, data: UserIn) -> User:
    """Give someone an account."""
    require(actor, Action.MANAGE_USERS)
    if session.scalar(select(User.id).where(User.email == data.email)) is not None:
        raise Conflict(_("There is already an account for {email}.", email=data.email))
    _ensure_team_exists(session, data.team_id)
    user = User(
        email=data.email,
        name=data.name,
        password_hash=hash_password(data.password),
        role=data.role,
        team_id=data.team_id,
    )
    session.add(user)
    try:
        session.flush()
    except IntegrityError:
        raise Conflict(_("There is already an account for {email}.", email=data.email)) from None
    return user


def update_user(
    session: Session, actor: Principal, user_id: int, data: UserUpdate, *, now: datetime
) -> User:
    """Change someone's name, role, team or whether they may sign in (deactivating someone
    signs them out everywhere and revokes their API tokens)."""
    require(actor, Action.MANAGE_USERS)
    user = get_user(session, actor, user_id)
    check_version("user", data.version, user.version)
    changes = data.model_dump(exclude_unset=True, exclude={"version"})
    return change_user(session, actor, user, changes, now=now)


def change_user(
    session: Session, actor: Principal, user: User, changes: dict[str, Any], *, now: datetime
) -> User:
    """Apply `changes` (name, role, team_id, is_active) to `user` with the rules every way of
    changing someone follows (the API, the admin pages, SCIM provisioning)."""
    require(actor, Action.MANAGE_USERS)
    if "team_id" in changes:
        _ensure_team_exists(session, changes["team_id"])
    if user.id == actor.id and (
        changes.get("is_active") is False or changes.get("role") not in (None, Role.ADMIN)
    ):
        raise Conflict(_("You cannot deactivate yourself or give up your own admin role."))
    for field in ("name", "role", "team_id", "is_active"):
        if field in changes and (changes[field] is not None or field == "team_id"):
            setattr(user, field, changes[field])
    session.flush()
    if changes.get("is_active") is False:
        end_access(session, user.id, now=now)
    return user


@dataclass(frozen=True)
class OwnChange:
    """Someone changing their own password: the current one, where they ask from, and the
    browser to keep signed in (the one asking)."""

    current_password: str
    client: str
    throttle: Throttle
    keep_cookie: str | None = None


def set_own_language(session: Session, actor: Principal, language: str | None) -> User:
    """Choose the interface's language for oneself (None: the browser's)."""
    # Read afresh: who is asking may be remembered from a moment ago, at an older version.
    person = session.get(User, actor.id, populate_existing=True) if actor.id else None
    if person is None or not person.is_active:
        raise Forbidden(_("Your account is deactivated; ask an administrator to reactivate it."))
    person.language = language
    session.flush()
    return person


def set_password(
    session: Session,
    actor: Principal,
    user_id: int,
    password: str,
    *,
    now: datetime,
    own: OwnChange | None = None,
) -> User:
    """Set a new password: admins for anyone; everyone for themselves, given the current one
    (wrong guesses count towards the sign-in lockout). Every other browser is signed out and
    every API token revoked, so whoever knew the old password is out."""
    if actor.id != user_id:
        require(actor, Action.MANAGE_USERS)
    elif not actor.is_active:
        raise Forbidden(_("Your account is deactivated."))
    user = get_or_404(session, User, user_id, "user")
    # Changing one's own password needs the current one, so a borrowed session cannot.
    if actor.id == user_id:
        _check_current(session, user, own, now)
    user.password_hash = hash_password(password)
    session.flush()
    end_access(session, user.id, now=now, keep_cookie=own.keep_cookie if own else None)
    return user


def _check_current(session: Session, user: User, own: OwnChange | None, now: datetime) -> None:
    if own is not None:
        own.throttle.check(session, email=user.email, client=own.client, now=now)
    if own is None or not verify_password(user.password_hash, own.current_password):
        if own is not None:
            own.throttle.fail(session, email=user.email, client=own.client, now=now)
        field = [{"field": "current_password", "message": "is not your current password"}]
        raise Invalid(_("Your current password is not right."), errors=field, keep_changes=True)
    own.throttle.clear(session, email=user.email)


def active_people(session: Session) -> list[User]:
    """Everyone who may sign in, by name: the choices when something is given to someone."""
    return list(session.scalars(select(User).where(User.is_active).order_by(User.name)))


def active_person(session: Session, user_id: int, *, field: str) -> User:
    """The active user `user_id`, to be given something (a launch, a deliverable)."""
    user = session.get(User, user_id)
    if user is None or not user.is_active:
        raise Invalid.about(field, _("No active person {user_id}.", user_id=user_id))
    return user


def _ensure_team_exists(session: Session, team_id: int | None) -> None:
    if team_id is not None and session.get(Team, team_id) is None:
        raise Invalid(
            _("No team {team_id}.", team_id=team_id),
            errors=[{"loc": ["team_id"], "msg": "unknown team"}],
        )
