"""What a request costs in trips to worker threads: a read by a remembered credential runs its
handler, the check of its answer and its commit in one (see `OneTripRoute`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import anyio.to_thread
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.conftest import Cast, bearer


@pytest.fixture
def trips(monkeypatch: pytest.MonkeyPatch) -> list[Callable[..., Any]]:
    """Every function sent to a worker thread from now on."""
    sent: list[Callable[..., Any]] = []
    original = anyio.to_thread.run_sync

    async def counted(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        sent.append(function)
        return await original(function, *args, **kwargs)

    monkeypatch.setattr(anyio.to_thread, "run_sync", counted)
    return sent


def test_a_remembered_read_costs_one_trip(
    client: TestClient, session: Session, cast: Cast, trips: list[Callable[..., Any]]
) -> None:
    headers = bearer(session, cast.admin)
    session.commit()
    assert client.get("/api/v1/users?limit=5", headers=headers).status_code == 200
    assert len(trips) == 2  # the token is looked up, then the handler runs
    trips.clear()
    listed = client.get("/api/v1/users?limit=5", headers=headers)
    assert listed.status_code == 200 and listed.json()["total"] == len(cast.all())
    assert len(trips) == 1
