"""Retake the README's screenshots (docs/images/*-1440.png and *-390.png) from a running demo.

    prism demo --no-serve --data-dir /tmp/shots && prism serve --data-dir /tmp/shots --port 8765 &
    python docs/screenshots.py http://127.0.0.1:8765

Each shot is the first screen a person sees (1440×900 on a desk, 390×844 on a phone), signed in
as the demo user whose page it is. Uses Debian's Chromium, as the browser tests do.
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import Browser, Page, sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # prism and the tests' Chromium

from prism.demo.company import PASSWORD
from tests.web.chromium import CHROMIUM, FLAGS

IMAGES = Path(__file__).parent / "images"
HEIGHT = {1440: 900, 390: 844}

# (file name, who, path, width); a path of "menu" opens the phone's navigation on the home page,
# and "room" opens the seller's first share link as its buyer sees it.
SHOTS = [
    ("home-seller", "sam.carter", "/", 1440),
    ("home-seller", "sam.carter", "/", 390),
    ("menu", "sam.carter", "menu", 390),
    ("home-editor", "priya.raman", "/", 1440),
    ("home-leader", "elena.petrova", "/", 1440),
    ("dashboards", "elena.petrova", "/analytics", 1440),
    ("launch", "priya.raman", "/launches/1", 1440),
    ("launches", "priya.raman", "/launches", 1440),
    ("library", "priya.raman", "/library", 1440),
    ("pricing", "priya.raman", "/pricing/1", 1440),
    ("pricing", "sam.carter", "/pricing/1", 390),
    ("feedback", "grace.kim", "/feedback", 1440),
    ("deals", "sam.carter", "/deals", 1440),
    ("deals", "sam.carter", "/deals", 390),
    ("kit", "sam.carter", "kit", 390),
    ("training", "sam.carter", "/training", 390),
    ("buyer-room", "sam.carter", "room", 1440),
    ("buyer-room", "sam.carter", "room", 390),
]


def signed_in(browser: Browser, base: str, who: str, width: int) -> Page:
    page = browser.new_context(viewport={"width": width, "height": HEIGHT[width]}).new_page()
    page.goto(base + "/login")
    page.get_by_label("Email").fill(f"{who}@helio.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(base + "/")
    return page


def first_link(page: Page, base: str, listing: str, prefix: str) -> str:
    page.goto(base + listing)
    return str(page.locator(f"main a[href^='{prefix}']").first.get_attribute("href"))


def take(browser: Browser, base: str, name: str, who: str, path: str, width: int) -> Path:
    page = signed_in(browser, base, who, width)
    if path == "menu":
        page.get_by_role("button", name="Menu").click()
    elif path == "kit":
        page.goto(base + first_link(page, base, "/toolkits", "/toolkits/"))
    elif path == "room":
        page.goto(base + first_link(page, base, "/shares", "/shares/"))
        room = page.get_by_test_id("share-url").input_value()
        page.context.close()
        page = browser.new_context(viewport={"width": width, "height": HEIGHT[width]}).new_page()
        page.goto(room)
    else:
        page.goto(base + path)
    page.wait_for_load_state("networkidle")
    out = IMAGES / f"{name}-{width}.png"
    page.screenshot(path=str(out))
    page.context.close()
    return out


def main(base: str) -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        for shot in SHOTS:
            print(take(browser, base.rstrip("/"), *shot))
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8765")
