"""Prism for AI assistants: an MCP server (Model Context Protocol, the official `mcp` SDK) over
stdio (`prism mcp`) and over streamable HTTP at `/mcp` beside the API.

Every call runs as the person whose Prism API token the assistant holds — sent as
`Authorization: Bearer` over HTTP, or given to `prism mcp` — and is looked up afresh for each
call, so a revoked token or a deactivated person stops working at once. What a tool may see
and do is what the API lets that person see and do (the same services answer): a viewer's
assistant never sees a draft; a tool that writes needs a token with the write scope.

Over HTTP the server is stateless (every request stands alone, answered as JSON), so any
worker process can answer any request and nothing is kept between them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Annotated, Any

import anyio
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ResourceError, ToolError
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager
from mcp.server.transport_security import TransportSecuritySettings
from mcp.types import ToolAnnotations
from pydantic import Field
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.types import Receive, Scope, Send

from prism import __version__
from prism.assistant import answers
from prism.audit.service import set_actor
from prism.auth.credentials import bearer
from prism.auth.service import require_writes, user_for_token
from prism.db import Database, utcnow
from prism.errors import PrismError, Unauthorized
from prism.feedback.models import Kind, Reason
from prism.feedback.schemas import FeedbackIn, FeedbackOut
from prism.i18n import N_, _
from prism.knowledge.kinds import KindName
from prism.knowledge.schemas import ItemOut
from prism.launches.schemas import LaunchDetailOut
from prism.people.models import User
from prism.schemas import as_id
from prism.settings import Settings
from prism.web.problems import problem_response

INSTRUCTIONS = """\
Prism is this company's product knowledge: positioning, solutions, customer stories,
battlecards, FAQs, security documents, sales kits and launches. Search it before answering
questions about the company's products, cite the `url` of what you used, and say so when
Prism has nothing on a question rather than guessing. Items whose audience is `internal` are
for the team, not for customers. Send what you hear from customers with `submit_feedback`.
"""

READS = ToolAnnotations(read_only_hint=True, open_world_hint=False)
WRITES = ToolAnnotations(read_only_hint=False, destructive_hint=False, open_world_hint=False)
BEARER_HELP = N_("Send a Prism API token as `Authorization: Bearer <token>`.")

Query = Annotated[str, Field(min_length=1, max_length=200, description="What to look for.")]
ItemId = Annotated[int, Field(ge=1, le=2**31 - 1, description="The item's id.")]
Name = Annotated[str, Field(min_length=1, max_length=200)]
OptionalId = Annotated[int | None, Field(ge=1, le=2**31 - 1)]


@dataclass
class Assistant:
    """Who answers an assistant: a database, settings, a clock, and — over stdio — the token
    the whole conversation runs as."""

    database: Database
    settings: Settings
    clock: Callable[[], datetime] = utcnow
    token: str | None = None
    server: MCPServer = field(init=False)

    def __post_init__(self) -> None:
        self.server = _build(self)

    @contextmanager
    def acting(
        self, ctx: Context, *, writes: bool = False
    ) -> Iterator[tuple[Session, User, datetime]]:
        """A unit of work as the caller: their token looked up (and its scope checked for a
        write), their name on every audit row; Prism's refusals become tool errors."""
        now = self.clock()
        try:
            raw = self._token(ctx)
            with self.database.session_scope(writes=writes) as session:
                user, token = user_for_token(session, raw=raw, now=now)
                if writes:
                    require_writes(token)
                set_actor(session, user)
                yield session, user, now
        except PrismError as err:
            raise ToolError(err.message) from err

    def _token(self, ctx: Context) -> str:
        headers = ctx.headers
        if headers is None:  # stdio: the token `prism mcp` was started with
            if self.token:
                return self.token
            raise Unauthorized(_("Start `prism mcp` with a Prism API token."))
        raw = bearer(headers.get("authorization", ""))
        if raw is None:
            raise Unauthorized(_(BEARER_HELP))
        return raw

    def base(self, ctx: Context) -> str:
        """Where people reach Prism, for the links answers carry."""
        request = ctx.request_context.request if ctx.headers is not None else None
        reached_at = str(request.base_url) if isinstance(request, Request) else ""
        return self.settings.public_base(reached_at or self.settings.base_url)

    def check(self, raw: str) -> None:
        """`Unauthorized` unless `raw` is a live token of an active person."""
        with self.database.session_scope(writes=False) as session:
            user_for_token(session, raw=raw, now=self.clock())


