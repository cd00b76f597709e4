"""What the jobs API gives."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from prism.jobs.models import JobStatus
from prism.schemas import Output


class JobOut(Output):
    id: int
    name: str
    args: dict[str, Any]
    status: JobStatus
    progress: float
    message: str
    error: str
    created_by_id: int | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
