"""The audit log API, for administrators."""

from __future__ import annotations

from prism.audit import service
from prism.audit.schemas import AuditEventOut
from prism.pagination import Page
from prism.web.deps import CurrentUser, DbSession
from prism.web.routing import Cursor, IdQuery, Limit, api_router, to_page

router = api_router("audit")


@router.get("/audit", response_model=Page[AuditEventOut], summary="Read the audit log")
def list_events(
    session: DbSession,
    user: CurrentUser,
    item_type: str | None = None,
    item_id: IdQuery = None,
    actor_id: IdQuery = None,
    action: str | None = None,
    limit: int = Limit,
    cursor: str | None = Cursor,
) -> Page[AuditEventOut]:
    page = service.list_events(
        session,
        user,
        item_type=item_type,
        item_id=item_id,
        actor_id=actor_id,
        action=action,
        limit=limit,
        cursor=cursor,
    )
    return to_page(page, AuditEventOut)
