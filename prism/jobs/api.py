"""The jobs API: what background work is queued, running, done or failed."""

from __future__ import annotations

from prism.jobs import service
from prism.jobs.models import JobStatus
from prism.jobs.schemas import JobOut
from prism.pagination import Page
from prism.web.deps import CurrentUser, DbSession
from prism.web.routing import Cursor, IdPath, Limit, api_router, to_page

router = api_router("jobs")


@router.get("/jobs", response_model=Page[JobOut], summary="List background jobs")
def list_jobs(
    session: DbSession,
    user: CurrentUser,
    status: JobStatus | None = None,
    limit: int = Limit,
    cursor: str | None = Cursor,
) -> Page[JobOut]:
    return to_page(
        service.list_jobs(session, user, status=status, limit=limit, cursor=cursor), JobOut
    )


@router.get("/jobs/{job_id}", response_model=JobOut, summary="Read one job's progress")
def get_job(job_id: IdPath, session: DbSession, user: CurrentUser) -> JobOut:
    return JobOut.model_validate(service.get_job(session, user, job_id))
