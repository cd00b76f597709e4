"""Requests to the enablement team on SQLite and PostgreSQL: grouped into capabilities, deal
help by rule (and the toolkit otherwise), the roadmap's demand, curation, and requesters told."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from prism.audit.service import set_actor
from prism.db import utcnow
from prism.deals.models import Stage
from prism.errors import Conflict, Forbidden, Invalid, NotFound
from prism.notifications import service as notifications
from prism.roadmap import service
from prism.roadmap.models import CapabilityStatus, HelpStatus, Need, Risk, Route
from prism.roadmap.rules import DealHelpRule
from prism.roadmap.schemas import CapabilityMergeIn, CapabilityUpdate, HelpIn, RequestIn
from prism.webhooks.models import Delivery, Webhook
from tests.conftest import Cast
from tests.feedback.factories import make_account, make_deal
from tests.knowledge.factories import make_item

RULE = DealHelpRule(value=100_000, stuck_days=30, renewal_days=90, low_health=50)
TODAY = utcnow().date()
BATTLECARD = [
    "The GuardianDB battlecard is out of date since their on-prem bundle",
    "Please refresh the GuardianDB battlecard with their new on-premise offer",
    "Need an updated battlecard against GuardianDB",
]


def ask(session: Session, actor, text: str, need: Need = Need.ASSET, **extra):  # type: ignore[no-untyped-def]
    return service.submit(
        session, actor, RequestIn(need=need, text=text, **extra), rule=RULE, today=TODAY
    )


def test_similar_requests_share_one_capability(session: Session, cast: Cast) -> None:
    set_actor(session, cast.seller)
    first, second, third = (ask(session, who, text) for who, text in zip(
        (cast.seller, cast.csm, cast.seller), BATTLECARD, strict=True
    ))  # fmt: skip
    training = ask(session, cast.seller, BATTLECARD[0], need=Need.TRAINING)
    other = ask(session, cast.csm, "A healthcare customer story we can share with hospitals")
    assert first.route is Route.ROADMAP and first.capability_id is not None
    assert first.capability_id == second.capability_id == third.capability_id
    assert training.capability_id != first.capability_id  # a training is another capability
    assert other.capability_id not in (first.capability_id, training.capability_id)
    assert "Grouped with similar requests" in second.route_reason
    [(top, demand), *_] = service.capabilities(session, cast.pm)
    assert top.id == first.capability_id and demand.requests == 3
    assert len(demand.requesters) == 2 and demand.teams == {"Sales", "Customer Success"}
    assert "battlecard" in top.title or "guardiandb" in top.title  # titled from its requests


def test_deal_help_goes_to_the_deals_that_need_it(session: Session, cast: Cast) -> None:
    set_actor(session, cast.seller)
    big = make_deal(session, "Big Bank", value=250_000)
    small = make_deal(session, "Small Shop", value=20_000)
    stuck = make_deal(session, "Slow Co", value=50_000, stage=Stage.NEGOTIATION)
    stuck.updated_at = utcnow() - timedelta(days=45)
    renewing = make_account(
        session, "Renewing Co", renewal_on=TODAY + timedelta(days=40), health=35
    )
    healthy = make_account(session, "Happy Co", renewal_on=TODAY + timedelta(days=40), health=80)
    session.flush()
    offered = ask(session, cast.seller, "Join the exec call", Need.DEAL_HELP, deal_id=big.id)
    assert offered.route is Route.DEAL_HELP and offered.help_status is HelpStatus.OPEN
    assert "the deal is 250k" in offered.route_reason
    pointed = ask(session, cast.seller, "Can someone demo?", Need.DEAL_HELP, deal_id=small.id)
    assert pointed.route is Route.SELF_SERVE and pointed.help_status is None
    assert "self-serve toolkit" in pointed.route_reason and pointed.capability_id is None
    late = ask(session, cast.seller, "Help unblock", Need.DEAL_HELP, deal_id=stuck.id)
    assert late.route is Route.DEAL_HELP and "in negotiation for" in late.route_reason
    renewal = ask(session, cast.csm, "Renewal help", Need.DEAL_HELP, account_id=renewing.id)
    assert renewal.route is Route.DEAL_HELP and "health 35" in renewal.route_reason
    fine = ask(session, cast.csm, "Renewal help", Need.DEAL_HELP, account_id=healthy.id)
    assert fine.route is Route.SELF_SERVE
    refund = ask(
        session, cast.csm, "They want their money back", Need.DEAL_HELP,
        account_id=healthy.id, risk=Risk.REFUND,
    )  # fmt: skip
    assert refund.route is Route.DEAL_HELP and "refund" in refund.route_reason
    with pytest.raises(Invalid, match="Say which deal"):
        ask(session, cast.seller, "Help!", Need.DEAL_HELP)
    with pytest.raises(Invalid, match="No deal 9999"):
        ask(session, cast.seller, "Help!", Need.DEAL_HELP, deal_id=9999)


def test_requests_are_read_by_their_requester_and_the_enablement_team(
    session: Session, cast: Cast
) -> None:
    set_actor(session, cast.seller)
    mine = ask(session, cast.seller, BATTLECARD[0])
    assert service.get_request(session, cast.seller, mine.id).id == mine.id
    assert service.get_request(session, cast.editor, mine.id).id == mine.id
    with pytest.raises(NotFound):
        service.get_request(session, cast.csm, mine.id)
    assert service.list_requests(session, cast.csm).items == []
    assert [r.id for r in service.list_requests(session, cast.admin).items] == [mine.id]
    with pytest.raises(Forbidden):
        ask(session, cast.pm, "Viewers do not ask")
    assert service.capabilities(session, cast.pm)  # the roadmap itself is open to all readers


def test_a_new_status_is_told_to_every_requester(session: Session, cast: Cast) -> None:
    set_actor(session, cast.editor)
    session.add(
        Webhook(
            name="Roadmap",
            url="http://127.0.0.1:9/h",
            secret="s" * 20,
            events=["roadmap.capability_status_changed"],
        )
    )
    first = ask(session, cast.seller, BATTLECARD[0])
    ask(session, cast.csm, BATTLECARD[1])
    capability = service.get_capability(session, cast.editor, first.capability_id or 0)
    asset = make_item(session, "battlecard", title="GuardianDB battlecard")
    data = CapabilityUpdate(
        version=capability.version,
        title="GuardianDB battlecard refresh",
        status=CapabilityStatus.DELIVERED,
        note="Updated with the on-prem answer.",
        owner_id=cast.editor.id,
        asset_id=asset.id,
    )
    with pytest.raises(Forbidden):
        service.update_capability(session, cast.seller, capability.id, data, now=utcnow())
    done = service.update_capability(session, cast.editor, capability.id, data, now=utcnow())
    assert done.named and done.asset is not None and done.owner is not None
    for person in (cast.seller, cast.csm):
        [told] = notifications.mine(session, person).items
        assert told.subject == "“GuardianDB battlecard refresh” is now delivered"
        assert told.link == f"/roadmap/{capability.id}"
    [delivery] = session.scalars(select(Delivery)).all()
    assert delivery.payload["requesters_told"] == 2
    with pytest.raises(Conflict):
        service.update_capability(session, cast.editor, capability.id, data, now=utcnow())
    later = ask(session, cast.seller, BATTLECARD[2])
    assert later.capability_id == capability.id and "Already delivered" in later.route_reason
    bad = CapabilityUpdate(version=done.version, asset_id=99999)
    with pytest.raises(Invalid, match="No item 99999"):
        service.update_capability(session, cast.editor, capability.id, bad, now=utcnow())


def test_merging_and_moving_keep_every_requester(session: Session, cast: Cast) -> None:
    set_actor(session, cast.editor)
    card = ask(session, cast.seller, BATTLECARD[0])
    story = ask(session, cast.csm, "A healthcare customer story we can share with hospitals")
    assert card.capability_id != story.capability_id
    merged = service.merge(
        session, cast.editor, card.capability_id or 0,
        CapabilityMergeIn(capability_ids=[story.capability_id or 0]),
    )  # fmt: skip
    assert service.demand(session, [merged.id])[merged.id].requests == 2
    with pytest.raises(Invalid, match="into itself"):
        service.merge(
            session, cast.editor, merged.id, CapabilityMergeIn(capability_ids=[merged.id])
        )
    other = ask(session, cast.csm, "Pricing objection training for renewals", Need.TRAINING)
    moved = service.move(session, cast.editor, story.id, other.capability_id or 0)
    assert moved.capability_id == other.capability_id
    help_request = ask(
        session, cast.seller, "Join the call", Need.DEAL_HELP,
        deal_id=make_deal(session, value=500_000).id,
    )  # fmt: skip
    with pytest.raises(Invalid, match="Only roadmap requests"):
        service.move(session, cast.editor, help_request.id, merged.id)
    given = service.set_help(
        session, cast.editor, help_request.id,
        HelpIn(version=help_request.version, help_status=HelpStatus.DONE),
    )  # fmt: skip
    assert given.help_status is HelpStatus.DONE and given.helper_id == cast.editor.id
    with pytest.raises(Invalid, match="not offered deal help"):
        service.set_help(
            session, cast.editor, card.id, HelpIn(version=1, help_status=HelpStatus.DONE)
        )
