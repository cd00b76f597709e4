"""The feedback API and pages per role: who submits, imports, closes deals, records churn,
reads, curates; bad input answered clearly with nothing written."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from prism.feedback.models import FeedbackItem
from tests.conftest import ROLES, Cast, bearer
from tests.feedback.factories import make_account, make_deal
from tests.web.test_pages import csrf_from, sign_in

SUBMITTING = {"admin", "editor", "seller", "csm"}
TRIAGING = {"admin", "editor"}


def expected(who: str, allowed: set[str], ok: int = 200) -> int:
    return ok if who in allowed else 401 if who == "outsider" else 403


def items(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(FeedbackItem)) or 0


def test_roles_submit_read_and_curate_as_the_matrix_says(
    client: TestClient, session: Session, cast: Cast
) -> None:
    admin = bearer(session, cast.admin)
    seeded = client.post("/api/v1/feedback", json={"text": "Okta SSO please"}, headers=admin)
    assert seeded.status_code == 201, seeded.text
    theme = f"/api/v1/feedback/themes/{seeded.json()['theme']['id']}"
    everyone = {"admin", "editor", "seller", "csm", "pm"}
    for who in [*ROLES, "outsider"]:
        headers = bearer(session, getattr(cast, who))
        made = client.post("/api/v1/feedback", json={"text": "We need Okta SSO"}, headers=headers)
        assert made.status_code == expected(who, SUBMITTING, 201), who
        for path in ("/api/v1/feedback/themes", "/api/v1/feedback/digest", "/api/v1/win-loss"):
            assert client.get(path, headers=headers).status_code == expected(who, everyone), who
        version = client.get(theme, headers=admin).json()["version"]
        renamed = client.patch(
            theme, json={"version": version, "label": f"SSO for {who}"}, headers=headers
        )
        assert renamed.status_code == expected(who, TRIAGING), who
        recluster = client.post("/api/v1/feedback/recluster", headers=headers)
        assert recluster.status_code == expected(who, TRIAGING), who
        upload = client.post(
            "/api/v1/feedback/import",
            data={"text": "Comment"},
            files={"file": ("x.csv", f"Comment\nReplay is slow for {who}\n".encode(), "text/csv")},
            headers=headers,
        )
        assert upload.status_code == expected(who, SUBMITTING), who


def test_who_may_close_a_deal_and_record_churn(
    client: TestClient, session: Session, cast: Cast
) -> None:
    for who in [*ROLES, "outsider"]:
        deal = make_deal(session, owner=cast.seller)
        account = make_account(session, f"Leaving {who}", arr=10_000)
        session.commit()
        headers = bearer(session, getattr(cast, who))
        closed = client.post(
            f"/api/v1/deals/{deal.id}/close",
            json={
                "version": deal.version,
                "outcome": "won",
                "reason": "product_fit",
                "text": "Fit",
            },
            headers=headers,
        )
        assert closed.status_code == expected(who, {"admin", "editor", "seller"}, 201), who
        churned = client.post(
            f"/api/v1/accounts/{account.id}/churn",
            json={"reason": "poor_adoption", "text": "Nobody used it"},
            headers=headers,
        )
        assert churned.status_code == expected(who, SUBMITTING, 201), who


def test_bad_input_is_answered_clearly(client: TestClient, session: Session, cast: Cast) -> None:
    headers = bearer(session, cast.seller)
    blank = client.post("/api/v1/feedback", json={"text": "   "}, headers=headers)
    assert blank.status_code == 422
    assert blank.headers["content-type"].startswith("application/problem+json")
    unknown = client.post("/api/v1/feedback", json={"text": "x", "deal_id": 4242}, headers=headers)
    assert unknown.status_code == 422 and "No deal 4242" in unknown.text
    wrong = client.post(
        "/api/v1/feedback", json={"text": "x", "kind": "praise", "reason": "price"}, headers=headers
    )
    assert wrong.status_code == 422 and "structured reason" in wrong.text
    nul = client.post("/api/v1/feedback", json={"text": "a\u0000b"}, headers=headers)
    assert nul.status_code == 422, nul.text  # PostgreSQL cannot store it: refused on both
    error = nul.json()["errors"][0]
    assert (error["field"], error["message"]) == (
        "text",
        "must not contain a NUL character (\\u0000)",
    )
    assert client.get("/api/v1/feedback", headers=headers).json()["total"] == 0
    huge = client.get("/api/v1/feedback/digest?product_id=9223372036854775808", headers=headers)
    assert huge.status_code == 422
    editor = bearer(session, cast.editor)
    item = client.post("/api/v1/feedback", json={"text": "Okta SSO"}, headers=editor).json()
    theme_id = item["theme"]["id"]
    stale = client.post(
        f"/api/v1/feedback/themes/{theme_id}/status",
        json={"version": 9, "status": "reviewed"},
        headers=editor,
    )
    assert stale.status_code == 409
    itself = client.post(
        f"/api/v1/feedback/themes/{theme_id}/merge", json={"theme_ids": [theme_id]}, headers=editor
    )
    assert itself.status_code == 422
    missing = client.post("/api/v1/deals/9999/close", json={
        "version": 1, "outcome": "lost", "reason": "price", "text": "x"}, headers=editor)  # fmt: skip
    assert missing.status_code == 404


def test_an_import_reports_every_bad_row_and_writes_nothing(
    client: TestClient, session: Session, cast: Cast
) -> None:
    headers = bearer(session, cast.csm)
    raw = b"Comment,Company\nOkta SSO please,Nobody Inc\n,\n\nGood one,\n"
    answer = client.post(
        "/api/v1/feedback/import",
        data={"text": "Comment", "account_column": "Company"},
        files={"file": ("export.csv", raw, "text/csv")},
        headers=headers,
    )
    assert answer.status_code == 422
    body = answer.json()
    assert body["detail"] == "2 of 3 rows have problems; nothing was imported."
    assert body["errors"] == [
        {"field": "line 2", "column": "Company", "message": "no account 'Nobody Inc'"},
        {"field": "line 3", "column": "Comment", "message": "has no text"},
    ]
    assert items(session) == 0
    skipped = client.post(
        "/api/v1/feedback/import",
        data={"text": "Comment", "account_column": "Company", "on_error": "skip"},
        files={"file": ("export.csv", raw, "text/csv")},
        headers=headers,
    )
    assert skipped.status_code == 200, skipped.text
    report = skipped.json()
    assert (report["rows"], report["imported"], report["dry_run"]) == (3, 1, False)
    assert report["problems"][0]["line"] == 2
    no_column = client.post(
        "/api/v1/feedback/import",
        data={"text": "Body"},
        files={"file": ("export.csv", raw, "text/csv")},
        headers=headers,
    )
    assert no_column.status_code == 422 and "No column 'Body'" in no_column.json()["detail"]
    latin = client.post(
        "/api/v1/feedback/import",
        data={"text": "Comment"},
        files={"file": ("export.csv", "Comment\ncaf\u00e9\n".encode("latin-1"), "text/csv")},
        headers=headers,
    )
    assert latin.status_code == 422 and "not UTF-8" in latin.json()["detail"]


@pytest.mark.parametrize(
    ("raw", "line", "says"),
    [
        (b'Comment,Company\r\n"unclosed quote,Nordbank\r\nsecond row,Nordbank\r\n', 2, "end"),
        (
            b"Comment,Company\r\nfine,Nordbank\r\n" + b'"' + b"runs on\n" * 150 + b'",x\n',
            3,
            "over 151 lines",
        ),
        (b"Comment,Company\r\nfine,Nordbank\r\nhalf\x00way,Nordbank\r\n", 3, "NUL"),
    ],
    ids=["unclosed-quote", "quote-over-150-lines", "nul"],
)
def test_a_broken_csv_is_refused_naming_the_line_and_nothing_is_imported(
    client: TestClient, session: Session, cast: Cast, raw: bytes, line: int, says: str
) -> None:
    answer = client.post(
        "/api/v1/feedback/import",
        data={"text": "Comment"},
        files={"file": ("export.csv", raw, "text/csv")},
        headers=bearer(session, cast.csm),
    )
    assert answer.status_code == 422, answer.text
    detail = answer.json()["detail"]
    assert detail.startswith(f"Line {line} ") and says in detail
    assert items(session) == 0


def test_digest_exports_and_similar_as_you_type(
    client: TestClient, session: Session, cast: Cast
) -> None:
    headers = bearer(session, cast.seller)
    client.post(
        "/api/v1/feedback", json={"text": "Okta single sign-on is missing"}, headers=headers
    )
    similar = client.get(
        "/api/v1/feedback/similar", params={"text": "SSO with Okta"}, headers=headers
    )
    assert similar.json()["themes"][0]["items"] == 1
    pm = bearer(session, cast.pm)
    markdown = client.get("/api/v1/feedback/digest.md", headers=pm)
    assert markdown.status_code == 200 and markdown.text.startswith("# Product digest")
    pdf = client.get("/api/v1/feedback/digest.pdf", headers=pm)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    [entry] = client.get("/api/v1/feedback/digest", headers=pm).json()["items"]
    assert entry["theme"]["weight"]["items"] == 1 and entry["evidence"][0]["text"]


def test_a_seller_gives_feedback_and_sees_what_became_of_it(client: TestClient, cast: Cast) -> None:
    sign_in(client, cast.seller.email)
    form = client.get("/feedback/new")
    assert form.status_code == 200
    token = csrf_from(form.text)
    sent = client.post(
        "/feedback/new",
        data={"csrf_token": token, "text": "Okta SSO, again", "kind": "feature_request"},
        follow_redirects=True,
    )
    assert sent.status_code == 200 and "joined this theme" in sent.text
    empty = client.post("/feedback/new", data={"csrf_token": token, "text": " ", "kind": "bug"})
    assert empty.status_code == 422 and "text" in empty.text
    assert "Okta" in client.get("/feedback/similar", params={"text": "okta sso"}).text
    assert "Okta SSO, again" in client.get("/feedback/mine").text
    for page in (
        "/feedback",
        "/feedback/digest",
        "/win-loss",
        "/notifications",
        "/feedback/import",
    ):
        assert client.get(page).status_code == 200, page
    assert client.get("/feedback/digest?since=garbage").status_code == 200
    # The page's own download links work, with no filter chosen or with one.
    for query in ("", "?since=2026-01-01"):
        page = client.get(f"/feedback/digest{query}").text
        for link in re.findall(r'href="(/[^"]*digest[^"]*\.(?:md|pdf)[^"]*)"', page):
            assert client.get(link.replace("&amp;", "&")).status_code == 200, link


def test_the_import_page_shows_the_report_or_the_bad_rows(
    client: TestClient, session: Session, cast: Cast
) -> None:
    make_account(session, "Big Bank")
    session.commit()
    sign_in(client, cast.csm.email)
    token = csrf_from(client.get("/feedback/import").text)
    raw = b"Comment,Company\nOkta SSO please,Big Bank\nWho?,Ghost Corp\n"
    fields = {"csrf_token": token, "text": "Comment", "account_column": "Company"}
    files = {"file": ("export.csv", raw, "text/csv")}
    refused = client.post("/feedback/import", data=fields, files=files)
    assert refused.status_code == 422 and "no account &#39;Ghost Corp&#39;" in refused.text
    assert items(session) == 0
    files = {"file": ("export.csv", raw, "text/csv")}
    done = client.post("/feedback/import", data={**fields, "on_error": "skip"}, files=files)
    assert done.status_code == 200 and "1 of 2 rows imported; 1 with problems." in done.text
    assert items(session) == 1


def test_closing_a_deal_on_its_page_lands_the_reason_in_a_theme(
    client: TestClient, session: Session, cast: Cast
) -> None:
    deal = make_deal(session, "Big Bank", owner=cast.seller)
    session.commit()
    sign_in(client, cast.seller.email)
    page = client.get(f"/deals/{deal.id}")
    assert page.status_code == 200 and "Close the deal" in page.text
    token = csrf_from(page.text)
    bad = client.post(
        f"/deals/{deal.id}/close",
        data={"csrf_token": token, "version": deal.version, "outcome": "lost",
              "reason": "competitor", "text": "Lost to someone"},
    )  # fmt: skip
    assert bad.status_code == 422 and "Say which competitor" in bad.text
    done = client.post(
        f"/deals/{deal.id}/close",
        data={"csrf_token": token, "version": deal.version, "outcome": "lost",
              "reason": "price", "text": "Too expensive for their budget"},
        follow_redirects=True,
    )  # fmt: skip
    assert done.status_code == 200 and "joined this theme" in done.text
    assert "Too expensive for their budget" in done.text
    assert "Why it was lost" in client.get(f"/deals/{deal.id}").text


def test_churn_is_recorded_on_the_win_loss_page(
    client: TestClient, session: Session, cast: Cast
) -> None:
    account = make_account(session, "Leaving Co", arr=80_000)
    session.commit()
    sign_in(client, cast.csm.email)
    token = csrf_from(client.get("/win-loss").text)
    form = {"csrf_token": token, "account_id": account.id, "reason": "poor_adoption",
            "text": "Their champion left"}  # fmt: skip
    done = client.post("/win-loss/churn", data=form)
    assert done.status_code == 200 and "Churn recorded" in done.text
    assert "1 account left, 80k ARR" in done.text
    wrong = client.post("/win-loss/churn", data={**form, "reason": "product_fit"})
    assert wrong.status_code == 422


def test_an_editor_curates_a_theme_on_its_page(
    client: TestClient, session: Session, cast: Cast
) -> None:
    headers = bearer(session, cast.seller)
    sso = client.post("/api/v1/feedback", json={"text": "Okta SSO please"}, headers=headers).json()
    price = client.post(
        "/api/v1/feedback", json={"text": "The price per seat is too high"}, headers=headers
    ).json()
    theme, other = sso["theme"]["id"], price["theme"]["id"]
    sign_in(client, cast.editor.email)
    page = client.get(f"/feedback/themes/{theme}")
    assert page.status_code == 200 and "Merge into this theme" in page.text
    token = csrf_from(page.text)
    moved = client.post(
        f"/feedback/themes/{theme}/status",
        data={"csrf_token": token, "version": 1, "status": "reviewed"},  # no note: allowed
    )
    assert moved.status_code == 200 and 'data-testid="theme-status">reviewed' in moved.text
    merged = client.post(
        f"/feedback/themes/{theme}/merge", data={"csrf_token": token, "theme_ids": [other]}
    )
    assert merged.status_code == 200 and "Merged" in merged.text
    assert client.get(f"/api/v1/feedback/themes/{other}", headers=headers).status_code == 404
    split = client.post(
        f"/feedback/themes/{theme}/split",
        data={"csrf_token": token, "item_ids": [price["id"]], "label": "Seat pricing"},
        follow_redirects=True,
    )
    assert split.status_code == 200 and "<h1>Seat pricing</h1>" in split.text
    sign_in(client, cast.seller.email)
    refused = client.post(
        f"/feedback/themes/{theme}/status",
        data={"csrf_token": csrf_from(client.get("/feedback").text), "version": 2,
              "status": "shipped"},
    )  # fmt: skip
    assert refused.status_code == 403


def test_themes_are_found_by_the_words_of_their_label(
    client: TestClient, session: Session, cast: Cast
) -> None:
    headers = bearer(session, cast.seller)
    for text in ("Okta SSO please", "The price per seat is too high"):
        assert client.post("/api/v1/feedback", json={"text": text}, headers=headers).is_success
    labels = {
        t["label"] for t in client.get("/api/v1/feedback/themes", headers=headers).json()["items"]
    }
    sso = next(label for label in labels if "sso" in label.lower())
    found = client.get("/api/v1/feedback/themes", params={"q": sso.upper()}, headers=headers)
    assert [t["label"] for t in found.json()["items"]] == [sso]
    none = client.get("/api/v1/feedback/themes", params={"q": "zzz%"}, headers=headers).json()
    assert none["items"] == [] and none["total"] == 0
    long = client.get("/api/v1/feedback/themes", params={"q": "x" * 201}, headers=headers)
    assert long.status_code == 422

    sign_in(client, cast.pm.email)
    page = client.get("/feedback", params={"q": sso})
    assert page.status_code == 200 and sso in page.text
    assert labels - {sso} and not any(label in page.text for label in labels - {sso})
    empty = client.get("/feedback", params={"q": "zzz"})
    assert "No theme matches" in empty.text
