"""The enablement journey in a real headless Chromium: a seller takes the launch's certifying
module, passes, sees the certificate, and the launch's readiness figure rises; an editor reads
awareness scores per department and the weakest questions."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from prism.demo import training
from prism.demo.training import LAUNCH_MODULE, MODULES
from tests.web.test_browser import browser, serve_demo, sign_in

pytestmark = pytest.mark.browser
__all__ = ["browser"]
# The right choices of the launch module's quiz, by question, from the demo's own text.
KEY = {
    block.splitlines()[0].split(": ", 1)[1]: [
        line[2:] for line in block.splitlines() if line.startswith("* ")
    ]
    for block in MODULES[0][5].split("\n\n")
}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from serve_demo(tmp_path_factory.mktemp("training"), training.load)


def readiness_of(page: Page, server: str) -> str:
    page.goto(server + "/launches")
    page.get_by_role("link", name="Helio Vault DSAR automation").first.click()
    return page.get_by_test_id("launch-readiness").inner_text()


def test_a_seller_certifies_for_the_launch_and_its_readiness_rises(
    server: str, browser: Browser, tmp_path: Path
) -> None:
    seller = sign_in(browser, server, "sam.carter@helio.example")
    before = readiness_of(seller, server)
    assert "3 of 9 people in the target teams are certified (33%)" in before

    seller.goto(server + "/training")
    queue = seller.get_by_test_id("queue")
    expect(queue).to_contain_text(LAUNCH_MODULE)
    queue.get_by_role("link", name=LAUNCH_MODULE).click()
    seller.get_by_role("button", name="Take the quiz").click()
    questions = seller.get_by_test_id("question")
    expect(questions).to_have_count(len(KEY))
    page_text = seller.content()
    assert "Why:" not in page_text and "GDPR article 15" not in page_text
    for n in range(questions.count()):
        question = questions.nth(n)
        legend = question.locator("legend").inner_text()
        prompt = re.sub(r"^\d+\. | \(.*\)$", "", legend)
        for right in KEY[prompt]:
            question.get_by_label(right, exact=True).check()
    seller.get_by_role("button", name="Submit answers").click()
    expect(seller.get_by_test_id("result")).to_contain_text("Passed: 100%")
    seller.get_by_role("link", name="See the certificate").click()
    certificate = seller.get_by_test_id("certificate")
    expect(certificate).to_contain_text("Sam Carter")
    expect(certificate).to_contain_text(LAUNCH_MODULE)
    seller.screenshot(path=str(tmp_path / "certificate.png"), full_page=True)

    after = readiness_of(seller, server)
    assert "4 of 9 people in the target teams are certified (44%)" in after
    seller.close()


def test_an_editor_reads_awareness_by_department_and_the_weakest_questions(
    server: str, browser: Browser, tmp_path: Path
) -> None:
    editor = sign_in(browser, server, "priya.raman@helio.example")
    editor.goto(server + "/training/surveys")
    editor.get_by_role("link", name="Product awareness: autumn 2026").click()
    departments = editor.get_by_test_id("departments")
    expect(departments).to_contain_text("Compared with")
    for team in ("Sales", "Marketing", "Customer Success", "Product"):
        expect(departments).to_contain_text(team)
    weakest = editor.get_by_test_id("weakest")
    expect(weakest.locator("li").first).to_contain_text("right of")
    expect(weakest).to_contain_text("Most common wrong answer")
    editor.screenshot(path=str(tmp_path / "survey.png"), full_page=True)
    editor.close()
