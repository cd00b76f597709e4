"""A theme is about one need: praise, a competitor's claim or a bug never shares a theme with a
request, however alike the words, on arrival, on re-clustering, by hand, or in the digest."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from prism.audit.service import set_actor
from prism.auth.policy import SYSTEM
from prism.errors import Invalid
from prism.feedback import digest, themes
from prism.feedback.models import FeedbackItem, FeedbackTheme, Kind, Reason, Signal
from prism.feedback.schemas import MergeIn
from tests.conftest import Cast
from tests.feedback.factories import SSO, make_account, submit

PRAISE = [
    "Love the Okta single sign-on support, rollout was painless",
    "Okta SSO works beautifully for the whole team",
]
RIVAL = "Acme says their Okta single sign-on is better than ours"


def test_praise_and_claims_never_join_a_request_theme(session: Session, cast: Cast) -> None:
    set_actor(session, cast.seller)
    asks = [submit(session, cast.seller, text) for text in SSO]
    liked = [submit(session, cast.seller, text, kind=Kind.PRAISE) for text in PRAISE]
    claim = submit(session, cast.seller, RIVAL, kind=Kind.COMPETITOR_INTEL)
    ask_themes = {i.theme_id for i in asks}
    assert len(ask_themes) == 1
    assert {i.theme_id for i in liked}.isdisjoint(ask_themes)
    assert claim.theme_id not in ask_themes | {i.theme_id for i in liked}
    by_id = {t.id: t for t in session.scalars(select(FeedbackTheme))}
    assert by_id[asks[0].theme_id or 0].signal is Signal.REQUEST
    assert {by_id[i.theme_id or 0].signal for i in liked} == {Signal.PRAISE}
    assert by_id[claim.theme_id or 0].signal is Signal.COMPETITOR


def test_reclustering_keeps_each_signal_apart(session: Session, cast: Cast) -> None:
    set_actor(session, cast.editor)
    items = [submit(session, cast.seller, text) for text in SSO]
    items += [submit(session, cast.seller, text, kind=Kind.PRAISE) for text in PRAISE]
    items.append(submit(session, cast.seller, RIVAL, kind=Kind.COMPETITOR_INTEL))
    lost = submit(
        session, cast.seller, SSO[2], kind=Kind.LOSS_REASON, reason=Reason.MISSING_FEATURE
    )
    items.append(lost)
    themes.recluster(session, SYSTEM)
    placed = session.execute(select(FeedbackItem, FeedbackTheme).join(FeedbackItem.theme)).all()
    assert len(placed) == len(items)
    assert all(item.signal is theme.signal for item, theme in placed)
    # A deal lost for want of the feature weighs that request: it shares the request's theme.
    assert lost.theme_id == items[0].theme_id


def test_people_cannot_mix_signals_by_hand(session: Session, cast: Cast) -> None:
    set_actor(session, cast.editor)
    ask = submit(session, cast.seller, SSO[0])
    liked = submit(session, cast.seller, PRAISE[0], kind=Kind.PRAISE)
    assert ask.theme_id and liked.theme_id
    with pytest.raises(Invalid, match=r"holds praise and theme .* holds requests") as refused:
        themes.merge(session, cast.editor, ask.theme_id, MergeIn(theme_ids=[liked.theme_id]))
    assert refused.value.errors[0]["field"] == "theme_ids"
    with pytest.raises(Invalid, match=r"item is praise, and theme .* holds requests") as moved:
        themes.move(session, cast.editor, liked.id, ask.theme_id)
    assert moved.value.errors[0]["field"] == "theme_id"
    session.refresh(liked)
    assert liked.theme_id != ask.theme_id and session.get(FeedbackTheme, liked.theme_id)


def test_the_digest_lists_what_asks_for_a_decision_never_praise(
    session: Session, cast: Cast
) -> None:
    set_actor(session, cast.editor)
    rich = make_account(session, "Rich Co", arr=5_000_000)
    for text in PRAISE:
        submit(session, cast.seller, text, kind=Kind.PRAISE, account_id=rich.id)
    submit(session, cast.seller, RIVAL, kind=Kind.COMPETITOR_INTEL, account_id=rich.id)
    ask = submit(session, cast.seller, SSO[0])
    lines = digest.digest(session, cast.pm).lines
    assert [line.theme.id for line in lines] == [ask.theme_id]
    signals = [t.signal for t, _ in themes.list_themes(session, cast.pm, signal=Signal.PRAISE)]
    assert signals and set(signals) == {Signal.PRAISE}
