"""The app factory: everything the web process needs, built from settings, nothing at import."""

from __future__ import annotations

import gc
import math
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import cache
from pathlib import Path

import anyio
from fastapi import Depends, FastAPI, Request, Response
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel
from sqlalchemy import text
from starlette.middleware.gzip import GZipMiddleware
from starlette.routing import Route
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

import prism.catalog  # noqa: F401  (maps every model, registers audit capture and jobs)
from prism import __version__, epochs
from prism.accounts import api as accounts_api
from prism.accounts import pages as accounts_pages
from prism.analytics import api as analytics_api
from prism.analytics import pages as analytics_pages
from prism.analytics.usage import Recorder
from prism.answers import api as answers_api
from prism.answers import pages as answers_pages
from prism.assistant.server import Assistant, McpEndpoint
from prism.audit import api as audit_api
from prism.audit import pages as audit_pages
from prism.auth import api as auth_api
from prism.auth import pages as auth_pages
from prism.auth import sso
from prism.auth.remember import CredentialMemory
from prism.crm import api as crm_api
from prism.crm import pages as crm_pages
from prism.db import Database, utcnow
from prism.deals import api as deals_api
from prism.deals import pages as deals_pages
from prism.feedback import api as feedback_api
from prism.feedback import pages as feedback_pages
from prism.home import pages as home_pages
from prism.jobs import api as jobs_api
from prism.jobs import pages as jobs_pages
from prism.jobs.runners import runner_for
from prism.knowledge import api as knowledge_api
from prism.knowledge import pages as knowledge_pages
from prism.launches import api as launches_api
from prism.launches import pages as launches_pages
from prism.notifications import api as notifications_api
from prism.notifications import pages as notifications_pages
from prism.people import api as people_api
from prism.people import pages as people_pages
from prism.people import scim_api
from prism.pricing import api as pricing_api
from prism.pricing import pages as pricing_pages
from prism.render import api as render_api
from prism.render import pages as render_pages
from prism.render.brand import FONT_DIR
from prism.roadmap import api as roadmap_api
from prism.roadmap import pages as roadmap_pages
from prism.search import api as search_api
from prism.search import pages as search_pages
from prism.settings import Settings
from prism.shares import api as shares_api
from prism.shares import pages as shares_pages
from prism.toolkits import api as toolkits_api
from prism.toolkits import pages as toolkits_pages
from prism.training import api as training_api
from prism.training import pages as training_pages
from prism.web import pages as web_pages
from prism.web import problems
from prism.web.deps import Clock, clean_address
from prism.web.middleware import LimitsAndHeaders, Speaking
from prism.web.routing import API_PREFIX
from prism.web.templating import templates, warm_templates
from prism.webhooks import api as webhooks_api
from prism.webhooks import pages as webhooks_pages

STATIC_DIR = Path(__file__).parent / "web" / "static"
API_ROUTERS = (
    auth_api.router,
    people_api.router,
    audit_api.router,
    jobs_api.router,
    knowledge_api.router,
    search_api.router,
    render_api.router,
    deals_api.router,
    toolkits_api.router,
    shares_api.router,
    launches_api.router,
    accounts_api.router,
    crm_api.router,
    analytics_api.router,
    webhooks_api.router,
    training_api.router,
    feedback_api.router,
    pricing_api.router,
    answers_api.router,
    roadmap_api.router,
    notifications_api.router,
    scim_api.router,
)
PAGE_ROUTERS = (
    web_pages.router,
    home_pages.router,
    analytics_pages.router,
    accounts_pages.router,
    crm_pages.router,
    people_pages.router,
    auth_pages.router,
    audit_pages.router,
    jobs_pages.router,
    knowledge_pages.router,
    search_pages.router,
    render_pages.router,
    deals_pages.router,
    toolkits_pages.router,
    shares_pages.router,
    launches_pages.router,
    webhooks_pages.router,
    training_pages.router,
    feedback_pages.router,
    pricing_pages.router,
    answers_pages.router,
    roadmap_pages.router,
    notifications_pages.router,
)


class Health(BaseModel):
    status: str
    database: str
    version: str


@cache
def freeze_start_up() -> None:
    """What start-up built (modules, templates) lives as long as the process: kept out of the
    garbage collector's full passes, which would otherwise stall a request ~150 ms. Once per
    process, so the objects of a later app (a test's) are never frozen past their use."""
    gc.collect()
    gc.freeze()


