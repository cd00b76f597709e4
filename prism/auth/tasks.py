"""Scheduled housekeeping for credentials."""

from __future__ import annotations

from sqlalchemy.orm import Session

from prism.auth import service
from prism.db import utcnow
from prism.jobs.service import Progress, job


@job("auth.forget_expired_sessions", cron="17 3 * * *")
def forget_expired_sessions(session: Session, progress: Progress) -> str:
    """Delete browser sessions that have expired (daily)."""
    removed = service.cleanup_expired(session, now=utcnow())
    return f"Forgot {removed} expired browser session(s)."
