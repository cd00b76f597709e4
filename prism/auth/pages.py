"""Token pages: your own API tokens, and every token for administrators."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse, Response

from prism.auth import service
from prism.auth.policy import Action, can, require
from prism.auth.schemas import TokenIn
from prism.i18n import _
from prism.web.deps import AppSettings, DbSession, Now, PageUser, get_settings
from prism.web.forms import Outcome, Posted, attempt, parse
from prism.web.routing import IdPath, page_router
from prism.web.templating import done, render

router = page_router()


@router.get("/account/tokens", response_class=HTMLResponse)
def my_tokens(request: Request, session: DbSession, user: PageUser) -> HTMLResponse:
    return _tokens_page(request, session, user, Outcome(), mine=True)


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
    fields = {"name": form.get("name", ""), "scopes": scopes, "days": form.get("days")}

    def issue() -> str:
        data = parse(TokenIn, fields)
        _unused, raw = service.create_token(
            session, user, user=user, data=data, now=now, default_days=settings.token_days
        )
        return raw

    outcome = attempt(session, issue, success=_("Token created."))
    return _tokens_page(request, session, user, outcome, mine=True, new_token=outcome.value)


@router.post("/tokens/{token_id}/revoke", response_class=HTMLResponse)
def revoke(
    request: Request, session: DbSession, user: PageUser, now: Now, token_id: IdPath, form: Posted
) -> Response:
    service.revoke_token(session, user, token_id=token_id, now=now)
    everyone = form.get("mine") != "1" and can(user, Action.MANAGE_ALL_TOKENS)
    return done(request, "/admin/tokens" if everyone else "/account/tokens", "Token revoked.")


@router.get("/admin/tokens", response_class=HTMLResponse)
def all_tokens(
    request: Request, session: DbSession, user: PageUser, cursor: str | None = None
) -> HTMLResponse:
    require(user, Action.MANAGE_ALL_TOKENS)
    return _tokens_page(request, session, user, Outcome(), mine=False, cursor=cursor)


def _tokens_page(
    request: Request,
    session: DbSession,
    user: PageUser,
    outcome: Outcome,
    *,
    mine: bool,
    cursor: str | None = None,
    new_token: str | None = None,
) -> HTMLResponse:
    page = service.list_tokens(session, user, user_id=user.id if mine else None, cursor=cursor)
    context = {
        "title": "Your API tokens" if mine else "API tokens",
        "page": page,
        "mine": mine,
        "new_token": new_token,
        "mcp_url": get_settings(request).public_base(str(request.base_url)) + "/mcp",
        **outcome.context,
    }
    return render(request, "auth/tokens.html", context, status_code=outcome.status_code)
