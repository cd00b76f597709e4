"""Signing in for a token, token lifecycle, throttling and the error answers."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from prism.db import Database
from tests.conftest import PASSWORD, Cast, Clock, bearer, make_user

PROBLEM = "application/problem+json"


def sign_in(client: TestClient, email: str, password: str = PASSWORD, **extra: object):  # type: ignore[no-untyped-def]
    return client.post("/api/v1/auth/tokens", json={"email": email, "password": password, **extra})


def test_sign_in_returns_a_working_token_shown_once(client: TestClient, cast: Cast) -> None:
    answer = sign_in(client, cast.seller.email.upper())
    assert answer.status_code == 201
    token = answer.json()["token"]
    assert token.startswith("prism_")
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.json()["email"] == cast.seller.email
    listed = client.get("/api/v1/tokens", headers={"Authorization": f"Bearer {token}"}).json()
    assert listed["total"] == 1 and "token" not in listed["items"][0]


def test_wrong_password_and_unknown_email_get_the_same_answer(
    client: TestClient, cast: Cast
) -> None:
    wrong = sign_in(client, cast.seller.email, "not-the-password")
    unknown = sign_in(client, "nobody@example.com", "not-the-password")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.headers["content-type"] == unknown.headers["content-type"] == PROBLEM
    assert wrong.json() == unknown.json()
    assert "traceback" not in wrong.text.lower()


def test_deactivated_account_cannot_sign_in(client: TestClient, cast: Cast) -> None:
    assert sign_in(client, cast.outsider.email).status_code == 401


def test_repeated_failures_are_throttled_then_forgiven(
    committed_client: TestClient, committed_database: Database, clock: Clock
) -> None:
    with committed_database.session_scope() as session:
        email = make_user(session).email
    client = committed_client
    for _ in range(5):
        assert sign_in(client, email, "guess-guess").status_code == 401
    throttled = sign_in(client, email)  # even the right password waits
    assert throttled.status_code == 429
    assert int(throttled.headers["retry-after"]) > 0
    assert sign_in(client, "someone-else@example.com", "x").status_code == 401
    clock.advance(minutes=16)
    assert sign_in(client, email).status_code == 201


def test_expired_and_revoked_tokens_are_refused(
    client: TestClient, session: Session, cast: Cast, clock: Clock
) -> None:
    headers = bearer(session, cast.seller)
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    clock.advance(days=2)
    expired = client.get("/api/v1/me", headers=headers)
    assert expired.status_code == 401 and "expired" in expired.json()["detail"]

    clock.advance(days=-2)
    token_id = client.get("/api/v1/tokens", headers=headers).json()["items"][0]["id"]
    assert client.delete(f"/api/v1/tokens/{token_id}", headers=headers).status_code == 200
    revoked = client.get("/api/v1/me", headers=headers)
    assert revoked.status_code == 401 and "revoked" in revoked.json()["detail"]


def test_people_cannot_revoke_each_others_tokens(
    client: TestClient, session: Session, cast: Cast
) -> None:
    seller, csm, admin = (
        bearer(session, cast.seller),
        bearer(session, cast.csm),
        bearer(session, cast.admin),
    )
    seller_token = client.get("/api/v1/tokens", headers=seller).json()["items"][0]["id"]
    assert client.delete(f"/api/v1/tokens/{seller_token}", headers=csm).status_code == 404
    assert client.get("/api/v1/me", headers=seller).status_code == 200
    assert client.get("/api/v1/tokens", headers=csm).json()["total"] == 1
    assert client.get("/api/v1/tokens", headers=admin).json()["total"] == 3
    assert client.delete(f"/api/v1/tokens/{seller_token}", headers=admin).status_code == 200


def test_read_only_token_cannot_write(client: TestClient, session: Session, cast: Cast) -> None:
    headers = bearer(session, cast.admin, scopes=["read"])
    assert client.get("/api/v1/teams", headers=headers).status_code == 200
    answer = client.post("/api/v1/teams", json={"name": "Partners"}, headers=headers)
    assert answer.status_code == 403 and "read-only" in answer.json()["detail"]


def test_missing_and_malformed_credentials(client: TestClient) -> None:
    assert client.get("/api/v1/me").status_code == 401
    basic = client.get("/api/v1/me", headers={"Authorization": "Basic abc"})
    assert basic.status_code == 401 and "Bearer" in basic.json()["detail"]
    bogus = client.get("/api/v1/me", headers={"Authorization": "Bearer prism_nope"})
    assert bogus.status_code == 401 and bogus.headers["content-type"] == PROBLEM


def test_malformed_json_is_422_with_field_errors(client: TestClient) -> None:
    answer = client.post(
        "/api/v1/auth/tokens", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "body"
    missing = client.post("/api/v1/auth/tokens", json={"email": "a@b.co"})
    assert missing.status_code == 422
    assert [e["field"] for e in missing.json()["errors"]] == ["password"]


def test_unknown_fields_are_rejected(client: TestClient, cast: Cast) -> None:
    answer = sign_in(client, cast.seller.email, is_admin=True)
    assert answer.status_code == 422 and answer.json()["errors"][0]["field"] == "is_admin"


def test_a_body_over_the_limit_is_413(client: TestClient, session: Session, cast: Cast) -> None:
    headers = bearer(session, cast.admin)
    big = b'{"name": "' + b"x" * (2 * 1024 * 1024) + b'"}'
    answer = client.post(
        "/api/v1/teams", content=big, headers={**headers, "content-type": "application/json"}
    )
    assert answer.status_code == 413
    assert answer.headers["content-type"] == PROBLEM
    assert "1 MiB" in answer.json()["detail"]


@pytest.mark.parametrize("kind", ["json", "upload"])
def test_a_chunked_body_over_the_limit_is_413_too(
    client: TestClient, session: Session, cast: Cast, kind: str
) -> None:
    """Without a declared length the body is counted as it streams in; a parser that fails on
    the cut-off body must not turn the answer into a 400."""
    headers = bearer(session, cast.admin)

    def chunks() -> Iterator[bytes]:
        if kind == "json":
            yield b'{"name": "'
        for _ in range(40):
            yield b"x" * 65536
        if kind == "json":
            yield b'"}'

    if kind == "json":
        path, media = "/api/v1/teams", "application/json"
    else:
        path, media = "/api/v1/feedback/import?text=Comment", "multipart/form-data; boundary=b"
    answer = client.post(path, content=chunks(), headers={**headers, "content-type": media})
    assert "content-length" not in answer.request.headers
    assert answer.status_code == 413, answer.text
    assert answer.headers["content-type"] == PROBLEM
    assert "1 MiB" in answer.json()["detail"]


@pytest.mark.parametrize("path", ["/api/v1/search?q=a%00b", "/api/v1/users?q=%00"])
def test_a_nul_in_the_query_string_is_422_naming_the_parameter(
    client: TestClient, session: Session, cast: Cast, path: str
) -> None:
    answer = client.get(path, headers=bearer(session, cast.admin))
    assert answer.status_code == 422, answer.text
    assert answer.json()["errors"][0]["field"] == "query.q"
    page = client.get("/library?q=%00", headers={"accept": "text/html"})
    assert page.status_code == 422


def test_unknown_route_is_a_404_problem(client: TestClient) -> None:
    answer = client.get("/api/v1/no-such-thing")
    assert answer.status_code == 404 and answer.headers["content-type"] == PROBLEM


def test_an_unexpected_failure_is_a_500_problem_without_details(
    client: TestClient, session: Session, cast: Cast
) -> None:
    def broken() -> None:
        raise RuntimeError("secret internals: /etc/prism and a stack")

    client.app.add_api_route("/api/v1/broken", broken)  # type: ignore[attr-defined]
    with TestClient(client.app, raise_server_exceptions=False) as quiet:
        answer = quiet.get("/api/v1/broken")
    assert answer.status_code == 500
    assert answer.headers["content-type"] == PROBLEM
    assert "secret internals" not in answer.text and "Traceback" not in answer.text


def test_last_use_is_recorded_to_the_minute(
    client: TestClient, session: Session, cast: Cast, clock: Clock
) -> None:
    headers = bearer(session, cast.pm)

    def last_used() -> str | None:
        item = client.get("/api/v1/tokens", headers=headers).json()["items"][0]
        return item["last_used_at"]  # type: ignore[no-any-return]

    first = last_used()
    assert first is not None
    clock.advance(seconds=30)
    assert last_used() == first
    clock.advance(minutes=2)
    assert last_used() != first
