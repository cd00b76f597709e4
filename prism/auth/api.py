"""The authentication API: trade credentials for a token, list and revoke tokens."""

from __future__ import annotations

from fastapi import Request

from prism.auth import service
from prism.auth.schemas import NewToken, TokenIn, TokenLogin, TokenOut, issued
from prism.pagination import Page
from prism.web.deps import AppSettings, CurrentUser, DbSession, Now, client_address
from prism.web.routing import Cursor, IdPath, IdQuery, Limit, api_router, to_page

router = api_router("auth")


@router.post(
    "/auth/tokens", response_model=NewToken, status_code=201, summary="Sign in for a token"
)
def sign_in_for_token(
    data: TokenLogin, request: Request, session: DbSession, settings: AppSettings, now: Now
) -> NewToken:
    user = service.authenticate(
        session,
        email=data.email,
        password=data.password,
        client=client_address(request),
        now=now,
        settings=settings,
    )
    token, raw = service.create_token(
        session, user, user=user, data=data, now=now, default_days=settings.token_days
    )
    return issued(token, raw)


@router.get("/tokens", response_model=Page[TokenOut], summary="List API tokens")
def list_tokens(
    session: DbSession,
    user: CurrentUser,
    user_id: IdQuery = None,
    limit: int = Limit,
    cursor: str | None = Cursor,
) -> Page[TokenOut]:
    page = service.list_tokens(session, user, user_id=user_id, limit=limit, cursor=cursor)
    return to_page(page, TokenOut)


@router.post("/tokens", response_model=NewToken, status_code=201, summary="Create an API token")
def create_token(
    data: TokenIn, session: DbSession, user: CurrentUser, settings: AppSettings, now: Now
) -> NewToken:
    token, raw = service.create_token(
        session, user, user=user, data=data, now=now, default_days=settings.token_days
    )
    return issued(token, raw)


@router.delete("/tokens/{token_id}", response_model=TokenOut, summary="Revoke an API token")
def revoke_token(token_id: IdPath, session: DbSession, user: CurrentUser, now: Now) -> TokenOut:
    return TokenOut.model_validate(service.revoke_token(session, user, token_id=token_id, now=now))
