"""The deals list finds any deal: by words of its name, customer or CRM id, by owner and by
outcome, page after page, in the API and on the page."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from prism.deals import service
from prism.deals.models import Deal, Outcome
from prism.errors import Forbidden
from prism.pagination import PageOf
from tests.conftest import ROLES, Cast, bearer
from tests.feedback.factories import make_deal


def pipeline(session: Session, cast: Cast) -> None:
    make_deal(session, "St. Mary's Health", name="Records", owner=cast.seller, external_id="SF-77")
    make_deal(session, "Northwind", name="Northwind renewal", owner=cast.seller,
              outcome=Outcome.WON)  # fmt: skip
    make_deal(session, "Big Bank", name="Core banking", owner=cast.editor)
    make_deal(session, "100% Foods", name="Retail pilot", owner=cast.editor, outcome=Outcome.LOST)
    session.commit()


def names(page: PageOf[Deal]) -> list[str]:
    return sorted(d.name for d in page.items)


def test_words_owner_and_outcome_narrow_the_list(session: Session, cast: Cast) -> None:
    pipeline(session, cast)
    seller = cast.seller
    assert names(service.list_deals(session, seller, q="mary")) == ["Records"]
    assert names(service.list_deals(session, seller, q="sf-77")) == ["Records"]
    assert names(service.list_deals(session, seller, q="northwind RENEWAL")) == [
        "Northwind renewal"
    ]
    # A percent sign is a character to find, not a wildcard.
    assert names(service.list_deals(session, seller, q="100%")) == ["Retail pilot"]
    assert names(service.list_deals(session, seller, q="%")) == ["Retail pilot"]
    assert names(service.list_deals(session, seller, mine=True)) == ["Northwind renewal", "Records"]
    assert names(service.list_deals(session, seller, mine=True, outcome=Outcome.OPEN)) == [
        "Records"
    ]
    assert names(service.list_deals(session, seller, outcome=Outcome.LOST)) == ["Retail pilot"]


def test_pages_lead_on_until_every_deal_is_seen(session: Session, cast: Cast) -> None:
    pipeline(session, cast)
    seen: list[str] = []
    cursor = None
    while True:
        page = service.list_deals(session, cast.seller, limit=3, cursor=cursor)
        assert page.total == 4
        seen += [d.name for d in page.items]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert sorted(seen) == ["Core banking", "Northwind renewal", "Records", "Retail pilot"]


@pytest.mark.parametrize("who", ROLES)
def test_who_may_list_deals(client: TestClient, session: Session, cast: Cast, who: str) -> None:
    pipeline(session, cast)
    headers = bearer(session, getattr(cast, who))
    allowed = who in ("admin", "editor", "seller", "csm")
    answer = client.get("/api/v1/deals", params={"q": "mary"}, headers=headers)
    assert answer.status_code == (200 if allowed else 403)
    page = client.get("/deals", params={"q": "mary"}, headers=headers)
    assert page.status_code == (200 if allowed else 403)
    if not allowed:
        with pytest.raises(Forbidden):
            service.list_deals(session, getattr(cast, who))
        return
    assert [d["name"] for d in answer.json()["items"]] == ["Records"]
    assert "Records" in page.text and "Core banking" not in page.text


def test_the_page_keeps_its_filters_from_page_to_page(
    client: TestClient, session: Session, cast: Cast
) -> None:
    for n in range(55):
        make_deal(session, "Acme", name=f"Acme seat {n:02d}", owner=cast.seller)
    make_deal(session, "Other", name="Other deal", owner=cast.seller)
    session.commit()
    headers = bearer(session, cast.seller)
    first = client.get("/deals", params={"q": "acme", "mine": "1"}, headers=headers).text
    assert "50 shown of 55" in first and "Other deal" not in first
    link = first.split('href="?cursor=', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    assert "&q=acme" in link and "&mine=1" in link
    second = client.get(f"/deals?cursor={link}", headers=headers).text
    assert "5 shown of 55" in second and "First page" in second
    bad = client.get("/deals", params={"outcome": "maybe"}, headers=headers)
    assert bad.status_code == 422
