"""What may reach a customer: the one owner of the audience invariant.

Every output (a file, a buyer's page, a kit's zip, a share link) is for customers or for our own
team. One for customers holds only published, customer-shareable items, never a battlecard and
never a story the customer did not let us tell; of the items it holds it prints no internal field
(how we handle objections, price or sell, which features are not yet generally available, whom
an answer was written for: each kind names these in `kinds.py`), and an anonymised story keeps
its customer's name out of every line. Rendering, toolkits and share links all ask here.
"""

from __future__ import annotations

import re
from typing import Any

from prism.i18n import _, term
from prism.knowledge.kinds import KINDS, FeatureStatus
from prism.knowledge.models import Audience, Dimension, Item, Status


def customer_problem(item: Item) -> str | None:
    """Why `item` may not reach a customer, or None if it may."""
    title = item.title
    if item.kind == "battlecard":
        return _(
            "“{title}” is a battlecard: battlecards are for our team and never go to buyers.",
            title=title,
        )
    if item.status != Status.PUBLISHED:
        return _(
            "“{title}” is {state}: only published items can be shared.",
            title=title,
            state=term(item.status.value),
        )
    if item.audience != Audience.CUSTOMER:
        return _(
            "“{title}” is {audience}-only: only customer-shareable items go to buyers.",
            title=title,
            audience=term(item.audience.value),
        )
    if item.fields.get("permission") == "internal":
        return _("“{title}” is a story the customer has not allowed us to share.", title=title)
    return _kind_problem(item, title)


def _kind_problem(item: Item, title: str) -> str | None:
    if item.kind == "feature" and item.fields.get("status", "ga") != FeatureStatus.GA:
        return _(
            "“{title}” is in {stage}: features before general availability stay internal.",
            title=title,
            stage=term(item.fields["status"]),
        )
    if item.kind == "faq" and "customers" not in item.fields.get("answered_for", ["sales"]):
        return _(
            "“{title}” is answered for our team: mark it answered for customers to share it.",
            title=title,
        )
    return None


def told(item: Item) -> dict[str, Any]:
    """The item's own fields as a customer may read them: its kind's internal fields removed,
    and an anonymised story's customer named only by industry in every line."""
    internal = KINDS[item.kind].internal
    return {
        name: _masked_all(item, value)
        for name, value in item.fields.items()
        if name not in internal
    }


def _masked_all(story: Item, value: Any) -> Any:
    if isinstance(value, str):
        return masked(story, value)
    if isinstance(value, list):
        return [_masked_all(story, v) for v in value]
    if isinstance(value, dict):
        return {k: _masked_all(story, v) for k, v in value.items()}
    return value


def anonymised(item: Item) -> bool:
    return item.kind == "story" and item.fields.get("permission") == "anonymised"


def industry_of(item: Item) -> str:
    return next((x.name for x in item.facets if x.dimension == Dimension.INDUSTRY), "")


def anonymous_customer(story: Item) -> str:
    """How an anonymised story names its customer: by industry only."""
    return f"A {industry_of(story).lower() or 'leading'} customer"


def masked(story: Item, text: str) -> str:
    """`text` with an anonymised story's customer named only by its industry."""
    name = str(story.fields.get("customer", "")).strip()
    if not anonymised(story) or not name:
        return text
    anonymous = anonymous_customer(story)

    def named(found: re.Match[str]) -> str:
        at_start = found.start() == 0 or text[: found.start()].rstrip().endswith((".", "!", "?"))
        return anonymous if at_start else anonymous[0].lower() + anonymous[1:]

    return re.sub(re.escape(name), named, text, flags=re.IGNORECASE)


def customer_title(item: Item) -> str:
    """The item's title as a customer sees it: an anonymised story does not name its customer."""
    if anonymised(item):
        return "Customer story: " + anonymous_customer(item)
    return item.title
