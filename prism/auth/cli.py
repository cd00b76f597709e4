"""`prism token create`: an API token for a person, printed once."""

from __future__ import annotations

from typing import Annotated

import typer

from prism.auth import service
from prism.auth.policy import SYSTEM
from prism.auth.schemas import TokenIn
from prism.console import DataDir, unit_of_work
from prism.db import utcnow
from prism.people.service import get_user_by_email
from prism.schemas import parse

app = typer.Typer(help="Manage API tokens.", no_args_is_help=True)


@app.command("create")
def token_create(
    email: Annotated[str, typer.Option(help="Whose token.")],
    name: Annotated[str, typer.Option(help="What the token is for.")] = "CLI token",
    days: Annotated[int | None, typer.Option(min=1, max=3650, help="Lifetime in days.")] = None,
    read_only: Annotated[bool, typer.Option("--read-only", help="Only the read scope.")] = False,
    data_dir: DataDir = None,
) -> None:
    """Create an API token for a user and print it (shown only this once)."""
    with unit_of_work(data_dir) as run:
        user = get_user_by_email(run.session, email)
        scopes = ["read"] if read_only else ["read", "write"]
        data = parse(TokenIn, {"name": name, "scopes": scopes, "days": days})
        _, raw = service.create_token(
            run.session,
            SYSTEM,
            user=user,
            data=data,
            now=utcnow(),
            default_days=run.settings.token_days,
        )
    typer.echo(raw)
