"""The web shell's own pages: home, sign in and out."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from prism.auth import service as auth_service
from prism.errors import PrismError
from prism.web.deps import (
    CSRF_COOKIE,
    SESSION_COOKIE,
    AppSettings,
    DbSession,
    Now,
    client_address,
    set_private_cookie,
)
from prism.web.routing import page_router
from prism.web.templating import render

router = page_router()


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/") -> HTMLResponse:
    return render(request, "login.html", {"title": "Sign in", "next": safe_next(next)})


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    session: DbSession,
    settings: AppSettings,
    now: Now,
    email: Annotated[str, Form(max_length=320)],
    password: Annotated[str, Form(max_length=256)],
    next: Annotated[str, Form(max_length=500)] = "/",
) -> Response:
    try:
        user = auth_service.authenticate(
            session,
            email=email,
            password=password,
            client=client_address(request),
            now=now,
            settings=settings,
        )
    except PrismError as exc:
        context = {
            "title": "Sign in",
            "next": safe_next(next),
            "email": email,
            "error": exc.message,
        }
        return render(request, "login.html", context, status_code=exc.status)
    raw = auth_service.start_web_session(
        session, user=user, now=now, lifetime=settings.session_lifetime
    )
    response = RedirectResponse(safe_next(next), status_code=303)
    set_private_cookie(
        response, settings, SESSION_COOKIE, raw, max_age=settings.session_hours * 3600
    )
    # A fresh CSRF nonce at sign-in, so a token planted before it is worthless after.
    response.delete_cookie(CSRF_COOKIE, path="/")
    return response


@router.post("/logout")
def logout(request: Request, session: DbSession) -> Response:
    if raw := request.cookies.get(SESSION_COOKIE):
        auth_service.end_web_session(session, raw=raw)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.delete_cookie(CSRF_COOKIE, path="/")
    return response


def safe_next(target: str) -> str:
    """Only ever redirect to a path on this site, never to another host."""
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target
