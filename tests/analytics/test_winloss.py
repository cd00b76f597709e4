"""Win/loss and churn on SQLite and PostgreSQL: closing a deal with its reason (and who may),
recording a churned account, and the view by competitor, segment and product."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from prism.accounts.schemas import ChurnIn
from prism.accounts.service import record_churn
from prism.analytics import winloss
from prism.audit.service import set_actor
from prism.db import utcnow
from prism.deals.models import Outcome, Stage
from prism.deals.schemas import CloseIn
from prism.deals.service import close_deal
from prism.errors import Conflict, Forbidden, Invalid
from prism.feedback.models import Kind, Origin, Reason
from prism.feedback.service import reasons_given
from prism.schemas import parse
from tests.conftest import Cast, bearer
from tests.feedback.factories import make_account, make_deal
from tests.knowledge.factories import make_item


def close(session: Session, actor, deal, outcome: str, reason: Reason, text: str, **extra):  # type: ignore[no-untyped-def]
    data = CloseIn(version=deal.version, outcome=outcome, reason=reason, text=text, **extra)
    return close_deal(session, actor, deal.id, data, now=utcnow())


def test_closing_a_lost_deal_records_its_reason_as_feedback(session: Session, cast: Cast) -> None:
    set_actor(session, cast.seller)
    account = make_account(session, "Harbor Insurance", arr=0, segment="Enterprise")
    vault = make_item(session, "product", title="Vault")
    rival = make_item(session, "competitor", title="GuardianDB")
    deal = make_deal(session, "harbor insurance", value=95_000, owner=cast.seller, focus=[vault.id])
    item = close(
        session, cast.seller, deal, "lost", Reason.COMPETITOR, "They wanted on-prem",
        competitor_id=rival.id,
    )  # fmt: skip
    assert (item.kind, item.reason, item.origin) == (
        Kind.LOSS_REASON,
        Reason.COMPETITOR,
        Origin.DEAL,
    )
    assert item.deal_id == deal.id and item.account_id == account.id  # matched by name
    assert item.product_id == vault.id and item.competitor_id == rival.id
    assert item.theme_id is not None
    session.refresh(deal)
    assert deal.outcome is Outcome.LOST and deal.stage is Stage.CLOSED
    assert deal.closed_at is not None
    # A second reason for the same (now closed) deal is welcome; a different outcome is not.
    close(session, cast.seller, deal, "lost", Reason.PRICE, "And the price")
    assert len(reasons_given(session, deal.id)) == 2
    with pytest.raises(Conflict, match="was lost, not won"):
        close(session, cast.seller, deal, "won", Reason.PRODUCT_FIT, "x")


def test_a_deal_linked_to_its_account_gives_its_reason_that_account(
    session: Session, cast: Cast
) -> None:
    set_actor(session, cast.seller)
    linked = make_account(session, "Harbor Insurance Group", arr=50_000)
    make_account(session, "Harbor", arr=10)  # the customer's name finds another account
    deal = make_deal(session, "Harbor", owner=cast.seller, account_id=linked.id)
    item = close(session, cast.seller, deal, "won", Reason.PRODUCT_FIT, "They loved the maps")
    assert item.account_id == linked.id


def test_who_may_close_and_what_a_reason_must_say(session: Session, cast: Cast) -> None:
    set_actor(session, cast.seller)
    deal = make_deal(session, owner=cast.seller)
    with pytest.raises(Forbidden):
        close(session, cast.csm, deal, "won", Reason.PRODUCT_FIT, "not my deal")
    with pytest.raises(Forbidden):
        close(session, cast.pm, deal, "won", Reason.PRODUCT_FIT, "viewers build no kits")
    with pytest.raises(Invalid, match="Say which competitor"):
        close(session, cast.seller, deal, "lost", Reason.COMPETITOR, "to someone")
    with pytest.raises(Invalid, match="missing_feature is not a win reason"):
        parse(CloseIn, {"version": 1, "outcome": "won", "reason": "missing_feature", "text": "x"})
    with pytest.raises(Invalid):
        parse(CloseIn, {"version": 1, "outcome": "open", "reason": "price", "text": "x"})
    stale = CloseIn(version=deal.version + 1, outcome="won", reason=Reason.PRICE, text="x")
    with pytest.raises(Conflict):
        close_deal(session, cast.seller, deal.id, stale, now=utcnow())
    session.refresh(deal)
    assert deal.outcome is Outcome.OPEN and not reasons_given(session, deal.id)
    close(session, cast.editor, deal, "won", Reason.PRODUCT_FIT, "editors may close any deal")


def test_recording_churn_marks_the_account_and_keeps_its_arr(session: Session, cast: Cast) -> None:
    set_actor(session, cast.csm)
    account = make_account(session, "Wayne Media", arr=75_000)
    today = utcnow().date()
    with pytest.raises(Invalid, match="future"):
        record_churn(
            session, cast.csm, account.id,
            ChurnIn(reason=Reason.POOR_ADOPTION, text="x", churned_on=today + timedelta(days=3)),
            today=today,
        )  # fmt: skip
    assert account.churned_on is None
    data = ChurnIn(reason=Reason.POOR_ADOPTION, text="Their champion left", churned_on=today)
    item = record_churn(session, cast.csm, account.id, data, today=today)
    assert item.kind is Kind.CHURN_REASON and item.account_id == account.id
    assert account.churned_on == today and account.arr == 75_000
    with pytest.raises(Forbidden):
        record_churn(session, cast.pm, account.id, data, today=today)
    with pytest.raises(Invalid, match="not a churn reason"):
        parse(ChurnIn, {"reason": "product_fit", "text": "x"})


def test_the_view_adds_closed_deals_up_by_competitor_segment_and_product(
    session: Session, cast: Cast
) -> None:
    set_actor(session, cast.seller)
    make_account(session, "Big Bank", segment="Enterprise", arr=400_000)
    make_account(session, "Small Shop", segment="SMB")
    vault = make_item(session, "product", title="Vault")
    pulse = make_item(session, "product", title="Pulse")
    rival = make_item(session, "competitor", title="GuardianDB")
    lost_big = make_deal(session, "Big Bank", value=200_000, owner=cast.seller, focus=[vault.id])
    won_big = make_deal(
        session, "Big Bank", value=100_000, owner=cast.seller, focus=[vault.id, rival.id]
    )
    won_small = make_deal(session, "Small Shop", value=30_000, owner=cast.seller, focus=[pulse.id])
    make_deal(session, "Nobody Ltd", value=10_000, owner=cast.seller, outcome=Outcome.LOST)
    make_deal(session, "Open Inc", value=500_000, owner=cast.seller)  # open: not counted
    close(
        session,
        cast.seller,
        lost_big,
        "lost",
        Reason.MISSING_FEATURE,
        "No SSO",
        competitor_id=rival.id,
    )
    close(session, cast.seller, won_big, "won", Reason.PRODUCT_FIT, "Fast data map")
    close(session, cast.seller, won_small, "won", Reason.EASE_OF_USE, "Marketers used it alone")
    account = make_account(session, "Gone Co", arr=50_000)
    churn = ChurnIn(
        reason=Reason.COMPETITOR, text="Left", competitor_id=rival.id, product_id=pulse.id
    )
    record_churn(session, cast.csm, account.id, churn, today=utcnow().date())

    view = winloss.view(session, cast.pm)
    assert (view.overall.won, view.overall.lost) == (2, 2)
    assert (view.overall.won_value, view.overall.lost_value) == (130_000, 210_000)
    assert view.unexplained == 1  # the Nobody Ltd deal was closed without a reason
    guardian = next(t for t in view.by_competitor if t.name == "GuardianDB")
    assert (guardian.won, guardian.lost, guardian.win_rate) == (1, 1, 0.5)
    assert dict(guardian.reasons) == {"missing feature": 1}
    segments = {t.name: (t.won, t.lost) for t in view.by_segment}
    assert segments == {"Enterprise": (1, 1), "SMB": (1, 0), "no segment": (0, 1)}
    products = {t.name: (t.won, t.lost) for t in view.by_product}
    assert products == {"Vault": (1, 1), "Pulse": (1, 0), "no product": (0, 1)}
    assert dict(view.win_reasons) == {"product fit": 1, "ease of use": 1}
    assert (view.churn.accounts, view.churn.arr) == (1, 50_000)
    assert dict(view.churn.competitors) == {"GuardianDB": 1}
    # Only the deals with a reason: the silent one leaves the figures but is still counted.
    explained = winloss.view(session, cast.pm, explained_only=True)
    assert (explained.overall.won, explained.overall.lost) == (2, 1)
    assert explained.unexplained == 1 and explained.explained_only
    assert "no segment" not in {t.name for t in explained.by_segment}

    only_vault = winloss.view(session, cast.pm, product_id=vault.id)
    assert only_vault.overall.deals == 2 and only_vault.churn.accounts == 0
    later = winloss.view(session, cast.pm, since=utcnow().date() + timedelta(days=1))
    assert later.overall.deals == 0 and later.churn.accounts == 0
    with pytest.raises(Forbidden):
        winloss.view(session, cast.outsider)


def test_the_page_says_how_much_the_reasons_cover_and_filters_to_them(
    client: TestClient, session: Session, cast: Cast
) -> None:
    set_actor(session, cast.seller)
    explained = make_deal(session, "Big Bank", value=100_000, owner=cast.seller)
    close(session, cast.seller, explained, "won", Reason.PRODUCT_FIT, "Fast data map")
    make_deal(session, "Nobody Ltd", value=10_000, owner=cast.seller, outcome=Outcome.LOST)
    session.commit()
    headers = bearer(session, cast.pm)
    everything = client.get("/win-loss", headers=headers).text
    assert "2 closed deals:" in everything
    assert "Reasons cover 1 of 2 closed deals (50%)" in everything
    only = client.get("/win-loss?explained=1", headers=headers).text
    assert "1 closed deals with a reason:" in only and "1 won" in only
    assert "Reasons cover 1 of 2 closed deals (50%)" in only
    answer = client.get("/api/v1/win-loss?explained_only=true", headers=headers).json()
    assert answer["overall"]["won"] == 1 and answer["unexplained"] == 1
