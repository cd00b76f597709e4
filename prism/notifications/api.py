"""The notifications API: what happened to the things I contributed to."""

from __future__ import annotations

from fastapi import Query

from prism.notifications import service
from prism.notifications.schemas import NotificationOut, ReadIn, ReadOut
from prism.pagination import Page
from prism.web.deps import CurrentUser, DbSession, Now
from prism.web.routing import Cursor, Limit, api_router, to_page

router = api_router("notifications")


@router.get("/notifications", response_model=Page[NotificationOut], summary="My notifications")
def mine(
    session: DbSession,
    user: CurrentUser,
    unread: bool = Query(False, description="Only those not yet read."),
    limit: int = Limit,
    cursor: str | None = Cursor,
) -> Page[NotificationOut]:
    page = service.mine(session, user, unread_only=unread, limit=limit, cursor=cursor)
    return to_page(page, NotificationOut)


@router.post("/notifications/read", response_model=ReadOut, summary="Mark notifications read")
def mark_read(data: ReadIn, session: DbSession, user: CurrentUser, now: Now) -> ReadOut:
    return ReadOut(marked=service.mark_read(session, user, data.ids, now=now))
