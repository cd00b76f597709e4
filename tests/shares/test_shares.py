"""Buyer share links: only published, customer-shareable items can be shared; the buyer sees
nothing else, ever; links expire, are revocable, can carry a throttled passcode; every visit is
recorded for the seller."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader
from sqlalchemy import text
from sqlalchemy.orm import Session

from prism.auth.policy import SYSTEM
from prism.db import utcnow
from prism.errors import Conflict, NotFound
from prism.filestore import FileStore, file_store
from prism.knowledge import service as knowledge
from prism.knowledge.audience import customer_problem
from prism.knowledge.schemas import ItemUpdate
from prism.shares import service
from prism.shares.models import ShareLink
from prism.shares.schemas import ShareIn
from prism.toolkits import service as toolkits
from tests.conftest import ROLES, Cast, Clock, bearer
from tests.library import SECRET, Library, make_library
from tests.web.test_pages import csrf_from, sign_in

KEY = "test-secret-key"  # the `settings` fixture's


def share(session: Session, lib: Library, actor=SYSTEM, **more: object) -> ShareLink:  # type: ignore[no-untyped-def]
    ids = [
        lib.solution.id,
        lib.public_story.id,
        lib.anonymous_story.id,
        lib.faq.id,
        lib.security.id,
    ]
    return service.create_link(
        session,
        actor,
        ShareIn(title="For St. Mary's", item_ids=ids, **more),
        now=utcnow(),
        key=KEY,
    )


def path(link: ShareLink) -> str:
    """Where the buyer opens `link` (as the seller's page shows it)."""
    found = service.path(link, KEY)
    assert found is not None
    return found


@pytest.mark.parametrize(
    "refused", ["internal_story", "draft_story", "internal_proof", "battlecard"]
)
def test_nothing_internal_draft_or_battlecard_can_be_shared(
    session: Session, cast: Cast, refused: str
) -> None:
    lib = make_library(session)
    bad = getattr(lib, refused)
    with pytest.raises((Conflict, NotFound)) as caught:
        service.create_link(
            session,
            cast.editor,
            ShareIn(title="x", item_ids=[lib.solution.id, bad.id]),
            now=utcnow(),
            key=KEY,
        )
    assert caught.value.status == 409
    assert caught.value.errors == [{"field": "item_ids.1", "message": customer_problem(bad)}]


def test_the_buyer_sees_only_the_links_items_without_signing_in(
    client: TestClient, session: Session
) -> None:
    lib = make_library(session)
    link = share(session, lib)
    session.commit()
    page = client.get(path(link))
    assert page.status_code == 200
    assert "Patient data protection" in page.text and "Mercy General" in page.text
    assert "Riverside Clinic" not in page.text and "A healthcare customer" in page.text
    assert SECRET not in page.text and "GuardianDB" not in page.text
    item = client.get(f"{path(link)}/items/{lib.anonymous_story.id}")
    assert (
        item.status_code == 200
        and "Riverside" not in item.text
        and "We walked into the audit calm" in item.text
    )
    assert client.get(f"{path(link)}/items/{lib.internal_story.id}").status_code == 404
    assert client.get(f"{path(link)}/items/{lib.battlecard.id}/download").status_code == 404


def test_a_downloaded_one_pager_carries_nothing_internal(
    client: TestClient, session: Session
) -> None:
    lib = make_library(session)
    link = share(session, lib)
    session.commit()
    got = client.get(f"{path(link)}/items/{lib.solution.id}/download")
    assert got.status_code == 200 and got.headers["content-type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(got.content)).pages)
    assert "Patient data is spread" in text
    assert SECRET not in text and "Riverside" not in text
    sheet = client.get(f"{path(link)}/items/{lib.security.id}/download")
    assert sheet.status_code == 200 and sheet.content.startswith(b"%PDF")


def test_an_item_made_internal_after_sharing_disappears_for_the_buyer(
    client: TestClient, session: Session
) -> None:
    lib = make_library(session)
    link = share(session, lib)
    knowledge.update_item(session, SYSTEM, lib.public_story.id, ItemUpdate(version=lib.public_story.version,
                          audience="internal"), now=utcnow())  # fmt: skip
    knowledge.transition(
        session, SYSTEM, lib.faq.id, "archive", version=lib.faq.version, now=utcnow()
    )
    session.commit()
    page = client.get(path(link))
    assert "Mercy General" not in page.text and "Does Vault need agents?" not in page.text
    assert client.get(f"{path(link)}/items/{lib.public_story.id}").status_code == 404
    assert client.get(f"{path(link)}/items/{lib.faq.id}/download").status_code == 404


def test_revoked_expired_and_unknown_links_answer_kindly(
    client: TestClient, session: Session, cast: Cast, clock: Clock
) -> None:
    lib = make_library(session)
    link = share(session, lib, actor=cast.seller, expires_in_days=1)
    other = share(session, lib, actor=cast.seller)
    service.revoke(session, cast.seller, other.id, version=other.version, now=utcnow())
    session.commit()
    revoked = client.get(path(other))
    assert revoked.status_code == 410 and "withdrawn" in revoked.text
    assert client.get("/s/not-a-real-token").status_code == 404
    clock.advance(days=2)
    expired = client.get(path(link))
    assert expired.status_code == 410 and "expired" in expired.text
    assert "Sign in" not in expired.text


def test_a_passcode_is_asked_for_and_guessing_is_throttled(
    client: TestClient, session: Session
) -> None:
    lib = make_library(session)
    link = share(session, lib, passcode="mary-2026")
    session.commit()
    asked = client.get(path(link))
    assert (
        asked.status_code == 200 and "Passcode" in asked.text and "Patient data" not in asked.text
    )
    token = csrf_from(asked.text)
    assert client.get(f"{path(link)}/items/{lib.solution.id}/download").status_code == 200
    assert b"%PDF" not in client.get(f"{path(link)}/items/{lib.solution.id}/download").content[:4]
    for n in range(30):
        # A new browser name each time changes nothing: guesses count by address.
        agent = {"user-agent": f"Browser/{n}"}
        wrong = client.post(
            path(link), data={"passcode": "guess", "csrf_token": token}, headers=agent
        )
        assert wrong.status_code == (403 if n < 5 else 429), n
        assert "not right" in wrong.text if n < 5 else "Too many" in wrong.text
    blocked = client.post(path(link), data={"passcode": "mary-2026", "csrf_token": token})
    assert blocked.status_code == 429 and "Retry-After" in blocked.headers


def test_a_link_locks_for_everyone_after_twenty_wrong_guesses_from_many_addresses(
    client: TestClient, session: Session
) -> None:
    lib = make_library(session)
    link = share(session, lib, passcode="mary-2026")
    session.commit()

    def guess(address: str, passcode: str) -> int:
        visitor = TestClient(client.app, base_url="http://testserver", client=(address, 4000))
        token = csrf_from(visitor.get(path(link)).text)
        return visitor.post(
            path(link), data={"passcode": passcode, "csrf_token": token}
        ).status_code

    answers = [guess(f"10.0.{n // 4}.{n % 4}", "guess") for n in range(24)]
    assert answers == [403] * service.PASSCODE_TRIES_PER_LINK + [429] * 4
    assert guess("192.0.2.200", "mary-2026") == 429, "the right one waits out the window too"


def test_the_right_passcode_opens_the_link(client: TestClient, session: Session) -> None:
    lib = make_library(session)
    link = share(session, lib, passcode="mary-2026")
    session.commit()
    token = csrf_from(client.get(path(link)).text)
    opened = client.post(path(link), data={"passcode": "mary-2026", "csrf_token": token})
    assert opened.status_code == 200 and "Patient data protection" in opened.text


def test_every_visit_is_recorded_and_the_seller_sees_it(
    client: TestClient, session: Session, cast: Cast
) -> None:
    lib = make_library(session)
    link = share(session, lib, actor=cast.seller)
    session.commit()
    client.get(path(link))
    item = client.get(f"{path(link)}/items/{lib.solution.id}")
    view_id = int(item.text.split(f"{path(link)}/views/")[1].split('"')[0])
    token = item.text.split('data-csrf="')[1].split('"')[0]
    assert (
        client.post(
            f"{path(link)}/views/{view_id}", data={"seconds": "42", "csrf_token": token}
        ).status_code
        == 204
    )
    client.get(f"{path(link)}/items/{lib.solution.id}/download")
    seen = client.get(f"/api/v1/share-links/{link.id}", headers=bearer(session, cast.seller)).json()
    assert (seen["opens"], seen["downloads"], seen["visitors"]) == (1, 1, 1)
    assert seen["seconds_by_item"] == {"Patient data protection": 42}
    assert (
        client.get(f"/api/v1/share-links/{link.id}", headers=bearer(session, cast.csm)).status_code
        == 404
    )
    assert (
        client.get(
            f"/api/v1/share-links/{link.id}", headers=bearer(session, cast.editor)
        ).status_code
        == 200
    )


def test_buyer_requests_are_rate_limited(client: TestClient, session: Session) -> None:
    lib = make_library(session)
    link = share(session, lib)
    session.commit()
    statuses = [
        client.get(path(link), headers={"user-agent": f"Browser/{n}"}).status_code
        for n in range(service.VISITS_PER_MINUTE + 1)
    ]
    assert statuses[:-1] == [200] * service.VISITS_PER_MINUTE and statuses[-1] == 429
    elsewhere = TestClient(client.app, base_url="http://testserver", client=("10.1.1.1", 4000))
    assert elsewhere.get(path(link)).status_code == 200, "another address is not held up"


def test_the_database_holds_no_share_token_only_a_hash_and_a_sealed_copy(
    client: TestClient, session: Session, cast: Cast
) -> None:
    lib = make_library(session)
    headers = bearer(session, cast.seller)
    made = client.post("/api/v1/share-links", headers=headers,
                       json={"title": "For you", "item_ids": [lib.solution.id]}).json()  # fmt: skip
    token = made["url"].rsplit("/", 1)[1]
    row = (
        session.execute(text("SELECT * FROM share_links WHERE id = :id"), {"id": made["id"]})
        .mappings()
        .one()
    )
    assert not any(token in str(value) for value in row.values())
    assert client.get(f"/s/{token}").status_code == 200
    page = client.get(f"/shares/{made['id']}", headers=headers)
    assert f"/s/{token}" in page.text, "the seller can copy the link again"
    client.app.state.settings = client.app.state.settings.model_copy(  # type: ignore[attr-defined]
        update={"secret_key": "a-new-secret-key"}
    )
    again = client.get(f"/api/v1/share-links/{made['id']}", headers=headers).json()
    assert again["link"]["url"] is None
    assert (
        "cannot show this link again" in client.get(f"/shares/{made['id']}", headers=headers).text
    )
    assert client.get(f"/s/{token}").status_code == 200, "it still opens for the buyer"


@pytest.mark.parametrize("who", ROLES)
def test_api_create_and_revoke_for_each_role(
    client: TestClient, session: Session, cast: Cast, who: str
) -> None:
    lib = make_library(session)
    headers = bearer(session, getattr(cast, who))
    made = client.post("/api/v1/share-links", headers=headers,
                       json={"title": "For you", "item_ids": [lib.solution.id], "passcode": "open-sesame"})  # fmt: skip
    if who == "pm":
        assert made.status_code == 403
        return
    assert made.status_code == 201, made.text
    body = made.json()
    assert (
        body["url"].endswith(f"/s/{body['url'].rsplit('/', 1)[1]}")
        and len(body["url"].rsplit("/", 1)[1]) >= 40
    )
    assert body["has_passcode"] is True and "passcode" not in str(body).replace("has_passcode", "")
    refused = client.post("/api/v1/share-links", headers=headers,
                          json={"title": "x", "item_ids": [lib.battlecard.id]})  # fmt: skip
    assert refused.status_code == 409 and "battlecard" in refused.json()["detail"]
    revoked = client.post(
        f"/api/v1/share-links/{body['id']}/revoke",
        headers=headers,
        json={"version": body["version"]},
    )
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]


def test_links_expire_when_asked(session: Session) -> None:
    lib = make_library(session)
    link = share(session, lib, expires_in_days=3)
    assert link.expires_at - utcnow() <= timedelta(days=3)


def test_the_link_shown_to_the_seller_is_where_prism_was_reached(
    client: TestClient, session: Session, cast: Cast
) -> None:
    lib = make_library(session)
    headers = bearer(session, cast.seller)
    made = client.post("/api/v1/share-links", headers=headers,
                       json={"title": "For you", "item_ids": [lib.solution.id]})  # fmt: skip
    assert made.json()["url"].startswith("http://testserver/s/")  # not 127.0.0.1:8000
    page = client.get(f"/shares/{made.json()['id']}", headers=headers)
    assert 'value="http://testserver/s/' in page.text and "Copy link" in page.text
    client.app.state.settings = client.app.state.settings.model_copy(  # type: ignore[attr-defined]
        update={"base_url": "https://prism.helio.example"}
    )
    again = client.get(f"/api/v1/share-links/{made.json()['id']}", headers=headers)
    assert again.json()["link"]["url"].startswith("https://prism.helio.example/s/")


def test_the_passcode_rule_is_stated_and_a_refusal_keeps_what_was_typed(
    client: TestClient, session: Session, cast: Cast
) -> None:
    lib = make_library(session)
    kit = toolkits.standard_kit(
        session, SYSTEM, lib.product.id, store=store_of(client), now=utcnow()
    )
    session.commit()
    sign_in(client, cast.seller.email)
    page = client.get(f"/toolkits/{kit.id}")
    assert "6 to 64 characters" in page.text and 'minlength="6"' in page.text
    shared = [e.item_id for e in kit.entries if e.item_id][:1]
    form = {"title": "For Mercy", "message": "As promised", "item_ids": shared,
            "expires_in_days": "14", "passcode": "1234", "csrf_token": csrf_from(page.text)}  # fmt: skip
    refused = client.post(f"/toolkits/{kit.id}/share", data=form)
    assert refused.status_code == 422 and "at least 6 characters" in refused.text
    assert 'value="For Mercy"' in refused.text and "As promised" in refused.text
    assert 'value="14"' in refused.text and 'value="1234"' in refused.text
    made = client.post(f"/toolkits/{kit.id}/share", data={**form, "passcode": "482913"},
                       follow_redirects=False)  # fmt: skip
    assert made.status_code == 303 and made.headers["location"].endswith("?created=1")
    schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"]["ShareIn"]
    passcode = schema["properties"]["passcode"]["anyOf"][0]
    assert passcode["minLength"] == 6 and "6 to 64 characters" in passcode["description"]


def store_of(client: TestClient) -> FileStore:
    return file_store(client.app.state.settings)  # type: ignore[attr-defined]


def test_the_seller_finds_links_by_title_and_state(
    client: TestClient, session: Session, cast: Cast
) -> None:
    lib = make_library(session)
    open_one = share(session, lib, actor=cast.seller, expires_in_days=30)
    expired = share(session, lib, actor=cast.seller)
    revoked = share(session, lib, actor=cast.seller)
    open_one.title = "Lakeview Hospital: imaging"
    expired.title, expired.expires_at = "Old pilot", utcnow() - timedelta(days=1)
    service.revoke(session, cast.seller, revoked.id, version=revoked.version, now=utcnow())
    share(session, lib, actor=cast.csm)  # someone else's: never in the seller's list
    session.commit()
    by_state = {
        state: [link.id for link in service.list_links(session, cast.seller, state=state)]
        for state in service.LinkState
    }
    assert by_state == {
        service.LinkState.OPEN: [open_one.id],
        service.LinkState.EXPIRED: [expired.id],
        service.LinkState.REVOKED: [revoked.id],
    }
    assert [link.id for link in service.list_links(session, cast.seller, q="LAKEVIEW")] == [
        open_one.id
    ]
    headers = bearer(session, cast.seller)
    page = client.get("/shares", params={"state": "expired"}, headers=headers).text
    assert "Old pilot" in page and "Lakeview" not in page and ">expired<" in page
    assert client.get("/shares", params={"state": "lost"}, headers=headers).status_code == 422
    answer = client.get("/api/v1/share-links", params={"state": "revoked"}, headers=headers).json()
    assert [link["id"] for link in answer["items"]] == [revoked.id] and answer["total"] == 1
