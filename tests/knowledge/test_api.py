"""The knowledge API over HTTP: every role, typed kinds, conflicts, uploads and search."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from prism.db import utcnow
from prism.knowledge.models import Item
from tests.conftest import ROLES, Cast, bearer
from tests.knowledge.factories import make_item

CREATE = [("admin", 201), ("editor", 201), ("seller", 201), ("csm", 201), ("pm", 403)]


@pytest.mark.parametrize(("who", "expected"), CREATE)
def test_who_may_propose_an_item(
    client: TestClient, session: Session, cast: Cast, who: str, expected: int
) -> None:
    headers = bearer(session, cast.all()[who])
    answer = client.post("/api/v1/faqs", json={"title": "Is there SSO?"}, headers=headers)
    assert answer.status_code == expected, answer.text
    if expected == 201:
        assert answer.json()["status"] == "draft"


@pytest.mark.parametrize(
    ("who", "expected"), [(w, 200 if w in ("admin", "editor") else 403) for w in ROLES]
)
def test_only_editors_publish(
    client: TestClient, session: Session, cast: Cast, who: str, expected: int
) -> None:
    item = make_item(
        session,
        "faq",
        actor=cast.all()[who] if who in ("seller", "csm") else cast.editor,
        publish=False,
    )
    session.commit()
    headers = bearer(session, cast.all()[who])
    answer = client.post(
        f"/api/v1/items/{item.id}/transitions/publish",
        json={"version": item.version},
        headers=headers,
    )
    if who == "pm":  # a viewer cannot even see someone else's draft
        assert answer.status_code == 404
    else:
        assert answer.status_code == expected, answer.text


def test_typed_fields_stale_edits_and_links(
    client: TestClient, session: Session, cast: Cast
) -> None:
    headers = bearer(session, cast.editor)
    product = client.post(
        "/api/v1/products",
        json={"title": "Pulse", "fields": {"sales_motion": "self-serve"}},
        headers=headers,
    ).json()
    bad = client.post(
        "/api/v1/features",
        json={"title": "Funnels", "fields": {"status": "shipped"}},
        headers=headers,
    )
    assert bad.status_code == 422
    feature = client.post(
        "/api/v1/features",
        json={
            "title": "Funnels",
            "fields": {"status": "beta"},
            "links": [{"relation": "product", "target_id": product["id"]}],
        },
        headers=headers,
    )
    assert feature.status_code == 201, feature.text
    body = feature.json()
    assert body["links"][0]["target"]["title"] == "Pulse" and body["fields"]["status"] == "beta"
    changed = client.patch(
        f"/api/v1/features/{body['id']}",
        json={"version": body["version"], "title": "Funnels 2"},
        headers=headers,
    )
    assert changed.status_code == 200
    stale = client.patch(
        f"/api/v1/features/{body['id']}",
        json={"version": body["version"], "title": "Lost"},
        headers=headers,
    )
    assert stale.status_code == 409
    assert stale.headers["content-type"].startswith("application/problem+json")
    assert (
        client.get(f"/api/v1/features/{body['id']}", headers=headers).json()["title"] == "Funnels 2"
    )
    # A feature is not a product: the kind in the path must match.
    assert client.get(f"/api/v1/products/{body['id']}", headers=headers).status_code == 404
    versions = client.get(f"/api/v1/items/{body['id']}/versions", headers=headers).json()
    assert [v["number"] for v in versions["items"]] == [2, 1] and versions["total"] == 2
    # A list computed whole pages like any other: one at a time, the cursor leads on.
    first = client.get(f"/api/v1/items/{body['id']}/versions?limit=1", headers=headers).json()
    rest = client.get(
        f"/api/v1/items/{body['id']}/versions",
        params={"limit": 1, "cursor": first["next_cursor"]},
        headers=headers,
    ).json()
    assert [v["number"] for v in first["items"] + rest["items"]] == [2, 1]
    assert rest["next_cursor"] is None and rest["total"] == 2
    forged = client.get(
        f"/api/v1/items/{body['id']}/versions", params={"cursor": "nope!"}, headers=headers
    )
    assert forged.status_code == 422
    diff = client.get(f"/api/v1/items/{body['id']}/versions/2/diff", headers=headers).json()
    assert diff["changes"][0]["field"] == "Title"


def test_uploads_are_checked_before_anything_is_stored(
    client: TestClient, session: Session, cast: Cast, settings: object
) -> None:
    from prism.demo.knowledge import VAULT_DATASHEET, _docx, _pdf

    headers = bearer(session, cast.seller)
    ok = client.post(
        "/api/v1/assets",
        files={"file": ("sheet.pdf", _pdf(VAULT_DATASHEET), "application/pdf")},
        headers=headers,
    )
    assert ok.status_code == 201, ok.text
    assert ok.json()["file"]["pages"] == 1
    content = client.get(f"/api/v1/assets/{ok.json()['id']}/content", headers=headers)
    assert content.content.startswith(b"%PDF-")
    count = session.query(Item).count()
    disguised = client.post(
        "/api/v1/assets", files={"file": ("sheet.pdf", _docx(), "application/pdf")}, headers=headers
    )
    assert disguised.status_code == 422 and "really a Word file" in disguised.json()["detail"]
    corrupt = client.post(
        "/api/v1/assets",
        files={"file": ("broken.pdf", _pdf(VAULT_DATASHEET)[:300], "application/pdf")},
        headers=headers,
    )
    assert corrupt.status_code == 422 and "damaged" in corrupt.json()["detail"]
    unknown = client.post(
        "/api/v1/assets",
        files={"file": ("run.exe", b"MZ\x90\x00" * 10, "application/octet-stream")},
        headers=headers,
    )
    assert unknown.status_code == 422
    too_big = client.post(
        "/api/v1/assets",
        files={"file": ("big.pdf", b"%PDF-" + b"0" * (2 * 2**20), "application/pdf")},
        headers=headers,
    )
    assert too_big.status_code == 413
    assert session.query(Item).count() == count


def test_search_finds_across_kinds_and_respects_permissions(
    client: TestClient, session: Session, cast: Cast
) -> None:
    make_item(
        session,
        "battlecard",
        title="Battlecard: Vault vs GuardianDB",
        body="Win on agentless discovery.",
    )
    make_item(
        session,
        "faq",
        title="Where is customer data stored?",
        body="In Frankfurt or Virginia; data residency per workspace.",
    )
    make_item(
        session,
        "faq",
        title="Secret residency roadmap",
        body="Singapore data residency next year.",
        publish=False,
    )
    make_item(session, "faq", title="数据驻留", body="数据可以存放在欧盟。")
    session.commit()
    seller, editor = bearer(session, cast.seller), bearer(session, cast.editor)
    found = client.get(
        "/api/v1/search", params={"q": "data residency GuardianDB"}, headers=seller
    ).json()
    titles = [h["item"]["title"] for h in found["hits"]]
    assert (
        "Battlecard: Vault vs GuardianDB" in titles and "Where is customer data stored?" in titles
    )
    assert "Secret residency roadmap" not in titles
    assert any("<mark>" in h["highlight"] for h in found["hits"])
    drafts = client.get(
        "/api/v1/search", params={"q": "Singapore residency"}, headers=editor
    ).json()
    assert "Secret residency roadmap" in [h["item"]["title"] for h in drafts["hits"]]
    typo = client.get(
        "/api/v1/search", params={"q": "residncy", "mode": "keyword"}, headers=seller
    ).json()
    assert typo["corrections"] == {"residncy": "residency"} and typo["total"] >= 1
    chinese = client.get("/api/v1/search", params={"q": "数据驻留"}, headers=seller).json()
    found_zh = [h["item"]["title"] for h in chinese["hits"]]
    # The Chinese item first, by keyword and meaning; then English ones, by meaning alone.
    assert found_zh[0] == "数据驻留" and "Where is customer data stored?" in found_zh
    kinds = client.get(
        "/api/v1/search", params={"q": "residency", "kind": "battlecard"}, headers=seller
    ).json()
    assert all(h["item"]["kind"] == "battlecard" for h in kinds["hits"])
    nothing = client.get("/api/v1/search", params={"q": "zebra quasar"}, headers=seller).json()
    assert nothing["total"] == 0
    misses = client.get("/api/v1/search/misses", headers=editor).json()
    assert "zebra quasar" in [m["query"] for m in misses["items"]]
    assert client.get("/api/v1/search/misses", headers=seller).status_code == 403


def test_content_health_lists_stale_items_with_reasons(
    client: TestClient, session: Session, cast: Cast
) -> None:
    proof = make_item(session, "proof_point", title="Uptime 99.99%", verify_every_days=10)
    make_item(session, "value_proposition", title="Always on", links=[("proof", proof.id)])
    proof.review_due_at = utcnow() - timedelta(days=1)  # its verify-every period ran out
    session.commit()
    queue = client.get("/api/v1/content-health", headers=bearer(session, cast.editor)).json()
    queue = queue["items"]
    reasons = {entry["item"]["title"]: entry["reasons"] for entry in queue}
    assert "Uptime 99.99%" in reasons
    assert any("Uptime 99.99%" in r for r in reasons["Always on"])


def test_markdown_bodies_are_neutralised(client: TestClient, session: Session, cast: Cast) -> None:
    item = make_item(
        session,
        "faq",
        title="XSS",
        body="<script>alert(1)</script>\n\n[click](javascript:alert(1)) <img src=x onerror=alert(1)>",
    )
    session.commit()
    page = client.get(f"/library/{item.id}", headers=bearer(session, cast.seller)).text
    assert (
        "<script>alert" not in page and 'href="javascript:' not in page and "<img src=x" not in page
    )
    assert "&lt;script&gt;" in page and "&lt;img src=x onerror" in page


def test_the_link_picker_narrows_by_title_and_relation(
    client: TestClient, session: Session, cast: Cast
) -> None:
    story = make_item(session, "story", title="Northwind passes its audit")
    make_item(session, "competitor", title="GuardianDB")
    make_item(session, "solution", title="Audit readiness for banks")
    for n in range(60):
        make_item(session, "faq", title=f"Question {n}")
    session.commit()
    editor = bearer(session, cast.editor)
    url = f"/library/{story.id}/link-targets"

    def choices(headers: dict[str, str], **params: str) -> str:
        answer = client.get(url, params=params, headers=headers)
        assert answer.status_code == 200, answer.text
        return answer.text

    assert "GuardianDB" in choices(editor, relation="competitor", q="guard")
    assert "Audit readiness" not in choices(editor, relation="competitor", q="")
    assert "Audit readiness" in choices(editor, relation="solution", q="AUDIT")
    # Beyond the first page of recent items, typing still finds an item.
    assert "Question 3 (FAQ)" in choices(editor, relation="related", q="Question 3")
    assert "No item matches" in choices(editor, relation="related", q="zebra")
    # Someone who may not change the story is offered nothing to link.
    assert "(faq)" not in choices(bearer(session, cast.seller), relation="related")
    page = client.get(f"/library/{story.id}", headers=editor).text
    assert 'id="l-find"' in page and page.count("<option value=") < 80


def test_text_with_a_nul_character_is_refused_naming_its_field(
    client: TestClient, session: Session, cast: Cast
) -> None:
    headers = bearer(session, cast.editor)
    made = client.post("/api/v1/solutions", headers=headers,
                       json={"title": "Fine", "fields": {"problem": "a\u0000b"}})  # fmt: skip
    assert made.status_code == 422, made.text
    assert made.json()["errors"][0]["field"].endswith("problem")
    assert "NUL character" in made.json()["detail"]


def test_the_item_page_names_the_version_its_history_lists(
    client: TestClient, session: Session, cast: Cast
) -> None:
    item = make_item(session, "faq", title="Is data encrypted?")
    # A bookkeeping change (the review date moved by a job) bumps the row's edit counter but
    # is no new version of the content.
    item.review_due_at = utcnow() + timedelta(days=30)
    session.commit()
    headers = bearer(session, cast.seller)
    numbers = [
        v["number"]
        for v in client.get(f"/api/v1/items/{item.id}/versions", headers=headers).json()["items"]
    ]
    assert item.version > max(numbers)
    page = client.get(f"/library/{item.id}", headers=headers).text
    assert f">version {max(numbers)}</a>" in page
