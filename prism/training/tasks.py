"""Scheduled training work: certifications lapse on the day they expire."""

from __future__ import annotations

from sqlalchemy.orm import Session

from prism.db import utcnow
from prism.jobs.service import Progress, job
from prism.training import attempts


@job("training.lapse", cron="10 0 * * *")
def lapse(session: Session, progress: Progress) -> str:
    """Mark every certification that has expired as lapsed."""
    count = attempts.lapse(session, utcnow().date())
    return f"{count} certifications lapsed."
