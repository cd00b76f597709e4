"""Each role's daily path through Prism in a real headless Chromium, timed from sign-in to done.

- seller: find my deal (the README's Patient records governance), open its kit, share it;
- editor: verify the stalest item, render a solution as a deck, check a launch's gate;
- leader: open the dashboards and filter them to one product and one team.

The demo company is loaded (`prism demo --no-serve`) into a scratch data directory on SQLite and
served by uvicorn on a free port, as `prism serve` would. Each journey runs `--runs` times; the
figures are the median and the slowest.

    python bench/journeys_bench.py [--runs 3] [--data-dir DIR]

Writes bench/results/journeys.json.
"""

from __future__ import annotations

import argparse
import json
import re
import socket
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import uvicorn
from playwright.sync_api import Browser, Page, expect, sync_playwright
from sqlalchemy import select

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the tests' Chromium settings

from pages_bench import load_demo, machine

from prism.app import create_app
from prism.db import Database
from prism.demo import company
from prism.knowledge.models import Item
from prism.serving import warm_up
from prism.settings import Settings
from tests.web.chromium import CHROMIUM, FLAGS

RESULTS = Path(__file__).parent / "results"


def sign_in(page: Page, server: str, who: str) -> None:
    page.goto(server + "/login")
    page.get_by_label("Email").fill(f"{who}@helio.example")
    page.get_by_label("Password").fill(company.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Welcome")).to_be_visible()


def seller(page: Page, server: str, run: int) -> None:
    sign_in(page, server, "sam.carter")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Deals").click()
    page.get_by_label("Deal, customer or CRM id").fill("patient records")
    page.get_by_role("button", name="Find").click()
    page.get_by_test_id("deals").get_by_role("link", name="Patient records governance").click()
    page.get_by_test_id("kit-link").click()
    page.get_by_label("Title the buyer sees").fill(f"St. Mary's Health: what we discussed ({run})")
    page.get_by_role("button", name="Create share link").click()
    expect(page.get_by_test_id("share-url")).to_be_visible()


def make_stale(data_dir: Path) -> None:
    """Before an editor's run (not timed): a proof point overdue for verification, as the demo
    has until the first run verifies it."""
    database = Database.from_settings(Settings(data_dir=data_dir))
    with database.session_scope() as session:
        proof = session.scalars(
            select(Item).where(Item.kind == "proof_point").order_by(Item.id).limit(1)
        ).one()
        proof.review_due_at = datetime.now(UTC) - timedelta(days=3)
    database.dispose()


def editor(page: Page, server: str, run: int) -> None:
    sign_in(page, server, "priya.raman")
    page.get_by_test_id("panel-stale").get_by_role("link").first.click()
    page.get_by_role("button", name="Mark verified today").click()
    expect(page.get_by_role("status")).to_contain_text("Verified")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Library").click()
    page.get_by_role("link", name="Solutions", exact=True).click()
    page.locator("main table a[href^='/library/']").first.click()
    page.get_by_label("Render as").select_option(index=0)
    page.get_by_role("button", name="Render").click()
    expect(page.get_by_test_id("outputs").locator("tbody tr").first).to_be_visible()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Launches").click()
    page.get_by_role("link", name="Helio Vault DSAR automation").first.click()
    expect(page.get_by_test_id("gate-summary")).to_be_visible()


def leader(page: Page, server: str, run: int) -> None:
    sign_in(page, server, "elena.petrova")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboards").click()
    filters = page.get_by_test_id("dashboard-filters")
    filters.get_by_label("Product").select_option(label="Helio Vault")
    filters.get_by_label("Team").select_option(label="Sales")
    filters.get_by_role("button").click()
    expect(page).to_have_url(re.compile(r"product_id=\d+.*team_id=\d+"))
    expect(page.get_by_test_id("readiness")).to_be_visible()


Journey = Callable[[Page, str, int], None]
Setup = Callable[[Path], None]
JOURNEYS: dict[str, tuple[Journey, Setup | None]] = {
    "seller: find my deal, open its kit, share it": (seller, None),
    "editor: verify stale content, render a deck, check a launch gate": (editor, make_stale),
    "leader: dashboards filtered by product and team": (leader, None),
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(data_dir: Path) -> tuple[str, uvicorn.Server]:
    app = create_app(Settings(data_dir=data_dir))
    warm_up().join()
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    return f"http://127.0.0.1:{port}", server


def run_journeys(
    browser: Browser, server: str, data_dir: Path, runs: int
) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for name, (journey, setup) in JOURNEYS.items():
        times = []
        for run in range(runs):
            if setup is not None:
                setup(data_dir)
            context = browser.new_context(viewport={"width": 1440, "height": 900})
            page = context.new_page()
            start = time.perf_counter()
            journey(page, server, run)
            times.append((time.perf_counter() - start) * 1000)
            context.close()
        row = {
            "journey": name,
            "median_ms": round(statistics.median(times)),
            "slowest_ms": round(max(times)),
        }
        rows.append(row)
        print(f"{name:62} median {row['median_ms']:5} ms   slowest {row['slowest_ms']:5} ms")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--data-dir", type=Path, default=None)
    args = parser.parse_args()
    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="prism-journeys-"))
    load_demo(data_dir)
    server, web = serve(data_dir)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
            rows = run_journeys(browser, server, data_dir, args.runs)
            browser.close()
    finally:
        web.should_exit = True
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "journeys.json").write_text(
        json.dumps({"machine": machine(), "journeys": rows}, indent=2) + "\n"
    )


if __name__ == "__main__":
    main()
