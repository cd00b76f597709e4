"""The floors Prism's authenticated read is measured against, doing the same work (the token
looked up by its digest with its user, users counted, a page of 20 read, JSON out) on the same
database, with nothing else: no dependency injection, no ORM, no permissions.

- `threaded`: plain Starlette, SQLAlchemy Core in the thread pool (either backend).
- `direct`: an async Starlette handler on `sqlite3` directly, on the event loop (SQLite only).

Served by `bench/http_throughput.py` with uvicorn's `--factory`; the database comes from
PRISM_DATABASE_URL.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from typing import Any

from sqlalchemy import create_engine, text
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

TOKEN = text(
    "SELECT u.id, u.role FROM api_tokens t JOIN users u ON u.id = t.user_id "
    "WHERE t.token_hash = :h AND t.revoked_at IS NULL"
)
COUNT = text("SELECT count(*) FROM users")
PAGE = text("SELECT id, email, name, role, team_id, is_active FROM users ORDER BY id LIMIT 20")


def _digest(request: Request) -> str:
    raw = request.headers.get("authorization", "").partition(" ")[2]
    return hashlib.sha256(raw.encode()).hexdigest()


def _answer(count: int, rows: list[Any]) -> Response:
    keys = ("id", "email", "name", "role", "team_id", "is_active")
    items = [dict(zip(keys, row, strict=True)) for row in rows]
    return Response(json.dumps({"items": items, "total": count}), media_type="application/json")


def threaded() -> Starlette:
    engine = create_engine(os.environ["PRISM_DATABASE_URL"], pool_size=40)

    def work(digest: str) -> Response:
        with engine.connect() as connection:
            if connection.execute(TOKEN, {"h": digest}).first() is None:
                return Response(status_code=401)
            count = connection.execute(COUNT).scalar_one()
            return _answer(count, list(connection.execute(PAGE)))

    async def users(request: Request) -> Response:
        return await run_in_threadpool(work, _digest(request))

    return Starlette(routes=[Route("/users", users)])


def direct() -> Starlette:
    path = os.environ["PRISM_DATABASE_URL"].removeprefix("sqlite:///")
    connection = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
    token, count, page = (str(q).replace(":h", "?") for q in (TOKEN, COUNT, PAGE))

    async def users(request: Request) -> Response:
        if connection.execute(token, (_digest(request),)).fetchone() is None:
            return Response(status_code=401)
        return _answer(connection.execute(count).fetchone()[0], connection.execute(page).fetchall())

    return Starlette(routes=[Route("/users", users)])
