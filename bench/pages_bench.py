"""Server time of the main pages on the demo company, first visit included.

Loads the demo (`prism demo --no-serve`) into a scratch data directory on SQLite, builds the app
in this process as `prism serve` does (start-up warms the templates and the sentence model) and,
for each role's main pages, times the first request (nothing of that page cached yet) and then
`--repeats` more, through the ASGI app (no network, no browser).

    python bench/pages_bench.py [--repeats 20] [--data-dir DIR]

Writes bench/results/pages.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from prism.app import create_app
from prism.demo import company
from prism.serving import warm_up
from prism.settings import Settings

RESULTS = Path(__file__).parent / "results"
PAGES = {
    "ada.admin": ["/", "/library", "/analytics", "/launches", "/admin/users", "/admin/audit"],
    "sam.carter": ["/", "/deals", "/toolkits", "/shares", "/training", "/search?q=patient+data"],
    "priya.raman": ["/", "/library/health", "/launches/calendar", "/roadmap", "/feedback"],
    "grace.kim": ["/", "/feedback/digest", "/win-loss", "/accounts"],
}


def machine() -> dict[str, Any]:
    return {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "system": platform.platform(),
        "processor": platform.processor() or platform.machine(),
    }


def load_demo(data_dir: Path) -> None:
    if (data_dir / "prism.db").exists():
        return
    prism = Path(sys.executable).with_name("prism")
    subprocess.run(
        [str(prism), "demo", "--no-serve", "--data-dir", str(data_dir)],
        check=True,
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
        stdout=subprocess.DEVNULL,
    )


def sign_in(client: TestClient, who: str) -> None:
    form = client.get("/login").text
    token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', form)
    assert token, "the sign-in page has no CSRF token"
    answer = client.post(
        "/login",
        data={
            "email": f"{who}@helio.example",
            "password": company.PASSWORD,
            "next": "/",
            "csrf_token": token.group(1),
        },
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text


def timed(client: TestClient, path: str) -> float:
    start = time.perf_counter()
    answer = client.get(path)
    elapsed = (time.perf_counter() - start) * 1000
    assert answer.status_code == 200, (path, answer.status_code)
    return elapsed


def p95(values: list[float]) -> float:
    return (
        statistics.quantiles(values, n=20, method="inclusive")[18] if len(values) > 1 else values[0]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--data-dir", type=Path, default=None)
    args = parser.parse_args()
    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="prism-pages-"))
    load_demo(data_dir)
    app = create_app(Settings(data_dir=data_dir), run_jobs=False)
    warm_up().join()  # as `prism serve` does at start-up
    rows: list[dict[str, Any]] = []
    every: list[float] = []
    with TestClient(app, base_url="http://testserver") as client:
        for who, paths in PAGES.items():
            client.cookies.clear()
            sign_in(client, who)
            for path in paths:
                first = timed(client, path)
                warm = [timed(client, path) for _ in range(args.repeats)]
                every += [first, *warm]
                row = {
                    "who": who,
                    "page": path,
                    "first_ms": round(first, 1),
                    "p50_ms": round(statistics.median(warm), 1),
                    "p95_ms": round(p95(warm), 1),
                }
                rows.append(row)
                print(
                    f"{who:12} {path:28} first {first:7.1f} ms   "
                    f"p50 {row['p50_ms']:6.1f} ms   p95 {row['p95_ms']:6.1f} ms"
                )
    summary = {
        "requests": len(every),
        "p50_ms": round(statistics.median(every), 1),
        "p95_ms": round(p95(every), 1),
        "slowest_first_ms": max(r["first_ms"] for r in rows),
    }
    print(
        f"all pages, first visits included: p50 {summary['p50_ms']} ms, "
        f"p95 {summary['p95_ms']} ms, slowest first visit {summary['slowest_first_ms']} ms"
    )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "pages.json").write_text(
        json.dumps({"machine": machine(), "summary": summary, "pages": rows}, indent=2) + "\n"
    )


if __name__ == "__main__":
    main()
