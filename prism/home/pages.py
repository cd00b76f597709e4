"""The home page: what needs the signed-in person now."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse

from prism.home import service
from prism.i18n import _
from prism.web.deps import DbSession, Now, PageUser
from prism.web.routing import page_router
from prism.web.templating import render

router = page_router()


@router.get("/", response_class=HTMLResponse)
def home(request: Request, session: DbSession, user: PageUser, now: Now) -> HTMLResponse:
    context = {
        "title": _("Home"),
        "today": service.today(session, user, now),
        "day": now.date(),
        "Panel": service.Panel,
    }
    return render(request, "home.html", context)
