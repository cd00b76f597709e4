"""Requests per second and p50/p99 latency of Prism's /healthz and an authenticated read
endpoint at 50 concurrent connections (wrk), beside a bare ASGI app on the same server and, on
the same database in the same run, the floors of the authenticated read (`bench/floor_apps.py`:
the same work on plain Starlette with SQLAlchemy Core in the thread pool, and on `sqlite3`
directly in an async handler).

Run by `make bench`; prints a table and writes bench/results/http_throughput.json. Set
PRISM_BENCH_DATABASE_URL (or PRISM_TEST_DATABASE_URL) to a PostgreSQL server to measure it too.
"""

from __future__ import annotations

import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from urllib.error import HTTPError
from urllib.request import urlopen

sys.path.insert(0, str(Path(__file__).parent.parent))
from tests.pgcluster import free_port, new_database

HERE = Path(__file__).parent
RESULTS = HERE / "results"
DURATION = os.environ.get("BENCH_DURATION", "10s")
CONNECTIONS = 50
WORKERS = 2
THREADS = 2


def serve(
    target: str, env: dict[str, str], *, factory: bool, workers: int = 1
) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        target,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--no-access-log",
        "--log-level",
        "warning",
    ]
    if factory:
        command.append("--factory")
    if workers > 1:
        command += ["--workers", str(workers)]
    process = subprocess.Popen(command, env={**os.environ, **env}, cwd=HERE.parent)
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            with urlopen(base + ("/healthz" if "prism" in target else "/"), timeout=1):
                return process, base
        except HTTPError:
            return process, base  # up, and answering
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError(f"{target} did not start")


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def wrk(url: str, headers: dict[str, str] | None = None) -> dict[str, float]:
    command = ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{DURATION}", "--latency", url]
    for name, value in (headers or {}).items():
        command[1:1] = ["-H", f"{name}: {value}"]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "rps": rps,
        "p50_ms": _latency(output, "50%"),
        "p99_ms": _latency(output, "99%"),
        "non_2xx": float(errors.group(1)) if errors else 0.0,
    }


def _latency(output: str, percentile: str) -> float:
    value, unit = re.search(rf"{percentile}\s+([\d.]+)(us|ms|s)", output).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def prepare(database_url: str, data_dir: Path) -> str:
    """Load the demo company and return an admin API token."""
    from prism.auth import service as auth_service
    from prism.auth.policy import SYSTEM
    from prism.auth.schemas import TokenIn
    from prism.db import utcnow
    from prism.demo import company
    from prism.migrate import prepare_database
    from prism.people import service as people_service
    from prism.settings import Settings

    settings = Settings(data_dir=data_dir, database_url=database_url).prepare()
    database = prepare_database(settings)
    with database.session_scope() as session:
        company.load(session)
        admin = people_service.get_user_by_email(session, company.ADMIN_EMAIL)
        _, raw = auth_service.create_token(
            session,
            SYSTEM,
            user=admin,
            data=TokenIn(name="bench", scopes=["read"]),
            now=utcnow(),
            default_days=1,
        )
    database.dispose()
    return raw


def measure_prism(
    label: str, database_url: str, hello: dict[str, float]
) -> list[dict[str, object]]:
    """Prism's figures on `database_url`, then its floors' on the same data; on PostgreSQL
    also Prism with `WORKERS` processes (SQLite's one writer makes that pointless there)."""
    data_dir = Path(tempfile.mkdtemp(prefix="prism-bench-"))
    token = prepare(database_url, data_dir)
    env = {"PRISM_DATA_DIR": str(data_dir), "PRISM_DATABASE_URL": database_url}
    auth = {"Authorization": f"Bearer {token}"}
    users = "/api/v1/users?limit=20"
    runs: list[tuple[str, str, int, list[tuple[str, str, dict[str, str] | None]]]] = [
        (
            "prism.serving:app",
            "",
            1,
            [("/healthz", "/healthz", None), (f"GET {users}", users, auth)],
        )
    ]
    if not database_url.startswith("sqlite"):
        runs.append(
            ("prism.serving:app", f", {WORKERS} workers", WORKERS, [(f"GET {users}", users, auth)])
        )
    runs.append(("bench.floor_apps:threaded", "", 1, [("floor: users, threaded", "/users", auth)]))
    if database_url.startswith("sqlite"):
        runs.append(("bench.floor_apps:direct", "", 1, [("floor: users, direct", "/users", auth)]))
    rows: list[dict[str, object]] = []
    try:
        for target, suffix, workers, endpoints in runs:
            process, base = serve(target, env, factory=True, workers=workers)
            try:
                for name, path, headers in endpoints:
                    figures = wrk(base + path, headers)
                    rows.append(
                        {
                            "backend": label,
                            "endpoint": name + suffix,
                            **figures,
                            "ratio_to_bare": round(figures["rps"] / hello["rps"], 3),
                        }
                    )
            finally:
                stop(process)
        return rows
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


def postgres_database() -> tuple[str, Callable[[], None]] | None:
    """A throw-away database on PRISM_BENCH_DATABASE_URL (or PRISM_TEST_DATABASE_URL), if set."""
    server = os.environ.get("PRISM_BENCH_DATABASE_URL") or os.environ.get("PRISM_TEST_DATABASE_URL")
    if not server:
        return None
    return new_database(server.replace("postgresql://", "postgresql+psycopg://", 1), "prism_bench")


def main() -> None:
    hello_process, hello_base = serve("bench.hello_app:app", {}, factory=False)
    try:
        hello = wrk(hello_base + "/")
    finally:
        stop(hello_process)
    rows: list[dict[str, object]] = [
        {"backend": "-", "endpoint": "bare ASGI hello", **hello, "ratio_to_bare": 1.0}
    ]
    sqlite_dir = Path(tempfile.mkdtemp(prefix="prism-bench-sqlite-"))
    rows += measure_prism("sqlite", f"sqlite:///{sqlite_dir / 'prism.db'}", hello)
    if (pg := postgres_database()) is not None:
        url, drop = pg
        try:
            rows += measure_prism("postgresql", url, hello)
        finally:
            drop()
    report(rows)


def report(rows: list[dict[str, object]]) -> None:
    print(
        f"wrk -t{THREADS} -c{CONNECTIONS} -d{DURATION}, one uvicorn process each, {os.cpu_count()} cores"
    )
    print(
        f"{'backend':<11} {'endpoint':<40} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'x bare':>7} {'non-2xx':>8}"
    )
    for r in rows:
        print(
            f"{r['backend']:<11} {r['endpoint']:<40} {r['rps']:>9.0f} {r['p50_ms']:>8.2f} "
            f"{r['p99_ms']:>8.2f} {r['ratio_to_bare']:>7.3f} {r['non_2xx']:>8.0f}"
        )
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / "http_throughput.json"
    machine = {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }
    out.write_text(
        json.dumps(
            {"duration": DURATION, "connections": CONNECTIONS, "machine": machine, "rows": rows},
            indent=2,
        )
    )
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
