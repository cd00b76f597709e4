"""Pricing in a real headless Chromium: product marketing fixes what the grid flags and
schedules a price rise; a seller prices a large deal with the calculator and sees who must
approve the discount; and the product's pricing page has no serious accessibility violation."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest
from playwright.sync_api import Browser, expect

from prism.db import utcnow
from prism.demo import feedback, pricing
from tests.web.test_accessibility import signed_in, violations
from tests.web.test_browser import browser, serve_demo, sign_in  # noqa: F401 (a fixture)

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from serve_demo(tmp_path_factory.mktemp("pricing"), feedback.load, pricing.load_holdings)


def test_product_marketing_fixes_the_grid_and_a_seller_prices_a_deal(
    server: str,
    browser: Browser,  # noqa: F811
) -> None:
    editor = sign_in(browser, server, "priya.raman@helio.example")
    editor.get_by_role("link", name="Pricing").click()
    editor.get_by_role("link", name="Helio Pulse").click()
    flags = editor.get_by_test_id("packaging-flags")
    expect(flags).to_contain_text("AI insights")
    editor.get_by_role("link", name="Edit the grid").click()
    editor.get_by_label("AI insights in Pulse Enterprise", exact=True).check()
    editor.get_by_label("Limit of AI insights in Pulse Enterprise").fill("beta, on request")
    editor.get_by_role("button", name="Save the grid").click()
    expect(editor.get_by_text("Packaging saved.")).to_be_visible()
    expect(editor.get_by_test_id("packaging-flags")).to_have_count(0)
    grid = editor.get_by_test_id("packaging-grid")
    expect(grid.get_by_role("row", name="AI insights")).to_contain_text("beta, on request")

    rise = (utcnow().date() + timedelta(days=30)).isoformat()
    setting = editor.get_by_test_id("set-price")
    setting.locator("select[name=item_id]").first.select_option(label="Pulse Team")
    setting.locator("input[name=effective_from]").first.fill(rise)
    setting.locator("textarea[name=bands]").first.fill("1 = 13,200")
    setting.get_by_role("button", name="Save the price").first.click()
    expect(editor.get_by_text("Price saved.")).to_be_visible()
    expect(editor.get_by_test_id("scheduled-USD")).to_contain_text("Pulse Team: $13,200.00 a year")
    # Prices on the day of the rise show it in the grid.
    editor.get_by_label("Prices on", exact=True).fill(rise)
    editor.get_by_role("button", name="Show").click()
    expect(grid.get_by_role("row", name="List price, USD")).to_contain_text("$13,200.00")

    seller = sign_in(browser, server, "sam.carter@helio.example")
    seller.goto(server + "/pricing")
    seller.get_by_role("link", name="Helio Pulse").click()
    calc = seller.get_by_test_id("calculator")
    calc.get_by_label("Edition or add-on").select_option(label="Pulse Enterprise")
    calc.get_by_label("Units").fill("600000")
    calc.get_by_label("Discount %").fill("15")
    calc.get_by_role("button", name="Calculate").click()
    quote = seller.get_by_test_id("quote")
    expect(quote).to_contain_text("600,000 × $0.09 = $54,000.00 a year")
    expect(quote).to_contain_text("$45,900.00")
    expect(quote).to_contain_text("Regional VP of sales")
    expect(seller.get_by_test_id("discount-guidance")).to_be_visible()
    expect(seller.get_by_role("link", name="Edit the grid")).to_have_count(0)


def test_an_account_team_finds_the_upgrades_customers_ask_for(
    server: str,
    browser: Browser,  # noqa: F811
) -> None:
    seller = sign_in(browser, server, "sam.carter@helio.example")
    seller.goto(server + "/pricing")
    seller.get_by_role("link", name="Upsell and whitespace").click()
    upsell = seller.get_by_test_id("upsell")
    expect(upsell.locator("summary").first).to_have_text(
        re.compile("4 accounts, 820k ARR, ask for Tokenisation, which Vault Enterprise includes")
    )
    expect(upsell).to_contain_text("DSAR automation")
    expect(seller.get_by_test_id("holdings-import")).to_have_count(0)
    upsell.get_by_role("link", name="Nordbank").click()
    expect(seller.get_by_test_id("holdings")).to_contain_text("Vault Platform")


@pytest.mark.parametrize("width", [1440, 390])
def test_the_pricing_page_has_no_serious_accessibility_violation(
    server: str,
    browser: Browser,  # noqa: F811
    width: int,
) -> None:
    page = signed_in(browser, server, "priya.raman@helio.example", width)
    page.goto(server + "/pricing")
    page.get_by_role("link", name="Helio Vault").click()
    assert violations(page) == []
    page.get_by_role("link", name="Edit the grid").click()
    assert violations(page) == []
    page.goto(server + "/pricing/upsell")
    assert violations(page) == []


def test_a_packaging_change_waits_for_what_its_ga_gate_asks(
    server: str,
    browser: Browser,  # noqa: F811
) -> None:
    editor = sign_in(browser, server, "priya.raman@helio.example")
    editor.goto(server + "/launches")
    editor.get_by_role("link", name="Pulse 2027 packaging").first.click()
    change = editor.get_by_test_id("packaging-change")
    expect(change.get_by_test_id("planned-moves")).to_contain_text("Session replay")
    expect(change.get_by_test_id("planned-prices")).to_contain_text("held")
    needs = change.get_by_test_id("packaging-requirements")
    sheet = needs.locator("li", has_text="The pricing sheet shows the change")
    expect(sheet).to_have_class("blocked")
    expect(editor.get_by_test_id("gate")).to_contain_text("Sellers are trained on the change")
    change.get_by_text("What it means for sales, customer success and support").click()
    expect(change.get_by_test_id("packaging-meaning")).to_contain_text("Acme Retail")

    change.get_by_role("button", name="Preview the pricing sheet (PDF)").click()
    expect(editor.get_by_text("Rendered.")).to_be_visible()
    editor.go_back()
    editor.reload()
    sheet = editor.get_by_test_id("packaging-requirements").locator(
        "li", has_text="The pricing sheet shows the change"
    )
    expect(sheet).to_have_class("passed")

    # Until GA the new Enterprise price is held: the pricing page says so and offers no take-back.
    editor.goto(server + "/pricing")
    editor.get_by_role("link", name="Helio Pulse").click()
    held = editor.get_by_test_id("scheduled-USD").locator("li", has_text="held until its launch")
    expect(held).to_contain_text("Pulse Enterprise")
    expect(held.get_by_role("button", name="Take back")).to_have_count(0)
