"""The search API's answers."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from prism.knowledge.schemas import ItemSummaryOut
from prism.schemas import Output


class HitOut(BaseModel):
    item: ItemSummaryOut
    score: float
    highlight: str
    found_by: list[str]


class SearchOut(BaseModel):
    query: str
    total: int
    corrections: dict[str, str]
    facets: dict[str, dict[str, int]]
    hits: list[HitOut]


class MissOut(Output):
    query: str
    count: int
    first_at: datetime
    last_at: datetime
