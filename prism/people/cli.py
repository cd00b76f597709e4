"""`prism user …`: create accounts, list them, set a password."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy.orm import Session

from prism.auth.policy import SYSTEM
from prism.console import DataDir, console, unit_of_work
from prism.db import utcnow
from prism.errors import PrismError
from prism.i18n import _, term
from prism.people import service
from prism.people.models import Role
from prism.people.schemas import UserIn
from prism.schemas import parse

app = typer.Typer(help="Manage user accounts.", no_args_is_help=True)


@app.command("create")
def user_create(
    email: Annotated[str, typer.Option(help="Sign-in email.")],
    name: Annotated[str, typer.Option(help="Full name.")],
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, help="Initial password.")],
    role: Annotated[Role, typer.Option(help="admin, editor, contributor or viewer.")] = Role.VIEWER,
    team: Annotated[str | None, typer.Option(help="Team name, e.g. Sales.")] = None,
    data_dir: DataDir = None,
) -> None:
    """Create a user account."""
    with unit_of_work(data_dir) as run:
        team_id = _team_id(run.session, team)
        fields = {"email": email, "name": name, "password": password, "role": role}
        data = parse(UserIn, {**fields, "team_id": team_id})
        user = service.create_user(run.session, SYSTEM, data)
    console.print(_("Created {email} ({role}).", email=user.email, role=term(user.role.value)))


def _team_id(session: Session, team: str | None) -> int | None:
    if team is None:
        return None
    found = service.find_team_by_name(session, team)
    if found is None:
        names = ", ".join(t.name for t in service.all_teams(session, SYSTEM))
        raise PrismError(_("No team called {team}. Teams: {names}.", team=team, names=names))
    return found.id


@app.command("list")
def user_list(data_dir: DataDir = None) -> None:
    """List user accounts."""
    with unit_of_work(data_dir, writes=False) as run:
        teams = {t.id: t.name for t in service.all_teams(run.session, SYSTEM)}
        table = Table(_("id"), _("email"), _("name"), _("role"), _("team"), _("active"))
        cursor: str | None = None
        while True:
            page = service.list_users(run.session, SYSTEM, limit=200, cursor=cursor)
            for u in page.items:
                table.add_row(
                    str(u.id),
                    u.email,
                    u.name,
                    term(u.role.value),
                    teams.get(u.team_id or 0, ""),
                    _("yes") if u.is_active else _("no"),
                )
            if page.next_cursor is None:
                break
            cursor = page.next_cursor
    console.print(table)


@app.command("set-password")
def user_set_password(
    email: Annotated[str, typer.Option(help="Whose password.")],
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)],
    data_dir: DataDir = None,
) -> None:
    """Set a user's password (which signs them out everywhere and revokes their API tokens)."""
    with unit_of_work(data_dir) as run:
        user = service.get_user_by_email(run.session, email)
        service.set_password(run.session, SYSTEM, user.id, password, now=utcnow())
    console.print(_("Password set for {email}.", email=user.email))
