"""Questionnaire answers in a real headless Chromium: a seller pastes a buyer's security
questions for Vault, reads each draft with its source, sees which questions need an expert,
opens a source; and the page has no serious accessibility violation, on a phone as well."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect

from prism.demo import answers
from tests.web.test_accessibility import signed_in, violations
from tests.web.test_browser import browser, serve_demo, sign_in  # noqa: F401 (a fixture)

pytestmark = pytest.mark.browser

QUESTIONS = """Can our users sign in through our identity provider with SAML?
Within what timeframe will you inform us of a data breach?
Do you hold FedRAMP authorization?
Is your organisation compliant with PCI DSS?"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from serve_demo(tmp_path_factory.mktemp("answers"), answers.load)


def test_a_seller_drafts_a_security_questionnaire_from_the_library(
    server: str,
    browser: Browser,  # noqa: F811
) -> None:
    seller = sign_in(browser, server, "sam.carter@helio.example")
    seller.get_by_role("link", name="Questionnaires").click()
    seller.get_by_label("Questions, one per line").fill(QUESTIONS)
    seller.get_by_label("Helio Vault").check()
    seller.get_by_role("button", name="Draft answers").click()
    drafts = seller.get_by_test_id("drafts")
    expect(drafts).to_contain_text("3 of 4 drafted")
    rows = seller.get_by_test_id("draft-row")
    expect(rows.nth(0)).to_contain_text("Yes: SAML 2.0 and OpenID Connect.")
    expect(rows.nth(0)).to_contain_text("Do you support single sign-on?")
    expect(rows.nth(1)).to_contain_text("Within 72 hours of confirming it.")
    expect(rows.nth(2)).to_contain_text("For an expert")
    expect(rows.nth(3)).to_contain_text("No: Helio does not store card data.")
    expect(seller.get_by_label("Helio Vault")).to_be_checked()  # the form keeps the scope
    rows.nth(0).get_by_role("link", name="Do you support single sign-on?").click()
    expect(seller.get_by_role("heading", level=1)).to_contain_text("Do you support single sign-on?")


@pytest.mark.parametrize("width", [1440, 390])
def test_the_questionnaire_page_has_no_serious_accessibility_violation(
    server: str,
    browser: Browser,  # noqa: F811
    width: int,
) -> None:
    page = signed_in(browser, server, "sam.carter@helio.example", width)
    page.goto(server + "/answers")
    page.get_by_label("Questions, one per line").fill(QUESTIONS)
    page.get_by_role("button", name="Draft answers").click()
    expect(page.get_by_test_id("drafts")).to_be_visible()
    assert violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
