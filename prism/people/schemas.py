"""What the people API takes and gives."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field, StringConstraints

from prism.i18n import Language
from prism.people.models import Role
from prism.schemas import Email, Id, Input, Name, Output

TeamName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Password = Annotated[str, Field(min_length=8, max_length=256)]


class TeamIn(Input):
    name: TeamName
    description: Annotated[str, Field(max_length=500)] = ""
    lead_id: Id | None = Field(
        default=None, description="The team lead: sees the team's training progress and answers."
    )


class TeamUpdate(Input):
    version: int = Field(description="The version you last read; a stale one is refused with 409.")
    name: TeamName | None = None
    description: Annotated[str, Field(max_length=500)] | None = None
    lead_id: Id | None = Field(
        default=None, description="Send null to leave the team without a lead."
    )


class TeamOut(Output):
    id: int
    name: str
    description: str
    lead_id: int | None
    version: int


class UserIn(Input):
    email: Email
    name: Name
    password: Password
    role: Role = Role.VIEWER
    team_id: Id | None = None


class UserUpdate(Input):
    version: int = Field(description="The version you last read; a stale one is refused with 409.")
    name: Name | None = None
    role: Role | None = None
    team_id: Id | None = Field(
        default=None, description="Send null to take the user out of any team."
    )
    is_active: bool | None = None


class MeUpdate(Input):
    """What people change about themselves."""

    language: Language | None = Field(
        description="The interface's language: `en` or `zh` (Simplified Chinese); null for the "
        "one the browser asks for."
    )


class PasswordIn(Input):
    password: Password
    current_password: str | None = Field(
        default=None, max_length=256, description="Required when you change your own password."
    )


class UserOut(Output):
    id: int
    email: str
    name: str
    role: Role
    team_id: int | None
    is_active: bool
    language: Language | None
    last_login_at: datetime | None
    created_at: datetime
    version: int
