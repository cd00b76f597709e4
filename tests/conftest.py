"""Shared fixtures: real SQLite and PostgreSQL databases built by the migrations, a test per
rolled-back transaction, the named cast of people, and an HTTP client on the real app."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event
from sqlalchemy.orm import Session, sessionmaker

import prism.catalog  # noqa: F401
from prism.app import create_app
from prism.auth import passwords
from prism.auth import service as auth_service
from prism.auth.policy import SYSTEM
from prism.auth.schemas import TokenIn
from prism.db import Database, make_engine, utcnow
from prism.migrate import upgrade
from prism.people import service as people_service
from prism.people.models import Role, Team, User
from prism.people.schemas import UserIn
from prism.settings import Settings, normalise_database_url
from tests.pgcluster import new_database

PASSWORD = "correct-horse-battery"

# Real argon2id, with the cost lowered so hundreds of accounts a run stay quick.
passwords._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
BACKENDS = ["sqlite", "postgresql"]
# The signed-in members of the cast, and (who, allowed) for actions only an admin may take.
ROLES = ["admin", "editor", "seller", "csm", "pm"]
ADMIN_ONLY = [(who, who == "admin") for who in ROLES]


def postgres_url() -> str | None:
    url = os.environ.get("PRISM_TEST_DATABASE_URL")
    if not url and os.environ.get("CI"):
        raise RuntimeError("CI must set PRISM_TEST_DATABASE_URL so PostgreSQL is tested")
    return normalise_database_url(url) if url else None


def fresh_engine(backend: str, tmp: Path) -> tuple[Engine, object]:
    """A migrated, empty database of `backend` and a function that removes it."""
    if backend == "sqlite":
        engine = make_engine(f"sqlite:///{tmp / f'{uuid.uuid4().hex}.db'}")
        upgrade(engine)
        return engine, engine.dispose
    server = postgres_url()
    if server is None:
        pytest.skip("PRISM_TEST_DATABASE_URL is not set")
    url, drop_database = new_database(server)
    engine = make_engine(url)
    upgrade(engine)

    def drop() -> None:
        engine.dispose()
        drop_database()

    return engine, drop


@pytest.fixture(scope="session", params=BACKENDS)
def engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    built, remove = fresh_engine(request.param, tmp_path_factory.mktemp("db"))
    yield built
    remove()  # type: ignore[operator]


@pytest.fixture
def database(engine: Engine) -> Iterator[Database]:
    """A Database whose every session joins one outer transaction, rolled back after the test."""
    connection = engine.connect()
    outer = connection.begin()
    db = Database(engine)
    db.sessions = sessionmaker(
        bind=connection,
        expire_on_commit=False,
        join_transaction_mode="create_savepoint",
        info={"database": db},
    )
    yield db
    outer.rollback()
    connection.close()


@pytest.fixture
def statements(database: Database) -> Iterator[list[str]]:
    """Every SQL statement the database runs from now on, as text."""
    seen: list[str] = []

    def watch(*args: object) -> None:
        seen.append(str(args[2]))

    event.listen(database.engine, "before_cursor_execute", watch)
    yield seen
    event.remove(database.engine, "before_cursor_execute", watch)


@pytest.fixture
def session(database: Database) -> Iterator[Session]:
    with database.sessions() as s:
        yield s


class Clock:
    """A clock tests move by hand."""

    def __init__(self) -> None:
        self.now = utcnow()

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", secret_key="test-secret-key", max_upload_mb=1)


@pytest.fixture
def client(settings: Settings, database: Database, clock: Clock) -> Iterator[TestClient]:
    app = create_app(settings, database=database, clock=clock, run_jobs=False)
    with TestClient(app, base_url="http://testserver") as test_client:
        yield test_client


def make_team(session: Session, name: str = "Sales") -> Team:
    team = session.query(Team).filter_by(name=name).one_or_none()
    if team is None:
        team = Team(name=name)
        session.add(team)
        session.flush()
    return team


def make_user(
    session: Session,
    *,
    role: Role = Role.CONTRIBUTOR,
    team: str | None = "Sales",
    email: str | None = None,
    active: bool = True,
) -> User:
    team_id = make_team(session, team).id if team else None
    data = UserIn(
        email=email or f"{role.value}-{uuid.uuid4().hex[:8]}@example.com",
        name=f"Test {role.value.title()}",
        password=PASSWORD,
        role=role,
        team_id=team_id,
    )
    user = people_service.create_user(session, SYSTEM, data)
    user.is_active = active
    session.flush()
    return user


@dataclass
class Cast:
    """The people every permission test uses."""

    admin: User
    editor: User
    seller: User
    csm: User
    pm: User
    outsider: User

    def all(self) -> dict[str, User]:
        return dict(vars(self))


@pytest.fixture
def cast(session: Session) -> Cast:
    people = Cast(
        admin=make_user(session, role=Role.ADMIN, team="Product Ops"),
        editor=make_user(session, role=Role.EDITOR, team="Product Marketing"),
        seller=make_user(session, role=Role.CONTRIBUTOR, team="Sales"),
        csm=make_user(session, role=Role.CONTRIBUTOR, team="Customer Success"),
        pm=make_user(session, role=Role.VIEWER, team="Product"),
        outsider=make_user(session, role=Role.VIEWER, team=None, active=False),
    )
    session.commit()
    return people


def bearer(session: Session, user: User, *, scopes: list[str] | None = None) -> dict[str, str]:
    """Authorization headers with a fresh API token for `user`."""
    _, raw = auth_service.create_token(
        session,
        SYSTEM,
        user=user,
        data=TokenIn(name="test", scopes=scopes or ["read", "write"]),
        now=utcnow(),
        default_days=1,
    )
    session.commit()
    return {"Authorization": f"Bearer {raw}"}


@pytest.fixture
def committed_database(
    request: pytest.FixtureRequest, engine: Engine, tmp_path: Path
) -> Iterator[Database]:
    """A database of the same backend where commits are real, for behaviour that spans several
    transactions (a failure kept while the request rolls back, jobs run by other threads)."""
    backend = engine.dialect.name
    built, remove = fresh_engine("postgresql" if backend == "postgresql" else "sqlite", tmp_path)
    db = Database(built)
    yield db
    remove()  # type: ignore[operator]


@pytest.fixture
def committed_client(
    settings: Settings, committed_database: Database, clock: Clock
) -> Iterator[TestClient]:
    app = create_app(settings, database=committed_database, clock=clock, run_jobs=False)
    with TestClient(app, base_url="http://testserver") as test_client:
        yield test_client
