"""Prism served by `prism serve` in a process of its own, as in production, for the fault suite
and the soak benchmark: it can be killed with SIGKILL and started again on the same data."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from prism.auth import service as auth_service
from prism.auth.policy import SYSTEM
from prism.auth.schemas import TokenIn
from prism.db import utcnow
from prism.demo import company
from prism.migrate import prepare_database
from prism.people import service as people_service
from prism.settings import Settings
from tests.pgcluster import free_port

PRISM = Path(sys.executable).parent / "prism"


def prepare(data_dir: Path, database_url: str = "") -> str:
    """A migrated database holding the demo company's people; an admin's API token for it."""
    settings = Settings(data_dir=data_dir, database_url=database_url, secret_key="served")
    database = prepare_database(settings.prepare())
    with database.session_scope() as session:
        company.load(session)
        admin = people_service.get_user_by_email(session, company.ADMIN_EMAIL)
        data = TokenIn(name="served", scopes=["read", "write"])
        _, raw = auth_service.create_token(
            session, SYSTEM, user=admin, data=data, now=utcnow(), default_days=1
        )
    database.dispose()
    return raw


@dataclass
class Served:
    """One `prism serve` process on `data_dir`; `start` again after `kill` to restart it."""

    data_dir: Path
    database_url: str = ""
    env: dict[str, str] = field(default_factory=dict)
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Served:
        env = {
            **os.environ,
            "PRISM_DATABASE_URL": self.database_url,
            "PRISM_SECRET_KEY": "served",
            **self.env,
        }
        command = [str(PRISM), "serve", "--data-dir", str(self.data_dir), "--port", str(self.port)]
        log = (self.data_dir / "server.log").open("ab")
        self.process = subprocess.Popen(command, env=env, stdout=log, stderr=log)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"prism serve exited: {self.log()[-2000:]}")
            try:
                httpx.get(self.url + "/healthz", timeout=2)  # any answer: up
                return self
            except httpx.TransportError:
                time.sleep(0.1)
        raise RuntimeError(f"prism serve did not start: {self.log()[-2000:]}")

    def kill(self) -> None:
        """SIGKILL: no shutdown, no flushing, as when the machine loses power."""
        if self.process is not None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()

    def log(self) -> str:
        path = self.data_dir / "server.log"
        return path.read_text(errors="replace") if path.exists() else ""
