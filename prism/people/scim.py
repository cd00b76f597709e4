"""SCIM 2.0 provisioning (RFC 7643 / 7644): the identity provider creates, updates and
deactivates people, and keeps groups as teams, through the same rules as the admin pages.

What Okta's and Microsoft Entra ID's SCIM clients send is understood as they send it: `PATCH`
operations in either casing (`replace` / `Replace`), with or without a `path`, `active` as a
boolean or as the string "False", `emails[type eq "work"].value` paths, members removed by a
filtered path or by value. A person is never deleted: `DELETE` deactivates them (signing them
out everywhere, revoking their API tokens). Someone belongs to one team in Prism, so being added
to a group moves them into its team. Attributes Prism has no place for are accepted and ignored.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from prism.audit import service as audit
from prism.auth.policy import Action, Principal, require
from prism.db import get_or_404
from prism.errors import Conflict, Invalid, NotFound
from prism.i18n import _
from prism.people import service
from prism.people.models import Role, Team, User
from prism.people.schemas import TeamIn
from prism.schemas import as_id

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"
LIST = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"
MAX_COUNT = 200
# `attribute eq "value"`, the one filter identity providers send when they look someone up.
FILTER = re.compile(r'^\s*([\w.:]+)\s+eq\s+"((?:[^"\\]|\\.)*)"\s*$', re.IGNORECASE)
MEMBER_FILTER = re.compile(r'^members\[\s*value\s+eq\s+"([^"]+)"\s*\]$', re.IGNORECASE)


@dataclass(frozen=True)
class Listed:
    total: int
    start: int
    resources: list[dict[str, Any]]

    def body(self) -> dict[str, Any]:
        return {
            "schemas": [LIST],
            "totalResults": self.total,
            "startIndex": self.start,
            "itemsPerPage": len(self.resources),
            "Resources": self.resources,
        }


def _stamp(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


def user_resource(user: User, base: str) -> dict[str, Any]:
    given, _unused, family = user.name.partition(" ")
    return {
        "schemas": [USER],
        "id": str(user.id),
        "userName": user.email,
        "displayName": user.name,
        "name": {"formatted": user.name, "givenName": given, "familyName": family},
        "emails": [{"value": user.email, "type": "work", "primary": True}],
        "active": user.is_active,
        "meta": {
            "resourceType": "User",
            "created": _stamp(user.created_at),
            "lastModified": _stamp(user.updated_at),
            "location": f"{base}/scim/v2/Users/{user.id}",
            "version": f'W/"{user.version}"',
        },
    }


def group_resource(
    session: Session, team: Team, base: str, *, members: bool = True
) -> dict[str, Any]:
    found: dict[str, Any] = {
        "schemas": [GROUP],
        "id": str(team.id),
        "displayName": team.name,
        "meta": {
            "resourceType": "Group",
            "created": _stamp(team.created_at),
            "lastModified": _stamp(team.updated_at),
            "location": f"{base}/scim/v2/Groups/{team.id}",
            "version": f'W/"{team.version}"',
        },
    }
    if members:
        people = session.execute(
            select(User.id, User.email).where(User.team_id == team.id).order_by(User.id)
        ).all()
        found["members"] = [
            {"value": str(i), "display": email, "$ref": f"{base}/scim/v2/Users/{i}"}
            for i, email in people
        ]
    return found


def _filtered(filter_: str | None, known: dict[str, Any]) -> Any | None:
    """The condition for `filter_` (None for no filter); `known` maps attribute names (lower
    case) to the column they compare."""
    if not filter_:
        return None
    match = FILTER.match(filter_)
    column = known.get(match.group(1).lower()) if match else None
    if match is None or column is None:
        said = f'Prism understands filters of the form `{" | ".join(known)} eq "value"`.'
        raise Invalid(_("filter: {said}", said=said), errors=[{"field": "filter", "message": said}])
    value = match.group(2).replace('\\"', '"')
    return func.lower(column) == value.lower()


def _listed(
    session: Session,
    stmt: Select[Any],
    key: Any,
    start: int,
    count: int,
    resource: Callable[[Any], dict[str, Any]],
) -> Listed:
    """One page of `stmt` the SCIM way: `startIndex` counts from 1, `count` may be 0."""
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    start, count = max(start, 1), max(0, min(count, MAX_COUNT))
    rows = session.scalars(stmt.order_by(key).offset(start - 1).limit(count))
    return Listed(total, start, [resource(row) for row in rows])


def list_users(
    session: Session, actor: Principal, *, filter_: str | None, start: int, count: int, base: str
) -> Listed:
    require(actor, Action.MANAGE_USERS)
    condition = _filtered(
        filter_, {"username": User.email, "emails.value": User.email, "emails": User.email}
    )
    stmt = select(User) if condition is None else select(User).where(condition)
    return _listed(session, stmt, User.id, start, count, lambda u: user_resource(u, base))


def get_user(session: Session, actor: Principal, user_id: str) -> User:
    require(actor, Action.MANAGE_USERS)
    return get_or_404(session, User, _id(user_id, "user"), "user")


def create_user(
    session: Session, actor: Principal, body: dict[str, Any], *, default_role: Role
) -> User:
    """A person the provider assigned to Prism; they sign in through the provider (their
    password is one nobody knows)."""
    require(actor, Action.MANAGE_USERS)
    email = _email(body)
    if service.find_user_by_email(session, email) is not None:
        raise _taken("userName", f"There is already an account for {email}.")
    user = User(
        email=email,
        name=_name(body) or email.partition("@")[0],
        role=default_role,
        password_hash=f"!scim-{secrets.token_hex(8)}",
        is_active=_active(body.get("active", True)),
    )
    session.add(user)
    session.flush()
    audit.record(session, action="scim_provision", item=user, note="created by SCIM")
    return user


def replace_user(
    session: Session, actor: Principal, user_id: str, body: dict[str, Any], *, now: datetime
) -> User:
    """PUT: the person as the provider now describes them."""
    user = get_user(session, actor, user_id)
    changes: dict[str, Any] = {"is_active": _active(body.get("active", True))}
    if name := _name(body):
        changes["name"] = name
    _rename(session, user, _email(body))
    return _changed(session, actor, user, changes, now=now, how="replaced by SCIM")


def patch_user(
    session: Session, actor: Principal, user_id: str, body: dict[str, Any], *, now: datetime
) -> User:
    """PATCH: the operations Okta and Entra send, in either's casing and shape."""
    user = get_user(session, actor, user_id)
    changes: dict[str, Any] = {}
    for op, path, value in _operations(body):
        if op == "remove":
            continue  # nothing a provider removes from a person is something Prism keeps
        attributes = _attributes(path, value)
        if "active" in attributes:
            changes["is_active"] = _active(attributes["active"])
        if name := _name(attributes):
            changes["name"] = name
        if email := attributes.get("userName") or _work_email(attributes):
            _rename(session, user, str(email))
    return _changed(session, actor, user, changes, now=now, how="patched by SCIM")


