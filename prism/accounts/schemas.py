"""API shapes for accounts."""

from __future__ import annotations

from prism.schemas import Output


class AccountOut(Output):
    id: int
    name: str
    industry_id: int | None
    external_id: str | None
