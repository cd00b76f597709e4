"""Scheduled feedback work: themes are re-clustered every night, keeping what people curated."""

from __future__ import annotations

from sqlalchemy.orm import Session

from prism.auth.policy import SYSTEM
from prism.feedback import themes
from prism.jobs.service import Progress, job


@job("feedback.recluster", cron="40 2 * * *")
def recluster(session: Session, progress: Progress) -> str:
    """Cluster the items people have not placed again; held themes keep their items."""
    done = themes.recluster(session, SYSTEM)
    return (
        f"{done.themes_before} themes before, {done.themes_after} after; "
        f"{done.items_moved} items moved, {done.items_held} held where people put them."
    )
