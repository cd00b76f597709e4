"""Who may do what: the one place every service asks before it acts.

The matrix maps each role to the actions it may take anywhere; item rules then narrow or widen
that for a particular item (a contributor may revoke their own token but not a colleague's).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from prism.errors import Forbidden
from prism.i18n import _, term
from prism.people.models import Role


class Principal(Protocol):
    """Anyone who acts: a signed-in user, or the operator at the command line."""

    @property
    def id(self) -> int | None: ...
    @property
    def role(self) -> Role: ...
    @property
    def is_active(self) -> bool: ...
    @property
    def email(self) -> str: ...


@dataclass(frozen=True)
class SystemActor:
    """The operator at the shell and Prism's own background jobs: trusted like an admin."""

    id: None = None
    role: Role = Role.ADMIN
    is_active: bool = True
    email: str = "system"
    name: str = "Prism (system)"


SYSTEM = SystemActor()


class Action(StrEnum):
    """Everything Prism lets people do, in the product's words."""

    READ_PUBLISHED = "content.read_published"
    READ_DRAFTS = "content.read_drafts"
    PROPOSE_CONTENT = "content.propose"
    EDIT_CONTENT = "content.edit"
    PUBLISH_CONTENT = "content.publish"
    IMPORT_CONTENT = "content.import"
    BUILD_KITS = "toolkits.build"
    CURATE_KITS = "toolkits.curate"
    SHARE_WITH_BUYERS = "shares.create"
    READ_LAUNCHES = "launches.read"
    RUN_LAUNCHES = "launches.run"
    OVERRIDE_GATES = "launches.override_gate"
    CONFIGURE_TIERS = "launches.configure_tiers"
    READ_ACCOUNTS = "accounts.read"
    MANAGE_ACCOUNTS = "accounts.manage"
    MANAGE_WEBHOOKS = "webhooks.manage"
    READ_FEEDBACK = "feedback.read"
    SUBMIT_FEEDBACK = "feedback.submit"
    TRIAGE_FEEDBACK = "feedback.triage"
    TAKE_TRAINING = "training.take"
    MANAGE_TRAINING = "training.manage"
    READ_ANSWERS = "training.read_answers"
    ANSWER_SURVEYS = "training.answer_surveys"
    READ_DIRECTORY = "people.read"
    MANAGE_USERS = "people.manage_users"
    MANAGE_TEAMS = "people.manage_teams"
    MANAGE_OWN_TOKENS = "tokens.manage_own"
    MANAGE_ALL_TOKENS = "tokens.manage_all"
    READ_AUDIT = "audit.read"
    READ_JOBS = "jobs.read"
    READ_ANALYTICS = "analytics.read"
    # Price books and the packaging grid are product marketing's.
    MANAGE_PRICING = "pricing.manage"


_VIEWER = frozenset(
    {
        Action.READ_PUBLISHED,
        Action.READ_DIRECTORY,
        Action.MANAGE_OWN_TOKENS,
        Action.READ_LAUNCHES,
        Action.READ_ACCOUNTS,
        Action.ANSWER_SURVEYS,
        Action.READ_FEEDBACK,
        Action.READ_ANALYTICS,
    }
)
_CONTRIBUTOR = _VIEWER | {
    Action.PROPOSE_CONTENT,
    Action.SUBMIT_FEEDBACK,
    Action.TAKE_TRAINING,
    Action.BUILD_KITS,
    Action.SHARE_WITH_BUYERS,
}
_EDITOR = _CONTRIBUTOR | {
    Action.READ_DRAFTS,
    Action.EDIT_CONTENT,
    Action.PUBLISH_CONTENT,
    Action.CURATE_KITS,
    Action.RUN_LAUNCHES,
    Action.MANAGE_ACCOUNTS,
    Action.TRIAGE_FEEDBACK,
    Action.MANAGE_TRAINING,
    Action.READ_JOBS,
    Action.MANAGE_PRICING,
}

MATRIX: dict[Role, frozenset[Action]] = {
    Role.ADMIN: frozenset(Action),
    Role.EDITOR: _EDITOR,
    Role.CONTRIBUTOR: _CONTRIBUTOR,
    Role.VIEWER: _VIEWER,
}


def _owns(actor: Principal, item: object) -> bool:
    return actor.id is not None and getattr(item, "user_id", None) == actor.id


# An item rule decides for one item; the role matrix is asked first and must allow the action.
ITEM_RULES: dict[Action, Callable[[Principal, object], bool]] = {
    Action.MANAGE_OWN_TOKENS: _owns,
}

# Actions that a broader action on the same item implies (an admin manages anyone's token).
IMPLIED_BY: dict[Action, Action] = {Action.MANAGE_OWN_TOKENS: Action.MANAGE_ALL_TOKENS}


def can(actor: Principal, action: Action, item: object | None = None) -> bool:
    """May `actor` take `action`, on `item` when one is given?"""
    if not actor.is_active:
        return False
    allowed = MATRIX[actor.role]
    broader = IMPLIED_BY.get(action)
    if broader is not None and broader in allowed:
        return True
    if action not in allowed:
        return False
    rule = ITEM_RULES.get(action)
    return item is None or rule is None or rule(actor, item)


def require(actor: Principal, action: Action, item: object | None = None) -> None:
    """Raise `Forbidden` with a readable reason unless `can(actor, action, item)`."""
    if not can(actor, action, item):
        raise Forbidden(_refusal(actor, action))


def _refusal(actor: Principal, action: Action) -> str:
    if not actor.is_active:
        return _("Your account is deactivated; ask an administrator to reactivate it.")
    return _(
        "Your role ({role}) does not allow this ({action}).",
        role=term(actor.role.value),
        action=action.value,
    )
