"""Background delivery of webhook events: the first attempt right away, retries on a sweep."""

from __future__ import annotations

from sqlalchemy.orm import Session

from prism.db import utcnow
from prism.jobs.service import Progress, job
from prism.webhooks import service


@job(service.DELIVER)
def deliver(session: Session, progress: Progress, delivery_id: int) -> str:
    """Send one delivery (its first attempt)."""
    delivery = service.attempt(session, delivery_id, now=utcnow())
    return f"Delivery {delivery_id}: {delivery.status.value} after {delivery.attempts} attempts."


@job("webhooks.retry", cron="*/5 * * * *")
def retry(session: Session, progress: Progress) -> str:
    """Try again every delivery whose next attempt is due."""
    due = service.due_deliveries(session, utcnow())
    for n, delivery_id in enumerate(due, start=1):
        service.attempt(session, delivery_id, now=utcnow())
        progress(n / len(due))
    return f"Retried {len(due)} deliveries."
