"""The questionnaire pages and API for every role: upload a buyer's file, correct what Prism
found, review each answer, download the file answered; bad input answered on the page."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from prism.answers import service
from prism.answers.schemas import AssignIn, QuestionnaireIn
from prism.db import utcnow
from prism.filestore import LocalFileStore
from prism.people.models import User
from tests.answers.buyer_files import caiq_xlsx, paragraph_rfp_docx, tender_docx
from tests.answers.library import make_library
from tests.conftest import ROLES, Cast, bearer
from tests.feedback.factories import make_deal
from tests.web.test_pages import csrf_from, sign_in

RUNS = {"admin", "editor", "seller", "csm"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _uploaded(
    client: TestClient, session: Session, who: User, name: str, raw: bytes
) -> tuple[str, Response]:
    """`who`, signed in on a library, uploads the buyer's file `name`: the form's token and the
    page that answered."""
    make_library(session)
    session.commit()
    sign_in(client, who.email)
    token = csrf_from(client.get("/answers").text)
    made = client.post("/answers/questionnaires", data={"csrf_token": token},
                       files={"file": (name, raw, "application/octet-stream")})  # fmt: skip
    return token, made


@pytest.mark.parametrize("who", ROLES)
def test_a_questionnaire_is_run_on_its_pages_by_those_who_work_deals(
    client: TestClient, session: Session, cast: Cast, who: str
) -> None:
    lib = make_library(session)
    session.commit()
    sign_in(client, getattr(cast, who).email)
    listing = client.get("/answers")
    assert listing.status_code == 200
    assert ("Upload a questionnaire" in listing.text) == (who in RUNS)
    token = csrf_from(listing.text)
    upload = {"csrf_token": token, "title": "Acme CAIQ", "product_id": str(lib.vault.id)}
    made = client.post("/answers/questionnaires", data=upload,
                       files={"file": ("caiq.xlsx", caiq_xlsx(), XLSX)})  # fmt: skip
    if who not in RUNS:
        assert made.status_code == 403
        return
    assert made.status_code == 200 and "Questionnaire taken in and drafted." in made.text
    page = made.text
    assert "0 of 6 answers accepted" in page and "Do you support single sign-on?" in page
    assert "C — CSP CAIQ Answer" in page  # what Prism found, as the sheet names its columns
    url = made.url.path
    question = page.split('id="question-')[5].split('"')[0]  # IAM-14.1, drafted from SSO
    version = (
        page.split(f'action="{url}/questions/{question}"')[1]
        .split('name="version" value="')[1]
        .split('"')[0]
    )
    accepted = client.post(f"{url}/questions/{question}", data={
        "csrf_token": token, "version": version, "decision": "accept",
        "answer": "Yes: SAML 2.0 and OIDC.", "yes_or_no": "yes"})  # fmt: skip
    assert "Answer accepted." in accepted.text and "1 of 6 answers accepted" in accepted.text
    stale = client.post(f"{url}/questions/{question}", data={
        "csrf_token": token, "version": version, "decision": "reject"})  # fmt: skip
    assert stale.status_code == 409
    answered = client.get(f"{url}/file")
    assert (
        answered.status_code == 200 and "answered.xlsx" in answered.headers["content-disposition"]
    )
    sheet = load_workbook(io.BytesIO(answered.content))["CAIQ"]
    assert "Yes: SAML 2.0 and OIDC." in [c.value for c in sheet["D"]]
    listing = client.get("/answers").text
    assert "Acme CAIQ" in listing and "The answer library:" in listing
    pdf = client.get(f"{url}/book.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assigned = client.post(f"{url}/assign", data={"csrf_token": token, "which": "for_expert",
                                                  "assignee_id": str(cast.editor.id)})  # fmt: skip
    assert "Questions assigned; they have been told." in assigned.text
    assert f"for {cast.editor.name}" in assigned.text


def test_bad_uploads_and_corrections_are_answered_on_the_page(
    client: TestClient, session: Session, cast: Cast
) -> None:
    make_library(session)
    session.commit()
    sign_in(client, cast.seller.email)
    token = csrf_from(client.get("/answers").text)
    wrong = client.post("/answers/questionnaires", data={"csrf_token": token},
                        files={"file": ("q.pdf", b"%PDF-1.4", "application/pdf")})  # fmt: skip
    assert wrong.status_code == 422 and "XLSX, DOCX or CSV" in wrong.text
    made = client.post("/answers/questionnaires", data={"csrf_token": token},
                       files={"file": ("tender.docx", tender_docx(), "application/octet-stream")})  # fmt: skip
    assert made.status_code == 200 and "客户数据是否加密存储？" in made.text
    url = made.url.path
    version = (
        made.text.split(f'action="{url}/layout"')[1]
        .split('name="version" value="')[1]
        .split('"')[0]
    )
    bad = client.post(f"{url}/layout", data={"csrf_token": token, "version": version,
                                             "part": "Table 1", "header_row.Table 1": "1",
                                             "question.Table 1": "2"})  # fmt: skip
    assert bad.status_code == 422 and "Choose where the answers go." in bad.text
    good = client.post(f"{url}/layout", data={"csrf_token": token, "version": version,
                                              "part": "Table 1", "header_row.Table 1": "1",
                                              "question.Table 1": "2", "answer.Table 1": "4"})  # fmt: skip
    assert "Questions read again and drafted." in good.text


def test_paragraph_questions_are_explained_and_read_again_from_the_page(
    client: TestClient, session: Session, cast: Cast
) -> None:
    token, made = _uploaded(client, session, cast.seller, "rfp.docx", paragraph_rfp_docx())
    assert made.status_code == 200 and "0 of 6 answers accepted" in made.text
    assert "The document\u2019s paragraphs" in made.text and "numbered ones that ask" in made.text
    form = made.text.split(f'action="{made.url.path}/layout"')[1].split("</form>")[0]
    fields = dict(re.findall(r'type="hidden" name="([^"]+)" value="([^"]*)"', form))
    again = client.post(f"{made.url.path}/layout",
                        data={**fields, "csrf_token": token, "part": "Paragraphs"})  # fmt: skip
    assert "Questions read again and drafted." in again.text
    assert "0 of 6 answers accepted" in again.text


def test_the_api_takes_in_reviews_and_gives_back_a_questionnaire(
    client: TestClient, session: Session, cast: Cast
) -> None:
    lib = make_library(session)
    session.commit()
    headers = bearer(session, cast.seller)
    made = client.post("/api/v1/questionnaires", headers=headers,
                       data={"title": "Acme", "product_ids": [str(lib.vault.id)]},
                       files={"file": ("caiq.xlsx", caiq_xlsx(), XLSX)})  # fmt: skip
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["progress"]["total"] == 6 and body["layout"]["ignored"] == ["Cover"]
    sso = next(q for q in body["questions"] if q["ref"] == "IAM-14.1")
    assert sso["source"]["id"] == lib.sso.id and sso["state"] == "drafted"
    url = f"/api/v1/questionnaires/{body['id']}"
    review = client.post(f"{url}/questions/{sso['id']}/review", headers=headers,
                         json={"version": sso["version"], "decision": "accept"})  # fmt: skip
    assert review.status_code == 200 and review.json()["state"] == "accepted"
    filled = client.get(f"{url}/file", headers=headers)
    assert filled.status_code == 200 and filled.headers["x-prism-written"] == "1"
    relayout = client.put(f"{url}/layout", headers=headers, json={
        "version": body["version"], "columns": [{"part": "CAIQ", "header_row": 3, "question": 1, "answer": 3}]})  # fmt: skip
    assert relayout.status_code == 409
    book = client.get(f"{url}/book", headers=headers, params={"format": "docx"})
    assert book.status_code == 200 and book.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml"
    )
    assert client.get(f"{url}/book", headers=headers, params={"format": "rtf"}).status_code == 422
    listed = client.get("/api/v1/questionnaires", headers=headers).json()
    assert listed["total"] == 1 and listed["next_cursor"] is None
    assert [q["title"] for q in listed["items"]] == ["Acme"]
    assert listed["items"][0]["progress"]["accepted"] == 1
    assert client.get("/api/v1/questionnaires", headers=bearer(session, cast.pm)).status_code == 403
    sure = client.post(f"{url}/accept-drafts", headers=headers, json={"at_least": 0.99})
    assert sure.status_code == 200 and all(q["confidence"] >= 0.99 for q in sure.json())
    everything = client.post(f"{url}/accept-drafts", headers=headers, json={"at_least": 0})
    drafted = [q for q in body["questions"] if q["state"] == "drafted" and q["id"] != sso["id"]]
    assert len(everything.json()) + len(sure.json()) == len(drafted)
    assert {q["state"] for q in everything.json()} <= {"accepted"}
    too_sure = client.post(f"{url}/accept-drafts", headers=headers, json={"at_least": 1.5})
    assert too_sure.status_code == 422 and "at_least" in too_sure.text
    no_right = client.post(
        f"{url}/accept-drafts", headers=bearer(session, cast.pm), json={"at_least": 0.5}
    )
    assert no_right.status_code == 403
    bad = client.post("/api/v1/questionnaires", headers=headers, data={"due_on": "soon"},
                      files={"file": ("caiq.xlsx", caiq_xlsx(), XLSX)})  # fmt: skip
    assert bad.status_code == 422 and "due_on" in bad.text


def test_the_page_narrows_to_a_kind_of_question_and_accepts_the_sure_drafts(
    client: TestClient, session: Session, cast: Cast
) -> None:
    token, made = _uploaded(client, session, cast.seller, "caiq.xlsx", caiq_xlsx())
    url = made.url.path
    experts = client.get(f"{url}?show=for_expert").text
    assert 'aria-current="page">For an expert (' in experts
    assert "Do you hold FedRAMP authorization?" in experts
    assert "Do you support single sign-on with SAML" not in experts  # drafted, not shown here
    assert client.get(f"{url}?show=nonsense").status_code == 200  # an unknown view shows all
    bad = client.post(f"{url}/accept-drafts", data={"csrf_token": token, "at_least": "lots"})
    assert bad.status_code == 422 and "at_least" in bad.text
    done = client.post(f"{url}/accept-drafts", data={"csrf_token": token, "at_least": "0"})
    assert "Drafts accepted: " in done.text and "0 drafted, to review" in done.text
    assert "No question here." in client.get(f"{url}?show=drafted").text


def test_a_deals_page_shows_its_questionnaires_progress(
    client: TestClient, session: Session, cast: Cast, tmp_path: Path
) -> None:
    lib = make_library(session)
    deal = make_deal(session, "St. Mary's Health", owner=cast.seller)
    service.start(session, cast.seller, filename="caiq.xlsx", raw=caiq_xlsx(),
                  data=QuestionnaireIn(title="St. Mary's CAIQ", product_ids=[lib.vault.id], deal_id=deal.id),
                  store=LocalFileStore(tmp_path), now=utcnow())  # fmt: skip
    session.commit()
    sign_in(client, cast.seller.email)
    page = client.get(f"/deals/{deal.id}").text
    assert "St. Mary&#39;s CAIQ" in page and "0 of 6 answers accepted" in page


def test_a_question_past_its_day_is_marked_late_on_the_page(
    client: TestClient, session: Session, cast: Cast
) -> None:
    _, made = _uploaded(client, session, cast.seller, "caiq.xlsx", caiq_xlsx())
    number = int(made.url.path.rsplit("/", 1)[1])
    first = service.get_questionnaire(session, cast.seller, number).questions[0]
    yesterday = utcnow().date() - timedelta(days=1)
    service.assign(session, cast.seller, number, AssignIn(
        question_ids=[first.id], assignee_id=cast.editor.id, due_on=yesterday))  # fmt: skip
    session.commit()
    page = client.get(made.url.path).text
    assert page.count('<span class="badge blocked">late</span>') == 1
