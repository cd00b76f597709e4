"""A PostgreSQL server for the tests: the one named by `PRISM_TEST_DATABASE_URL`, the local one
on 127.0.0.1:5432, or a throw-away cluster of our own (Debian's `postgresql` binaries, `initdb`
into a temporary folder, a free port), stopped and deleted afterwards.

    python -m tests.pgcluster pytest -n 2 tests    # runs the command with the URL set

Only when no server can be had at all does the command run without one, and it says so in one
loud line (the PostgreSQL half of the suite is then skipped). The fault suite also starts a
cluster of its own to stop and start under load without touching anyone else's server.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

LOCAL = "postgresql://postgres@127.0.0.1:5432/test"


def binaries() -> Path | None:
    """Where Debian put the server's programs (the newest version), if it is installed."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


def reachable(url: str) -> bool:
    """Can we connect to `url` and run a query?"""
    import psycopg

    try:
        with psycopg.connect(url, connect_timeout=3) as connection:
            connection.execute("SELECT 1")
    except psycopg.Error:
        return False
    return True


def new_database(server: str, prefix: str = "prism_test") -> tuple[str, Callable[[], None]]:
    """A new, empty database on `server`: its URL, and a function that drops it."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return make_url(server).set(database=name).render_as_string(hide_password=False), drop


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Cluster:
    """A PostgreSQL cluster in a temporary folder, owned by the `postgres` account when we are
    root (the server refuses to run as root)."""

    def __init__(self) -> None:
        bin_dir = binaries()
        if bin_dir is None:
            raise RuntimeError("PostgreSQL's server programs are not installed")
        self.bin = bin_dir
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="prism-pg-"))
        self.data = self.root / "data"
        self.user = "postgres" if os.geteuid() == 0 else None
        if self.user is not None:
            account = pwd.getpwnam(self.user)
            os.chown(self.root, account.pw_uid, account.pw_gid)
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def start(self) -> None:
        options = f"-p {self.port} -h 127.0.0.1 -k {self.root} -c fsync=off -c max_connections=200"
        log = str(self.root / "server.log")
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", log, "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def remove(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)

    def _run(self, program: str, *args: str) -> None:
        command = [str(self.bin / program), *args]
        if self.user is not None:
            command = ["runuser", "-u", self.user, "--", *command]
        subprocess.run(command, check=True, capture_output=True, cwd=self.root)


def main(command: list[str]) -> int:
    if os.environ.get("PRISM_TEST_DATABASE_URL"):
        return subprocess.call(command)
    if reachable(LOCAL):
        print(f"PostgreSQL: the local server, {LOCAL}", flush=True)
        return subprocess.call(command, env={**os.environ, "PRISM_TEST_DATABASE_URL": LOCAL})
    try:
        cluster = Cluster()
        cluster.start()
    except (RuntimeError, subprocess.CalledProcessError, OSError) as exc:
        print(
            f"\n*** PostgreSQL tests SKIPPED: no server at {LOCAL} and none could be started "
            f"({exc}). Install Debian's `postgresql` package to run them. ***\n",
            flush=True,
        )
        return subprocess.call(command)
    try:
        print(f"PostgreSQL: a throw-away cluster at {cluster.url}", flush=True)
        time.sleep(0.2)
        return subprocess.call(command, env={**os.environ, "PRISM_TEST_DATABASE_URL": cluster.url})
    finally:
        cluster.remove()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