def _build(assistant: Assistant) -> MCPServer:
    server = MCPServer(
        "Prism",
        title="Prism product knowledge",
        instructions=INSTRUCTIONS,
        version=__version__,
        log_level="WARNING",
    )

    @server.tool(annotations=READS)
    def search(
        ctx: Context,
        query: Query,
        kind: KindName | None = None,
        limit: Annotated[int, Field(ge=1, le=50)] = 10,
    ) -> answers.SearchAnswer:
        """Search the product knowledge (keyword and meaning, English and Chinese); best first.
        `kind` narrows to one kind of item (battlecard, faq, story, solution, security, …)."""
        with assistant.acting(ctx) as (session, user, now):
            base = assistant.base(ctx)
            return answers.search(session, user, query, kind=kind, limit=limit, base=base, now=now)

    @server.tool(annotations=READS)
    def get_item(ctx: Context, item_id: ItemId) -> ItemOut:
        """One item in full: its text, its kind's own fields, owner, freshness and links."""
        with assistant.acting(ctx) as (session, user, _unused):
            return answers.item(session, user, item_id)

    @server.tool(annotations=READS)
    def battlecard_for(ctx: Context, competitor: Name) -> answers.BattlecardsAnswer:
        """A competitor (by name or id; small typos forgiven) and the battlecards about it:
        their strengths and weaknesses, objections with responses, landmines, pricing notes.
        Battlecards are internal: never quote them to a customer."""
        with assistant.acting(ctx) as (session, user, _unused):
            return answers.battlecards_for(session, user, competitor, base=assistant.base(ctx))

    @server.tool(annotations=WRITES)
    def kit_for_deal(ctx: Context, deal: Name) -> answers.KitAnswer:
        """The sales kit of a deal (by id, name or customer): what to send and why. A deal
        without a kit gets one built from the library, as on the deal's page."""
        base = assistant.base(ctx)
        with assistant.acting(ctx) as (session, user, _unused):
            found = answers.deal_kit(session, user, deal, base=base)
        if isinstance(found, answers.KitAnswer):
            return found
        with assistant.acting(ctx, writes=True) as (session, user, now):
            settings = assistant.settings
            return answers.build_deal_kit(
                session, user, found, settings=settings, base=base, now=now
            )

    @server.tool(annotations=WRITES)
    def submit_feedback(
        ctx: Context,
        text: Annotated[str, Field(min_length=1, max_length=5000, description="What was said.")],
        kind: Kind = Kind.FEATURE_REQUEST,
        reason: Reason | None = None,
        said_on: date | None = None,
        product_id: OptionalId = None,
        feature_id: OptionalId = None,
        competitor_id: OptionalId = None,
        launch_id: OptionalId = None,
        account_id: OptionalId = None,
        deal_id: OptionalId = None,
    ) -> FeedbackOut:
        """Send what a customer or prospect said to product: a feature request, bug, praise,
        pricing remark, competitor intel, or a win / loss / churn reason (with `reason`). It
        joins the theme that already says it, weighted by the account's revenue."""
        values: dict[str, Any] = {
            "text": text,
            "kind": kind,
            "reason": reason,
            "said_on": said_on,
            "product_id": product_id,
            "feature_id": feature_id,
            "competitor_id": competitor_id,
            "launch_id": launch_id,
            "account_id": account_id,
            "deal_id": deal_id,
        }
        try:
            data = FeedbackIn.model_validate(values)
        except ValueError as err:
            raise ToolError(str(err)) from err
        with assistant.acting(ctx, writes=True) as (session, user, now):
            return answers.submit_feedback(session, user, data, now=now)

    @server.tool(annotations=READS)
    def launch_status(ctx: Context, launch: Name) -> LaunchDetailOut:
        """A launch (by id or exact name): its stage, tier, dates, bill of materials and what
        still blocks its next gate."""
        with assistant.acting(ctx) as (session, user, now):
            return answers.launch_status(session, user, launch, now=now)

    @server.resource(
        answers.ITEM_URI,
        name="item",
        title="A knowledge item",
        description="One item of the library as Markdown (title, summary, body, its fields).",
        mime_type="text/markdown",
    )
    def item(item_id: str, ctx: Context) -> str:
        found = as_id(item_id)
        if found is None:
            raise ResourceError(f"No item {item_id!r}: item ids are numbers.")
        try:
            with assistant.acting(ctx) as (session, user, _unused):
                return answers.item_as_markdown(session, user, found)
        except ToolError as err:
            raise ResourceError(str(err)) from err

    return server


class McpEndpoint:
    """`/mcp`: the token checked first (401 with `WWW-Authenticate: Bearer` when it is missing,
    unknown, revoked or expired), then the request handed to the SDK's streamable HTTP
    transport, stateless and answering JSON."""

    def __init__(self, assistant: Assistant) -> None:
        self.assistant = assistant
        self.manager: StreamableHTTPSessionManager | None = None

    @asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        """Serve while the app runs; a manager serves one run, so each run gets its own."""
        # The bearer token is what keeps another site's page out (it cannot know it), so the
        # SDK's own DNS-rebinding guard, which allows only localhost, is not wanted here.
        self.assistant.server.streamable_http_app(
            stateless_http=True,
            json_response=True,
            transport_security=TransportSecuritySettings(enable_dns_rebinding_protection=False),
        )
        manager = self.assistant.server.session_manager
        async with manager.run():
            self.manager = manager
            try:
                yield
            finally:
                self.manager = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        raw = bearer(request.headers.get("authorization", ""))
        try:
            if raw is None:
                raise Unauthorized(_(BEARER_HELP))
            await anyio.to_thread.run_sync(self.assistant.check, raw)
        except Unauthorized as err:
            headers = {"WWW-Authenticate": 'Bearer realm="prism"'}
            await problem_response(request, 401, err.message, headers=headers)(scope, receive, send)
            return
        if self.manager is None:
            detail = "Prism is starting or stopping; try again in a moment."
            await problem_response(request, 503, detail)(scope, receive, send)
            return
        await self.manager.handle_request(scope, receive, send)
