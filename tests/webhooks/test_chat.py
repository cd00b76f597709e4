"""Chat channels: a webhook can post each event as a Slack (Block Kit) or Microsoft Teams
(Adaptive Card) message, with the same signature and retries; the events people watch — a
launch moved or held at its gate, a theme shipped, an item gone stale, a buyer opening a link —
are sent, each once."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from prism.auth.policy import SYSTEM
from prism.db import utcnow
from prism.errors import Forbidden
from prism.knowledge import freshness
from prism.knowledge import service as knowledge
from prism.knowledge.models import StaleNotice
from prism.notifications.models import Notification
from prism.webhooks import messages, service
from prism.webhooks.models import EVENTS, Delivery, DeliveryStatus, WebhookFormat
from prism.webhooks.schemas import WebhookIn
from tests.conftest import Cast, bearer
from tests.knowledge.factories import make_item
from tests.launches.factories import make_launch
from tests.library import make_library
from tests.shares.test_shares import path, share
from tests.webhooks.conftest import Receiver

BASE = "https://prism.example.com"
LAUNCH = {"id": 7, "name": "Vault ledger", "path": "/launches/7"}
# A payload of each event's shape, as the code that emits it builds it.
SAMPLES: dict[str, dict[str, Any]] = {
    "launch.stage_changed": {"launch": LAUNCH, "from": "beta", "to": "ga", "overridden": False},
    "launch.gate_blocked": {
        "launch": LAUNCH,
        "from": "planning",
        "to": "alpha",
        "blockers": [{"rule": "positioning", "label": "Positioning", "detail": "No target."}],
        "by": {"name": "Priya Raman", "email": "priya@example.com"},
    },
    "launch.deliverable_overdue": {
        "launch": LAUNCH,
        "deliverable": {"id": 3, "title": "Sales deck", "due_on": "2026-12-01"},
        "owner": {"name": "Marco", "email": "marco@example.com"},
    },
    "launch.checkpoint_due": {
        "launch": LAUNCH,
        "checkpoint": {"id": 1, "day": 30, "due_on": "2026-12-09"},
        "owner": None,
    },
    "feedback.theme_status_changed": {
        "theme": {"id": 4, "title": "EU data residency", "path": "/feedback/themes/4"},
        "status": "shipped",
        "note": "Frankfurt is live.",
        "contributors_told": 6,
    },
    "roadmap.capability_status_changed": {
        "capability": {"id": 2, "title": "Battlecards in Slack", "path": "/roadmap/2"},
        "status": "in_progress",
        "note": "",
        "requesters_told": 2,
    },
    "knowledge.item_stale": {
        "item": {
            "id": 9,
            "kind": "battlecard",
            "title": "Vault vs GuardianDB",
            "path": "/library/9",
        },
        "reasons": ["Not verified since it was due on 01 Dec 2026."],
        "owner": {"name": "Priya Raman", "email": "priya@example.com"},
    },
    "share.opened": {
        "link": {"id": 5, "title": "For Northwind", "path": "/shares/5"},
        "deal": {"id": 1, "name": "Audit evidence", "customer": "Northwind Bank"},
        "owner": {"name": "Sam Carter", "email": "sam@example.com"},
        "owner_told": 1,
    },
}
TITLES = {
    "launch.stage_changed": "Launch “Vault ledger” moved to GA",
    "launch.gate_blocked": "Launch “Vault ledger” is held at the ALPHA gate",
    "launch.deliverable_overdue": "“Sales deck” for Vault ledger is overdue",
    "launch.checkpoint_due": "The 30-day review of Vault ledger is due",
    "feedback.theme_status_changed": "“EU data residency” is now shipped",
    "roadmap.capability_status_changed": "“Battlecards in Slack” is now in progress",
    "knowledge.item_stale": "Battlecard “Vault vs GuardianDB” is stale",
    "share.opened": "Northwind Bank opened “For Northwind”",
}


def test_every_event_people_can_subscribe_to_reads_as_a_sentence() -> None:
    assert set(SAMPLES) == set(EVENTS)
    for event, payload in SAMPLES.items():
        message = messages.message_for(event, payload)
        assert message.title == TITLES[event]
        assert message.url(BASE).startswith(f"{BASE}/")
    assert messages.message_for("launch.stage_changed", {"launch": "old"}).title.startswith(
        "Prism:"
    )


def subscribe(session: Session, url: str, shape: WebhookFormat, *events: str) -> Any:
    data = WebhookIn(name="#launches", url=url, events=list(events), format=shape)
    return service.create_webhook(session, SYSTEM, data)


def deliver(session: Session, event: str, receiver: Receiver) -> dict[str, Any]:
    now = utcnow()
    (delivery,) = service.emit(session, event, SAMPLES[event], now=now)
    done = service.attempt(session, delivery.id, now=now, base_url=BASE)
    assert done.status is DeliveryStatus.DELIVERED
    got = receiver.received[-1]
    assert got["headers"]["X-Prism-Signature"].startswith("t=")
    assert got["headers"]["X-Prism-Event"] == event
    body: dict[str, Any] = json.loads(got["body"])
    return body


def test_a_slack_channel_gets_block_kit_with_a_button_to_the_page(
    session: Session, receiver: Receiver
) -> None:
    subscribe(session, receiver.url, WebhookFormat.SLACK, "launch.gate_blocked")
    body = deliver(session, "launch.gate_blocked", receiver)
    assert body["text"] == TITLES["launch.gate_blocked"]
    section, actions, context = body["blocks"]
    assert section["text"]["type"] == "mrkdwn"
    assert section["text"]["text"].startswith("*Launch “Vault ledger” is held")
    assert "Positioning: No target." in section["text"]["text"]
    (button,) = actions["elements"]
    assert button["url"] == f"{BASE}/launches/7"
    assert "launch.gate_blocked" in context["elements"][0]["text"]


def test_slack_text_is_escaped(session: Session, receiver: Receiver) -> None:
    subscribe(session, receiver.url, WebhookFormat.SLACK, "launch.stage_changed")
    now = utcnow()
    launch = {**LAUNCH, "name": "<!channel> & friends"}
    (delivery,) = service.emit(
        session, "launch.stage_changed", {"launch": launch, "to": "ga"}, now=now
    )
    service.attempt(session, delivery.id, now=now, base_url=BASE)
    text = json.loads(receiver.received[-1]["body"])["blocks"][0]["text"]["text"]
    assert "&lt;!channel&gt; &amp; friends" in text and "<!channel>" not in text


def test_a_teams_channel_gets_an_adaptive_card(session: Session, receiver: Receiver) -> None:
    subscribe(session, receiver.url, WebhookFormat.TEAMS, "feedback.theme_status_changed")
    body = deliver(session, "feedback.theme_status_changed", receiver)
    assert body["type"] == "message"
    (attachment,) = body["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.4"
    texts = [block["text"] for block in card["body"]]
    assert texts[0] == "“EU data residency” is now shipped"
    assert (
        "Frankfurt is live." in texts and "6 people who asked for it were told in Prism." in texts
    )
    assert card["actions"] == [
        {"type": "Action.OpenUrl", "title": "Open in Prism", "url": f"{BASE}/feedback/themes/4"}
    ]


def test_a_chat_message_that_fails_is_retried_like_any_delivery(
    session: Session, receiver: Receiver
) -> None:
    subscribe(session, receiver.url, WebhookFormat.SLACK, "launch.stage_changed")
    receiver.status = 500
    now = utcnow()
    (delivery,) = service.emit(
        session, "launch.stage_changed", SAMPLES["launch.stage_changed"], now=now
    )
    failed = service.attempt(session, delivery.id, now=now, base_url=BASE)
    assert (
        failed.status is DeliveryStatus.PENDING
        and failed.next_attempt_at == now + service.BACKOFF[0]
    )
    receiver.status = 200
    later = now + timedelta(minutes=2)
    assert service.due_deliveries(session, later) == [delivery.id]
    assert (
        service.attempt(session, delivery.id, now=later, base_url=BASE).status
        is DeliveryStatus.DELIVERED
    )


def test_a_test_message_reaches_one_hook_whatever_it_subscribes(
    session: Session, receiver: Receiver, cast: Cast
) -> None:
    hook = subscribe(session, receiver.url, WebhookFormat.TEAMS, "share.opened")
    other = subscribe(session, receiver.url, WebhookFormat.SLACK, "share.opened")
    delivery = service.send_test(session, SYSTEM, hook.id, now=utcnow())
    assert delivery.webhook_id == hook.id and delivery.event == "webhook.test"
    done = service.attempt(session, delivery.id, now=utcnow(), base_url=BASE)
    assert done.status is DeliveryStatus.DELIVERED
    card = json.loads(receiver.received[-1]["body"])["attachments"][0]["content"]
    assert card["body"][0]["text"] == "Prism can post here"
    assert session.scalar(select(Delivery.id).where(Delivery.webhook_id == other.id)) is None
    with pytest.raises(Forbidden):
        service.send_test(session, cast.editor, hook.id, now=utcnow())


def test_the_webhooks_api_takes_a_format_and_sends_a_test(
    client: TestClient, session: Session, cast: Cast
) -> None:
    admin = bearer(session, cast.admin)
    body = {
        "name": "#sales",
        "url": "https://hooks.slack.com/services/T/B/X",
        "events": ["share.opened"],
        "format": "slack",
    }
    created = client.post("/api/v1/webhooks", json=body, headers=admin)
    assert created.status_code == 201 and created.json()["format"] == "slack"
    bad = client.post("/api/v1/webhooks", json={**body, "format": "discord"}, headers=admin)
    assert bad.status_code == 422
    hook_id = created.json()["id"]
    sent = client.post(f"/api/v1/webhooks/{hook_id}/test", headers=admin)
    assert sent.status_code == 202 and sent.json()["event"] == "webhook.test"
    editor = bearer(session, cast.editor)
    assert client.post(f"/api/v1/webhooks/{hook_id}/test", headers=editor).status_code == 403
    assert client.post("/api/v1/webhooks/999999/test", headers=admin).status_code == 404


def test_a_launch_held_at_its_gate_is_announced_though_the_move_is_refused(
    client: TestClient, session: Session, cast: Cast
) -> None:
    subscribe(
        session,
        "https://hooks.slack.com/services/T/B/X",
        WebhookFormat.SLACK,
        "launch.gate_blocked",
    )
    launch = make_launch(session)
    session.commit()
    move = {"version": launch.version, "to": "alpha"}
    refused = client.post(
        f"/api/v1/launches/{launch.id}/move", json=move, headers=bearer(session, cast.editor)
    )
    assert refused.status_code == 409
    (delivery,) = session.scalars(select(Delivery).where(Delivery.event == "launch.gate_blocked"))
    assert delivery.payload["launch"]["id"] == launch.id and delivery.payload["to"] == "alpha"
    assert {b["rule"] for b in delivery.payload["blockers"]} == {"positioning", "differentiator"}
    assert delivery.payload["by"]["email"] == cast.editor.email
    session.refresh(launch)
    assert launch.stage.value == "planning"


def test_a_buyer_opening_a_link_is_announced_once_a_day_per_visitor(
    client: TestClient, session: Session, cast: Cast
) -> None:
    subscribe(
        session, "https://hooks.slack.com/services/T/B/X", WebhookFormat.SLACK, "share.opened"
    )
    lib = make_library(session)
    link = share(session, lib, actor=cast.seller)
    session.commit()
    client.get(path(link))
    client.get(path(link))  # the same visitor again the same day
    client.get(path(link), headers={"User-Agent": "Another browser"})
    deliveries = list(session.scalars(select(Delivery).where(Delivery.event == "share.opened")))
    assert len(deliveries) == 2
    assert deliveries[0].payload["link"] == {
        "id": link.id,
        "title": link.title,
        "path": f"/shares/{link.id}",
    }
    told = list(session.scalars(select(Notification).where(Notification.user_id == cast.seller.id)))
    assert len(told) == 2 and told[0].subject == f"A buyer opened “{link.title}”"


def test_an_item_gone_stale_is_announced_once_until_verified(session: Session) -> None:
    subscribe(
        session,
        "https://hooks.slack.com/services/T/B/X",
        WebhookFormat.SLACK,
        "knowledge.item_stale",
    )
    card = make_item(session, "battlecard", title="Vault vs Keystone")
    now = utcnow()
    later = card.review_due_at + timedelta(days=1)
    assert freshness.announce_stale(session, now=now) == 0
    assert freshness.announce_stale(session, now=later) == 1
    assert freshness.announce_stale(session, now=later + timedelta(days=1)) == 0
    (delivery,) = session.scalars(select(Delivery).where(Delivery.event == "knowledge.item_stale"))
    assert delivery.payload["item"]["title"] == "Vault vs Keystone"
    assert delivery.payload["reasons"][0].startswith("Not verified since")
    knowledge.verify(session, SYSTEM, card.id, version=card.version, now=later)
    assert freshness.announce_stale(session, now=later) == 0
    assert session.get(StaleNotice, card.id) is None
    assert freshness.announce_stale(session, now=card.review_due_at + timedelta(days=1)) == 1


def test_a_chinese_channel_reads_its_messages_in_chinese(
    session: Session, receiver: Receiver
) -> None:
    """The channel's language, not the language of whoever caused the event: names stay as
    written, the sentence around them is Chinese, and the JSON format is untouched."""
    data = WebhookIn(
        name="#发布",
        url=receiver.url,
        events=["feedback.theme_status_changed", "launch.gate_blocked"],
        format=WebhookFormat.TEAMS,
        language="zh",
    )
    service.create_webhook(session, SYSTEM, data)
    card = deliver(session, "feedback.theme_status_changed", receiver)["attachments"][0]
    texts = [block["text"] for block in card["content"]["body"]]
    assert texts[0] == "“EU data residency”现在的状态是：已上线"
    assert "已在 Prism 中通知 6 位提出需求的人。" in texts
    assert card["content"]["actions"][0]["title"] == "在 Prism 中打开"
    subscribe(session, receiver.url, WebhookFormat.PRISM, "launch.gate_blocked")
    now = utcnow()
    sample = SAMPLES["launch.gate_blocked"]
    deliveries = service.emit(session, "launch.gate_blocked", sample, now=now)
    bodies = {}
    for delivery in deliveries:
        service.attempt(session, delivery.id, now=now, base_url=BASE)
        bodies[delivery.webhook.format] = json.loads(receiver.received[-1]["body"])
    said = bodies[WebhookFormat.TEAMS]["summary"]
    assert said == "发布“Vault ledger”被拦在 ALPHA 关卡"
    assert bodies[WebhookFormat.PRISM]["event"] == "launch.gate_blocked"


def test_a_stale_item_s_reasons_reach_a_chinese_channel_in_chinese(
    session: Session, receiver: Receiver
) -> None:
    data = WebhookIn(
        name="#内容",
        url=receiver.url,
        events=["knowledge.item_stale"],
        format=WebhookFormat.SLACK,
        language="zh",
    )
    service.create_webhook(session, SYSTEM, data)
    card = make_item(session, "battlecard", title="Vault vs Keystone")
    later = card.review_due_at + timedelta(days=1)
    assert freshness.announce_stale(session, now=later) == 1
    (delivery,) = session.scalars(select(Delivery))
    assert delivery.payload["reasons"][0].startswith("Not verified since")  # JSON: English
    service.attempt(session, delivery.id, now=later, base_url=BASE)
    body = json.loads(receiver.received[-1]["body"])
    text = body["blocks"][0]["text"]["text"]
    assert "Vault vs Keystone" in text and "Not verified" not in text
    assert "已过期" in text and "未核实" in text
    assert body["blocks"][1]["elements"][0]["text"]["text"] == "去复核"


def test_an_administrator_adds_a_chinese_teams_channel_on_the_page(
    client: TestClient, session: Session, cast: Cast
) -> None:
    from tests.web.test_pages import csrf_from, sign_in

    sign_in(client, cast.admin.email)
    page = client.get("/admin/webhooks", headers={"Accept-Language": "zh"})
    assert '<option value="zh" selected>简体中文</option>' in page.text  # the reader's language
    form = {
        "csrf_token": csrf_from(page.text),
        "name": "上海销售",
        "url": "https://helio.webhook.office.com/webhookb2/x",
        "format": "teams",
        "language": "zh",
        "events": ["share.opened", "launch.stage_changed"],
    }
    added = client.post("/admin/webhooks", data=form)
    assert added.status_code == 200, added.text
    assert "上海销售" in added.text and "简体中文" in added.text
    hooks = client.get("/api/v1/webhooks", headers=bearer(session, cast.admin)).json()["items"]
    assert [(h["name"], h["format"], h["language"]) for h in hooks] == [("上海销售", "teams", "zh")]
    wrong = client.post("/admin/webhooks", data={**form, "language": "fr"})
    assert wrong.status_code == 422 and "language" in wrong.text
