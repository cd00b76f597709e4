"""`prism mcp`: Prism as an MCP server over stdio, for an assistant on the same machine."""

from __future__ import annotations

from typing import Annotated

import typer

from prism.console import DataDir, err, open_database, settings_for
from prism.errors import Unauthorized
from prism.i18n import _


def mcp(
    data_dir: DataDir = None,
    token: Annotated[
        str,
        typer.Option(
            envvar="PRISM_API_TOKEN",
            help="The Prism API token the assistant acts as (its person's permissions).",
            show_default=False,
        ),
    ] = "",
) -> None:
    """Serve Prism to an AI assistant over stdio (Model Context Protocol), as the token's person.

    Standard output carries the protocol; messages go to standard error."""
    from prism.assistant.server import Assistant

    if not token:
        err.print(_("Give a Prism API token: --token, or PRISM_API_TOKEN."), style="red")
        raise typer.Exit(2)
    settings = settings_for(data_dir)
    with open_database(settings) as database:
        assistant = Assistant(database, settings, token=token)
        try:
            assistant.check(token)
        except Unauthorized as exc:
            err.print(f"[red]{exc.message}[/red]")
            raise typer.Exit(1) from None
        assistant.server.run("stdio")
