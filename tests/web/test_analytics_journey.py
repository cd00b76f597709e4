"""Dashboards and CRM import in a real headless Chromium, on the demo company with its year of
opportunities: a leader opens the dashboards, reads which assets influenced won revenue and how
battlecards relate to win rate, filters by product and period and downloads a table; an editor
imports the demo's Salesforce export with its broken rows and reads the report."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from prism.demo import analytics, feedback
from tests.web.test_browser import browser, serve_demo, sign_in

pytestmark = pytest.mark.browser
__all__ = ["browser"]


@pytest.fixture(scope="module")
def examples(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("examples")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, examples: Path) -> Iterator[str]:
    yield from serve_demo(
        tmp_path_factory.mktemp("analytics"),
        feedback.load,
        partial(analytics.load, export_dir=examples),
    )


def test_a_leader_reads_and_filters_the_dashboards(
    server: str, browser: Browser, tmp_path: Path
) -> None:
    leader = sign_in(browser, server, "elena.petrova@helio.example")
    leader.get_by_role("link", name="Dashboards").click()
    influence = leader.get_by_test_id("influence")
    # The charts are drawn by ECharts over the server's SVG (kept for print, hidden here).
    expect(influence.locator(".chart-live svg")).to_be_visible()
    expect(influence.locator("figure > svg")).to_be_hidden()
    expect(influence.locator("tbody tr").first).to_contain_text("Battlecard")
    cards = leader.get_by_test_id("battlecards")
    expect(cards).to_contain_text("GuardianDB")
    chart = cards.locator(".chart-live")
    expect(chart).to_contain_text("GuardianDB, with a card")
    # Hovering a bar tells its value and what it is out of.
    width = chart.evaluate("box => box.clientWidth")
    chart.hover(position={"x": width * 0.4, "y": 20})
    expect(chart).to_contain_text(re.compile(r"\d+% of \d+ closed"))
    expect(leader.get_by_test_id("content-health")).to_contain_text("Stale")
    overall = leader.get_by_test_id("influence-overall").inner_text()
    leader.screenshot(path=str(tmp_path / "dashboards.png"), full_page=True)
    influence.locator("tbody tr").first.get_by_role("link", name="deals").click()
    expect(leader.get_by_test_id("asset-deals")).to_contain_text("won")
    leader.get_by_role("link", name="← Dashboards").click()

    filters = leader.get_by_test_id("dashboard-filters")
    filters.get_by_label("Product").select_option(label="Helio Vault")
    filters.get_by_label("From").fill("2026-06-01")
    filters.get_by_role("button", name="Show").click()
    expect(leader).to_have_url(re.compile(r"since=2026-06-01.*product_id=\d+"))
    by_product = leader.get_by_test_id("by-product")
    expect(by_product).to_contain_text("Helio Vault")
    expect(by_product).not_to_contain_text("Helio Flow")
    assert leader.get_by_test_id("influence-overall").inner_text() != overall

    with leader.expect_download() as download:
        leader.get_by_test_id("influence").get_by_role("link", name="CSV").click()
    saved = tmp_path / "influence.csv"
    download.value.save_as(saved)
    rows = list(csv.DictReader(io.StringIO(saved.read_text())))
    assert rows and {"title", "won_revenue", "win_rate_with", "closed_with"} <= set(rows[0])
    leader.close()


def test_an_editor_imports_a_crm_export_with_broken_rows(
    server: str, browser: Browser, examples: Path
) -> None:
    editor = sign_in(browser, server, "priya.raman@helio.example")
    editor.get_by_role("link", name="Accounts").click()
    editor.get_by_role("link", name="Import from your CRM").click()
    form = editor.get_by_test_id("crm-import-form")
    form.get_by_label("CSV export").set_input_files(str(examples / analytics.EXPORT_NAME))
    form.get_by_role("button", name="Import").click()
    problems = editor.get_by_test_id("crm-problems")
    expect(problems).to_contain_text("Amount")
    expect(problems).to_contain_text("unknown stage 'Stalled'")
    expect(problems).to_contain_text("Close Date")
    expect(editor.get_by_role("alert")).to_contain_text("nothing was imported")

    form = editor.get_by_test_id("crm-import-form")
    form.get_by_label("CSV export").set_input_files(str(examples / analytics.EXPORT_NAME))
    form.get_by_label("import the good rows, and list the bad ones").check()
    form.get_by_role("button", name="Import").click()
    # The demo imported these rows already: matched by their CRM id, nothing changes.
    expect(editor.get_by_test_id("crm-report")).to_contain_text("0 opportunities were created")
    expect(editor.get_by_test_id("crm-report")).to_contain_text("3 rows with problems")
    editor.close()