def deactivate_user(session: Session, actor: Principal, user_id: str, *, now: datetime) -> None:
    """DELETE: Prism keeps the person's history, so they are deactivated instead."""
    user = get_user(session, actor, user_id)
    _changed(session, actor, user, {"is_active": False}, now=now, how="deleted by SCIM")


def _changed(
    session: Session,
    actor: Principal,
    user: User,
    changes: dict[str, Any],
    *,
    now: datetime,
    how: str,
) -> User:
    service.change_user(session, actor, user, changes, now=now)
    audit.record(session, action="scim_provision", item=user, note=how)
    return user


def _rename(session: Session, user: User, email: str) -> None:
    if email == user.email:
        return
    if service.find_user_by_email(session, email) is not None:
        raise _taken("userName", f"There is already an account for {email}.")
    user.email = email


# Groups


def list_groups(
    session: Session,
    actor: Principal,
    *,
    filter_: str | None,
    start: int,
    count: int,
    base: str,
    members: bool,
) -> Listed:
    require(actor, Action.MANAGE_TEAMS)
    condition = _filtered(filter_, {"displayname": Team.name})
    stmt = select(Team) if condition is None else select(Team).where(condition)
    return _listed(
        session,
        stmt,
        Team.id,
        start,
        count,
        lambda team: group_resource(session, team, base, members=members),
    )


