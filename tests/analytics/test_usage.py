"""Usage events: a page view waits in memory and is written in one statement later; views for
a deal carry the deal; events about what no longer exists are not lost in a batch."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from prism.analytics.models import UsageEvent, Use
from prism.analytics.usage import Event, Recorder
from prism.db import Database
from tests.conftest import Cast
from tests.feedback.factories import make_deal
from tests.knowledge.factories import make_item
from tests.web.test_pages import sign_in


def test_a_page_view_is_recorded_after_the_page_with_its_deal(
    client: TestClient, session: Session, cast: Cast
) -> None:
    item = make_item(session, "battlecard", title="GuardianDB battlecard")
    deal = make_deal(session, "Big Bank")
    session.commit()
    sign_in(client, cast.seller.email)
    assert client.get(f"/library/{item.id}?deal={deal.id}").status_code == 200
    assert client.get("/search?q=zzqqxx").status_code == 200
    assert session.scalars(select(UsageEvent)).all() == []  # not written by the request
    recorder: Recorder = client.app.state.usage  # type: ignore[attr-defined]
    assert recorder.flush() == 2
    events = {e.use: e for e in session.scalars(select(UsageEvent))}
    assert events[Use.VIEW].deal_id == deal.id and events[Use.VIEW].user_id == cast.seller.id
    assert events[Use.SEARCH_EMPTY].query == "zzqqxx"


def test_an_event_about_something_gone_does_not_lose_the_batch(
    database: Database, session: Session
) -> None:
    item = make_item(session, "faq")
    session.commit()
    recorder = Recorder(database)
    recorder.add(Event(Use.VIEW, item_id=item.id, deal_id=999_999))
    recorder.add(Event(Use.VIEW, item_id=999_999))
    assert recorder.flush() == 1
    (kept,) = session.scalars(select(UsageEvent)).all()
    assert (kept.item_id, kept.deal_id) == (item.id, None)
