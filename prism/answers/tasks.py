"""Scheduled questionnaire work: people told of the questions assigned to them that are late."""

from __future__ import annotations

from sqlalchemy.orm import Session

from prism.answers import service
from prism.db import utcnow
from prism.jobs.service import Progress, job


@job("answers.remind", cron="20 7 * * *")
def remind(session: Session, progress: Progress) -> str:
    """Tell assignees and owners of the questionnaire questions that passed their day."""
    told = service.remind(session, today=utcnow().date())
    return f"Told {told} people of late questions."
