"""Prism on a phone, in a real headless Chromium 390 px wide: no main page is wider than the
screen (wide tables and boards scroll inside themselves), and the navigation folds behind Menu."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from prism.demo import company
from tests.web.test_browser import browser, serve_demo, sign_in

pytestmark = pytest.mark.browser
__all__ = ["browser"]
PHONE = {"width": 390, "height": 844}
MAIN_PAGES = [
    "/",
    "/library",
    "/pricing",
    "/search?q=patient+data",
    "/notifications",
    "/people",
    "/deals",
    "/toolkits",
    "/shares",
    "/accounts",
    "/launches",
    "/launches/calendar",
    "/launches/tiers",
    "/library/health",
    "/brand",
    "/training",
    "/roadmap",
    "/feedback",
    "/win-loss",
    "/analytics",
    "/admin/users",
    "/admin/audit",
]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from serve_demo(tmp_path_factory.mktemp("phone"))


def overflow(page: Page) -> int:
    """How many pixels the page is wider than the screen."""
    return int(page.evaluate("document.documentElement.scrollWidth - window.innerWidth"))


def test_no_main_page_is_wider_than_a_phone(server: str, browser: Browser) -> None:
    page = sign_in(browser, server, company.ADMIN_EMAIL)
    page.set_viewport_size(PHONE)
    wide = {}
    for path in MAIN_PAGES:
        answer = page.goto(server + path)
        assert answer is not None and answer.status == 200, path
        if overflow(page) > 0:
            wide[path] = overflow(page)
    # A seller's daily reading: a kit, a share link, a launch.
    for listing in ("/toolkits", "/shares", "/launches"):
        page.goto(server + listing)
        page.locator(f"main a[href^='{listing}/']").first.click()
        page.wait_for_load_state()
        if overflow(page) > 0:
            wide[page.url] = overflow(page)
    assert wide == {}
    page.close()


def test_the_navigation_folds_behind_menu_on_a_phone(server: str, browser: Browser) -> None:
    page = sign_in(browser, server, "sam.carter@helio.example")
    page.set_viewport_size(PHONE)
    page.goto(server + "/")
    nav = page.get_by_role("navigation", name="Main")
    menu = page.get_by_role("button", name="Menu")
    expect(nav).to_be_hidden()
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(nav.get_by_role("link", name="Deals")).to_be_visible()
    expect(nav.get_by_role("heading", name="Sell")).to_be_visible()
    nav.get_by_role("link", name="Deals").click()
    expect(page).to_have_url(server + "/deals")
    expect(page.get_by_role("heading", name="Deals", exact=True)).to_be_visible()
    expect(nav).to_be_hidden()
    # On a wide screen the navigation is always there, with no Menu button.
    page.set_viewport_size({"width": 1440, "height": 900})
    expect(nav).to_be_visible()
    expect(menu).to_be_hidden()
    page.close()
