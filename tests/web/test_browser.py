"""The main journey in a real headless Chromium: sign in, see home, sign out."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, expect, sync_playwright

from prism.app import create_app
from prism.demo import company
from prism.migrate import prepare_database
from prism.settings import Settings

pytestmark = pytest.mark.browser
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Prism with the demo company on SQLite, served by uvicorn on a free local port."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("browser"))
    settings.prepare()
    database = prepare_database(settings)
    with database.session_scope() as session:
        company.load(session)
    database.dispose()
    port = free_port()
    config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    web = uvicorn.Server(config)
    thread = threading.Thread(target=web.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not web.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    web.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is not installed; `make test` installs it")
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield launched
        launched.close()


def test_sign_in_home_sign_out(server: str, browser: Browser, tmp_path: Path) -> None:
    page = browser.new_page()
    page.goto(server + "/admin/users")
    expect(page).to_have_url(server + "/login?next=/admin/users")

    page.get_by_label("Email").fill(company.ADMIN_EMAIL)
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("Wrong email or password")

    page.get_by_label("Password").fill(company.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(server + "/admin/users")
    expect(page.get_by_role("cell", name="Priya Raman")).to_be_visible()

    page.get_by_role("link", name="Home").click()
    expect(page.get_by_role("heading", name="Welcome, Ada")).to_be_visible()
    expect(page.get_by_test_id("current-user")).to_have_text("Ada Okafor")
    page.screenshot(path=str(tmp_path / "home.png"), full_page=True)

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(server + "/login")
    page.goto(server + "/")
    expect(page).to_have_url(server + "/login?next=/")
    page.close()


def test_a_seller_sees_no_admin_pages(server: str, browser: Browser) -> None:
    page = browser.new_page()
    page.goto(server + "/login")
    page.get_by_label("Email").fill("sam.carter@helio.example")
    page.get_by_label("Password").fill(company.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Welcome, Sam")).to_be_visible()
    expect(page.get_by_role("link", name="Audit log")).to_have_count(0)
    response = page.goto(server + "/admin/audit")
    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", name="Not allowed")).to_be_visible()
    page.close()


def test_admin_adds_and_deletes_a_team_with_htmx(server: str, browser: Browser) -> None:
    page = browser.new_page()
    page.goto(server + "/login?next=/admin/teams")
    page.get_by_label("Email").fill(company.ADMIN_EMAIL)
    page.get_by_label("Password").fill(company.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.locator("#t-new-name").fill("Alliances")
    page.get_by_role("button", name="Add team").click()
    expect(page.get_by_role("status")).to_contain_text("Team added")

    page.on("dialog", lambda dialog: dialog.accept())
    page.locator("tr", has=page.locator("input[value='Alliances']")).get_by_role(
        "button", name="Delete"
    ).click()
    expect(page.get_by_role("status")).to_contain_text("Team deleted")
    expect(page.locator("input[value='Alliances']")).to_have_count(0)

    page.locator("tr", has=page.locator("input[value='Sales']")).get_by_role(
        "button", name="Delete"
    ).click()
    expect(page.get_by_role("alert")).to_contain_text("still has 3 member(s)")
    expect(page.locator("input[value='Sales']")).to_have_count(1)
    page.close()
