"""Main journeys in a real headless Chromium: sign in and out, admin pages, the library (an
editor publishes, a seller finds it), a seller's kit for a large deal reaching a buyer, and an
editor running launches through their gates while a seller reads along."""

from __future__ import annotations

import threading
import time
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, Page, expect, sync_playwright
from sqlalchemy.orm import Session

from prism.app import create_app
from prism.db import utcnow
from prism.demo import company, knowledge, launches, pricing, toolkits
from prism.filestore import LocalFileStore
from prism.migrate import prepare_database
from prism.settings import Settings
from tests.pgcluster import free_port
from tests.web.chromium import CHROMIUM, FLAGS

pytestmark = pytest.mark.browser


Loader = Callable[[Session, datetime], str]


def load_demo(tmp: Path, *more: Loader) -> Settings:
    """A data directory holding the demo company on SQLite (with the `more` parts of the demo
    after the usual ones)."""
    settings = Settings(data_dir=tmp)
    settings.prepare()
    database = prepare_database(settings)
    with database.session_scope() as session:
        company.load(session)
        knowledge.load(session, LocalFileStore(settings.files_dir), utcnow())
        pricing.load(session, utcnow())
        toolkits.load(
            session, LocalFileStore(settings.files_dir), utcnow(), key=settings.secret_key
        )
        launches.load(session, utcnow())
        for load in more:
            load(session, utcnow())
    database.dispose()
    return settings


def serve_demo(tmp: Path, *more: Loader) -> Iterator[str]:
    """Prism with the demo company, served by uvicorn on a free local port."""
    with served(load_demo(tmp, *more), free_port()) as url:
        yield url


