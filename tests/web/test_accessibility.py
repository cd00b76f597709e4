"""Accessibility in a real headless Chromium: axe-core (from the npm registry, installed by
`make test`) finds no serious or critical violation on any main page, for an admin who sees them
all and a seller, at desktop and phone widths; nor on the sign-in page or a buyer's room."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from prism.demo import company
from tests.web.test_browser import CHROMIUM, browser, serve_demo
from tests.web.test_phone import MAIN_PAGES

pytestmark = pytest.mark.browser
__all__ = ["CHROMIUM", "browser"]
AXE = Path(
    os.environ.get(
        "PRISM_AXE", Path(__file__).parents[2] / ".cache/npm/node_modules/axe-core/axe.min.js"
    )
)
SEVERE = ("serious", "critical")
# Pages reached from a list: the first entry's own page.
DETAILS = ["/deals", "/toolkits", "/shares", "/launches", "/library", "/feedback", "/accounts"]
SELLER_PAGES = ["/", "/deals", "/toolkits", "/shares", "/training", "/feedback/new", "/account"]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from serve_demo(tmp_path_factory.mktemp("a11y"))


def violations(page: Page) -> list[str]:
    """The serious and critical axe violations on the page, one line each."""
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    found = page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ["violations"]})).violations
            .map(v => ({id: v.id, impact: v.impact,
                        where: v.nodes.slice(0, 3).map(n => n.target.join(" "))}))"""
    )
    return [f"{v['id']} ({v['impact']}) at {v['where']}" for v in found if v["impact"] in SEVERE]


def signed_in(browser: Browser, server: str, email: str, width: int) -> Page:
    # axe is injected as a script of the page, which Prism's CSP would (rightly) refuse.
    context = browser.new_context(bypass_csp=True, viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(server + "/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(company.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r".*/$"))
    return page


def scan(page: Page, server: str, paths: list[str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in paths:
        page.goto(server + path)
        if bad := violations(page):
            found[path] = bad
    return found


@pytest.fixture(scope="module")
def axe_file() -> Path:
    if not AXE.exists():
        pytest.fail(f"axe-core is not installed at {AXE}; `make test` installs it")
    return AXE


@pytest.mark.parametrize("width", [1440, 390])
def test_no_main_page_has_a_serious_violation(
    server: str, browser: Browser, axe_file: Path, width: int
) -> None:
    page = signed_in(browser, server, company.ADMIN_EMAIL, width)
    found = scan(page, server, MAIN_PAGES)
    for listing in DETAILS:
        page.goto(server + listing)
        page.locator(f"main a[href^='{listing}/']").first.click()
        page.wait_for_load_state()
        if bad := violations(page):
            found[page.url] = bad
    assert found == {}
    page.context.close()


def test_a_seller_s_pages_sign_in_and_the_buyer_room_have_none(
    server: str, browser: Browser, axe_file: Path
) -> None:
    page = signed_in(browser, server, "sam.carter@helio.example", 1440)
    found = scan(page, server, SELLER_PAGES)
    page.goto(server + "/shares")
    page.locator("main a[href^='/shares/']").first.click()
    room = page.get_by_test_id("share-url").input_value()
    page.context.close()

    visitor = browser.new_context(bypass_csp=True).new_page()
    for where in (server + "/login", room):
        visitor.goto(where)
        if bad := violations(visitor):
            found[where] = bad
    assert found == {}
    visitor.context.close()
