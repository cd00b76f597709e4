"""Outgoing webhooks: a real HTTP receiver gets signed JSON; failures are retried with growing
pauses and then given up; only administrators manage subscriptions."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.orm import Session

from prism.auth.policy import SYSTEM
from prism.db import utcnow
from prism.errors import Forbidden
from prism.webhooks import service
from prism.webhooks.models import DeliveryStatus
from prism.webhooks.schemas import WebhookIn
from tests.conftest import Cast
from tests.webhooks.conftest import Receiver


def subscribe(session: Session, url: str) -> Any:
    data = WebhookIn(name="Ops", url=url, events=["launch.stage_changed"])
    return service.create_webhook(session, SYSTEM, data)


def test_a_delivery_is_signed_and_verifiable(session: Session, receiver: Receiver) -> None:
    hook = subscribe(session, receiver.url)
    now = utcnow()
    (delivery,) = service.emit(session, "launch.stage_changed", {"to": "ga"}, now=now)
    done = service.attempt(session, delivery.id, now=now)
    assert done.status is DeliveryStatus.DELIVERED and done.response_status == 200
    (got,) = receiver.received
    assert got["headers"]["X-Prism-Event"] == "launch.stage_changed"
    assert got["headers"]["X-Prism-Delivery"] == str(delivery.id)
    stamp, mac = got["headers"]["X-Prism-Signature"].removeprefix("t=").split(",v1=")
    expected = hmac.new(hook.secret.encode(), f"{stamp}.".encode() + got["body"], hashlib.sha256)
    assert hmac.compare_digest(mac, expected.hexdigest())
    assert json.loads(got["body"])["to"] == "ga"
    assert service.emit(session, "launch.checkpoint_due", {}, now=now) == []  # not subscribed


def test_failures_are_retried_with_growing_pauses_then_given_up(
    session: Session, receiver: Receiver
) -> None:
    subscribe(session, receiver.url)
    receiver.status = 503
    now = utcnow()
    (delivery,) = service.emit(session, "launch.stage_changed", {}, now=now)
    pauses = []
    for _ in service.BACKOFF:
        tried = service.attempt(session, delivery.id, now=now)
        assert tried.status is DeliveryStatus.PENDING and tried.response_status == 503
        assert tried.next_attempt_at is not None
        pauses.append(tried.next_attempt_at - now)
        assert service.due_deliveries(session, now) == []
        now = tried.next_attempt_at
        assert service.due_deliveries(session, now) == [delivery.id]
    assert pauses == list(service.BACKOFF)
    final = service.attempt(session, delivery.id, now=now)
    assert final.status is DeliveryStatus.FAILED and final.attempts == len(service.BACKOFF) + 1
    assert "answered 503" in final.last_error
    assert len(receiver.received) == len(service.BACKOFF) + 1


def test_an_unreachable_receiver_is_retried(session: Session) -> None:
    subscribe(session, "http://127.0.0.1:9/nothing-listens")
    now = utcnow()
    (delivery,) = service.emit(session, "launch.stage_changed", {}, now=now)
    tried = service.attempt(session, delivery.id, now=now)
    assert tried.status is DeliveryStatus.PENDING
    assert tried.next_attempt_at == now + timedelta(minutes=1)
    assert tried.last_error.startswith("Could not reach the receiver")


def test_only_admins_manage_webhooks(session: Session, cast: Cast) -> None:
    data = WebhookIn(name="x", url="https://example.test/h", events=["launch.checkpoint_due"])
    for who in (cast.editor, cast.seller, cast.pm):
        with pytest.raises(Forbidden):
            service.create_webhook(session, who, data)
        with pytest.raises(Forbidden):
            service.list_deliveries(session, who)
    assert service.create_webhook(session, cast.admin, data).events == ["launch.checkpoint_due"]
