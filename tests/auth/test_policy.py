"""The permission matrix, for every role and every action that exists."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from prism.auth.policy import SYSTEM, Action, can, require
from prism.errors import Forbidden
from prism.people.models import Role

A = Action
# Written out by hand from the matrix, so a change to the policy must change this too.
VIEWER = {
    A.READ_PUBLISHED,
    A.READ_DIRECTORY,
    A.MANAGE_OWN_TOKENS,
    A.READ_LAUNCHES,
    A.READ_ACCOUNTS,
    A.ANSWER_SURVEYS,
    A.READ_FEEDBACK,
    A.READ_ANALYTICS,
}
CONTRIBUTOR = VIEWER | {
    A.PROPOSE_CONTENT,
    A.SUBMIT_FEEDBACK,
    A.TAKE_TRAINING,
    A.BUILD_KITS,
    A.SHARE_WITH_BUYERS,
}
EDITOR = CONTRIBUTOR | {
    A.READ_DRAFTS,
    A.EDIT_CONTENT,
    A.PUBLISH_CONTENT,
    A.CURATE_KITS,
    A.RUN_LAUNCHES,
    A.MANAGE_ACCOUNTS,
    A.TRIAGE_FEEDBACK,
    A.MANAGE_TRAINING,
    A.READ_JOBS,
    A.MANAGE_PRICING,
}
EXPECTED: dict[Role, set[Action]] = {
    Role.ADMIN: set(Action),
    Role.EDITOR: EDITOR,
    Role.CONTRIBUTOR: CONTRIBUTOR,
    Role.VIEWER: VIEWER,
}


def person(role: Role, *, active: bool = True, user_id: int = 7) -> SimpleNamespace:
    return SimpleNamespace(id=user_id, role=role, is_active=active, email=f"{role}@x.test")


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("action", list(Action))
def test_every_role_and_action(role: Role, action: Action) -> None:
    assert can(person(role), action) is (action in EXPECTED[role])


@pytest.mark.parametrize("role", list(Role))
def test_deactivated_people_may_do_nothing(role: Role) -> None:
    nobody = person(role, active=False)
    assert not any(can(nobody, action) for action in Action)
    with pytest.raises(Forbidden, match="deactivated"):
        require(nobody, Action.READ_PUBLISHED)


def test_refusal_names_the_role_and_action() -> None:
    with pytest.raises(Forbidden, match=r"viewer.*people.manage_users"):
        require(person(Role.VIEWER), Action.MANAGE_USERS)


@pytest.mark.parametrize("role", [Role.EDITOR, Role.CONTRIBUTOR, Role.VIEWER])
def test_people_manage_their_own_tokens_only(role: Role) -> None:
    own, other = SimpleNamespace(user_id=7), SimpleNamespace(user_id=8)
    assert can(person(role), Action.MANAGE_OWN_TOKENS, own)
    assert not can(person(role), Action.MANAGE_OWN_TOKENS, other)


def test_admins_and_the_system_manage_anyones_token() -> None:
    other = SimpleNamespace(user_id=8)
    assert can(person(Role.ADMIN), Action.MANAGE_OWN_TOKENS, other)
    assert can(SYSTEM, Action.MANAGE_OWN_TOKENS, other)
