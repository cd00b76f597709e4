"""What the audit API gives."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from prism.schemas import Output


class AuditEventOut(Output):
    id: int
    at: datetime
    actor_id: int | None
    actor_label: str
    action: str
    item_type: str
    item_id: int | None
    item_label: str
    changes: dict[str, Any]
    note: str
