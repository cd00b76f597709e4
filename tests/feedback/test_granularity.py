"""A person chooses broader or narrower themes; re-clustering and the placing of new items both
follow that choice, and new items join a theme as re-clustering would keep them there."""

from __future__ import annotations

import numpy as np
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from prism.audit.service import set_actor
from prism.errors import Forbidden, Invalid
from prism.feedback import themes
from prism.feedback.models import FeedbackSettings
from prism.grouping import clustering
from tests.conftest import Cast, bearer
from tests.feedback.factories import PRICE, SSO, submit
from tests.web.test_pages import csrf_from, sign_in

MORE = [
    "Dashboards take a minute to load on Monday mornings",
    "The Monday dashboard is painfully slow to open",
    "Audit log export to Splunk, please",
    "Send the audit log to Splunk every hour",
]


def test_narrower_never_finds_fewer_themes_than_broader() -> None:
    rng = np.random.default_rng(3)  # six topics of three requests each: two levels to choose
    topics = rng.normal(size=(6, 48)) * 2
    requests = np.concatenate([t + rng.normal(0, 0.8, (3, 48)) for t in topics])
    vectors = np.concatenate([r + rng.normal(0, 0.45, (20, 48)) for r in requests])
    counts = [
        int(clustering.cluster(vectors.astype(np.float32), granularity=g).max()) + 1
        for g in clustering.GRANULARITY
    ]
    assert counts == sorted(counts) and counts[0] < counts[-1]


def test_the_choice_is_kept_checked_and_for_triagers_only(session: Session, cast: Cast) -> None:
    set_actor(session, cast.editor)
    for text in SSO + PRICE + MORE:
        submit(session, cast.seller, text)
    assert themes.granularity_of(session) == 0
    done = themes.recluster(session, cast.editor, granularity=2)
    assert done.granularity == 2 and themes.granularity_of(session) == 2
    assert themes.recluster(session, cast.editor).granularity == 2  # kept for the next run
    with pytest.raises(Invalid, match="from -3") as refused:
        themes.set_granularity(session, cast.editor, 4)
    assert refused.value.errors[0]["field"] == "granularity"
    with pytest.raises(Forbidden):
        themes.recluster(session, cast.seller, granularity=-1)
    assert themes.granularity_of(session) == 2


def test_new_items_join_as_reclustering_would_keep_them(session: Session, cast: Cast) -> None:
    set_actor(session, cast.editor)
    before = themes.join_at(session)
    assert before == clustering.JOIN  # nothing measured yet
    asked = [submit(session, cast.seller, text) for text in SSO + PRICE + MORE * 4]
    themes.recluster(session, cast.editor)
    measured = session.get(FeedbackSettings, 1)
    assert measured is not None and measured.join_at is not None
    assert themes.join_at(session) == measured.join_at != before
    session.refresh(asked[0])
    again = submit(session, cast.seller, SSO[0])  # as close as a member can be: it joins
    stranger = submit(session, cast.seller, "Our warehouse in Lyon floods every spring")
    assert again.theme_id == asked[0].theme_id
    assert stranger.theme_id not in {i.theme_id for i in asked}


def test_the_api_takes_a_granularity_and_refuses_one_out_of_range(
    client: TestClient, session: Session, cast: Cast
) -> None:
    editor = bearer(session, cast.editor)
    client.post("/api/v1/feedback", json={"text": SSO[0]}, headers=editor)
    wide = client.post("/api/v1/feedback/recluster", json={"granularity": 9}, headers=editor)
    assert wide.status_code == 422 and "granularity" in wide.text
    done = client.post("/api/v1/feedback/recluster", json={"granularity": -1}, headers=editor)
    assert done.status_code == 200 and done.json()["granularity"] == -1
    kept = client.post("/api/v1/feedback/recluster", headers=editor)
    assert kept.json()["granularity"] == -1


def test_the_themes_page_reclusters_at_the_chosen_size_or_says_what_is_wrong(
    client: TestClient, session: Session, cast: Cast
) -> None:
    headers = bearer(session, cast.seller)
    client.post("/api/v1/feedback", json={"text": SSO[0]}, headers=headers)
    sign_in(client, cast.editor.email)
    page = client.get("/feedback")
    assert page.status_code == 200 and "Theme size" in page.text
    token = csrf_from(page.text)
    wrong = client.post("/feedback/recluster", data={"csrf_token": token, "granularity": "9"})
    assert wrong.status_code == 422 and "granularity" in wrong.text
    assert 'value="0" selected' in wrong.text  # nothing was kept
    form = {"csrf_token": token, "granularity": "-2"}
    done = client.post("/feedback/recluster", data=form, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/feedback"
    assert 'value="-2" selected' in client.get("/feedback").text
