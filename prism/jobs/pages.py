"""The background jobs page: what is queued, running, done or failed, and why."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse

from prism.i18n import _
from prism.jobs import service
from prism.jobs.models import JobStatus
from prism.web.deps import DbSession, PageUser
from prism.web.routing import page_router
from prism.web.templating import render

router = page_router()


@router.get("/admin/jobs", response_class=HTMLResponse)
def jobs(
    request: Request,
    session: DbSession,
    user: PageUser,
    status: JobStatus | None = None,
    cursor: str | None = None,
) -> HTMLResponse:
    page = service.list_jobs(session, user, status=status, cursor=cursor)
    busy = any(j.status in (JobStatus.QUEUED, JobStatus.RUNNING) for j in page.items)
    context = {
        "title": _("Jobs"),
        "page": page,
        "status": status,
        "statuses": list(JobStatus),
        "busy": busy,
    }
    return render(request, "jobs/list.html", context)
