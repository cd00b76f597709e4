"""Influence: an asset counts for a deal once, and only when it was in front of the deal before
it closed; win rates come with and without it, each with its sample; battlecards per
competitor; the period, product and team narrow the deals."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from prism.analytics.influence import Rate, Scope, battlecards, influence
from prism.analytics.models import DealTouch, Use
from prism.analytics.usage import Event, write
from prism.auth.policy import SYSTEM
from prism.errors import Forbidden
from tests.analytics.conftest import CLOSED, Pipeline
from tests.conftest import Cast
from tests.knowledge.factories import make_item


def test_an_asset_counts_the_deals_it_was_in_front_of_before_they_closed(
    session: Session, pipeline: Pipeline
) -> None:
    found = influence(session, SYSTEM, Scope())
    assets = {a.title: a for a in found.assets}
    story = assets["Big Bank cut onboarding by half"]
    assert (story.deals, story.won_deals, story.won_revenue) == (2, 1, 100_000)
    assert (story.open_deals, story.pipeline) == (1, 70_000)
    # With it: the won deal; without it: the lost one and the quiet win.
    assert story.with_it == Rate(1, 1) and story.without_it == Rate(1, 2)
    assert story.lift == pytest.approx(0.5)
    assert found.overall == Rate(2, 3) and found.deals_touched == 2
    assert "Nobody reads this" not in assets
    # Most won revenue first, then pipeline: both assets were on the 100k win.
    assert found.assets[0].title == "Big Bank cut onboarding by half"


def test_the_first_touch_moves_earlier_and_never_later(
    session: Session, pipeline: Pipeline
) -> None:
    touch = select(DealTouch.first_at).where(
        DealTouch.item_id == pipeline.story.id, DealTouch.deal_id == pipeline.lost.id
    )
    assert session.scalar(touch) == CLOSED + timedelta(days=1)
    write(
        session,
        [Event(Use.VIEW, pipeline.story.id, pipeline.lost.id, at=CLOSED - timedelta(days=9))],
    )
    write(
        session,
        [Event(Use.VIEW, pipeline.story.id, pipeline.lost.id, at=CLOSED + timedelta(days=9))],
    )
    assert session.scalar(touch) == CLOSED - timedelta(days=9)
    story = next(
        a for a in influence(session, SYSTEM, Scope()).assets if a.item_id == pipeline.story.id
    )
    assert story.with_it == Rate(1, 2)  # the lost deal now counts: seen before it was lost


def test_searches_and_views_without_a_deal_touch_no_deal(
    session: Session, pipeline: Pipeline
) -> None:
    write(session, [Event(Use.SEARCH, None, pipeline.quiet.id, query="price")])
    assert session.scalar(select(DealTouch).where(DealTouch.deal_id == pipeline.quiet.id)) is None


def test_battlecard_use_and_the_win_rate_against_each_competitor(
    session: Session, pipeline: Pipeline
) -> None:
    cards = {c.competitor: c for c in battlecards(session, SYSTEM, Scope())}
    guardian = cards["GuardianDB"]
    assert (guardian.battlecards, guardian.uses, guardian.deals) == (1, 2, 3)
    assert guardian.with_card == Rate(1, 1)  # the win had the battlecard in front of it
    assert guardian.without_card == Rate(0, 1)  # the loss did not
    assert "Quietly" not in cards  # no battlecard and no deal: nothing to say


def test_the_period_product_and_team_narrow_the_deals(
    session: Session, pipeline: Pipeline, cast: Cast
) -> None:
    later = influence(session, SYSTEM, Scope(since=date(2026, 10, 2)))
    story = next(a for a in later.assets if a.item_id == pipeline.story.id)
    # Closed deals fall outside the period; the open pipeline is still counted.
    assert (story.deals, story.won_revenue, story.pipeline) == (1, 0, 70_000)
    assert later.overall == Rate(0, 0) and story.with_it.value is None

    product = influence(session, SYSTEM, Scope(product_id=pipeline.product.id))
    assert product.overall == Rate(1, 1)  # only the won deal and the open one sell Pulse
    assert influence(session, SYSTEM, Scope(team_id=cast.seller.team_id)).overall == Rate(2, 3)
    assert influence(session, SYSTEM, Scope(team_id=cast.pm.team_id)).assets == []
    (guardian,) = battlecards(session, SYSTEM, Scope(product_id=pipeline.product.id))
    assert guardian.deals == 2 and guardian.with_card == Rate(1, 1)  # the win and the open one
    assert guardian.without_card == Rate(0, 0)


@pytest.mark.parametrize("who", ["admin", "editor", "seller", "pm"])
def test_everyone_at_the_company_reads_influence(
    session: Session, cast: Cast, pipeline: Pipeline, who: str
) -> None:
    assert influence(session, cast.all()[who], Scope()).assets


def test_a_deactivated_person_reads_nothing(session: Session, cast: Cast) -> None:
    with pytest.raises(Forbidden):
        influence(session, cast.outsider, Scope())
    with pytest.raises(Forbidden):
        battlecards(session, cast.outsider, Scope())


def test_a_draft_is_counted_for_those_who_may_read_it_only(
    session: Session, cast: Cast, pipeline: Pipeline
) -> None:
    draft = make_item(session, "solution", title="Unannounced pricing", publish=False)
    write(session, [Event(Use.VIEW, draft.id, pipeline.won.id, at=CLOSED - timedelta(days=1))])
    assert "Unannounced pricing" in {
        a.title for a in influence(session, cast.editor, Scope()).assets
    }
    assert "Unannounced pricing" not in {
        a.title for a in influence(session, cast.pm, Scope()).assets
    }
