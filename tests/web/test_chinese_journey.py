"""The seller's journey in Chinese, in a real headless Chromium: a seller whose browser asks for
Chinese signs in, chooses Chinese on their account page, searches in Chinese, reads an answer,
records a deal, builds its kit and shares it; the buyer, whose browser also speaks Chinese, opens
it. On every page, no English is left but names and the company's own content."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from prism.demo import company
from tests.pgcluster import free_port
from tests.web.test_browser import browser, load_demo, served

pytestmark = pytest.mark.browser

__all__ = ["browser"]  # the module's Chromium, shared with the other journeys

# Words that read the same in Chinese: the product's name, acronyms, units, and "English" (each
# language is offered in its own words).
SAME = {"English", "Prism", "API", "CSV", "ARR", "PDF", "PPTX", "DOCX", "GA", "UTC", "USD", "FAQ", "SLA",
        "MCP", "JSON", "zip", "Beta", "Alpha", "CRM", "SSO", "KiB", "MiB"}  # fmt: skip
WORD = re.compile(r"[A-Za-z][A-Za-z'\u2019\-]{2,}")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, set[str]]]:
    """The demo served, and every word of its own content (names, titles, bodies): what may
    stay English on a Chinese page."""
    settings = load_demo(tmp_path_factory.mktemp("chinese"))
    database = sqlite3.connect(str(settings.data_dir / "prism.db"))
    content: set[str] = set()
    for (table,) in database.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
        if table.startswith("search_") or table == "alembic_version":
            continue
        columns = [row[1] for row in database.execute(f"PRAGMA table_info('{table}')")]
        for column in columns:
            read = f'SELECT "{column}" FROM "{table}"'  # noqa: S608 (names from the schema)
            for (value,) in database.execute(read):
                if isinstance(value, str):
                    content |= set(WORD.findall(value))
    database.close()
    with served(settings, free_port()) as url:
        yield url, content


def chinese(browser: Browser) -> BrowserContext:
    return browser.new_context(locale="zh-CN", extra_http_headers={"Accept-Language": "zh-CN"})


def english_left(page: Page, content: set[str]) -> list[str]:
    """English words on the page that are neither the company's content (whole, cut short in a
    snippet, or part of a file's name) nor shared terms."""
    # A share link's visitors are shown by a short hash ("dab3f1"): letters, not words.
    shown = re.sub(r"\b[0-9a-f]{6}\b", " ", page.inner_text("body"))
    lowered = [c.lower() for c in content]
    parts = {p for w in WORD.findall(shown) for p in re.split(r"[-\u2019']", w) if len(p) > 2}
    unknown = {p for p in parts if p not in content and p not in SAME}
    return sorted(p for p in unknown if not any(p.lower() in c for c in lowered))


def test_a_seller_works_in_chinese_from_search_to_a_buyer_s_link(
    demo: tuple[str, set[str]], browser: Browser, tmp_path: Path
) -> None:
    server, content = demo
    content |= {"Lakeview", "Hospital", "Imaging", "governance", "archive", "Tuesday", "lakeview"}
    context = chinese(browser)
    seller = context.new_page()
    seller.goto(server + "/login")
    expect(seller.get_by_role("heading", name="登录 Prism")).to_be_visible()
    seller.get_by_label("电子邮件").fill("sam.carter@helio.example")
    seller.get_by_label("密码").fill(company.PASSWORD)
    seller.get_by_role("button", name="登录").click()
    expect(seller.get_by_text("以下是今天需要您处理的事项。")).to_be_visible()

    def walk(name: str) -> None:
        seller.wait_for_load_state("networkidle")
        assert english_left(seller, content) == [], f"English left on {seller.url}"
        seller.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)

    walk("home")
    seller.get_by_role("link", name="您的账号").click()
    seller.get_by_label("Prism 使用的语言").select_option("zh")
    seller.get_by_role("button", name="保存").first.click()
    expect(seller.get_by_role("status")).to_contain_text("语言已保存。")
    walk("account")

    seller.get_by_placeholder("搜索 Prism").fill("谁来管理加密密钥")
    seller.get_by_placeholder("搜索 Prism").press("Enter")
    expect(seller.get_by_role("link", name="加密密钥由谁掌管？")).to_be_visible()
    expect(seller.get_by_role("link", name="Who holds the encryption keys?")).to_be_visible()
    walk("search")
    seller.get_by_role("link", name="加密密钥由谁掌管？").click()
    expect(seller.get_by_role("heading", name="加密密钥由谁掌管？")).to_be_visible()
    walk("item")

    seller.get_by_role("link", name="商机", exact=True).click()
    seller.get_by_label("商机名称").fill("Imaging archive governance")
    seller.get_by_label("客户", exact=True).fill("Lakeview Hospital")
    seller.get_by_label("行业").select_option(label="Healthcare")
    seller.get_by_label("商机金额").fill("320000")
    seller.get_by_label("预期周期（天）").fill("150")
    seller.get_by_label("Helio Vault").check()
    seller.get_by_label("GuardianDB").check()
    seller.get_by_role("button", name="记录商机").click()
    expect(seller.get_by_role("heading", name="Imaging archive governance")).to_be_visible()
    walk("deal")
    seller.get_by_role("button", name="生成资料包").click()
    expect(seller.get_by_test_id("kit-note")).to_contain_text("为此商机组装")
    walk("kit")

    seller.get_by_label("买家看到的标题").fill("Lakeview Hospital: imaging data protection")
    seller.get_by_label("访问码").fill("482913")
    seller.get_by_role("button", name="创建分享链接").click()
    expect(seller.get_by_role("status")).to_contain_text("链接已创建")
    walk("link")
    url = seller.get_by_test_id("share-url").input_value()

    buyer_context = chinese(browser)
    buyer = buyer_context.new_page()
    buyer.goto(url)
    buyer.get_by_label("访问码").fill("482913")
    buyer.get_by_role("button", name="打开").click()
    expect(buyer.get_by_test_id("buyer-items")).to_be_visible()
    assert english_left(buyer, content) == []
    buyer.set_viewport_size({"width": 390, "height": 844})
    buyer.screenshot(path=str(tmp_path / "buyer-phone.png"), full_page=True)
    buyer_context.close()

    seller.reload()
    expect(seller.get_by_test_id("summary")).to_contain_text("1 位访客 · 1 次打开")
    walk("activity")
    context.close()
