"""The accounts API: the customer companies launches and deals refer to."""

from __future__ import annotations

from fastapi import Query

from prism.accounts import service
from prism.accounts.schemas import AccountOut
from prism.pagination import Page
from prism.web.deps import CurrentUser, DbSession
from prism.web.routing import Cursor, Limit, api_router, to_page

router = api_router("accounts")


@router.get("/accounts", response_model=Page[AccountOut], summary="Accounts")
def list_accounts(
    session: DbSession,
    user: CurrentUser,
    q: str | None = Query(None, max_length=200, description="Part of the name."),
    limit: int = Limit,
    cursor: str | None = Cursor,
) -> Page[AccountOut]:
    return to_page(
        service.list_accounts(session, user, text=q, limit=limit, cursor=cursor), AccountOut
    )
