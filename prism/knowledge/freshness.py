"""Freshness: which items are overdue for verification, and which are built on a stale claim.

An item is stale when its review date has passed. An item that cites a stale proof point (or
builds on a stale value proposition or differentiator, through any number of steps) is stale
with it, and says which claim it rests on.
"""

from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, selectinload

from prism import i18n
from prism.auth.policy import Principal
from prism.i18n import ENGLISH, LANGUAGES, _, speaking
from prism.knowledge.access import readable_by
from prism.knowledge.kinds import BUILT_ON, RELATIONS, kind_word
from prism.knowledge.models import Item, ItemLink, StaleNotice, Status
from prism.webhooks import service as webhooks

# At most this many items are announced per sweep, longest overdue first (the rest on the next
# sweeps), so a library that was left to go stale does not flood a channel in one morning.
ANNOUNCED_PER_SWEEP = 20

_LIVE = (Status.DRAFT, Status.IN_REVIEW, Status.PUBLISHED)


@dataclass(frozen=True)
class StaleItem:
    item: Item
    reasons: list[str]


def stale_reasons(session: Session, now: datetime) -> dict[int, list[str]]:
    """Why each stale, non-archived item is stale, by item id."""
    overdue = {
        item_id: (kind, title, due)
        for item_id, kind, title, due in session.execute(
            select(Item.id, Item.kind, Item.title, Item.review_due_at).where(
                Item.review_due_at < now, Item.status.in_(_LIVE)
            )
        )
    }
    reasons: dict[int, list[str]] = defaultdict(list)
    for item_id, (_kind, _title, due) in overdue.items():
        day = i18n.when(due)
        reasons[item_id].append(_("Not verified since it was due on {day}.", day=day))
    for item_id, why in _built_on_stale(session, overdue).items():
        reasons[item_id].extend(why)
    return dict(reasons)


def _built_on_stale(
    session: Session, overdue: dict[int, tuple[str, str, datetime]]
) -> dict[int, list[str]]:
    # Walk links backwards from every stale claim to everything that rests on it.
    citers: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for source_id, target_id, relation in session.execute(
        select(ItemLink.source_id, ItemLink.target_id, ItemLink.relation)
        .join(Item, Item.id == ItemLink.source_id)
        .where(ItemLink.relation.in_(BUILT_ON), Item.status.in_(_LIVE))
    ):
        citers[target_id].append((source_id, relation))
    found: dict[int, list[str]] = defaultdict(list)
    for root_id, (kind, title, _due) in overdue.items():
        if not any(kind in RELATIONS[r].targets for r in BUILT_ON):
            continue
        seen, queue = {root_id}, deque([root_id])
        while queue:
            for source_id, _relation in citers.get(queue.popleft(), []):
                if source_id not in seen:
                    seen.add(source_id)
                    queue.append(source_id)
                    found[source_id].append(
                        _(
                            "Rests on the {kind} “{title}”, which is stale.",
                            kind=kind_word(kind),
                            title=title,
                        )
                    )
    return found


def health_queue(session: Session, actor: Principal, now: datetime) -> list[StaleItem]:
    """The content-health queue: stale items `actor` may read, longest overdue first."""
    reasons = stale_reasons(session, now)
    if not reasons:
        return []
    items = session.scalars(
        select(Item)
        .where(Item.id.in_(reasons), readable_by(actor))
        .order_by(Item.review_due_at, Item.id)
    )
    return [StaleItem(item, reasons[item.id]) for item in items]


def reasons_for(session: Session, item: Item, now: datetime) -> list[str]:
    """Why this one item is stale; empty when it is fresh."""
    return stale_reasons(session, now).get(item.id, [])


def announce_stale(session: Session, *, now: datetime) -> int:
    """Send each item that went stale to the webhooks, once; forget the notices of items that
    are fresh again, so that their next going stale is announced too."""
    with speaking(ENGLISH):  # the payload's words are English; chat channels read their own
        reasons = stale_reasons(session, now)
    noticed = set(session.scalars(select(StaleNotice.item_id)))
    if fresh := noticed - reasons.keys():
        session.execute(delete(StaleNotice).where(StaleNotice.item_id.in_(fresh)))
    new = (
        select(Item)
        .where(Item.id.in_([i for i in reasons if i not in noticed]))
        .options(selectinload(Item.owner))
        .order_by(Item.review_due_at, Item.id)
        .limit(ANNOUNCED_PER_SWEEP)
    )
    items = list(session.scalars(new))
    said = {}
    for lang in LANGUAGES.keys() - {ENGLISH}:
        with speaking(lang):
            said[lang] = stale_reasons(session, now) if items else {}
    announced = 0
    for item in items:
        owner = item.owner
        payload = {
            "item": {
                "id": item.id,
                "kind": item.kind,
                "title": item.title,
                "path": f"/library/{item.id}",
            },
            "reasons": reasons[item.id],
            "reasons_in": {lang: found.get(item.id, []) for lang, found in said.items()},
            "owner": None if owner is None else {"name": owner.name, "email": owner.email},
        }
        webhooks.emit(session, "knowledge.item_stale", payload, now=now)
        session.add(StaleNotice(item_id=item.id, noticed_at=now))
        announced += 1
    session.flush()
    return announced
