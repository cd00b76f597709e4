"""The enablement-requests API and pages per role: who asks, who reads which requests, who
curates the roadmap; the deal-help rule as a seller meets it on the page."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.conftest import ROLES, Cast, bearer
from tests.feedback.factories import make_deal
from tests.knowledge.factories import make_item
from tests.web.test_pages import csrf_from, sign_in

ASKING = {"admin", "editor", "seller", "csm"}
TRIAGING = {"admin", "editor"}


def expected(who: str, allowed: set[str], ok: int = 200) -> int:
    return ok if who in allowed else 401 if who == "outsider" else 403


def test_roles_ask_read_and_curate_as_the_matrix_says(
    client: TestClient, session: Session, cast: Cast
) -> None:
    seller = bearer(session, cast.seller)
    seeded = client.post(
        "/api/v1/enablement-requests",
        json={"need": "asset", "text": "A refreshed GuardianDB battlecard"},
        headers=seller,
    )
    assert seeded.status_code == 201, seeded.text
    request, capability = seeded.json(), seeded.json()["capability"]
    path = f"/api/v1/roadmap/{capability['id']}"
    everyone = {"admin", "editor", "seller", "csm", "pm"}
    for who in [*ROLES, "outsider"]:
        headers = bearer(session, getattr(cast, who))
        asked = client.post(
            "/api/v1/enablement-requests",
            json={"need": "training", "text": "Pricing objection training"},
            headers=headers,
        )
        assert asked.status_code == expected(who, ASKING, 201), who
        board = client.get("/api/v1/roadmap", headers=headers)
        assert board.status_code == expected(who, everyone), who
        # The requester and the enablement team read a request; others are told it is not there.
        one = client.get(f"/api/v1/enablement-requests/{request['id']}", headers=headers)
        allowed = 200 if who in TRIAGING | {"seller"} else 401 if who == "outsider" else 404
        assert one.status_code == allowed, who
        version = client.get(path, headers=seller).json()["version"]
        planned = client.patch(
            path, json={"version": version, "status": "planned", "note": who}, headers=headers
        )
        assert planned.status_code == expected(who, TRIAGING), who


def test_the_api_says_where_each_request_went(
    client: TestClient, session: Session, cast: Cast
) -> None:
    big = make_deal(session, "Big Bank", value=400_000)
    small = make_deal(session, "Small Shop", value=5_000)
    session.commit()
    headers = bearer(session, cast.seller)
    offered = client.post(
        "/api/v1/enablement-requests",
        json={"need": "deal_help", "text": "Join the exec call", "deal_id": big.id},
        headers=headers,
    ).json()
    assert offered["route"] == "deal_help" and offered["help_status"] == "open"
    pointed = client.post(
        "/api/v1/enablement-requests",
        json={"need": "deal_help", "text": "Demo please", "deal_id": small.id},
        headers=headers,
    ).json()
    assert pointed["route"] == "self_serve" and "self-serve toolkit" in pointed["route_reason"]
    missing = client.post(
        "/api/v1/enablement-requests", json={"need": "deal_help", "text": "Help"}, headers=headers
    )
    assert missing.status_code == 422 and "Say which deal" in missing.json()["detail"]
    blank = client.post(
        "/api/v1/enablement-requests", json={"need": "asset", "text": " "}, headers=headers
    )
    assert blank.status_code == 422
    mine = client.get("/api/v1/enablement-requests?mine=true", headers=headers).json()
    assert mine["total"] == 2
    queue = client.get(
        "/api/v1/enablement-requests?open_help=true", headers=bearer(session, cast.editor)
    ).json()
    assert [r["id"] for r in queue["items"]] == [offered["id"]]


def test_a_seller_asks_on_the_page_and_sees_where_it_went(
    client: TestClient, session: Session, cast: Cast
) -> None:
    small = make_deal(session, "Small Shop", value=5_000)
    session.commit()
    sign_in(client, cast.seller.email)
    token = csrf_from(client.get("/requests/new").text)
    asked = client.post(
        "/requests/new",
        data={"csrf_token": token, "need": "deal_help", "text": "Can someone demo?",
              "deal_id": small.id, "risk": "none"},
        follow_redirects=True,
    )  # fmt: skip
    assert asked.status_code == 200 and "Pointed to the self-serve toolkit" in asked.text
    assert "Open the self-serve toolkit" in asked.text
    again = client.post(
        "/requests/new",
        data={"csrf_token": token, "need": "asset", "text": "A GuardianDB battlecard refresh"},
        follow_redirects=True,
    )
    assert "On the roadmap" in again.text and "proposed" in again.text
    board = client.get("/roadmap")
    assert board.status_code == 200 and "1 request from 1 person" in board.text
    assert "GuardianDB battlecard refresh" in client.get("/requests?mine=1").text
    empty = client.post("/requests/new", data={"csrf_token": token, "need": "asset", "text": ""})
    assert empty.status_code == 422


def ask_for_a_battlecard(client: TestClient, headers: dict[str, str]) -> dict[str, Any]:
    """A seller's request for a refreshed battlecard, as the API answers it."""
    made: dict[str, Any] = client.post(
        "/api/v1/enablement-requests",
        json={"need": "asset", "text": "A refreshed GuardianDB battlecard"},
        headers=headers,
    ).json()
    return made


def test_an_editor_plans_a_capability_on_its_page(
    client: TestClient, session: Session, cast: Cast
) -> None:
    headers = bearer(session, cast.seller)
    capability = ask_for_a_battlecard(client, headers)["capability"]
    sign_in(client, cast.editor.email)
    page = client.get(f"/roadmap/{capability['id']}")
    assert page.status_code == 200 and "Plan it" in page.text
    token = csrf_from(page.text)
    saved = client.post(
        f"/roadmap/{capability['id']}",
        data={"csrf_token": token, "version": 1, "title": "GuardianDB battlecard",
              "status": "in_progress", "note": "Writing it now"},
    )  # fmt: skip
    assert saved.status_code == 200 and "everyone who asked for it sees" in saved.text
    assert 'data-testid="capability-status">in progress' in saved.text
    stale = client.post(
        f"/roadmap/{capability['id']}",
        data={"csrf_token": token, "version": 1, "status": "delivered"},
    )
    assert stale.status_code == 409
    seller_view = client.get("/api/v1/notifications", headers=headers).json()
    assert seller_view["items"][0]["subject"] == "“GuardianDB battlecard” is now in progress"


def test_a_draft_that_delivers_a_capability_stays_hidden_from_readers(
    client: TestClient, session: Session, cast: Cast
) -> None:
    draft = make_item(session, "battlecard", title="Secret draft battlecard", publish=False)
    session.commit()
    seller = bearer(session, cast.seller)
    made = ask_for_a_battlecard(client, seller)
    path = f"/api/v1/roadmap/{made['capability']['id']}"
    editor = bearer(session, cast.editor)
    delivered = client.patch(
        path, json={"version": 1, "status": "delivered", "asset_id": draft.id}, headers=editor
    )
    assert delivered.status_code == 200 and delivered.json()["asset"]["id"] == draft.id
    assert client.get(path, headers=seller).json()["asset"] is None
    sign_in(client, cast.seller.email)
    assert "Secret draft battlecard" not in client.get("/roadmap").text
    assert "Secret draft battlecard" not in client.get(path.replace("/api/v1", "")).text
