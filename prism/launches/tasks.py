"""Scheduled launch work: measure computed metrics daily and send reminders of late work."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from prism.db import utcnow
from prism.jobs.service import Progress, job
from prism.launches import metrics, reminders
from prism.launches.models import Launch

# Computed metrics keep being measured a while after the 90-day review, for the record.
MEASURED_FOR_DAYS = 120


@job("launches.measure", cron="15 2 * * *")
def measure(session: Session, progress: Progress) -> str:
    """Measure every computed metric of launches in their first months after GA."""
    today = utcnow().date()
    since = today - timedelta(days=MEASURED_FOR_DAYS)
    launches = list(session.scalars(select(Launch).where(Launch.ga_on >= since)))
    count = 0
    for n, launch in enumerate(launches, start=1):
        count += metrics.measure_computed(session, launch, today)
        progress(n / len(launches))
    return f"Measured {count} metrics of {len(launches)} launches."


@job("launches.remind", cron="5 7 * * *")
def remind(session: Session, progress: Progress) -> str:
    """Send overdue deliverables and due checkpoints to the webhooks that listen for them."""
    sent = reminders.remind(session, now=utcnow())
    return f"Sent {sent} reminders."