def get_group(session: Session, actor: Principal, group_id: str) -> Team:
    require(actor, Action.MANAGE_TEAMS)
    return get_or_404(session, Team, _id(group_id, "group"), "group")


def create_group(
    session: Session, actor: Principal, body: dict[str, Any], *, now: datetime
) -> Team:
    name = _group_name(session, body.get("displayName"), None)
    if name is None:
        raise Invalid(_("A group needs a displayName."))
    team = service.create_team(session, actor, TeamIn(name=name))
    _set_members(session, actor, team, _member_ids(body.get("members")), now=now)
    audit.record(session, action="scim_provision", item=team, note="created by SCIM")
    return team


def replace_group(
    session: Session, actor: Principal, group_id: str, body: dict[str, Any], *, now: datetime
) -> Team:
    team = get_group(session, actor, group_id)
    if name := _group_name(session, body.get("displayName"), team):
        team.name = name
    if "members" in body:
        _set_members(session, actor, team, _member_ids(body["members"]), now=now)
    session.flush()
    audit.record(session, action="scim_provision", item=team, note="replaced by SCIM")
    return team


def patch_group(
    session: Session, actor: Principal, group_id: str, body: dict[str, Any], *, now: datetime
) -> Team:
    team = get_group(session, actor, group_id)
    for op, path, value in _operations(body):
        member = MEMBER_FILTER.match(path or "")
        if op == "remove" and member:
            _leave(session, actor, team, [member.group(1)], now=now)
        elif (path or "").lower() == "members":
            ids = _member_ids(value)
            if op == "remove":
                _leave(session, actor, team, ids or None, now=now)
            elif op == "replace":
                _set_members(session, actor, team, ids, now=now)
            else:
                _join(session, actor, team, ids, now=now)
        elif op != "remove":
            attributes = _attributes(path, value)
            if name := _group_name(session, attributes.get("displayName"), team):
                team.name = name
            if "members" in attributes:
                _join(session, actor, team, _member_ids(attributes["members"]), now=now)
    session.flush()
    audit.record(session, action="scim_provision", item=team, note="patched by SCIM")
    return team


def delete_group(session: Session, actor: Principal, group_id: str, *, now: datetime) -> None:
    """The group is gone at the provider: its people leave the team, then the team goes."""
    team = get_group(session, actor, group_id)
    _leave(session, actor, team, None, now=now)
    service.delete_team(session, actor, team.id)


def _member_ids(members: Any) -> list[str]:
    if not isinstance(members, list):
        raise Invalid(_('members is a list of {"value": user id}.'))
    return [str(m["value"]) for m in members if isinstance(m, dict) and m.get("value")]


def _set_members(
    session: Session, actor: Principal, team: Team, ids: list[str], *, now: datetime
) -> None:
    wanted = {_id(i, "user") for i in ids}
    current = set(session.scalars(select(User.id).where(User.team_id == team.id)))
    _leave(session, actor, team, [str(i) for i in current - wanted], now=now)
    _join(session, actor, team, [str(i) for i in wanted - current], now=now)


def _join(session: Session, actor: Principal, team: Team, ids: list[str], *, now: datetime) -> None:
    for user_id in ids:
        user = get_user(session, actor, user_id)
        if user.team_id != team.id:
            service.change_user(session, actor, user, {"team_id": team.id}, now=now)


