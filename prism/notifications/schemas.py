"""API shapes for notifications."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field

from prism.schemas import Id, Input, Output


class NotificationOut(Output):
    id: int
    subject: str
    body: str
    link: str
    created_at: datetime
    read_at: datetime | None


class ReadIn(Input):
    ids: Annotated[list[Id] | None, Field(max_length=500)] = Field(
        default=None, description="The notifications to mark read; all of mine when absent."
    )


class ReadOut(Output):
    marked: int
