"""Many people at once on the embedded SQLite database: no request fails for lack of the lock.

A regression test for "database is locked": reads that note a token's first use and writes that
arrive together must all succeed against a real server.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
import uvicorn

from prism.app import create_app
from prism.auth import service as auth_service
from prism.auth.policy import SYSTEM
from prism.auth.schemas import TokenIn
from prism.db import utcnow
from prism.migrate import prepare_database
from prism.people.models import Role
from prism.settings import Settings
from tests.conftest import make_user
from tests.pgcluster import free_port


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, list[str]]]:
    settings = Settings(data_dir=tmp_path).prepare()
    database = prepare_database(settings)
    tokens = []
    with database.session_scope() as session:
        for _ in range(20):
            user = make_user(session, role=Role.ADMIN, team=None)
            _, raw = auth_service.create_token(
                session, SYSTEM, user=user, data=TokenIn(name="load"), now=utcnow(), default_days=1
            )
            tokens.append(raw)
    database.dispose()
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        threading.Event().wait(0.05)
    yield f"http://127.0.0.1:{port}", tokens
    server.should_exit = True
    thread.join(timeout=10)


def test_concurrent_reads_and_writes_all_succeed(served: tuple[str, list[str]]) -> None:
    base, tokens = served

    def call(n: int) -> int:
        headers = {"Authorization": f"Bearer {tokens[n % len(tokens)]}"}
        with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
            if n % 4 == 0:
                return client.post("/api/v1/teams", json={"name": f"Team {n}"}).status_code
            return client.get("/api/v1/users?limit=5").status_code

    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = list(pool.map(call, range(200)))
    assert sorted(set(statuses)) == [200, 201]
    assert statuses.count(201) == 50
