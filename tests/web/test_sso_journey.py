"""Company sign-in in a real headless Chromium, through a real OpenID provider: a person opens
a page of Prism, is sent to the sign-in page, chooses the company account, signs in and
consents at the provider's own forms, and lands back on the page they asked for, signed in with
the role their groups map to; signing out offers the provider's sign-out too."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from prism.migrate import prepare_database
from prism.settings import Settings
from tests.oidc.conftest import running_provider
from tests.pgcluster import free_port
from tests.web.test_browser import browser, served

pytestmark = pytest.mark.browser
__all__ = ["browser"]


def test_a_person_signs_in_with_the_company_account(browser: Browser, tmp_path: Path) -> None:
    port = free_port()
    with running_provider(tmp_path / "oidc", prism_url=f"http://127.0.0.1:{port}") as provider:
        settings = provider.settings(
            Settings(data_dir=tmp_path / "data", base_url=f"http://127.0.0.1:{port}")
        )
        prepare_database(settings.prepare()).dispose()
        with served(settings, port) as prism_url:
            page = browser.new_page()
            # The provider's development pages ask for a web font; nothing leaves the machine.
            page.route(re.compile(r"^https://"), lambda route: route.abort())
            page.goto(prism_url + "/library")
            expect(page).to_have_url(prism_url + "/login?next=/library")
            page.get_by_role("link", name="Sign in with Helio SSO").click()

            expect(page).to_have_url(re.compile(rf"^{re.escape(provider.issuer)}/interaction/"))
            page.get_by_placeholder("Enter any login").fill("ines")
            page.get_by_placeholder("and password").fill("any password")
            page.get_by_role("button", name="Sign-in").click()
            page.get_by_role("button", name="Continue").click()

            expect(page).to_have_url(prism_url + "/library")
            expect(page.get_by_test_id("current-user")).to_contain_text("Inès Ortega")
            page.screenshot(path=str(tmp_path / "signed-in.png"), full_page=True)
            me = page.request.get(prism_url + "/api/v1/me").json()
            assert (me["email"], me["role"]) == ("ines.ortega@helio.example", "editor")

            page.get_by_role("button", name="Sign out").click()
            expect(page.get_by_role("status")).to_contain_text("You are signed out of Prism")
            expect(page.get_by_role("link", name="Sign out of Helio SSO too")).to_have_attribute(
                "href",
                re.compile(rf"^{re.escape(provider.issuer)}/session/end\?client_id=prism&"),
            )
            page.close()