@contextmanager
def served(settings: Settings, port: int) -> Iterator[str]:
    """Prism on `settings`, served by uvicorn in a thread on `port`, until the block ends."""
    config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    web = uvicorn.Server(config)
    thread = threading.Thread(target=web.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not web.started and time.monotonic() < deadline:
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        web.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo without its training, so the launch journey's certification is not measured."""
    yield from serve_demo(tmp_path_factory.mktemp("browser"))


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
    expect(page.get_by_role("alert")).to_contain_text("still has 5 member(s)")
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


def test_a_done_action_is_told_by_a_toast_shown_once(server: str, browser: Browser) -> None:
    editor = sign_in(browser, server, "priya.raman@helio.example")
    editor.goto(server + "/library/health")
    editor.get_by_role("link", name="Battlecard: Helio Flow vs Routely").first.click()
    item = editor.url
    editor.get_by_role("button", name="Mark verified today").click()
    toast = editor.get_by_role("status")
    expect(toast).to_be_visible()
    expect(toast).to_contain_text("Verified")
    toast.get_by_role("button", name="Close").click()
    expect(toast).to_be_hidden()
    # Post/redirect/get: the page is the item's, and a refresh neither repeats nor re-tells it.
    assert editor.url == item
    editor.reload()
    expect(editor.get_by_role("status")).to_have_count(0)
    editor.close()


def test_a_seller_builds_a_kit_for_a_large_healthcare_deal_and_the_buyer_views_it(
    server: str, browser: Browser, tmp_path: Path
) -> None:
    seller = sign_in(browser, server, "sam.carter@helio.example")
    seller.get_by_role("link", name="Deals").click()
    seller.get_by_label("Deal name").fill("Imaging archive governance")
    seller.get_by_label("Customer", exact=True).fill("Lakeview Hospital")
    seller.get_by_label("Industry").select_option(label="Healthcare")
    seller.get_by_label("Deal value").fill("320000")
    seller.get_by_label("Expected cycle (days)").fill("150")
    seller.get_by_label("Helio Vault").check()
    seller.get_by_label("GuardianDB").check()
    seller.get_by_role("button", name="Record deal").click()
    expect(seller.get_by_role("heading", name="Imaging archive governance")).to_be_visible()
    seller.get_by_role("button", name="Build the kit").click()

    expect(seller.get_by_test_id("kit-note")).to_contain_text("Assembled for this deal")
    security = seller.get_by_test_id("entry").filter(
        has_text="Helio security and compliance whitepaper"
    )
    expect(security.get_by_test_id("reason")).to_contain_text("industry is Healthcare")
    expect(seller.get_by_test_id("entry").first).to_contain_text("lakeview-hospital")
    seller.screenshot(path=str(tmp_path / "kit.png"), full_page=True)
    with seller.expect_download() as download:
        seller.get_by_test_id("zip").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    with zipfile.ZipFile(saved) as archive:
        names = archive.namelist()
        assert "industry is Healthcare" in archive.read("CONTENTS.txt").decode()
        # What the buyer may get, apart from the battlecard the seller keeps to themselves.
        assert names[1].startswith("customer/01-") and names[1].endswith(".pptx")
        assert "internal/READ-ME-FIRST-INTERNAL.txt" in names
        assert any("battlecard" in n for n in names if n.startswith("internal/"))
        assert not any("battlecard" in n for n in names if n.startswith("customer/"))

    seller.get_by_label("Title the buyer sees").fill("Lakeview Hospital: imaging data protection")
    seller.get_by_label("Message to the buyer").fill(
        "As promised: what we went through on Tuesday."
    )
    seller.get_by_label("Passcode").fill("1234")
    expect(seller.get_by_text("6 to 64 characters")).to_be_visible()
    seller.get_by_label("Passcode").evaluate("field => field.removeAttribute('minlength')")
    seller.get_by_role("button", name="Create share link").click()
    expect(seller.get_by_role("alert")).to_contain_text("at least 6 characters")
    expect(seller.get_by_label("Title the buyer sees")).to_have_value(
        "Lakeview Hospital: imaging data protection"
    )  # what the seller typed is kept
    seller.get_by_label("Passcode").fill("482913")
    seller.get_by_role("button", name="Create share link").click()
    expect(seller.get_by_role("status")).to_contain_text("Link created")
    url = seller.get_by_test_id("share-url").input_value()
    assert url.startswith(server + "/s/")  # where Prism was reached, not a fixed port
    seller.get_by_role("button", name="Copy link").click()
    expect(seller.get_by_role("button", name="Copied to the clipboard")).to_be_visible()
    buyer_url = url

    buyer_context = browser.new_context()  # no cookies: the buyer has no account
    buyer = buyer_context.new_page()
    buyer.goto(buyer_url)
    buyer.get_by_label("Passcode").fill("482913")
    buyer.get_by_role("button", name="Open").click()
    expect(
        buyer.get_by_role("heading", name="Lakeview Hospital: imaging data protection")
    ).to_be_visible()
    expect(buyer.get_by_test_id("seller")).to_contain_text("Sam Carter")
    expect(buyer.get_by_test_id("message")).to_contain_text("what we went through on Tuesday")
    expect(buyer.get_by_test_id("buyer-items")).not_to_contain_text("Battlecard")
    drawn = "sel => [...document.querySelectorAll(sel)].some(i => i.complete && i.naturalWidth > 0)"
    buyer.wait_for_function(drawn, arg="[data-testid=buyer-items] img")  # a page preview loaded
    buyer.screenshot(path=str(tmp_path / "buyer-room.png"), full_page=True)
    buyer.get_by_test_id("buyer-items").get_by_role("heading").first.get_by_role("link").click()
    expect(buyer.get_by_test_id("pages").locator("img").first).to_be_visible()
    buyer.wait_for_function(drawn, arg="[data-testid=pages] img")
    buyer.wait_for_timeout(1200)
    with buyer.expect_download() as got:
        buyer.get_by_test_id("download").click()
    assert got.value.suggested_filename
    buyer.go_back()  # leaving the item sends how long it was read
    buyer.set_viewport_size({"width": 390, "height": 844})
    buyer.screenshot(path=str(tmp_path / "buyer-room-phone.png"), full_page=True)
    buyer_context.close()

    seller.reload()
    expect(seller.get_by_test_id("summary")).to_contain_text(
        "1 visitor · 1 open · 1 item view · 1 download"
    )
    expect(seller.get_by_test_id("views")).to_contain_text("download")
    seller.screenshot(path=str(tmp_path / "activity.png"), full_page=True)
    seller.close()


def test_an_output_is_rendered_from_the_item_page(server: str, browser: Browser) -> None:
    editor = sign_in(browser, server, "priya.raman@helio.example")
    editor.goto(server + "/library?kind=solution")
    editor.get_by_role("link", name="Patient data protection").click()
    outputs = editor.locator("#outputs")
    outputs.get_by_label("Render as").select_option(label="Event talk (PPTX)")
    outputs.get_by_label("for customer").fill("Lakeview")
    outputs.get_by_role("button", name="Render", exact=True).click()
    expect(outputs.get_by_role("status")).to_contain_text("Rendered")
    expect(outputs.get_by_test_id("outputs")).to_contain_text("Event talk (PPTX)")
    with editor.expect_download() as download:
        outputs.get_by_role("link", name="Event talk (PPTX)").click()
    assert download.value.suggested_filename.endswith(".pptx")

    # The seller tries the internal-only Chinese solution as a customer deck: refused, with why.
    seller = sign_in(browser, server, "sam.carter@helio.example")
    seller.goto(server + "/library?kind=solution")
    seller.get_by_role("link", name="面向银行的数据合规方案").click()
    outputs = seller.locator("#outputs")
    outputs.get_by_label("Render as").select_option(label="Sales deck (PPTX)")
    outputs.get_by_label("for customer").fill("Nordbank")
    outputs.get_by_role("button", name="Render", exact=True).click()
    expect(outputs.get_by_role("alert")).to_contain_text("internal-only")
    expect(outputs.get_by_label("for customer")).to_have_value("Nordbank")
    outputs.get_by_label("Who reads it").select_option(value="internal")
    outputs.get_by_role("button", name="Render", exact=True).click()
    expect(outputs.get_by_role("status")).to_contain_text("Rendered")
    expect(outputs.get_by_test_id("internal").first).to_be_visible()
    seller.close()
    editor.close()


def link_deliverable(page: Page, kind: str, asset: str) -> None:
    row = page.get_by_test_id(f"bom-{kind}")
    row.locator("summary", has_text="Change").click()
    row.get_by_label("Linked asset").select_option(label=f"{asset} (published)")
    row.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Deliverable saved.")


def test_an_editor_runs_launches_through_their_gates(
    server: str, browser: Browser, tmp_path: Path
) -> None:
    editor = sign_in(browser, server, "priya.raman@helio.example")
    editor.goto(server + "/launches")
    editor.get_by_role("link", name="New launch").click()
    editor.get_by_label("Name", exact=True).fill("Helio Vault residency 2.0")
    editor.get_by_label("Tier").select_option("1")
    launch_day = (utcnow().date() + timedelta(days=60)).isoformat()
    editor.get_by_label("Launch date").fill(launch_day)
    editor.locator("#l-product").select_option(label="Helio Vault")
    editor.get_by_role("button", name="Create launch").click()
    expect(editor.get_by_role("heading", name="Helio Vault residency 2.0")).to_be_visible()
    expect(editor.get_by_test_id("bom").locator("tbody tr")).to_have_count(12)

    gate = editor.get_by_test_id("gate")
    expect(gate).to_contain_text("No differentiator, no launch")
    gate.get_by_role("button", name="Move to Alpha").click()
    expect(editor.get_by_role("alert")).to_contain_text("2 things block moving")
    editor.get_by_text("Edit positioning").click()
    for label, text in (
        ("For (target customer)", "public-sector IT leaders"),
        ("Who (need)", "must keep citizen data in the country"),
        ("Is a (category)", "customer-data governance platform"),
        ("That (key benefit)", "pins data to a region with proof"),
        ("Unlike (alternative)", "on-prem data warehouses"),
        ("We (differentiator)", "prove residency per record, per day"),
    ):
        editor.get_by_label(label).fill(text)
    editor.get_by_role("button", name="Save positioning").click()
    expect(editor.get_by_test_id("gate-summary")).to_contain_text("is ready for Alpha")
    editor.get_by_test_id("gate").get_by_role("button", name="Move to Alpha").click()
    expect(editor.get_by_test_id("stage")).to_have_text("Alpha")

    # The demo's tier-1 launch is in beta: trying GA lists what still blocks it.
    editor.goto(server + "/launches")
    editor.get_by_role("link", name="Helio Vault DSAR automation").first.click()
    editor.get_by_test_id("gate").get_by_role("button", name="Move to GA").click()
    expect(editor.get_by_role("alert")).to_contain_text("2 things block moving")
    gate = editor.get_by_test_id("gate")
    expect(gate).to_contain_text("Demo script and recording (Priya Raman")
    expect(gate).to_contain_text("No published certifying training module")
    link_deliverable(editor, "demo", "Helio Vault implementation handbook")
    link_deliverable(editor, "training", "Vault holds SOC 2 Type II")
    link_deliverable(editor, "release_notes", "Helio Vault datasheet")
    editor.get_by_text("Define a metric").click()
    metrics = editor.locator("#metrics")
    metrics.get_by_label("Name", exact=True).fill("Accounts answering DSARs in Vault")
    metrics.get_by_label("Target (by day 90)").fill("25")
    editor.get_by_role("button", name="Define metric").click()
    expect(editor.get_by_role("status")).to_contain_text("Metric defined.")
    # Each metric's line is drawn by ECharts over the server's SVG (kept for print).
    charts = metrics.locator("figure.chart-box")
    expect(charts.first.locator(".chart-live svg")).to_be_visible()
    expect(metrics.locator("figure.chart-box.live")).to_have_count(charts.count())
    expect(editor.get_by_test_id("gate-summary")).to_contain_text("is ready for GA")
    editor.get_by_test_id("gate").get_by_role("button", name="Move to GA").click()
    expect(editor.get_by_test_id("stage")).to_have_text("GA")
    expect(editor.get_by_test_id("checkpoint-90")).to_contain_text("upcoming")
    expect(editor.get_by_text("not measured: Target teams at least 80% certified")).to_be_visible()
    editor.screenshot(path=str(tmp_path / "launch.png"), full_page=True)
    editor.close()

    seller = sign_in(browser, server, "sam.carter@helio.example")
    seller.goto(server + "/launches")
    seller.get_by_role("link", name="Helio Vault DSAR automation").first.click()
    expect(seller.get_by_test_id("stage")).to_have_text("GA")
    expect(seller.get_by_test_id("bom")).to_contain_text("Helio Vault implementation handbook")
    expect(seller.get_by_role("button", name="Move to Landed")).to_have_count(0)
    expect(seller.locator("summary", has_text="Change")).to_have_count(0)
    expect(seller.get_by_role("link", name="New launch")).to_have_count(0)
    seller.close()
