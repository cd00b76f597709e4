"""Server-rendered pages: the Jinja environment, the shared page context and htmx detection."""

from __future__ import annotations

import base64
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from prism import i18n, money
from prism.auth.credentials import same, sign
from prism.auth.policy import Action, can
from prism.knowledge.kinds import kind_label
from prism.render.brief import initials
from prism.web.deps import CSRF_COOKIE, csrf_token, get_settings, set_private_cookie
from prism.web.forms import Outcome
from prism.web.navigation import navigation_for

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
templates.env.globals["Action"] = Action
templates.env.globals["can"] = can
templates.env.filters["initials"] = initials


def template_gettext(message: str, /, **values: object) -> Markup:
    """A template's sentence in the reader's language: the sentence is the template's own
    HTML (trusted), the values put into it are escaped."""
    translated = Markup(i18n.translate(message))  # noqa: S704 (the template's own text)
    return translated.format(**values) if values else translated


def template_ngettext(singular: str, plural: str, count: int, /, **values: object) -> Markup:
    """`template_gettext` for a sentence about `count` things."""
    chosen = Markup(i18n.plural_form(singular, plural, count))  # noqa: S704
    return chosen.format(count=count, **values)


templates.env.globals["_"] = template_gettext
templates.env.globals["ngettext"] = template_ngettext
templates.env.globals["language"] = i18n.language
templates.env.filters["when"] = i18n.when
templates.env.filters["money"] = i18n.short_money
templates.env.filters["price"] = money.shown
templates.env.filters["number"] = i18n.format_number
templates.env.filters["kind"] = kind_label
templates.env.filters["term"] = i18n.term
templates.env.filters["either"] = i18n.either


def warm_templates() -> None:
    """Compile every page template once (a few hundred milliseconds, once per process), so the
    first visitor of each page does not wait for it."""
    for name in templates.env.list_templates(extensions=["html"]):
        templates.env.get_template(name)


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
    """Render a page (or, for htmx, the same template's fragment) with the shared context; the
    notice a `done` redirect left is shown once."""
    user = getattr(request.state, "user", None)
    left = _notice_left(request)
    full = {
        "user": user,
        "csrf_token": csrf_token(request),
        "nav": navigation_for(user, request.url.path),
        "unread": getattr(request.state, "unread", 0),
        "htmx": is_htmx(request),
        **(context or {}),
    }
    if left is not None and not full.get("notice"):
        full["notice"] = left
    response = templates.TemplateResponse(request, template, full, status_code=status_code)
    set_csrf_cookie(request, response)
    if left is not None:
        response.delete_cookie(NOTICE_COOKIE, path="/")
    return response


NOTICE_COOKIE = "prism_notice"


def done(request: Request, url: str, notice: str) -> RedirectResponse:
    """Post/redirect/get: a form's action succeeded, so send the browser to `url`, a page read
    with GET (a refresh there repeats nothing), where `notice` is shown once."""
    settings = get_settings(request)
    encoded = base64.urlsafe_b64encode(notice.encode()).decode()
    response = RedirectResponse(url, status_code=303)
    signed = f"{encoded}.{sign(settings.secret_key, encoded)}"
    set_private_cookie(response, settings, NOTICE_COOKIE, signed, max_age=120)
    return response


def settle(request: Request, outcome: Outcome, url: str, page: Callable[[], Response]) -> Response:
    """The answer to a form post: after success, `done` (redirect to `url`, the notice shown
    there); after an error, or for htmx (which swaps a fragment in place), the `page` itself,
    with the error and what was typed."""
    if outcome.error or is_htmx(request):
        return page()
    return done(request, url, outcome.notice or "Done.")


def _notice_left(request: Request) -> str | None:
    """The notice a `done` redirect signed for this browser, if any (a forged one is ignored)."""
    raw = request.cookies.get(NOTICE_COOKIE)
    if not raw or request.method != "GET":
        return None
    encoded, _, signature = raw.partition(".")
    if not same(signature, sign(get_settings(request).secret_key, encoded)):
        return None
    try:
        return base64.urlsafe_b64decode(encoded.encode()).decode()[:500]
    except (ValueError, UnicodeDecodeError):
        return None


def set_csrf_cookie(request: Request, response: HTMLResponse) -> None:
    nonce = getattr(request.state, "new_csrf_nonce", None)
    if nonce:
        set_private_cookie(response, get_settings(request), CSRF_COOKIE, nonce)
