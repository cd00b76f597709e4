"""Server-rendered pages: the Jinja environment, the shared page context and htmx detection."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from prism.auth.policy import Action, can
from prism.knowledge.kinds import KINDS
from prism.money import short_money
from prism.web.deps import CSRF_COOKIE, csrf_token, get_settings, set_private_cookie
from prism.web.navigation import navigation_for

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
templates.env.globals["Action"] = Action
templates.env.globals["can"] = can
templates.env.filters["money"] = short_money
# A kind's name (`proof_point`) as people read it ("Proof point").
templates.env.filters["kind"] = lambda name: KINDS[name].label if name in KINDS else name


def is_htmx(request: Request) -> bool:
    """Was this request made by htmx (so a fragment, not a full page, is wanted)?"""
    return request.headers.get("hx-request") == "true"


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
) -> HTMLResponse:
    """Render a page (or, for htmx, the same template's fragment) with the shared context."""
    user = getattr(request.state, "user", None)
    full = {
        "user": user,
        "csrf_token": csrf_token(request),
        "nav": navigation_for(user, request.url.path),
        "unread": getattr(request.state, "unread", 0),
        "htmx": is_htmx(request),
        **(context or {}),
    }
    response = templates.TemplateResponse(request, template, full, status_code=status_code)
    set_csrf_cookie(request, response)
    return response


def set_csrf_cookie(request: Request, response: HTMLResponse) -> None:
    nonce = getattr(request.state, "new_csrf_nonce", None)
    if nonce:
        set_private_cookie(response, get_settings(request), CSRF_COOKIE, nonce)
