"""Outgoing webhooks: subscriptions, events fanned out to them, signed deliveries and retries.

Each delivery is a POST of JSON with `X-Prism-Event`, `X-Prism-Delivery` and
`X-Prism-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the secret>`, so the
receiver can check it came from Prism and is fresh. The body is the event's payload, or — for a
Slack or Microsoft Teams channel's incoming webhook — the event as a chat message
(`prism.webhooks.messages`). A failed delivery is retried with growing pauses, then given up and
shown as failed.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import urllib.error
import urllib.request
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from prism.auth.policy import SYSTEM, Action, Principal, require
from prism.db import get_or_404
from prism.errors import NotFound
from prism.i18n import _, speaking
from prism.jobs import service as jobs
from prism.pagination import PageOf, paginate
from prism.settings import load_settings
from prism.webhooks import messages
from prism.webhooks.models import TEST_EVENT, Delivery, DeliveryStatus, Webhook, WebhookFormat
from prism.webhooks.schemas import WebhookIn

# Pauses after the 1st, 2nd, ... failed attempt; after the last the delivery is given up.
BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=12),
)
TIMEOUT_SECONDS = 10
DELIVER = "webhooks.deliver"


def list_webhooks(session: Session, actor: Principal) -> list[Webhook]:
    require(actor, Action.MANAGE_WEBHOOKS)
    return list(session.scalars(select(Webhook).order_by(Webhook.id)))


def create_webhook(session: Session, actor: Principal, data: WebhookIn) -> Webhook:
    """A subscription with a fresh signing secret, shown to the administrator."""
    require(actor, Action.MANAGE_WEBHOOKS)
    hook = Webhook(**data.model_dump(), secret=secrets.token_hex(24))
    session.add(hook)
    session.flush()
    return hook


def delete_webhook(session: Session, actor: Principal, webhook_id: int) -> None:
    require(actor, Action.MANAGE_WEBHOOKS)
    session.delete(get_or_404(session, Webhook, webhook_id, "webhook"))
    session.flush()


def list_deliveries(
    session: Session, actor: Principal, *, limit: int = 50, cursor: str | None = None
) -> PageOf[Delivery]:
    require(actor, Action.MANAGE_WEBHOOKS)
    stmt = select(Delivery).options(selectinload(Delivery.webhook))
    return paginate(session, stmt, key=Delivery.id, limit=limit, cursor=cursor, newest_first=True)


def emit(session: Session, event: str, payload: dict[str, Any], *, now: datetime) -> list[Delivery]:
    """Queue `event` for every active webhook subscribed to it; sent once the session commits."""
    hooks = [h for h in session.scalars(select(Webhook).where(Webhook.active)) if event in h.events]
    return [_queue(session, hook, event, payload, now=now) for hook in hooks]


def send_test(session: Session, actor: Principal, webhook_id: int, *, now: datetime) -> Delivery:
    """A test message to one webhook, whatever it subscribes to, with the same retries."""
    require(actor, Action.MANAGE_WEBHOOKS)
    hook = get_or_404(session, Webhook, webhook_id, "webhook")
    return _queue(session, hook, TEST_EVENT, {"webhook": hook.name}, now=now)


def _queue(
    session: Session, hook: Webhook, event: str, payload: dict[str, Any], *, now: datetime
) -> Delivery:
    # The job makes the first attempt; the retry sweep picks the delivery up only if that job
    # was lost, so each event is delivered at least once (receivers dedupe by id).
    body = {"event": event, "at": now.isoformat(), **payload}
    delivery = Delivery(
        webhook_id=hook.id, event=event, payload=body, next_attempt_at=now + BACKOFF[0]
    )
    session.add(delivery)
    session.flush()
    jobs.enqueue(session, DELIVER, actor=SYSTEM, delivery_id=delivery.id)
    return delivery


def body_of(delivery: Delivery, base_url: str) -> dict[str, Any]:
    """What is POSTed: the payload itself, or the event as a message for a chat channel."""
    shape = delivery.webhook.format
    if shape is WebhookFormat.PRISM:
        return delivery.payload
    layout = messages.slack if shape is WebhookFormat.SLACK else messages.teams
    with speaking(delivery.webhook.language):
        return layout(
            messages.message_for(delivery.event, delivery.payload), base_url, delivery.event
        )


def signature(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def attempt(
    session: Session, delivery_id: int, *, now: datetime, base_url: str | None = None
) -> Delivery:
    """Try to deliver once; on failure schedule the next try, or give up after the last.
    Links in chat messages start with `base_url` (`PRISM_BASE_URL` unless given)."""
    delivery = session.scalar(
        select(Delivery).where(Delivery.id == delivery_id).options(selectinload(Delivery.webhook))
    )
    if delivery is None:
        raise NotFound(_("No delivery {delivery_id}.", delivery_id=delivery_id))
    if delivery.status is not DeliveryStatus.PENDING:
        return delivery
    content = body_of(delivery, base_url or load_settings().base_url)
    body = json.dumps(content, separators=(",", ":"), default=str).encode()
    delivery.attempts += 1
    error, status = _post(delivery, body, int(now.timestamp()))
    delivery.response_status = status
    if error is None:
        delivery.status, delivery.delivered_at, delivery.next_attempt_at = (
            DeliveryStatus.DELIVERED,
            now,
            None,
        )
        delivery.last_error = ""
    else:
        delivery.last_error = error[:500]
        if delivery.attempts > len(BACKOFF):
            delivery.status, delivery.next_attempt_at = DeliveryStatus.FAILED, None
        else:
            delivery.next_attempt_at = now + BACKOFF[delivery.attempts - 1]
    session.flush()
    return delivery


def _post(delivery: Delivery, body: bytes, timestamp: int) -> tuple[str | None, int | None]:
    request = urllib.request.Request(  # noqa: S310 (http(s) only, checked on input)
        delivery.webhook.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "Prism-Webhooks/1",
            "X-Prism-Event": delivery.event,
            "X-Prism-Delivery": str(delivery.id),
            "X-Prism-Signature": signature(delivery.webhook.secret, timestamp, body),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            return None, int(response.status)
    except urllib.error.HTTPError as exc:
        return f"The receiver answered {exc.code}.", exc.code
    except (urllib.error.URLError, OSError) as exc:
        return f"Could not reach the receiver: {exc}", None


def due_deliveries(session: Session, now: datetime) -> list[int]:
    """Pending deliveries whose next attempt is due."""
    stmt = select(Delivery.id).where(
        Delivery.status == DeliveryStatus.PENDING, Delivery.next_attempt_at <= now
    )
    return list(session.scalars(stmt))
