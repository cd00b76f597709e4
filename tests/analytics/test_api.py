"""The dashboards API: each table as JSON and CSV for everyone at the company, content health
by freshness and use, bad filters refused."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.orm import Session

from prism.analytics.dashboards import content_health
from prism.analytics.influence import Scope
from prism.analytics.models import Use
from prism.analytics.usage import Event, write
from prism.auth.policy import SYSTEM
from prism.db import utcnow
from prism.knowledge.models import Item
from tests.analytics.conftest import Pipeline
from tests.conftest import Cast, bearer
from tests.feedback.factories import make_account

TABLES = ["influence", "battlecards", "content-health", "launches"]


@pytest.mark.parametrize("who", ["admin", "editor", "seller", "csm", "pm", "outsider"])
def test_every_role_reads_the_dashboards_and_a_deactivated_person_none(
    client: TestClient,
    session: Session,
    cast: Cast,
    pipeline: Pipeline,
    who: str,
) -> None:
    if who == "outsider":
        headers = {"Authorization": "Bearer prism_nope"}
    else:
        headers = bearer(session, cast.all()[who])
    for table in TABLES:
        for suffix in ("", ".csv"):
            answer = client.get(f"/api/v1/analytics/{table}{suffix}", headers=headers)
            assert answer.status_code == (401 if who == "outsider" else 200), (table, suffix)


def test_influence_json_and_csv_say_the_same(
    client: TestClient,
    session: Session,
    cast: Cast,
    pipeline: Pipeline,
) -> None:
    headers = bearer(session, cast.pm)
    found = client.get("/api/v1/analytics/influence", headers=headers).json()
    story = next(a for a in found["assets"] if a["item_id"] == pipeline.story.id)
    assert story["won_revenue"] == 100_000 and story["with_it"] == {
        "won": 1,
        "closed": 1,
        "rate": 1.0,
    }
    assert found["overall"]["closed"] == 3
    answer = client.get("/api/v1/analytics/influence.csv", headers=headers)
    assert answer.headers["content-type"].startswith("text/csv")
    assert "influence.csv" in answer.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    line = next(r for r in rows if r["item_id"] == str(pipeline.story.id))
    assert (line["won_revenue"], line["closed_with"], line["closed_without"]) == (
        "100000",
        "1",
        "2",
    )
    deals = client.get(f"/api/v1/analytics/influence/{pipeline.story.id}", headers=headers).json()
    assert [d["deal_id"] for d in deals["deals"]] == [pipeline.won.id, pipeline.open.id]
    gone = client.get("/api/v1/analytics/influence/999999", headers=headers)
    assert gone.status_code == 404
    cards = client.get("/api/v1/analytics/battlecards", headers=headers).json()["items"]
    assert cards[0]["competitor"] == "GuardianDB" and cards[0]["without_card"]["rate"] == 0.0


def test_a_win_loss_table_downloads_as_csv(
    client: TestClient,
    session: Session,
    cast: Cast,
    pipeline: Pipeline,
) -> None:
    headers = bearer(session, cast.pm)
    answer = client.get("/api/v1/analytics/win-loss/competitor.csv", headers=headers)
    assert answer.status_code == 200
    rows = {r["competitor"]: r for r in csv.DictReader(io.StringIO(answer.text))}
    assert (rows["GuardianDB"]["won"], rows["GuardianDB"]["lost"]) == ("1", "1")
    assert client.get("/api/v1/analytics/win-loss/mood.csv", headers=headers).status_code == 422
    # Only the deals of a team's people: the product team owns none of them.
    other = client.get(
        f"/api/v1/analytics/win-loss/competitor.csv?team_id={cast.pm.team_id}", headers=headers
    )
    assert list(csv.DictReader(io.StringIO(other.text))) == []


def test_a_deal_takes_the_segment_of_the_account_it_is_linked_to(
    client: TestClient, session: Session, cast: Cast, pipeline: Pipeline
) -> None:
    account = make_account(session, "Acme Holdings", segment="Enterprise")
    pipeline.won.account_id = account.id  # the deal's customer is still called "Acme"
    session.commit()
    answer = client.get("/api/v1/analytics/win-loss/segment.csv", headers=bearer(session, cast.pm))
    rows = {r["segment"]: r for r in csv.DictReader(io.StringIO(answer.text))}
    assert rows["Enterprise"]["won"] == "1"


def test_bad_filters_are_refused_clearly(client: TestClient, session: Session, cast: Cast) -> None:
    headers = bearer(session, cast.pm)
    backwards = client.get(
        "/api/v1/analytics/influence?since=2026-10-01&until=2026-09-01", headers=headers
    )
    assert backwards.status_code == 422 and "ends before it starts" in backwards.text
    assert client.get("/api/v1/analytics/influence?since=soon", headers=headers).status_code == 422
    assert (
        client.get("/api/v1/analytics/influence?product_id=0", headers=headers).status_code == 422
    )


def test_content_health_sorts_by_freshness_and_use(
    session: Session,
    pipeline: Pipeline,
) -> None:
    now = utcnow()
    session.execute(
        update(Item)
        .where(Item.id == pipeline.card.id)
        .values(review_due_at=now - timedelta(days=2))
    )
    write(session, [Event(Use.VIEW, pipeline.card.id, at=now)])
    found = content_health(session, SYSTEM, Scope(), now=now)
    counts = dict(found.quadrants)
    # The story is used and fresh; the battlecard used but stale; the FAQ fresh and unused.
    assert counts == {
        "Fresh and used": 1,
        "Fresh, unused": 1,
        "Stale but used": 1,
        "Stale and unused": 0,
    }
    first = found.attention[0]
    assert first.title == "Beat GuardianDB" and first.stale and first.uses == 3
    # Products and competitors are what content is about, not content.
    assert {r.kind for r in found.rows} == {"battlecard", "story", "faq"}
    since = content_health(session, SYSTEM, Scope(since=now.date()), now=now)
    assert {r.title: r.uses for r in since.rows}["Big Bank cut onboarding by half"] == 0
