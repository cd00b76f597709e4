"""Questionnaire answers in a real headless Chromium: a seller uploads a hospital's security
questionnaire for a Vault deal, reviews the drafts (accepting one, answering one an expert was
needed for), downloads the hospital's own workbook answered; pastes questions for quick
answers; and the pages have no serious accessibility violation, on a phone as well."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Browser, expect

from prism.demo import answers
from prism.filestore import LocalFileStore
from tests.web.test_accessibility import signed_in, violations
from tests.web.test_browser import browser, serve_demo, sign_in  # noqa: F401 (a fixture)

pytestmark = pytest.mark.browser

QUESTIONS = """Can our users sign in through our identity provider with SAML?
Within what timeframe will you inform us of a data breach?
Do you hold FedRAMP authorization?
Is your organisation compliant with PCI DSS?"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data_dir = tmp_path_factory.mktemp("answers")
    store = LocalFileStore(data_dir / "files")
    yield from serve_demo(data_dir, answers.load,
                          lambda session, now: answers.load_questionnaire(session, store, now))  # fmt: skip


def test_a_seller_answers_a_hospitals_questionnaire_and_sends_its_own_file_back(
    server: str,
    browser: Browser,  # noqa: F811
    tmp_path: Path,
) -> None:
    workbook = tmp_path / "St Marys assessment.xlsx"
    workbook.write_bytes(answers.hospital_questionnaire())
    seller = sign_in(browser, server, "sam.carter@helio.example")
    seller.get_by_role("link", name="Questionnaires").click()
    upload = seller.get_by_test_id("upload-form")
    seller.get_by_text("Upload a questionnaire").click()
    upload.get_by_label("Buyer's file").set_input_files(workbook)
    upload.get_by_label("Helio Vault").check()
    upload.get_by_label("Deal").select_option(label="Patient records governance")
    upload.get_by_role("button", name="Upload and draft").click()
    expect(seller.get_by_text("Questionnaire taken in and drafted.")).to_be_visible()
    expect(seller.get_by_test_id("progress")).to_contain_text("0 of 15 answers accepted")
    questions = seller.get_by_test_id("question")
    encrypted = questions.filter(has_text="Is all customer data encrypted when stored?")
    expect(encrypted).to_contain_text("Do you encrypt customer data at rest?")
    encrypted.get_by_role("button", name="Accept").click()
    expect(seller.get_by_text("Answer accepted.")).to_be_visible()
    c5 = questions.filter(has_text="German C5 catalogue")
    expect(c5).to_contain_text("No library answer is sure enough.")
    c5.get_by_label("Answer").fill("Not yet: Helio plans a C5 attestation in 2027.")
    c5.get_by_label("Yes or no").select_option("no")
    c5.get_by_role("button", name="Accept").click()
    expect(seller.get_by_test_id("progress")).to_contain_text("2 of 15 answers accepted")
    with seller.expect_download() as waiting:
        seller.get_by_role("link", name="Download the buyer's file, answered").click()
    sheet = load_workbook(io.BytesIO(Path(waiting.value.path()).read_bytes()))["Questionnaire"]
    rows = {r[0]: r for r in sheet.iter_rows(values_only=True) if r and r[0]}
    assert rows["1.1"][2:] == ("Yes", "Yes: AES-256 in every region.")
    assert rows["3.4"][2:] == ("No", "Not yet: Helio plans a C5 attestation in 2027.")
    assert rows["2.2"][2:] == (None, None)  # drafted, not yet accepted: not sent

    seller.get_by_role("link", name="Questionnaire answers").click()
    expect(seller.get_by_test_id("questionnaires")).to_contain_text("2 of 15")
    quick = seller.get_by_test_id("draft-form")
    quick.get_by_label("Questions, one per line").fill(QUESTIONS)
    quick.get_by_label("Helio Vault").check()
    quick.get_by_role("button", name="Draft answers").click()
    drafts = seller.get_by_test_id("drafts")
    expect(drafts).to_contain_text("3 of 4 drafted")
    rows_ = seller.get_by_test_id("draft-row")
    expect(rows_.nth(0)).to_contain_text("Yes: SAML 2.0 and OpenID Connect.")
    expect(rows_.nth(2)).to_contain_text("For an expert")
    expect(rows_.nth(3)).to_contain_text("No: Helio does not store card data.")


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
    page.goto(server + "/answers")
    page.get_by_role("link", name="St. Mary's Health security assessment").click()
    expect(page.get_by_test_id("progress")).to_contain_text("answers accepted")
    page.get_by_text("What Prism found in the file").click()
    assert violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
    page.goto(server + "/answers")
    page.get_by_role("link", name="Brightline Retail RFP").click()  # questions in paragraphs
    page.get_by_text("What Prism found in the file").click()
    expect(page.get_by_test_id("layout")).to_contain_text("numbered ones that ask")
    assert violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
