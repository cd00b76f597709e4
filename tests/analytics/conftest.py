"""The deals and uses the analytics tests share."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from prism.analytics.models import Use
from prism.analytics.usage import Event, write
from prism.deals.models import Deal, Outcome
from prism.knowledge.models import Item
from tests.conftest import Cast
from tests.feedback.factories import make_deal
from tests.knowledge.factories import make_item

CLOSED = datetime.fromisoformat("2026-10-01T12:00:00+00:00")


@dataclass
class Pipeline:
    competitor: Item
    other: Item
    card: Item
    story: Item
    product: Item
    won: Deal  # faced the competitor, won 100k, the story and battlecard before close
    lost: Deal  # faced the competitor, lost 50k, the story only after it was lost
    quiet: Deal  # won 30k with nothing in front of it
    open: Deal  # 70k still open, the story shared on it


@pytest.fixture
def pipeline(session: Session, cast: Cast) -> Pipeline:
    product = make_item(session, "product", title="Pulse")
    competitor = make_item(session, "competitor", title="GuardianDB")
    other = make_item(session, "competitor", title="Quietly")
    card = make_item(
        session, "battlecard", title="Beat GuardianDB", links=[("competitor", competitor.id)]
    )
    story = make_item(session, "story", title="Big Bank cut onboarding by half")
    make_item(session, "faq", title="Nobody reads this")

    def deal(value: int, outcome: Outcome, focus: list[int]) -> Deal:
        closed = CLOSED if outcome is not Outcome.OPEN else None
        return make_deal(
            session, "Acme", value=value, outcome=outcome, focus=focus, closed_at=closed,
            owner=cast.seller,
        )  # fmt: skip

    won = deal(100_000, Outcome.WON, [competitor.id, product.id])
    lost = deal(50_000, Outcome.LOST, [competitor.id])
    quiet = deal(30_000, Outcome.WON, [])
    still_open = deal(70_000, Outcome.OPEN, [competitor.id, product.id])
    before, after = CLOSED - timedelta(days=3), CLOSED + timedelta(days=1)
    write(
        session,
        [
            Event(Use.VIEW, story.id, won.id, at=before),
            Event(Use.VIEW, story.id, won.id, at=before + timedelta(hours=1)),  # counted once
            Event(Use.SHARE, story.id, won.id, at=before),
            Event(Use.DOWNLOAD, card.id, won.id, at=before),
            Event(Use.VIEW, story.id, lost.id, at=after),  # after it closed: no influence
            Event(Use.BUYER_VIEW, story.id, still_open.id, at=after),
            Event(Use.VIEW, card.id, None, at=after),  # read, for no deal
        ],
    )
    session.commit()
    return Pipeline(competitor, other, card, story, product, won, lost, quiet, still_open)
