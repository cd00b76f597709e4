"""A scratch database for a benchmark run: a SQLite file in a temp directory, or a database
created on the PostgreSQL server named by PRISM_TEST_DATABASE_URL and dropped afterwards."""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


@contextmanager
def scratch_database(backend: str, prefix: str) -> Iterator[str]:
    """The URL of an empty database of `backend`, removed when the block ends."""
    if backend == "sqlite":
        folder = tempfile.mkdtemp(prefix=f"{prefix}-")
        try:
            yield f"sqlite:///{folder}/bench.db"
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return
    server = os.environ.get("PRISM_TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test")
    server = server.replace("postgresql://", "postgresql+psycopg://", 1)
    name = f"{prefix.replace('-', '_')}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