def create_app(
    settings: Settings,
    *,
    database: Database | None = None,
    clock: Clock | None = None,
    run_jobs: bool = True,
) -> FastAPI:
    """Build Prism's web app; tests pass their own database and clock."""
    settings.prepare()
    db = database or Database.from_settings(settings)
    usage = Recorder(db)
    credentials = CredentialMemory(db)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        warm_templates()  # before the first visitor, not during their visit
        freeze_start_up()
        epochs.start(db)  # hear other processes' changes to what is remembered
        with db.session_scope() as session:
            sso.note_settings(session, settings)
        runner = runner_for(db, in_process=settings.jobs_in_process) if run_jobs else None
        if runner is not None:
            runner.start()
            usage.start()
        try:
            async with assistants.running():
                yield
        finally:
            usage.stop()  # writes what is still waiting
            epochs.stop(db)
            if runner is not None:
                runner.stop()
            if database is None:
                db.dispose()

    app = FastAPI(
        title="Prism",
        version=__version__,
        description="The product enablement hub's JSON API. Errors are application/problem+json.",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
        dependencies=[Depends(clean_address)],
    )
    app.state.settings = settings
    app.state.database = db
    app.state.usage = usage
    app.state.credentials = credentials
    app.state.sso_directory = sso.Directory(settings)
    if clock is not None:
        app.state.clock = clock
    assistants = McpEndpoint(Assistant(db, settings, lambda: getattr(app.state, "clock", utcnow)()))
    app.add_middleware(Speaking)
    app.add_middleware(LimitsAndHeaders, max_body_bytes=settings.max_body_bytes)
    if settings.proxies:
        # Outermost, so every limit and log sees the client the proxy vouches for.
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.proxies)
    problems.install(app)
    _add_service_routes(app, db)
    # AI assistants (MCP, streamable HTTP), as the person whose API token they send.
    mcp = Route("/mcp", assistants, methods=["GET", "POST", "DELETE"], include_in_schema=False)
    app.router.routes.append(mcp)
    # The interface's type is the one the outputs are set in, served from the same files.
    app.mount("/static/fonts", StaticFiles(directory=FONT_DIR), name="fonts")
    # Compressed on the way out: the component kit's stylesheet is 635 KB, 80 KB gzipped.
    static = GZipMiddleware(StaticFiles(directory=STATIC_DIR), minimum_size=1024)
    app.mount("/static", static, name="static")
    for router in (*API_ROUTERS, *PAGE_ROUTERS):
        app.include_router(router)
    return app


class HealthProbe:
    """Whether the database answers, asked at most once per `ttl_s`: a load balancer polling
    `/healthz` hundreds of times a second costs one `SELECT 1` a second, and the answers in
    between are served without leaving the event loop. Callers arriving while a check runs
    wait for that check rather than starting their own."""

    def __init__(self, db: Database, *, ttl_s: float = 1.0) -> None:
        self.db = db
        self.ttl_s = ttl_s
        self.checked_at = -math.inf
        self.ok = False
        self.lock = anyio.Lock()

    async def database_ok(self) -> bool:
        if time.monotonic() - self.checked_at < self.ttl_s:
            return self.ok
        async with self.lock:
            if time.monotonic() - self.checked_at >= self.ttl_s:
                self.ok = await anyio.to_thread.run_sync(self._check)
                self.checked_at = time.monotonic()
        return self.ok

    def _check(self) -> bool:
        try:
            with self.db.session_scope(writes=False) as session:
                session.execute(text("SELECT 1"))
        except Exception:
            return False
        return True


HEALTHY = Health(status="ok", database="ok", version=__version__).model_dump_json().encode()
UNHEALTHY = (
    Health(status="unavailable", database="unreachable", version=__version__)
    .model_dump_json()
    .encode()
)


def _add_service_routes(app: FastAPI, db: Database) -> None:
    """Added before the static files and the routers, and so tried first: FastAPI tries routes
    in order, and a health check need not be tried against the API's and pages' four hundred."""
    app.state.health = probe = HealthProbe(db)

    @app.get(
        "/healthz",
        tags=["service"],
        summary="Is Prism up and its database reachable?",
        description="The database is asked at most once a second; answers in between repeat it.",
        response_model=Health,
        responses={503: {"model": Health, "description": "The database cannot be reached"}},
    )
    async def healthz() -> Response:
        if await probe.database_ok():
            return Response(HEALTHY, media_type="application/json")
        return Response(UNHEALTHY, status_code=503, media_type="application/json")

    @app.get(f"{API_PREFIX}/docs", include_in_schema=False)
    def api_docs(request: Request) -> HTMLResponse:
        context = {"openapi_url": f"{API_PREFIX}/openapi.json"}
        return templates.TemplateResponse(request, "api_docs.html", context)
