"""The MCP server, driven by the official SDK's own client: over streamable HTTP at `/mcp` (the
real app, in process) and over stdio (`prism mcp` in a process of its own). Every call runs as
the token's person, with the API's permissions."""

from __future__ import annotations

import os
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import anyio
import httpx2
import pytest
from fastapi import FastAPI
from mcp import Client
from mcp.client.stdio import StdioServerParameters
from mcp.client.streamable_http import streamable_http_client
from mcp.types import CallToolResult
from sqlalchemy import select
from sqlalchemy.orm import Session

from prism.app import create_app
from prism.assistant.server import Assistant
from prism.auth import service as auth_service
from prism.auth.policy import SYSTEM
from prism.db import Database, utcnow
from prism.feedback.models import FeedbackItem, Origin
from prism.people import service as people_service
from prism.people.models import Role
from prism.people.schemas import UserUpdate
from prism.settings import Settings
from prism.toolkits.models import Toolkit
from tests.conftest import Cast, Clock, bearer, make_user
from tests.launches.factories import make_launch
from tests.library import SECRET, Library, make_library
from tests.toolkits.test_toolkits import make_deal

T = TypeVar("T")
TOOLS = {"search", "get_item", "battlecard_for", "kit_for_deal", "submit_feedback", "launch_status"}


@pytest.fixture
def lib(session: Session) -> Library:
    library = make_library(session)
    session.commit()
    return library


@pytest.fixture
def app(settings: Settings, database: Database, clock: Clock) -> FastAPI:
    return create_app(settings, database=database, clock=clock, run_jobs=False)


def over_http(app: FastAPI, headers: dict[str, str], use: Callable[[Client], Awaitable[T]]) -> T:
    """Run `use` with an MCP client connected to the app's `/mcp`, sending `headers`."""

    async def main() -> T:
        async with app.router.lifespan_context(app):
            transport = httpx2.ASGITransport(app=app)
            async with httpx2.AsyncClient(
                transport=transport, base_url="http://testserver", headers=headers
            ) as http:
                endpoint = streamable_http_client("http://testserver/mcp", http_client=http)
                async with Client(endpoint) as client:
                    return await use(client)

    return anyio.run(main)


def call(
    app: FastAPI, headers: dict[str, str], tool: str, arguments: dict[str, Any]
) -> CallToolResult:
    async def use(client: Client) -> CallToolResult:
        return await client.call_tool(tool, arguments)

    return over_http(app, headers, use)


def answer(result: CallToolResult) -> dict[str, Any]:
    assert not result.is_error, result.content
    assert result.structured_content is not None
    return result.structured_content


def error(result: CallToolResult) -> str:
    assert result.is_error
    return " ".join(getattr(block, "text", "") for block in result.content)


def test_lists_the_tools_and_the_item_resource(app: FastAPI, session: Session, cast: Cast) -> None:
    async def use(client: Client) -> tuple[set[str], list[str]]:
        tools = await client.list_tools()
        templates = await client.list_resource_templates()
        return {t.name for t in tools.tools}, [t.uri_template for t in templates.resource_templates]

    names, templates = over_http(app, bearer(session, cast.pm), use)
    assert names == TOOLS
    assert templates == ["prism://items/{item_id}"]


def test_search_finds_what_the_person_may_read_and_never_a_draft_for_a_viewer(
    app: FastAPI, session: Session, cast: Cast, lib: Library
) -> None:
    viewer = answer(call(app, bearer(session, cast.pm), "search", {"query": SECRET}))
    editor = answer(call(app, bearer(session, cast.editor), "search", {"query": SECRET}))
    assert lib.draft_story.id not in {hit["id"] for hit in viewer["hits"]}
    assert lib.draft_story.id in {hit["id"] for hit in editor["hits"]}
    hit = next(h for h in editor["hits"] if h["id"] == lib.draft_story.id)
    assert hit["uri"] == f"prism://items/{lib.draft_story.id}"
    assert hit["url"] == f"http://testserver/library/{lib.draft_story.id}"
    assert "<mark>" not in hit["snippet"] and SECRET in hit["snippet"]


def test_search_narrows_to_a_kind(app: FastAPI, session: Session, cast: Cast, lib: Library) -> None:
    found = answer(
        call(app, bearer(session, cast.seller), "search", {"query": "Vault", "kind": "faq"})
    )
    assert [hit["id"] for hit in found["hits"]] == [lib.faq.id]


