"""A launch's bill of materials: generated from the tier's template, then assigned, dated and
linked to the real assets that stand for each deliverable."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from prism.auth.policy import Action, Principal, can, require
from prism.errors import Forbidden, Invalid, NotFound, check_version
from prism.i18n import _
from prism.knowledge.access import require_read
from prism.knowledge.kinds import KINDS, unknown_kind
from prism.knowledge.models import Item, Status
from prism.knowledge.service import ItemFilter, list_items
from prism.launches.models import BomItem, BomStatus, Launch, TierDeliverable
from prism.launches.schemas import BomItemIn, BomItemUpdate
from prism.people.service import active_person

# What the deliverable's owner may change on their own; the rest is the launch team's call.
OWNER_FIELDS = frozenset({"version", "status", "item_id", "unlink"})


def generate(session: Session, launch: Launch, template: list[TierDeliverable]) -> None:
    """The launch's deliverables from its tier's template, all owned by the launch's owner."""
    for position, line in enumerate(template):
        launch.bom.append(
            BomItem(
                position=position,
                kind=line.kind,
                title=line.title,
                offset_days=line.offset_days,
                required=line.required,
                accepts=list(line.accepts),
                owner_id=launch.owner_id,
            )
        )
    session.flush()


def add_item(session: Session, actor: Principal, launch: Launch, data: BomItemIn) -> BomItem:
    """A deliverable the template did not foresee."""
    require(actor, Action.RUN_LAUNCHES)
    unknown = unknown_kind(data.accepts)
    if unknown:
        raise Invalid.about("accepts", _("There is no kind {unknown}.", unknown=unknown))
    if data.owner_id is not None:
        active_person(session, data.owner_id, field="owner_id")
    last = session.scalar(select(func.max(BomItem.position)).where(BomItem.launch_id == launch.id))
    values = data.model_dump()
    values["owner_id"] = data.owner_id or launch.owner_id
    item = BomItem(position=(last or 0) + 1, **values)
    launch.bom.append(item)
    session.flush()
    return load(session, item.id, launch.id)


def update_item(
    session: Session, actor: Principal, launch: Launch, bom_id: int, data: BomItemUpdate
) -> BomItem:
    """Change a deliverable: its owner may set its status and link its asset; the launch team
    may change anything."""
    item = load(session, bom_id, launch.id)
    changed = data.model_dump(exclude_unset=True)
    if not may_update(actor, item, changed):
        raise Forbidden(
            _(
                "Only the launch team changes this deliverable; its owner may set its "
                "status and link its asset."
            )
        )
    check_version("deliverable", data.version, item.version)
    if data.owner_id is not None:
        item.owner_id = active_person(session, data.owner_id, field="owner_id").id
    for name in ("title", "required"):
        if name in changed and changed[name] is not None:
            setattr(item, name, changed[name])
    if data.due_on is not None:
        item.offset_days = (data.due_on - launch.target_date).days
    if data.status is not None:
        item.status = data.status
    if data.unlink:
        item.item_id = None
    elif data.item_id is not None:
        item.item_id = _asset(session, actor, item, data.item_id).id
    if item.required and item.status is BomStatus.DROPPED:
        raise Invalid(_("A required deliverable cannot be dropped; make it optional first."))
    session.flush()
    session.expire(item, ["item", "owner"])
    return load(session, item.id, launch.id)


def may_update(actor: Principal, item: BomItem, changed: dict[str, object] | None = None) -> bool:
    if can(actor, Action.RUN_LAUNCHES):
        return True
    owner_may = changed is None or set(changed) <= OWNER_FIELDS
    return owner_may and actor.id is not None and actor.id == item.owner_id and actor.is_active


def load(session: Session, bom_id: int, launch_id: int) -> BomItem:
    item = session.scalar(
        select(BomItem)
        .where(BomItem.id == bom_id, BomItem.launch_id == launch_id)
        .options(selectinload(BomItem.owner), selectinload(BomItem.item))
    )
    if item is None:
        raise NotFound(_("No deliverable {bom_id} in this launch.", bom_id=bom_id))
    return item


def _asset(session: Session, actor: Principal, bom_item: BomItem, item_id: int) -> Item:
    asset = session.get(Item, item_id)
    if asset is None:
        raise Invalid.about(
            "item_id",
            _(
                "Item {item_id} does not exist (it may have been deleted); link another one.",
                item_id=item_id,
            ),
        )
    require_read(actor, asset)
    if asset.status is Status.ARCHIVED:
        raise Invalid.about(
            "item_id", _("“{title}” is archived; link a live asset instead.", title=asset.title)
        )
    if bom_item.accepts and asset.kind not in bom_item.accepts:
        wanted = " or ".join(KINDS[k].label.lower() for k in bom_item.accepts if k in KINDS)
        kind = KINDS[asset.kind].label.lower() if asset.kind in KINDS else asset.kind
        raise Invalid.about(
            "item_id",
            _(
                "{title} takes a {wanted}; “{title2}” is a {kind}.",
                title=bom_item.title,
                wanted=wanted,
                title2=asset.title,
                kind=kind,
            ),
        )
    return asset


def candidates(session: Session, actor: Principal, launch: Launch) -> dict[str, list[Item]]:
    """For each set of accepted kinds among the deliverables (joined by commas), the live items
    `actor` may link to them, newest first."""
    found: dict[str, list[Item]] = {}
    for deliverable in launch.bom:
        key = ",".join(deliverable.accepts)
        if key not in found:
            spec = ItemFilter(kinds=tuple(deliverable.accepts))
            page = list_items(session, actor, spec, limit=100).items
            found[key] = [i for i in page if i.status is not Status.ARCHIVED]
    return found


def overdue(items: list[BomItem], launch_date: date, today: date) -> list[BomItem]:
    """The deliverables past their due date and not done (dropped ones aside)."""
    return [
        i
        for i in items
        if not i.done and i.status is not BomStatus.DROPPED and i.due_on(launch_date) < today
    ]
