"""The web shell's own pages: home, sign in (with a password, or with the company's identity
provider) and out."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from prism.audit import service as audit
from prism.auth import service as auth_service
from prism.auth import sso
from prism.errors import NotFound, PrismError
from prism.i18n import _
from prism.people.models import User
from prism.web.deps import (
    CSRF_COOKIE,
    SESSION_COOKIE,
    AppSettings,
    DbSession,
    Now,
    PublicBase,
    WritesOnGet,
    client_address,
    set_private_cookie,
)
from prism.web.routing import page_router
from prism.web.templating import render

router = page_router()


SSO_COOKIE = "prism_sso"
SSO_CALLBACK = "/auth/sso/callback"


@router.get("/login", response_class=HTMLResponse)
def login_form(
    request: Request, settings: AppSettings, next: str = "/", password: bool = False
) -> HTMLResponse:
    return render(request, "login.html", _login_context(request, settings, next, password))


def _login_context(
    request: Request, settings: AppSettings, next_path: str, password: bool = False, **more: object
) -> dict[str, object]:
    """The sign-in page: company sign-in first when it is on; the password form unless only
    company sign-in is allowed (then behind a link, for the break-glass admin)."""
    return {
        "title": _("Sign in"),
        "next": safe_next(next_path),
        "sso": settings.oidc_provider_name if settings.sso_enabled else None,
        "passwords": not (settings.sso_enabled and settings.sso_only) or password,
        **more,
    }


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
        context = _login_context(request, settings, next, True, email=email, error=exc.message)
        return render(request, "login.html", context, status_code=exc.status)
    return _signed_in(session, settings, user, safe_next(next), now=now)


def _signed_in(
    session: DbSession, settings: AppSettings, user: User, target: str, *, now: datetime
) -> Response:
    """Open a browser session for `user` and send them on to `target`."""
    raw = auth_service.start_web_session(
        session, user=user, now=now, lifetime=settings.session_lifetime
    )
    response = RedirectResponse(target, status_code=303)
    set_private_cookie(
        response, settings, SESSION_COOKIE, raw, max_age=settings.session_hours * 3600
    )
    # A fresh CSRF nonce at sign-in, so a token planted before it is worthless after.
    response.delete_cookie(CSRF_COOKIE, path="/")
    return response


@router.get("/auth/sso")
def sso_start(
    request: Request, settings: AppSettings, base: PublicBase, now: Now, next: str = "/"
) -> Response:
    """Off to the identity provider, with a sealed cookie to come back with."""
    if not settings.sso_enabled:
        raise NotFound(_("Company sign-in is not set up on this Prism."))
    directory, target = _directory(request), safe_next(next)
    url, sealed = sso.begin(
        settings, directory, redirect_uri=base + SSO_CALLBACK, next_path=target, now=now
    )
    response = RedirectResponse(url, status_code=303)
    lifetime = int(sso.ATTEMPT_LIFETIME.total_seconds())
    set_private_cookie(response, settings, SSO_COOKIE, sealed, max_age=lifetime)
    return response


@router.get(SSO_CALLBACK, dependencies=[WritesOnGet])
def sso_callback(
    request: Request, session: DbSession, settings: AppSettings, now: Now, base: PublicBase
) -> Response:
    """Back from the identity provider: signed in, or told why not (and it is in the log)."""
    if not settings.sso_enabled:
        raise NotFound(_("Company sign-in is not set up on this Prism."))
    client = client_address(request)
    try:
        user, target = sso.finish(
            session,
            settings,
            _directory(request),
            sealed=request.cookies.get(SSO_COOKIE),
            query=dict(request.query_params),
            redirect_uri=base + SSO_CALLBACK,
            now=now,
        )
    except sso.SsoRefused as refused:
        note = f"{refused.reason}; from {client}"
        label = refused.email or "unknown"
        audit.record_unattached(
            session, action="sso_refused", item_type="User", label=label, note=note
        )
        context = _login_context(request, settings, "/", error=refused.message)
        response: Response = render(request, "login.html", context, status_code=401)
    else:
        audit.record(session, action="sso_sign_in", item=user, note=f"from {client}")
        response = _signed_in(session, settings, user, target, now=now)
    response.delete_cookie(SSO_COOKIE, path="/")
    return response


def _directory(request: Request) -> sso.Directory:
    directory: sso.Directory = request.app.state.sso_directory
    return directory


@router.post("/logout", response_class=HTMLResponse)
def logout(
    request: Request, session: DbSession, settings: AppSettings, base: PublicBase
) -> Response:
    """Prism's session ends here; with company sign-in, the provider's own sign-out (when it
    has one) is offered, since signing in again would otherwise be one click."""
    if raw := request.cookies.get(SESSION_COOKIE):
        auth_service.end_web_session(session, raw=raw)
    provider_out = None
    if settings.sso_enabled:
        provider_out = sso.end_session_url(_directory(request), post_logout=f"{base}/login")
    if provider_out is None:
        response: Response = RedirectResponse("/login", status_code=303)
    else:
        context = _login_context(request, settings, "/", signed_out=provider_out)
        response = render(request, "login.html", context)
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.delete_cookie(CSRF_COOKIE, path="/")
    return response


def safe_next(target: str) -> str:
    """Only ever redirect to a path on this site, never to another host."""
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target
