"""The people API for every role: who may list, create and change users and teams."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from prism.audit.models import AuditEvent
from prism.people.models import Team, User
from tests.conftest import ADMIN_ONLY, PASSWORD, ROLES, Cast, bearer
from tests.web.test_pages import csrf_from, sign_in


@pytest.fixture
def headers(session: Session, cast: Cast) -> dict[str, dict[str, str]]:
    return {name: bearer(session, user) for name, user in cast.all().items() if name != "outsider"}


@pytest.mark.parametrize("who", ROLES)
def test_everyone_signed_in_reads_the_directory(
    client: TestClient, headers: dict[str, dict[str, str]], who: str
) -> None:
    users = client.get("/api/v1/users", headers=headers[who])
    assert users.status_code == 200 and users.json()["total"] == 6
    assert client.get("/api/v1/teams", headers=headers[who]).status_code == 200


def test_the_outsider_reads_nothing(client: TestClient, session: Session, cast: Cast) -> None:
    assert client.get("/api/v1/users").status_code == 401
    # A deactivated account's token stops working too.
    cast.outsider.is_active = True
    session.flush()
    outsider = bearer(session, cast.outsider)
    cast.outsider.is_active = False
    session.commit()
    answer = client.get("/api/v1/users", headers=outsider)
    assert answer.status_code == 401 and "deactivated" in answer.json()["detail"]


@pytest.mark.parametrize(("who", "allowed"), ADMIN_ONLY)
def test_only_admins_create_users(
    client: TestClient, headers: dict[str, dict[str, str]], who: str, allowed: bool
) -> None:
    body = {"email": f"new-{who}@example.com", "name": "New Person", "password": "long-enough-1"}
    answer = client.post("/api/v1/users", json=body, headers=headers[who])
    assert answer.status_code == (201 if allowed else 403)
    if not allowed:
        assert answer.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(("who", "allowed"), ADMIN_ONLY)
def test_only_admins_manage_teams(
    client: TestClient, headers: dict[str, dict[str, str]], who: str, allowed: bool
) -> None:
    created = client.post("/api/v1/teams", json={"name": f"Partners {who}"}, headers=headers[who])
    assert created.status_code == (201 if allowed else 403)
    team = client.get("/api/v1/teams?limit=1", headers=headers[who]).json()["items"][0]
    renamed = client.patch(
        f"/api/v1/teams/{team['id']}",
        json={"version": team["version"], "name": "Renamed"},
        headers=headers[who],
    )
    assert renamed.status_code == (200 if allowed else 403)


@pytest.mark.parametrize(("who", "allowed"), ADMIN_ONLY)
def test_only_admins_read_the_audit_log(
    client: TestClient, headers: dict[str, dict[str, str]], who: str, allowed: bool
) -> None:
    assert client.get("/api/v1/audit", headers=headers[who]).status_code == (
        200 if allowed else 403
    )


def test_create_user_then_duplicate_is_409(
    client: TestClient, headers: dict[str, dict[str, str]]
) -> None:
    body = {
        "email": "Dup@Example.com",
        "name": "Dup",
        "password": "long-enough-1",
        "role": "editor",
    }
    first = client.post("/api/v1/users", json=body, headers=headers["admin"])
    assert first.status_code == 201
    assert first.json()["email"] == "dup@example.com" and "password" not in first.text
    again = client.post(
        "/api/v1/users", json={**body, "email": "dup@example.com"}, headers=headers["admin"]
    )
    assert again.status_code == 409 and "already an account" in again.json()["detail"]


def test_a_bad_team_leaves_nothing_half_written(
    client: TestClient, session: Session, headers: dict[str, dict[str, str]]
) -> None:
    users_before = session.scalar(select(func.count()).select_from(User))
    audit_before = session.scalar(select(func.count()).select_from(AuditEvent))
    body = {
        "email": "ghost@example.com",
        "name": "Ghost",
        "password": "long-enough-1",
        "team_id": 999999,
    }
    answer = client.post("/api/v1/users", json=body, headers=headers["admin"])
    assert answer.status_code == 422 and "No team 999999" in answer.json()["detail"]
    assert session.scalar(select(func.count()).select_from(User)) == users_before
    assert session.scalar(select(func.count()).select_from(AuditEvent)) == audit_before


def test_stale_version_is_409_and_nothing_changes(
    client: TestClient, session: Session, cast: Cast, headers: dict[str, dict[str, str]]
) -> None:
    url = f"/api/v1/users/{cast.seller.id}"
    current = client.get(url, headers=headers["admin"]).json()
    first = client.patch(
        url, json={"version": current["version"], "name": "Sam First"}, headers=headers["admin"]
    )
    assert first.status_code == 200 and first.json()["version"] == current["version"] + 1
    stale = client.patch(
        url, json={"version": current["version"], "name": "Sam Second"}, headers=headers["admin"]
    )
    assert stale.status_code == 409
    assert client.get(url, headers=headers["admin"]).json()["name"] == "Sam First"


def test_admin_cannot_lock_themselves_out(
    client: TestClient, cast: Cast, headers: dict[str, dict[str, str]]
) -> None:
    url = f"/api/v1/users/{cast.admin.id}"
    version = client.get(url, headers=headers["admin"]).json()["version"]
    answer = client.patch(
        url, json={"version": version, "role": "viewer"}, headers=headers["admin"]
    )
    assert answer.status_code == 409


def test_team_with_members_cannot_be_deleted(
    client: TestClient, session: Session, cast: Cast, headers: dict[str, dict[str, str]]
) -> None:
    sales = session.scalar(select(Team).where(Team.name == "Sales"))
    assert sales is not None
    answer = client.delete(f"/api/v1/teams/{sales.id}", headers=headers["admin"])
    assert answer.status_code == 409 and "member" in answer.json()["detail"]
    empty = client.post(
        "/api/v1/teams", json={"name": "Alliances"}, headers=headers["admin"]
    ).json()
    assert (
        client.delete(f"/api/v1/teams/{empty['id']}", headers=headers["admin"]).status_code == 204
    )


def test_lists_paginate_with_a_cursor(
    client: TestClient, headers: dict[str, dict[str, str]]
) -> None:
    seen: list[int] = []
    cursor = ""
    while True:
        page = client.get(f"/api/v1/users?limit=4{cursor}", headers=headers["pm"]).json()
        assert page["total"] == 6
        seen += [u["id"] for u in page["items"]]
        if page["next_cursor"] is None:
            break
        cursor = f"&cursor={page['next_cursor']}"
    assert len(seen) == len(set(seen)) == 6
    bad = client.get("/api/v1/users?cursor=!!", headers=headers["pm"])
    assert bad.status_code == 422


def test_people_change_their_own_password_only(
    client: TestClient, cast: Cast, headers: dict[str, dict[str, str]]
) -> None:
    url = f"/api/v1/users/{cast.seller.id}/password"
    guessed = client.put(
        url,
        json={"password": "a-new-secret", "current_password": "guess"},
        headers=headers["seller"],
    )
    assert guessed.status_code == 422 and guessed.json()["errors"][0]["field"] == "current_password"
    own = client.put(
        url,
        json={"password": "a-new-secret", "current_password": PASSWORD},
        headers=headers["seller"],
    )
    assert own.status_code == 204
    signed_in = client.post(
        "/api/v1/auth/tokens", json={"email": cast.seller.email, "password": "a-new-secret"}
    )
    assert signed_in.status_code == 201
    other = client.put(
        f"/api/v1/users/{cast.csm.id}/password",
        json={"password": "a-new-secret"},
        headers={"Authorization": f"Bearer {signed_in.json()['token']}"},
    )
    assert other.status_code == 403


def browser(client: TestClient, email: str, password: str = PASSWORD) -> TestClient:
    """A second browser: its own cookies, signed in as `email`."""
    other = TestClient(client.app, base_url="http://testserver")
    assert sign_in(other, email, password).status_code == 303
    return other


def signed_in(browser: TestClient) -> bool:
    return browser.get("/account", follow_redirects=False).status_code == 200


def test_a_new_password_signs_out_every_other_browser_and_revokes_every_token(
    client: TestClient, session: Session, cast: Cast
) -> None:
    here = browser(client, cast.seller.email)
    elsewhere = browser(client, cast.seller.email)
    token = bearer(session, cast.seller)
    colleague = browser(client, cast.csm.email)
    form = {
        "current_password": PASSWORD,
        "password": "a-new-secret-1",
        "csrf_token": csrf_from(here.get("/account").text),
    }
    changed = here.post("/account/password", data=form)
    assert changed.status_code == 200 and "Password changed." in changed.text
    assert signed_in(here), "the browser that changed it stays signed in"
    assert not signed_in(elsewhere)
    assert client.get("/api/v1/me", headers=token).status_code == 401
    assert signed_in(colleague), "nobody else is signed out"


def test_an_admin_reset_and_a_deactivation_end_every_session_and_token(
    client: TestClient, session: Session, cast: Cast
) -> None:
    admin = bearer(session, cast.admin)
    reset_browser, reset_token = browser(client, cast.seller.email), bearer(session, cast.seller)
    reset = client.put(
        f"/api/v1/users/{cast.seller.id}/password",
        json={"password": "set-by-admin-1"},
        headers=admin,
    )
    assert reset.status_code == 204
    assert not signed_in(reset_browser)
    assert client.get("/api/v1/me", headers=reset_token).status_code == 401

    gone_browser, gone_token = browser(client, cast.csm.email), bearer(session, cast.csm)
    url = f"/api/v1/users/{cast.csm.id}"
    version = client.get(url, headers=admin).json()["version"]
    off = client.patch(url, json={"version": version, "is_active": False}, headers=admin)
    assert off.status_code == 200, off.text
    on = client.patch(
        url, json={"version": off.json()["version"], "is_active": True}, headers=admin
    )
    assert on.status_code == 200, on.text
    assert not signed_in(gone_browser), "reactivating someone does not revive old sessions"
    assert client.get("/api/v1/me", headers=gone_token).status_code == 401


def test_guessing_the_current_password_is_locked_out_like_signing_in(
    client: TestClient, session: Session, cast: Cast
) -> None:
    headers = bearer(session, cast.seller)
    url = f"/api/v1/users/{cast.seller.id}/password"
    answers = [
        client.put(
            url,
            json={"password": "a-new-secret", "current_password": f"guess-{n}"},
            headers=headers,
        ).status_code
        for n in range(12)
    ]
    assert answers == [422] * 5 + [429] * 7
    right = client.put(
        url, json={"password": "a-new-secret", "current_password": PASSWORD}, headers=headers
    )
    assert right.status_code == 429 and right.headers["retry-after"] == "900"
    login = client.post(
        "/api/v1/auth/tokens", json={"email": cast.seller.email, "password": PASSWORD}
    )
    assert login.status_code == 429, "the same lockout as signing in"
