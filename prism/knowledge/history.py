"""Version history of items: a snapshot after every change, a readable diff, and restore."""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from prism.auth.policy import Principal
from prism.errors import NotFound
from prism.i18n import _
from prism.knowledge.kinds import KINDS, RELATIONS
from prism.knowledge.models import Item, ItemVersion

# What a snapshot holds, in the order a diff lists it.
LABELS = {
    "title": "Title",
    "summary": "Summary",
    "body": "Body",
    "status": "Status",
    "audience": "Audience",
    "owner": "Owner",
    "verify_every_days": "Verify every (days)",
    "facets": "Facets",
    "links": "Links",
}


def snapshot(item: Item) -> dict[str, Any]:
    """Everything about an item a person edits, as plain JSON (facets and links included)."""
    return {
        "title": item.title,
        "summary": item.summary,
        "body": item.body,
        "fields": item.fields,
        "status": item.status.value,
        "audience": item.audience.value,
        "owner_id": item.owner_id,
        "owner": item.owner.name if item.owner else "",
        "verify_every_days": item.verify_every_days,
        "facets": sorted(
            ({"id": f.id, "label": f"{f.dimension.value}: {f.name}"} for f in item.facets),
            key=lambda f: str(f["label"]),
        ),
        "links": sorted(
            (
                {"relation": lk.relation, "target_id": lk.target_id, "title": lk.target.title}
                for lk in item.links
            ),
            key=lambda lk: (str(lk["relation"]), str(lk["title"])),
        ),
    }


def record(session: Session, actor: Principal, item: Item, note: str, *, now: datetime) -> None:
    """Keep the item's state after a change as its next numbered version."""
    session.add(
        ItemVersion(
            item_id=item.id,
            number=latest_number(session, item.id) + 1,
            snapshot=snapshot(item),
            note=note[:200],
            author_id=actor.id,
            created_at=now,
        )
    )
    session.flush()


def latest_number(session: Session, item_id: int) -> int:
    """The number of the item's newest version in its history (0 before the first)."""
    found = session.scalar(
        select(func.max(ItemVersion.number)).where(ItemVersion.item_id == item_id)
    )
    return found or 0


def versions(session: Session, item_id: int) -> list[ItemVersion]:
    """Every version of an item, newest first (the caller has checked the item is readable)."""
    stmt = (
        select(ItemVersion)
        .where(ItemVersion.item_id == item_id)
        .options(selectinload(ItemVersion.author))
        .order_by(ItemVersion.number.desc())
    )
    return list(session.scalars(stmt))


def get_version(session: Session, item_id: int, number: int) -> ItemVersion:
    found = session.scalar(
        select(ItemVersion).where(ItemVersion.item_id == item_id, ItemVersion.number == number)
    )
    if found is None:
        raise NotFound(_("Item {item_id} has no version {number}.", item_id=item_id, number=number))
    return found


@dataclass(frozen=True)
class Change:
    """One field that differs between two versions, with a word-level diff of its text."""

    field: str
    before: str
    after: str
    # ("same" | "removed" | "added", text) runs, in reading order.
    segments: list[tuple[str, str]]


def diff(kind: str, older: dict[str, Any], newer: dict[str, Any]) -> list[Change]:
    """What changed from `older` to `newer`, field by field, in words a person reads."""
    before, after = _flat(kind, older), _flat(kind, newer)
    return [
        Change(
            label,
            before.get(label, ""),
            after.get(label, ""),
            _words(before.get(label, ""), after.get(label, "")),
        )
        for label in dict.fromkeys([*before, *after])
        if before.get(label, "") != after.get(label, "")
    ]


def _flat(kind: str, snap: dict[str, Any]) -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, label in LABELS.items():
        value = snap.get(key)
        if key == "facets":
            flat[label] = ", ".join(f["label"] for f in value or [])
        elif key == "links":
            flat[label] = "\n".join(
                f"{RELATIONS[lk['relation']].label}: {lk['title']}" for lk in value or []
            )
        else:
            flat[label] = "" if value is None else str(value)
    fields_model = KINDS[kind].fields if kind in KINDS else None
    for name, value in (snap.get("fields") or {}).items():
        spec = fields_model.model_fields.get(name) if fields_model else None
        label = spec.title if spec and spec.title else name.replace("_", " ").capitalize()
        flat[label] = _text(value)
    return flat


def _text(value: Any) -> str:
    if isinstance(value, list):
        return "\n".join(
            f"{v['first']} — {v['second']}" if isinstance(v, dict) and "first" in v else _text(v)
            for v in value
        )
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return "" if value is None else str(value)


# A word with the spaces after it: "99.99% " and "don't " are one word each, so a change
# reads as whole words replaced, never as letters or bare spaces.
_WORD = re.compile(r"\w[\w.,'\u2019%-]*\w%?\s*|\w%?\s*|[^\w\s]\s*|\s+", re.UNICODE)


def _words(before: str, after: str) -> list[tuple[str, str]]:
    a, b = _WORD.findall(before), _WORD.findall(after)
    # Compared without their trailing spaces: "average" at the end is "average " mid-sentence.
    matcher = difflib.SequenceMatcher(
        None, [w.rstrip() for w in a], [w.rstrip() for w in b], autojunk=False
    )
    segments: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            # Keep the space before words removed at the end ("average " + "across the year").
            gap = a[i2 - 1][len(a[i2 - 1].rstrip()) :] if not b[j2 - 1][-1:].isspace() else ""
            segments.append(("same", "".join(b[j1:j2]) + gap))
            continue
        if i2 > i1:
            segments.append(("removed", "".join(a[i1:i2])))
        if j2 > j1:
            segments.append(("added", "".join(b[j1:j2])))
    return segments
