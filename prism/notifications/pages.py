"""The notifications page: what moved among the things I contributed to."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from prism.i18n import _
from prism.notifications import service
from prism.web.deps import DbSession, Now, PageUser
from prism.web.routing import page_router
from prism.web.templating import render

router = page_router()


@router.get("/notifications", response_class=HTMLResponse)
def notifications(request: Request, session: DbSession, user: PageUser) -> HTMLResponse:
    context = {
        "title": _("Notifications"),
        "page": service.mine(session, user, limit=100),
        "unread": service.unread_count(session, user),
    }
    return render(request, "notifications/list.html", context)


@router.post("/notifications/read")
def mark_read(session: DbSession, user: PageUser, now: Now) -> Response:
    service.mark_read(session, user, now=now)
    return RedirectResponse("/notifications", status_code=303)
