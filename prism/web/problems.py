"""One renderer for every error: problem+json for the API, a friendly page for people."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException
from starlette.routing import Match

from prism.errors import PrismError
from prism.i18n import N_, _
from prism.schemas import Problem
from prism.validation import field_errors, summary
from prism.web.deps import SignInRequiredError
from prism.web.templating import is_htmx, render

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"
TITLES = {
    400: N_("Bad request"),
    401: N_("Not signed in"),
    403: N_("Not allowed"),
    404: N_("Not found"),
    405: N_("Method not allowed"),
    409: N_("Conflict"),
    410: N_("Gone"),
    413: N_("Payload too large"),
    415: N_("Unsupported media type"),
    422: N_("Invalid input"),
    429: N_("Too many requests"),
    500: N_("Something went wrong"),
    503: N_("Busy, try again"),
}
STATUS_DETAIL = {
    404: N_("There is nothing at this address."),
    405: N_("This address does not accept that method."),
    500: N_("Something went wrong on our side. It has been logged; please try again."),
}

# Every API route documents these answers, so clients and the fuzzer know the error shape.
PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": Problem, "description": TITLES[status], "content": {PROBLEM_JSON: {}}}
    for status in (400, 401, 403, 404, 409, 413, 422, 429, 503)
}


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path in ("/healthz", "/mcp")


def problem_response(
    request: Request,
    status: int,
    detail: str,
    *,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """The error as problem+json for API clients or as an error page (or fragment) for people."""
    title = _(TITLES.get(status, N_("Error")))
    if request.url.path.startswith("/scim/"):
        return _scim_error(status, detail, errors or [], headers)
    if wants_json(request):
        body = Problem(title=title, status=status, detail=detail, errors=errors or [])
        return JSONResponse(
            body.model_dump(), status_code=status, media_type=PROBLEM_JSON, headers=headers
        )
    template = "errors/fragment.html" if is_htmx(request) else "errors/page.html"
    response = render(
        request,
        template,
        {"title": title, "status": status, "detail": detail, "errors": errors or []},
        status_code=status,
    )
    response.headers.update(headers or {})
    return response


# SCIM's error types (RFC 7644, 3.12): a bad value, a filter, a name already in use.
SCIM_FIELD_TYPES = {
    "filter": "invalidFilter",
    "userName": "uniqueness",
    "displayName": "uniqueness",
}


def _scim_error(
    status: int, detail: str, errors: list[dict[str, Any]], headers: dict[str, str] | None
) -> Response:
    """The error as SCIM clients (Okta, Entra ID) read it; a request they sent wrong is 400."""
    named = [SCIM_FIELD_TYPES[e["field"]] for e in errors if e.get("field") in SCIM_FIELD_TYPES]
    scim_type = named[0] if named else ("invalidValue" if status in (400, 422) else None)
    status = 400 if status == 422 else status
    body: dict[str, Any] = {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"],
        "status": str(status),
        "detail": detail,
        **({"scimType": scim_type} if scim_type else {}),
    }
    return JSONResponse(
        body, status_code=status, media_type="application/scim+json", headers=headers
    )


def install(app: FastAPI) -> None:
    """Route every kind of failure through `problem_response`."""

    @app.exception_handler(PrismError)
    async def prism_error(request: Request, exc: PrismError) -> Response:
        return problem_response(
            request, exc.status, exc.message, errors=exc.errors, headers=exc.headers
        )

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        errors = field_errors(exc.errors(), skip=("body",))
        return problem_response(request, 422, summary(errors), errors=errors)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        detail = _(STATUS_DETAIL.get(exc.status_code) or str(exc.detail))
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            headers["Allow"] = ", ".join(allowed_methods(app, request))
        return problem_response(request, exc.status_code, detail, headers=headers)

    @app.exception_handler(SignInRequiredError)
    async def sign_in(request: Request, exc: SignInRequiredError) -> Response:
        target = "/login?next=" + quote(request.url.path, safe="/")
        if is_htmx(request):
            return Response(status_code=204, headers={"HX-Redirect": target})
        return RedirectResponse(target, status_code=303)

    @app.exception_handler(StaleDataError)
    async def stale(request: Request, exc: StaleDataError) -> Response:
        detail = _("Someone else changed this at the same moment; reload and try again.")
        return problem_response(request, 409, detail)

    @app.exception_handler(IntegrityError)
    async def integrity(request: Request, exc: IntegrityError) -> Response:
        log.info("integrity error: %s", exc.orig)
        return problem_response(request, 409, _("This conflicts with data that already exists."))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return problem_response(request, 500, _(STATUS_DETAIL[500]))


def allowed_methods(app: FastAPI, request: Request) -> list[str]:
    """Every method some route accepts at this path (Starlette names only the first route's)."""
    methods: set[str] = set()
    for route in app.router.routes:
        match, _child = route.matches(request.scope)
        if match is not Match.NONE:
            methods |= getattr(route, "methods", None) or set()
    return sorted(methods)