def test_get_item_and_the_resource_keep_drafts_from_a_viewer(
    app: FastAPI, session: Session, cast: Cast, lib: Library
) -> None:
    item = answer(call(app, bearer(session, cast.pm), "get_item", {"item_id": lib.faq.id}))
    assert item["title"] == "Does Vault need agents?" and item["body"] == "No agents at all."
    refused = error(
        call(app, bearer(session, cast.pm), "get_item", {"item_id": lib.draft_story.id})
    )
    assert SECRET not in refused

    async def read(client: Client) -> tuple[str, str]:
        published = await client.read_resource(f"prism://items/{lib.faq.id}")
        try:
            await client.read_resource(f"prism://items/{lib.draft_story.id}")
        except Exception as exc:  # the SDK raises the server's resource error
            return published.contents[0].text, str(exc)  # type: ignore[union-attr]
        raise AssertionError("a viewer read a draft through the resource")

    text, refusal = over_http(app, bearer(session, cast.pm), read)
    assert text.startswith("# Does Vault need agents?") and "No agents at all." in text
    assert SECRET not in refusal


def test_battlecard_for_finds_the_competitor_by_a_name_typed_loosely(
    app: FastAPI, session: Session, cast: Cast, lib: Library
) -> None:
    found = answer(
        call(app, bearer(session, cast.seller), "battlecard_for", {"competitor": "guardian db"})
    )
    assert found["competitor"]["id"] == lib.competitor.id
    assert [card["id"] for card in found["battlecards"]] == [lib.battlecard.id]
    assert found["battlecards"][0]["fields"]["why_we_win"] == ["Agentless"]
    unknown = error(
        call(app, bearer(session, cast.seller), "battlecard_for", {"competitor": "Oracle"})
    )
    assert "No competitor called 'Oracle'" in unknown and "GuardianDB" in unknown


def test_kit_for_deal_builds_the_kit_once_then_returns_it(
    app: FastAPI, session: Session, cast: Cast, lib: Library
) -> None:
    deal = make_deal(session, lib, actor=cast.seller)
    session.commit()
    headers = bearer(session, cast.seller)
    first = answer(call(app, headers, "kit_for_deal", {"deal": "St Marys Health"}))
    assert first["built_now"] and first["deal_id"] == deal.id
    assert lib.security.id not in {e["item"]["id"] for e in first["kit"]["entries"] if e["item"]}
    again = answer(call(app, headers, "kit_for_deal", {"deal": str(deal.id)}))
    assert not again["built_now"] and again["kit"]["id"] == first["kit"]["id"]
    assert (
        session.scalar(select(Toolkit.id).where(Toolkit.deal_id == deal.id)) == first["kit"]["id"]
    )
    assert "does not allow" in error(
        call(app, bearer(session, cast.pm), "kit_for_deal", {"deal": "Records"})
    )


def test_submit_feedback_as_the_person_and_only_with_the_write_scope(
    app: FastAPI, session: Session, cast: Cast, lib: Library
) -> None:
    arguments = {
        "text": "Needs a Frankfurt region",
        "kind": "feature_request",
        "product_id": lib.product.id,
    }
    sent = answer(call(app, bearer(session, cast.seller), "submit_feedback", arguments))
    stored = session.get(FeedbackItem, sent["id"])
    assert stored is not None and stored.submitter_id == cast.seller.id
    assert stored.origin is Origin.ASSISTANT and stored.product_id == lib.product.id
    read_only = bearer(session, cast.seller, scopes=["read"])
    assert "read-only" in error(call(app, read_only, "submit_feedback", arguments))
    assert "does not allow" in error(
        call(app, bearer(session, cast.pm), "submit_feedback", arguments)
    )
    bad = error(
        call(app, bearer(session, cast.seller), "submit_feedback", {**arguments, "reason": "price"})
    )
    assert "Only win, loss and churn reasons" in bad
    assert session.scalar(select(FeedbackItem.id).where(FeedbackItem.id > sent["id"])) is None


def test_launch_status_by_name(app: FastAPI, session: Session, cast: Cast) -> None:
    launch = make_launch(session, name="Vault ledger")
    session.commit()
    found = answer(call(app, bearer(session, cast.pm), "launch_status", {"launch": "vault ledger"}))
    assert found["id"] == launch.id and found["stage"] == launch.stage.value
    assert "next_gate" in found and "bom" in found
    assert "No launch called" in error(
        call(app, bearer(session, cast.pm), "launch_status", {"launch": "Nope"})
    )


