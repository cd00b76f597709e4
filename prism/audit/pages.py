"""The audit log page, for administrators."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse

from prism.audit import service
from prism.i18n import _
from prism.web.deps import DbSession, PageUser
from prism.web.routing import IdQuery, page_router
from prism.web.templating import render

router = page_router()


@router.get("/admin/audit", response_class=HTMLResponse)
def audit_log(
    request: Request,
    session: DbSession,
    user: PageUser,
    item_type: str = "",
    item_id: IdQuery = None,
    action: str = "",
    cursor: str | None = None,
) -> HTMLResponse:
    page = service.list_events(
        session,
        user,
        item_type=item_type or None,
        item_id=item_id,
        action=action or None,
        cursor=cursor,
    )
    context = {
        "title": _("Audit log"),
        "page": page,
        "item_type": item_type,
        "item_id": item_id,
        "action": action,
    }
    return render(request, "audit/log.html", context)
