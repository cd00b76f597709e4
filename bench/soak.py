"""Soak: `prism serve` under 50 connections of mixed reads and writes for ten minutes on each
backend. Prints, per minute, the requests, errors (5xx and failed connections), 503s and p50/p99
latency, and the server's resident memory at the start and the end (it should stay flat).

Run by `make bench` (not by `make test`); writes bench/results/soak.json. SOAK_SECONDS shortens
the run; SOAK_NEW_SHARE (default 0.5) is the share of writes that add a solution rather than
edit one (0: the data stops growing, so memory that still grows is not the data's);
SOAK_BACKENDS (default "sqlite,postgresql") picks the backends; PRISM_BENCH_DATABASE_URL (or
PRISM_TEST_DATABASE_URL) names a PostgreSQL server.
"""

from __future__ import annotations

import json
import os
import platform
import random
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).parent.parent))
from bench.http_throughput import postgres_database
from tests.served import Served, prepare

RESULTS = Path(__file__).parent / "results"
SECONDS = int(os.environ.get("SOAK_SECONDS", "600"))
CONNECTIONS = 50
WRITE_SHARE = 0.3
NEW_SHARE = float(os.environ.get("SOAK_NEW_SHARE", "0.5"))
BACKENDS = os.environ.get("SOAK_BACKENDS", "sqlite,postgresql").split(",")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def worker(base: str, headers: dict[str, str], ids: list[int], stop: threading.Event,
           seen: list[tuple[float, int, float]], seed: int) -> None:  # fmt: skip
    """One connection: reads (lists, an item, a search) and writes (a new item, an edit)."""
    rng = random.Random(seed)
    with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
        while not stop.is_set():
            start = time.perf_counter()
            try:
                status = one_request(client, rng, ids)
            except httpx.HTTPError:
                status = 0
            seen.append((time.monotonic(), status, time.perf_counter() - start))


def one_request(client: httpx.Client, rng: random.Random, ids: list[int]) -> int:
    if rng.random() >= WRITE_SHARE:
        path = rng.choice(
            ["/api/v1/solutions?limit=20", f"/api/v1/solutions/{rng.choice(ids)}",
             "/api/v1/search?q=patient+data", "/api/v1/users?limit=20"]
        )  # fmt: skip
        return client.get(path).status_code
    if rng.random() < NEW_SHARE:
        made = client.post("/api/v1/solutions", json={"title": f"Soak {uuid.uuid4().hex[:8]}"})
        if made.status_code == 201:
            ids.append(made.json()["id"])
        return made.status_code
    path = f"/api/v1/solutions/{rng.choice(ids)}"
    now = client.get(path)
    if now.status_code != 200:
        return now.status_code
    edit = {"version": now.json()["version"], "summary": f"edited {uuid.uuid4().hex[:6]}"}
    answer = client.patch(path, json=edit).status_code
    return 200 if answer == 409 else answer  # someone else edited it first: a real answer


def soak(label: str, database_url: str) -> dict[str, Any]:
    data_dir = Path(tempfile.mkdtemp(prefix="prism-soak-"))
    token = prepare(data_dir, database_url)
    served = Served(data_dir, database_url).start()
    assert served.process is not None
    headers = {"Authorization": f"Bearer {token}"}
    # The first item embeds, and on a fresh machine that exports the model first: be patient.
    with httpx.Client(base_url=served.url, headers=headers, timeout=300) as client:
        ids = [
            client.post("/api/v1/solutions", json={"title": f"Seed {n}"}).json()["id"]
            for n in range(20)
        ]
    start_rss = rss_mb(served.process.pid)
    seen: list[tuple[float, int, float]] = []
    stop = threading.Event()
    threads = [
        threading.Thread(target=worker, args=(served.url, headers, ids, stop, seen, n))
        for n in range(CONNECTIONS)
    ]
    began = time.monotonic()
    for t in threads:
        t.start()
    memory = [(0, start_rss)]
    while time.monotonic() - began < SECONDS:
        time.sleep(min(10, SECONDS))
        memory.append((round(time.monotonic() - began), rss_mb(served.process.pid)))
    stop.set()
    for t in threads:
        t.join()
    end_rss = rss_mb(served.process.pid)
    served.stop()
    minutes = []
    for m in range(max(1, SECONDS // 60)):
        window = [s for s in seen if began + m * 60 <= s[0] < began + (m + 1) * 60]
        rss = [mb for at, mb in memory if at <= (m + 1) * 60]
        minutes.append(summary(window) | {"minute": m + 1, "rss_mb": round(rss[-1], 1)})
    result = {
        "backend": label,
        "seconds": SECONDS,
        "connections": CONNECTIONS,
        "total": summary(seen),
        "per_minute": minutes,
        "rss_mb": {"start": round(start_rss, 1), "end": round(end_rss, 1)},
        "rss_over_time": memory,
        "solutions_at_end": len(ids),
        "new_share_of_writes": NEW_SHARE,
    }
    t = result["total"]
    print(
        f"{label}: {t['requests']} requests ({t['rps']:.0f}/s), {t['errors']} errors, "
        f"{t['unavailable']} x 503, p50 {t['p50_ms']:.0f} ms, p99 {t['p99_ms']:.0f} ms; "
        f"RSS {start_rss:.0f} -> {end_rss:.0f} MB; {len(ids)} solutions at the end"
    )
    for m in minutes:
        print(f"  minute {m['minute']}: {m['requests']} req, {m['errors']} errors, "
              f"p50 {m['p50_ms']:.0f} ms, p99 {m['p99_ms']:.0f} ms, RSS {m['rss_mb']:.0f} MB")  # fmt: skip
    return result


def summary(window: list[tuple[float, int, float]]) -> dict[str, Any]:
    if not window:
        return {"requests": 0, "errors": 0, "unavailable": 0, "p50_ms": 0, "p99_ms": 0, "rps": 0}
    latencies = sorted(s[2] * 1000 for s in window)
    span = max(window[-1][0] - window[0][0], 1e-9)
    return {
        "requests": len(window),
        "errors": sum(1 for s in window if s[1] == 0 or (s[1] >= 500 and s[1] != 503)),
        "unavailable": sum(1 for s in window if s[1] == 503),
        "p50_ms": statistics.median(latencies),
        "p99_ms": latencies[max(0, int(len(latencies) * 0.99) - 1)],
        "rps": len(window) / span,
    }


def main() -> None:
    results = [soak("sqlite", "")] if "sqlite" in BACKENDS else []
    found = postgres_database() if "postgresql" in BACKENDS else None
    if found is not None:
        url, drop = found
        try:
            results.append(soak("postgresql", url))
        finally:
            drop()
    machine = {"cpus": os.cpu_count(), "python": platform.python_version(), "system": platform.platform()}  # fmt: skip
    RESULTS.mkdir(exist_ok=True)
    out = {"machine": machine, "results": results}
    (RESULTS / "soak.json").write_text(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