def _leave(
    session: Session, actor: Principal, team: Team, ids: list[str] | None, *, now: datetime
) -> None:
    """`ids` leave the team (everyone in it when None)."""
    if ids is None:
        people = list(session.scalars(select(User).where(User.team_id == team.id)))
    else:
        people = [get_user(session, actor, i) for i in ids]
    for user in people:
        if user.team_id == team.id:
            service.change_user(session, actor, user, {"team_id": None}, now=now)


# Reading what providers send


def _operations(body: dict[str, Any]) -> list[tuple[str, str | None, Any]]:
    """(op in lower case, path, value) of a PatchOp, whichever casing the provider uses."""
    operations = body.get("Operations") or body.get("operations")
    if not isinstance(operations, list) or not operations:
        raise Invalid(_("A PATCH needs its Operations."))
    found = []
    for operation in operations:
        if not isinstance(operation, dict):
            raise Invalid(_("Each operation is an object with op, path and value."))
        op = str(operation.get("op") or operation.get("Op") or "").lower()
        if op not in ("add", "replace", "remove"):
            raise Invalid(
                _("Unknown PATCH op {get!r}: add, replace or remove.", get=operation.get("op"))
            )
        path = operation.get("path") or operation.get("Path")
        found.append((op, str(path) if path else None, operation.get("value")))
    return found


def _attributes(path: str | None, value: Any) -> dict[str, Any]:
    """An operation's change as attributes: its value when it has no path (Okta), else the
    one attribute its path names (Entra), the core schema's prefix left off."""
    if path is None:
        return value if isinstance(value, dict) else {}
    path = path.removeprefix(f"{USER}:").removeprefix(f"{GROUP}:")
    if path.lower().startswith("emails[") and path.lower().endswith("].value"):
        return {"emails": [{"type": "work", "value": value, "primary": True}]}
    head, _unused, rest = path.partition(".")
    for known in ("active", "userName", "displayName", "name", "members"):
        if head.lower() == known.lower():
            return {known: {rest: value} if rest else value}
    return {}


def _active(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise Invalid(_("active must be true or false, not {value!r}.", value=value))


def _name(body: dict[str, Any]) -> str | None:
    name = body.get("name")
    if isinstance(name, dict):
        if formatted := name.get("formatted"):
            return str(formatted)[:200]
        parts = [name.get("givenName"), name.get("familyName")]
        if any(parts):
            return " ".join(str(p) for p in parts if p)[:200]
    if display := body.get("displayName"):
        return str(display)[:200]
    return None


def _work_email(body: dict[str, Any]) -> str | None:
    emails = body.get("emails")
    if not isinstance(emails, list) or not emails:
        return None
    chosen = next((e for e in emails if isinstance(e, dict) and e.get("primary")), emails[0])
    return str(chosen.get("value")) if isinstance(chosen, dict) and chosen.get("value") else None


def _email(body: dict[str, Any]) -> str:
    """The person's email: their userName when it is one (it is with Okta, and with Entra's
    default mapping of the UPN), else their primary email."""
    for candidate in (body.get("userName"), _work_email(body)):
        if isinstance(candidate, str) and "@" in candidate:
            return candidate.strip().lower()
    raise Invalid(_("A user needs a userName or an email that is an email address."))


def _group_name(session: Session, value: Any, team: Team | None) -> str | None:
    """The team name a group's `displayName` asks for (None when it names none), refused with
    SCIM's `uniqueness` when another team has it."""
    name = str(value or "").strip()[:100]
    if not name:
        return None
    holder = service.find_team_by_name(session, name)
    if holder is not None and holder is not team:
        raise _taken("displayName", f"There is already a team called {name}.")
    return name


def _taken(field: str, message: str) -> Conflict:
    """SCIM's `uniqueness` error: the `field` names the attribute already in use."""
    return Conflict(message, errors=[{"field": field, "message": message}])


def _id(value: str, kind: str) -> int:
    found = as_id(value)
    if found is None:
        raise NotFound(_("No {kind} {value}.", kind=kind, value=value))
    return found
