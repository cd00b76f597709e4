"""Token pages: your own API tokens, and every token for administrators."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse

from prism.auth import service
from prism.auth.policy import Action, require
from prism.auth.schemas import TokenIn
from prism.errors import PrismError
from prism.web.deps import AppSettings, DbSession, Now, PageUser
from prism.web.forms import Posted, parse
from prism.web.routing import page_router
from prism.web.templating import render

router = page_router()


@router.get("/account/tokens", response_class=HTMLResponse)
def my_tokens(request: Request, session: DbSession, user: PageUser) -> HTMLResponse:
    return _tokens_page(request, session, user, mine=True)


@router.post("/account/tokens", response_class=HTMLResponse)
def create_token(
    request: Request,
    session: DbSession,
    user: PageUser,
    settings: AppSettings,
    now: Now,
    form: Posted,
) -> HTMLResponse:
    scopes = ["read", "write"] if form.get("write") == "on" else ["read"]
    try:
        data = parse(
            TokenIn, {"name": form.get("name", ""), "scopes": scopes, "days": form.get("days")}
        )
        _, raw = service.create_token(
            session, user, user=user, data=data, now=now, default_days=settings.token_days
        )
    except PrismError as exc:
        session.rollback()
        return _tokens_page(
            request, session, user, mine=True, error=exc.message, status_code=exc.status
        )
    return _tokens_page(request, session, user, mine=True, new_token=raw)


@router.post("/tokens/{token_id}/revoke", response_class=HTMLResponse)
def revoke(
    request: Request, session: DbSession, user: PageUser, now: Now, token_id: int, form: Posted
) -> HTMLResponse:
    service.revoke_token(session, user, token_id=token_id, now=now)
    return _tokens_page(
        request, session, user, mine=form.get("mine") == "1", notice="Token revoked."
    )


@router.get("/admin/tokens", response_class=HTMLResponse)
def all_tokens(
    request: Request, session: DbSession, user: PageUser, cursor: str | None = None
) -> HTMLResponse:
    require(user, Action.MANAGE_ALL_TOKENS)
    return _tokens_page(request, session, user, mine=False, cursor=cursor)


def _tokens_page(
    request: Request,
    session: DbSession,
    user: PageUser,
    *,
    mine: bool,
    cursor: str | None = None,
    new_token: str | None = None,
    notice: str | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    page = service.list_tokens(session, user, user_id=user.id if mine else None, cursor=cursor)
    context = {
        "title": "Your API tokens" if mine else "API tokens",
        "page": page,
        "mine": mine,
        "new_token": new_token,
        "notice": notice,
        "error": error,
    }
    return render(request, "auth/tokens.html", context, status_code=status_code)
