"""Factories for knowledge items in tests."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from prism.auth.policy import SYSTEM, Principal
from prism.db import utcnow
from prism.knowledge import service
from prism.knowledge.models import Item
from prism.knowledge.schemas import ItemIn, LinkIn


def make_item(
    session: Session,
    kind: str = "faq",
    *,
    actor: Principal = SYSTEM,
    publish: bool = True,
    links: list[tuple[str, int]] | None = None,
    **overrides: Any,
) -> Item:
    """An item of `kind`, published unless told otherwise; features get a product of their own."""
    data: dict[str, Any] = {"title": f"A {kind}", **overrides}
    links = list(links or [])
    if kind in ("feature", "positioning") and not any(r == "product" for r, _ in links):
        links.append(("product", make_item(session, "product", title="Pulse").id))
    data["links"] = [LinkIn(relation=r, target_id=t) for r, t in links]  # type: ignore[arg-type]
    item = service.create_item(session, actor, kind, ItemIn(**data), now=utcnow())
    if publish:
        item = service.transition(
            session, SYSTEM, item.id, "publish", version=item.version, now=utcnow()
        )
    return item
