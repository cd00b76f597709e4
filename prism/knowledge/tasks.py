"""Scheduled knowledge work: announce items that went stale."""

from __future__ import annotations

from sqlalchemy.orm import Session

from prism.db import utcnow
from prism.jobs.service import Progress, job
from prism.knowledge import freshness


@job("knowledge.announce_stale", cron="20 7 * * *")
def announce_stale(session: Session, progress: Progress) -> str:
    """Send items that went stale since yesterday to the webhooks that listen for them."""
    sent = freshness.announce_stale(session, now=utcnow())
    return f"Announced {sent} stale items."
