"""Main journeys in a real headless Chromium: sign in and out, admin pages, and the library:
an editor publishes, a seller finds it."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, Page, expect, sync_playwright

from prism.app import create_app
from prism.db import utcnow
from prism.demo import company, knowledge
from prism.filestore import LocalFileStore
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
        knowledge.load(session, LocalFileStore(settings.files_dir), utcnow())
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


def sign_in(browser: Browser, server: str, email: str) -> Page:
    page = browser.new_page()
    page.goto(server + "/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(company.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_test_id("current-user")).to_be_visible()
    return page


def test_an_editor_publishes_and_a_seller_finds_it(
    server: str, browser: Browser, tmp_path: Path
) -> None:
    editor = sign_in(browser, server, "priya.raman@helio.example")
    dialogs: list[str] = []
    editor.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    editor.goto(server + "/library?kind=faq")
    editor.get_by_role("link", name="New faq").click()
    editor.get_by_label("Title").fill("Can Vault mask data in test environments?")
    editor.get_by_label("Product", exact=True).select_option(label="Helio Vault")
    editor.get_by_label("Body (markdown)").fill(
        "Yes: **tokenisation** masks personal data in staging copies.\n\n"
        "<script>window.pwned = 1</script>\n\n[trick](javascript:alert(1)) "
        '<img src="x" onerror="alert(2)">'
    )
    editor.get_by_role("button", name="Save").click()
    expect(editor.get_by_role("status")).to_contain_text("Saved")
    expect(editor.get_by_test_id("status")).to_have_text("draft")
    editor.get_by_role("button", name="Publish").click()
    expect(editor.get_by_test_id("status")).to_have_text("published")
    # The body's markup is shown as text; nothing in it ran.
    expect(editor.get_by_test_id("body").locator("strong")).to_have_text("tokenisation")
    expect(editor.get_by_test_id("body")).to_contain_text("<script>window.pwned = 1</script>")
    assert editor.evaluate("window.pwned") is None and dialogs == []
    assert editor.get_by_test_id("body").locator("a[href^='javascript']").count() == 0
    # Link it to a story found by typing part of its title (htmx narrows the choices).
    editor.get_by_label("Link", exact=True).select_option(label="Proven by story")
    editor.get_by_label("find", exact=True).fill("northwind")
    expect(editor.get_by_label("to", exact=True)).to_contain_text("Northwind Bank passes its audit")
    expect(editor.get_by_label("to", exact=True).locator("option")).to_have_count(1)
    editor.get_by_role("button", name="Add link").click()
    expect(editor.get_by_role("status")).to_contain_text("Linked")
    expect(editor.get_by_role("link", name="Northwind Bank passes its audit")).to_be_visible()
    editor.screenshot(path=str(tmp_path / "item.png"), full_page=True)
    editor.close()

    seller = sign_in(browser, server, "sam.carter@helio.example")
    seller.get_by_role("search").get_by_role("searchbox").fill(
        "mask personal data in test environments"
    )
    seller.keyboard.press("Enter")
    hits = seller.get_by_test_id("hit")
    expect(hits.first).to_contain_text("Can Vault mask data in test environments?")
    # One question, the right battlecard, story and FAQ together.
    seller.goto(server + "/search?q=how+do+we+win+a+bank+audit+against+GuardianDB")
    expect(hits.filter(has_text="Battlecard: Helio Vault vs GuardianDB")).to_have_count(1)
    expect(hits.filter(has_text="Northwind Bank passes its audit")).to_have_count(1)
    expect(hits.filter(has_text="Can Vault export audit evidence?")).to_have_count(1)
    seller.screenshot(path=str(tmp_path / "search.png"), full_page=True)
    hits.filter(has_text="Battlecard: Helio Vault vs GuardianDB").get_by_role("link").click()
    expect(seller.get_by_role("heading", level=1)).to_have_text(
        "Battlecard: Helio Vault vs GuardianDB"
    )
    seller.close()


def test_an_editor_sees_what_is_stale_and_why(server: str, browser: Browser) -> None:
    editor = sign_in(browser, server, "priya.raman@helio.example")
    editor.get_by_role("link", name="Content health").click()
    row = editor.get_by_role("row").filter(has_text="Know which features keep customers")
    expect(row).to_contain_text("Pulse customers cut churn by 15% on average")
    editor.close()
