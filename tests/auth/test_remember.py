"""Who a credential belongs to is remembered for a few seconds, and forgotten at once when any
credential or account changes: in this process, and in another one working on the same
database (SQLite's epoch file, PostgreSQL's NOTIFY)."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from prism import epochs
from prism.auth.models import ApiToken
from prism.auth.remember import EPOCH, CredentialMemory
from prism.db import Database, utcnow
from prism.people.models import Role, User
from prism.web.deps import Found
from tests.conftest import BACKENDS, Cast, Clock, bearer, fresh_engine, make_team, make_user
from tests.web.test_pages import sign_in


def looked_up(statements: list[str], table: str = "") -> list[str]:
    """The statements that looked a credential up (of `table`'s, if given)."""
    tables = (table,) if table else ("api_tokens", "web_sessions")
    return [
        s for s in statements if s.startswith("SELECT") and any(f"FROM {t}" in s for t in tables)
    ]


def test_a_token_is_looked_up_once_then_remembered(
    client: TestClient, session: Session, cast: Cast, statements: list[str]
) -> None:
    headers = bearer(session, cast.seller)
    session.commit()
    statements.clear()
    for _ in range(3):
        assert client.get("/api/v1/me", headers=headers).json()["email"] == cast.seller.email
    assert len(looked_up(statements)) == 1


def test_a_browser_session_is_remembered_too(
    client: TestClient, cast: Cast, statements: list[str]
) -> None:
    assert sign_in(client, cast.editor.email).status_code == 303
    statements.clear()
    for _ in range(3):
        assert client.get("/", follow_redirects=False).status_code == 200
    assert len(looked_up(statements, "web_sessions")) == 1


def test_revoking_a_token_stops_it_at_the_next_request(
    client: TestClient, session: Session, cast: Cast
) -> None:
    headers = bearer(session, cast.seller)
    session.commit()
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    token_id = client.get("/api/v1/tokens", headers=headers).json()["items"][0]["id"]
    assert client.delete(f"/api/v1/tokens/{token_id}", headers=headers).status_code == 200
    answer = client.get("/api/v1/me", headers=headers)
    assert answer.status_code == 401 and "revoked" in answer.json()["detail"]


@pytest.mark.parametrize(
    "change",
    ["deactivate", "role", "team", "password"],
)
def test_a_change_to_the_account_is_seen_at_the_next_request(
    client: TestClient, session: Session, cast: Cast, change: str
) -> None:
    """A change made anywhere (here: straight in the database, as a CLI or another process
    would) is seen at once, not after the few seconds an answer is remembered."""
    headers = bearer(session, cast.seller)
    session.commit()
    assert client.get("/api/v1/me", headers=headers).json()["role"] == "contributor"
    seller = session.get(User, cast.seller.id)
    assert seller is not None
    if change == "deactivate":
        seller.is_active = False
    elif change == "role":
        seller.role = Role.EDITOR
    elif change == "team":
        seller.team_id = make_team(session, "Marketing").id
    else:
        seller.password_hash = "changed"
        for token in session.scalars(select(ApiToken).where(ApiToken.user_id == seller.id)):
            token.revoked_at = utcnow()
    session.commit()
    answer = client.get("/api/v1/me", headers=headers)
    if change in ("deactivate", "password"):
        assert answer.status_code == 401
    elif change == "role":
        assert answer.json()["role"] == "editor"
    else:
        assert answer.json()["team_id"] == seller.team_id


def test_noting_when_a_token_was_used_forgets_nothing(
    client: TestClient, session: Session, cast: Cast, clock: Clock, statements: list[str]
) -> None:
    """Bookkeeping (last use, last sign-in) is not a change to who may do what."""
    headers = bearer(session, cast.pm)
    session.commit()
    epoch = epochs.epoch_of(session.info["database"], EPOCH).read()
    client.get("/api/v1/me", headers=headers)
    assert epochs.epoch_of(session.info["database"], EPOCH).read() == epoch
    assert session.scalar(select(ApiToken.last_used_at)) is not None


def test_an_answer_is_remembered_for_a_few_seconds_only(
    client: TestClient, session: Session, cast: Cast, clock: Clock, statements: list[str]
) -> None:
    headers = bearer(session, cast.pm)
    session.commit()
    client.get("/api/v1/me", headers=headers)
    clock.advance(seconds=10)
    client.get("/api/v1/me", headers=headers)
    assert len(looked_up(statements, "api_tokens")) == 2


def test_an_expired_token_is_refused_even_while_remembered(
    client: TestClient, session: Session, cast: Cast, clock: Clock
) -> None:
    headers = bearer(session, cast.pm)
    session.commit()
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    token = session.scalars(select(ApiToken)).one()
    clock.now = token.expires_at
    answer = client.get("/api/v1/me", headers=headers)
    assert answer.status_code == 401 and "expired" in answer.json()["detail"]


@pytest.fixture(params=BACKENDS)
def two_processes(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[Database, Database]]:
    """Two Database objects on one committed database, as two processes would hold."""
    engine, remove = fresh_engine(request.param, tmp_path)
    url = engine.url.render_as_string(hide_password=False)
    here, there = Database(engine), Database.from_url(url)
    yield here, there
    there.dispose()
    remove()  # type: ignore[operator]


def test_a_change_in_another_process_is_seen(two_processes: tuple[Database, Database]) -> None:
    here, there = two_processes
    memory = CredentialMemory(here)
    epochs.start(here)
    try:
        with here.session_scope() as session:
            user = make_user(session, role=Role.EDITOR)
            user_id = user.id
        deadline = time.monotonic() + 10
        while memory.epoch.read() is None and time.monotonic() < deadline:
            time.sleep(0.01)  # PostgreSQL: the listening connection is being opened
        now = utcnow()
        with here.session_scope(writes=False) as session:
            found = session.get(User, user_id)
            assert found is not None
            later = now.replace(year=now.year + 1)
            memory.remember("k", Found(found, None, later), epoch=memory.epoch.read(), now=now)
        assert memory.recall("k", now=now) is not None
        with there.session_scope() as session:
            changed = session.get(User, user_id)
            assert changed is not None
            changed.role = Role.VIEWER
        # SQLite: seen at once (the file grew before `there` returned). PostgreSQL: when the
        # notice arrives, a few milliseconds after the commit.
        deadline = time.monotonic() + 5
        while memory.recall("k", now=now) is not None and time.monotonic() < deadline:
            time.sleep(0.001)
        assert memory.recall("k", now=now) is None
    finally:
        epochs.stop(here)


def test_nothing_is_remembered_while_changes_cannot_be_heard(
    two_processes: tuple[Database, Database],
) -> None:
    here, _ = two_processes
    if here.is_sqlite:
        pytest.skip("SQLite's epoch is a file beside the database: there is always one to read")
    memory = CredentialMemory(here)  # not started: nobody is listening for NOTIFY
    assert memory.epoch.read() is None
    with here.session_scope() as session:
        user = make_user(session)
        now = utcnow()
        later = now.replace(year=now.year + 1)
        memory.remember("k", Found(user, None, later), epoch=memory.epoch.read(), now=now)
    assert memory.recall("k", now=now) is None


def test_every_process_that_loads_prism_moves_the_epochs() -> None:
    """A CLI or worker process loads the catalog, not the web app: its changes must still move
    the epochs the web processes read."""
    loaded = subprocess.run(
        [
            sys.executable,
            "-c",
            "import prism.catalog, prism.epochs as e; print(sorted(e._watches))",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert loaded.stdout.strip() == "['analytics', 'credentials']"