def test_no_token_a_bad_one_or_a_revoked_one_is_401_before_any_tool(
    app: FastAPI, session: Session, cast: Cast
) -> None:
    headers = bearer(session, cast.seller)
    token = auth_service.list_tokens(session, SYSTEM, user_id=cast.seller.id).items[0]

    async def post(extra: dict[str, str]) -> httpx2.Response:
        async with (
            app.router.lifespan_context(app),
            httpx2.AsyncClient(
                transport=httpx2.ASGITransport(app=app), base_url="http://testserver"
            ) as http,
        ):
            body = {"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {}}
            return await http.post("/mcp", json=body, headers=extra)

    nobody = anyio.run(post, {})
    assert nobody.status_code == 401 and nobody.headers["www-authenticate"].startswith("Bearer")
    assert nobody.json()["detail"].startswith("Send a Prism API token")
    assert anyio.run(post, {"Authorization": "Bearer prism_nonsense"}).status_code == 401
    auth_service.revoke_token(session, SYSTEM, token_id=token.id, now=utcnow())
    session.commit()
    revoked = anyio.run(post, headers)
    assert revoked.status_code == 401 and "revoked" in revoked.json()["detail"]


def test_every_call_looks_the_token_up_again_so_deactivation_stops_the_next_one(
    database: Database, settings: Settings, session: Session, lib: Library
) -> None:
    """In process, as over stdio: the token the conversation was started with, looked up at
    each call (over HTTP the endpoint also refuses it with 401 first, tested above)."""
    seller = make_user(session)
    session.commit()
    raw = bearer(session, seller)["Authorization"].removeprefix("Bearer ")
    assistant = Assistant(database, settings, token=raw)

    async def main() -> tuple[CallToolResult, CallToolResult]:
        async with Client(assistant.server) as client:
            before = await client.call_tool("get_item", {"item_id": lib.faq.id})
            change = UserUpdate(is_active=False, version=seller.version)
            people_service.update_user(session, SYSTEM, seller.id, change, now=utcnow())
            session.commit()
            return before, await client.call_tool("get_item", {"item_id": lib.faq.id})

    before, after = anyio.run(main)
    assert not before.is_error
    assert "revoked" in error(after) or "deactivated" in error(after)


def test_over_stdio_prism_mcp_answers_as_the_token_s_person(
    committed_database: Database, tmp_path: Path
) -> None:
    """`prism mcp` in its own process, as an assistant starts it, on a database it shares."""
    with committed_database.session_scope() as session:
        lib = make_library(session)
        viewer = make_user(session, role=Role.VIEWER)
        token = bearer(session, viewer)["Authorization"].removeprefix("Bearer ")
        faq_id, draft_id = lib.faq.id, lib.draft_story.id
    env = {
        **os.environ,
        "PRISM_DATA_DIR": str(tmp_path / "data"),
        "PRISM_DATABASE_URL": committed_database.engine.url.render_as_string(hide_password=False),
        "PRISM_API_TOKEN": token,
        "HF_HUB_OFFLINE": "1",
    }
    prism = str(Path(sys.executable).parent / "prism")
    params = StdioServerParameters(command=prism, args=["mcp"], env=env)

    async def main() -> tuple[set[str], dict[str, Any], CallToolResult]:
        async with Client(params) as client:
            tools = await client.list_tools()
            found = await client.call_tool("search", {"query": "agents"})
            draft = await client.call_tool("get_item", {"item_id": draft_id})
            return {t.name for t in tools.tools}, found.structured_content or {}, draft

    names, found, draft = anyio.run(main)
    assert names == TOOLS
    assert faq_id in {hit["id"] for hit in found["hits"]}
    assert draft.is_error


def test_prism_mcp_refuses_to_start_without_a_live_token(
    committed_database: Database, tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from prism.cli import app as cli

    env = {
        "PRISM_DATABASE_URL": committed_database.engine.url.render_as_string(hide_password=False),
        "PRISM_API_TOKEN": "",
    }
    runner = CliRunner()
    missing = runner.invoke(cli, ["mcp", "--data-dir", str(tmp_path / "d")], env=env)
    assert missing.exit_code == 2 and "Give a Prism API token" in missing.output
    env["PRISM_API_TOKEN"] = "prism_nonsense"
    wrong = runner.invoke(cli, ["mcp", "--data-dir", str(tmp_path / "d")], env=env)
    assert wrong.exit_code == 1 and "not valid" in wrong.output


@pytest.mark.parametrize("who", ["admin", "editor", "seller", "csm", "pm"])
def test_each_role_may_send_feedback_through_its_assistant_unless_a_viewer(
    app: FastAPI, session: Session, cast: Cast, who: str
) -> None:
    result = call(
        app, bearer(session, getattr(cast, who)), "submit_feedback", {"text": "Needs SSO"}
    )
    assert result.is_error == (who == "pm")
