"""Home is what needs the reader now: each role finds its own panels, a seller their open deals
and the buyers reading their links, an editor the stale content; the navigation counts unread
notifications."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from prism.db import utcnow
from prism.deals.models import Outcome
from prism.home import service
from prism.home.service import Panel
from prism.notifications import service as notifications
from tests.conftest import ROLES, Cast, bearer
from tests.feedback.factories import make_deal
from tests.knowledge.factories import make_item
from tests.library import make_library
from tests.shares.test_shares import path, share

EXPECTED = {
    "admin": {"headlines", "late", "stale", "themes"},
    "editor": {"stale", "late", "training"},
    "seller": {"deals", "training", "visits", "late"},
    "csm": {"deals", "training", "visits", "late"},
    "pm": {"headlines", "themes"},
}


@pytest.mark.parametrize("who", ROLES)
def test_each_role_finds_its_own_panels(
    client: TestClient, session: Session, cast: Cast, who: str
) -> None:
    page = client.get("/", headers=bearer(session, getattr(cast, who)))
    assert page.status_code == 200
    shown = {
        name for name in EXPECTED["admin"] | EXPECTED["seller"] if f'"panel-{name}"' in page.text
    }
    shown |= {"headlines"} if 'data-testid="headlines"' in page.text else set()
    assert shown == EXPECTED[who]


def test_a_seller_sees_their_open_deals_and_the_buyers_reading(
    client: TestClient, session: Session, cast: Cast
) -> None:
    make_deal(session, "St. Mary's", name="Records", owner=cast.seller)
    make_deal(session, "Northwind", name="Northwind won", owner=cast.seller, outcome=Outcome.WON)
    make_deal(session, "Big Bank", name="Someone else's", owner=cast.csm)
    lib = make_library(session)
    link = share(session, lib, actor=cast.seller)
    quiet = share(session, lib, actor=cast.seller)
    session.commit()
    client.get(path(link))
    client.get(f"{path(link)}/items/{lib.solution.id}")

    found = service.today(session, cast.seller, utcnow())
    assert [d.name for d in found.deals] == ["Records"] and found.totals[Panel.DEALS] == 1
    assert [(v.link.id, v.visits) for v in found.visits] == [(link.id, 2)]
    assert quiet.id not in {v.link.id for v in found.visits}
    # A visit from before the window no longer counts.
    later = service.today(session, cast.seller, utcnow() + timedelta(days=service.VISITS_DAYS + 1))
    assert later.visits == []
    page = client.get("/", headers=bearer(session, cast.seller)).text
    assert "Records" in page and "Northwind won" not in page and "Someone else" not in page
    assert "For St. Mary" in page


def test_an_editor_sees_stale_content_first(session: Session, cast: Cast) -> None:
    proof = make_item(session, "proof_point", title="Uptime 99.99%", verify_every_days=10)
    proof.review_due_at = utcnow() - timedelta(days=1)
    session.commit()
    found = service.today(session, cast.editor, utcnow())
    assert found.panels[0] is Panel.STALE
    assert [s.item.title for s in found.stale] == ["Uptime 99.99%"]


def test_the_navigation_counts_unread_notifications(
    client: TestClient, session: Session, cast: Cast
) -> None:
    headers = bearer(session, cast.seller)
    assert 'data-testid="unread"' not in client.get("/", headers=headers).text
    notifications.notify(session, [cast.seller.id], "Kit ready")
    notifications.notify(session, [cast.seller.id, cast.csm.id], "Launch moved")
    session.commit()
    page = client.get("/library", headers=headers).text
    assert 'data-testid="unread">2<' in page and "Notifications, 2 unread" in page
    notifications.mark_read(session, cast.seller)
    session.commit()
    assert 'data-testid="unread"' not in client.get("/", headers=headers).text
