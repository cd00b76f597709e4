"""The feedback loop in a real headless Chromium, on the demo company: a seller closes a deal as
lost with its reason and sees it land in a weighted theme; a product manager reads the digest;
an editor merges two themes and the merge survives re-clustering; a seller asks the enablement
team for help on a small deal and is pointed to the toolkit."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from prism.demo import feedback
from tests.web.test_browser import browser, serve_demo, sign_in

pytestmark = pytest.mark.browser
__all__ = ["browser"]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from serve_demo(tmp_path_factory.mktemp("feedback"), feedback.load)


def item_count(page: Page) -> int:
    heading = page.get_by_role("heading", name=re.compile(r"^All items \(\d+\)$")).inner_text()
    return int(re.sub(r"\D", "", heading))


def test_a_seller_logs_a_loss_reason_and_sees_it_weigh_on_a_theme(
    server: str, browser: Browser, tmp_path: Path
) -> None:
    seller = sign_in(browser, server, "sam.carter@helio.example")
    seller.get_by_role("link", name="Deals").click()
    seller.get_by_role("link", name="Patient records governance").click()
    closing = seller.get_by_test_id("close-deal")
    closing.get_by_label("Outcome").select_option("lost")
    closing.get_by_label("Main reason").select_option("missing_feature")
    closing.get_by_label("Competitor").select_option(label="GuardianDB")
    closing.get_by_label("In your words").fill(
        "St. Mary's went with GuardianDB: Vault has no Okta single sign-on for their clinicians"
    )
    closing.get_by_role("button", name="Close the deal").click()
    expect(seller.get_by_role("status")).to_contain_text("your feedback joined this theme")
    expect(seller.locator("tr.highlight")).to_contain_text("St. Mary's went with GuardianDB")
    weight = seller.get_by_test_id("weight")
    expect(weight).to_contain_text("worth")  # the lost deal's value weighs on the theme
    expect(weight).to_contain_text("to GuardianDB")
    expect(weight).to_contain_text("missing feature")
    seller.screenshot(path=str(tmp_path / "theme.png"), full_page=True)

    seller.get_by_role("link", name="Win/loss").click()
    expect(seller.get_by_test_id("by-competitor")).to_contain_text("GuardianDB")
    seller.get_by_role("navigation", name="Main").get_by_role("link", name="Notifications").click()
    expect(seller.get_by_role("main")).to_contain_text("is now shipped")  # single sign-on
    seller.close()


def test_a_product_manager_reads_the_digest(server: str, browser: Browser, tmp_path: Path) -> None:
    pm = sign_in(browser, server, "grace.kim@helio.example")
    pm.get_by_role("link", name="Feedback", exact=True).click()
    expect(pm.get_by_role("link", name="Give feedback")).to_have_count(0)  # a reader only
    expect(pm.get_by_role("button", name="Re-cluster now")).to_have_count(0)
    pm.get_by_role("link", name="Product digest").click()
    entries = pm.get_by_test_id("digest").locator("li.card")
    expect(entries.first).to_be_visible()
    assert entries.count() >= 5
    expect(entries.first).to_contain_text("ARR")
    expect(pm.get_by_test_id("digest")).not_to_contain_text("shipped")  # decided themes leave
    with pm.expect_download() as download:
        pm.get_by_role("link", name="Download PDF").click()
    saved = tmp_path / "digest.pdf"
    download.value.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF")
    pm.close()


def test_an_editor_merges_two_themes_and_the_merge_survives_reclustering(
    server: str, browser: Browser
) -> None:
    editor = sign_in(browser, server, "priya.raman@helio.example")
    editor.get_by_role("link", name="Feedback", exact=True).click()
    # Only themes of one signal merge: the editor looks at the requests.
    editor.get_by_label("Signal").select_option("request")
    editor.get_by_role("button", name="Show").click()
    themes = editor.get_by_test_id("themes").locator("tbody tr a")
    themes.nth(1).click()
    source = editor.url
    source_texts = editor.get_by_test_id("items").locator("tbody tr td:nth-child(2)")
    moving = [source_texts.nth(i).inner_text() for i in range(min(3, source_texts.count()))]
    source_label = editor.get_by_role("heading", level=1).inner_text()
    source_count = item_count(editor)

    editor.goto(f"{server}/feedback?signal=request")
    themes.nth(0).click()
    target = editor.url
    target_count = item_count(editor)
    expect(editor.get_by_test_id("theme-signal")).to_have_text("requests")
    editor.get_by_label("Themes").select_option(label=source_label[:60])
    editor.get_by_role("button", name="Merge").click()
    expect(editor.get_by_role("status")).to_contain_text("Merged")
    assert item_count(editor) == target_count + source_count

    editor.get_by_role("link", name="← Themes").click()
    editor.get_by_label("Theme size").select_option(label="a little narrower")
    editor.get_by_role("button", name="Re-cluster now").click()
    expect(editor.get_by_test_id("themes")).to_be_visible()
    editor.goto(target)
    assert item_count(editor) >= target_count + source_count
    for text in moving:
        expect(editor.get_by_test_id("items")).to_contain_text(text.split(" placed")[0])
    response = editor.goto(source)
    assert response is not None and response.status == 404
    editor.goto(f"{server}/feedback")
    expect(editor.get_by_label("Theme size")).to_have_value("1")  # kept for the next run
    editor.close()


def test_a_seller_asks_for_deal_help_and_is_pointed_to_the_toolkit(
    server: str, browser: Browser
) -> None:
    seller = sign_in(browser, server, "mia.novak@helio.example")
    seller.get_by_role("link", name="Enablement roadmap").click()
    expect(seller.get_by_test_id("roadmap")).to_contain_text("GuardianDB battlecard refresh")
    seller.get_by_role("link", name="Ask the enablement team").click()
    seller.get_by_label("I need").select_option("deal_help")
    seller.get_by_label("What would help").fill("Could someone join the Brightline demo?")
    seller.get_by_label("Deal", exact=True).select_option(
        label="Churn analytics pilot (Brightline Retail, 30k, discovery)"
    )
    seller.get_by_role("button", name="Send").click()
    route = seller.get_by_test_id("route")
    expect(route).to_contain_text("Pointed to the self-serve toolkit")
    expect(route).to_contain_text("Deal help is kept for deals of 100k or more")
    expect(route.get_by_role("link", name="Open the self-serve toolkit")).to_be_visible()
    seller.close()
