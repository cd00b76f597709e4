"""Toolkits: read them, curate a product's standard kit, and let a seller add, remove and reorder
what is in a deal's kit. Assembly of deal kits lives in `assemble`, the zip in `package`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from prism.auth.policy import SYSTEM, Action, Principal, require
from prism.db import holds_words
from prism.deals import service as deals
from prism.errors import Conflict, Forbidden, NotFound, check_version
from prism.filestore import FileStore
from prism.i18n import N_, _
from prism.knowledge.access import readable_by
from prism.knowledge.audience import customer_problem
from prism.knowledge.kinds import KINDS
from prism.knowledge.models import Item, ItemLink, Status
from prism.knowledge.service import get_item
from prism.render import service as rendering
from prism.render.schemas import RenderIn
from prism.toolkits.models import KitKind, Toolkit, ToolkitEntry
from prism.toolkits.schemas import EntryIn

LOADED = (
    # An anonymised story's title, as a buyer sees it, names its industry: facets come too.
    selectinload(Toolkit.entries).selectinload(ToolkitEntry.item).selectinload(Item.facets),
    selectinload(Toolkit.entries).selectinload(ToolkitEntry.rendition),
    selectinload(Toolkit.deal),
    selectinload(Toolkit.product),
)


def get_kit(session: Session, actor: Principal, kit_id: int) -> Toolkit:
    """A kit with its entries (an entry whose item has since been unpublished stays listed, and
    is left out of downloads and share links)."""
    require(actor, Action.BUILD_KITS)
    kit = session.scalar(select(Toolkit).where(Toolkit.id == kit_id).options(*LOADED))
    if kit is None:
        raise NotFound(_("No toolkit {kit_id}.", kit_id=kit_id))
    return kit


def list_kits(
    session: Session, actor: Principal, *, kind: KitKind | None = None, q: str = ""
) -> list[Toolkit]:
    """Standard kits first, then deal kits, each by title; only one `kind` of kit, and only
    those whose title holds every word of `q`, when asked."""
    require(actor, Action.BUILD_KITS)
    stmt = select(Toolkit).options(*LOADED).where(holds_words(q, Toolkit.title))
    if kind is not None:
        stmt = stmt.where(Toolkit.kind == kind)
    kits = session.scalars(stmt)
    return sorted(kits, key=lambda k: (k.kind != KitKind.STANDARD, k.title.lower(), -k.id))


def kit_of_deal(session: Session, deal_id: int) -> Toolkit | None:
    """The kit saved on a deal, if one was built (the caller has already read the deal)."""
    return session.scalar(select(Toolkit).where(Toolkit.deal_id == deal_id))


def standard_kit(
    session: Session, actor: Principal, product_id: int, *, store: FileStore, now: datetime
) -> Toolkit:
    """The product's standard kit, set up from the library the first time anyone asks."""
    require(actor, Action.BUILD_KITS)
    product = get_item(session, actor, product_id, "product")
    found = session.scalar(select(Toolkit.id).where(Toolkit.product_id == product.id))
    if found is None:
        found = _seed_standard(session, product, store=store, now=now).id
    return get_kit(session, actor, found)


def _seed_standard(session: Session, product: Item, *, store: FileStore, now: datetime) -> Toolkit:
    """Intro deck, solutions, stories, FAQ sheet and pricing sheet: plug-and-play for small deals.
    Built as the system, since every seller gets the same kit; editors curate it afterwards. Its
    words are stored in English, the kit being everyone's; pages show the fixed ones translated."""
    kit = Toolkit(
        kind=KitKind.STANDARD,
        title=f"{product.title} standard kit",
        product_id=product.id,
        note=N_("Plug-and-play for small, fast deals."),
        entries=[],
    )
    session.add(kit)
    session.flush()
    # A product not yet cleared for customers still gets a kit, its outputs marked internal.
    audience = "internal" if customer_problem(product) else None
    deck = rendering.render(
        session,
        SYSTEM,
        product.id,
        RenderIn(format="pptx", audience=audience),
        store=store,
        now=now,
    )
    entries: list[tuple[int | None, int | None, str]] = [
        (None, deck.rendition.id, N_("Intro deck"))
    ]
    shareable = _about(session, product.id, ("solution", "story", "asset"))
    entries += [(i.id, None, KINDS[i.kind].label) for i in shareable if i.kind != "asset"]
    faqs = rendering.render(
        session,
        SYSTEM,
        product.id,
        RenderIn(format="pdf", layout="faq_sheet", audience=audience),
        store=store,
        now=now,
    )
    entries.append((None, faqs.rendition.id, N_("The questions buyers ask most")))
    # The pricing sheet is made from the product's editions and price books, not found by name.
    if _about(session, product.id, ("edition",)) or audience == "internal":
        sheet = rendering.render(
            session,
            SYSTEM,
            product.id,
            RenderIn(format="pdf", layout="pricing_sheet", audience=audience),
            store=store,
            now=now,
        )
        entries.append((None, sheet.rendition.id, N_("Pricing sheet")))
    kit.entries = [
        ToolkitEntry(position=n, item_id=item_id, rendition_id=rid, reason=why, source="standard")
        for n, (item_id, rid, why) in enumerate(entries, 1)
    ]
    session.flush()
    return kit


def _about(session: Session, product_id: int, kinds: Sequence[str]) -> list[Item]:
    """Items of `kinds` about the product that may reach a customer."""
    stmt = (
        select(Item)
        .join(ItemLink, ItemLink.source_id == Item.id)
        .where(ItemLink.target_id == product_id, ItemLink.relation == "product")
        .where(Item.kind.in_(kinds), Item.status == Status.PUBLISHED)
        .order_by(Item.kind, Item.title)
    )
    return [i for i in session.scalars(stmt) if customer_problem(i) is None]


def may_edit(actor: Principal, kit: Toolkit) -> bool:
    try:
        require_edit(actor, kit)
    except Forbidden:
        return False
    return True


def require_edit(actor: Principal, kit: Toolkit) -> None:
    """Editors curate standard kits; a deal's kit belongs to the deal's owner (and editors)."""
    if kit.kind == KitKind.STANDARD:
        require(actor, Action.CURATE_KITS)
    else:
        assert kit.deal is not None
        deals.require_owner(actor, kit.deal)


def add_entry(
    session: Session, actor: Principal, kit_id: int, data: EntryIn, *, version: int, now: datetime
) -> Toolkit:
    """Put a published item in the kit, with the reason the person gave."""
    kit = _for_edit(session, actor, kit_id, version)
    item = session.scalar(select(Item).where(Item.id == data.item_id, readable_by(actor)))
    if item is None:
        raise NotFound(_("No item {item_id}.", item_id=data.item_id))
    if item.status != Status.PUBLISHED:
        raise Conflict(
            _("“{title}” is not published; only published items go in a kit.", title=item.title)
        )
    if any(e.item_id == item.id for e in kit.entries):
        raise Conflict(_("“{title}” is already in this kit.", title=item.title))
    entry = ToolkitEntry(item_id=item.id, reason=data.reason or "Added by hand", source="seller")
    ordered = list(kit.entries)
    ordered.insert((data.position or len(ordered) + 1) - 1, entry)
    return _saved(session, actor, kit, ordered, now)


def remove_entry(
    session: Session, actor: Principal, kit_id: int, entry_id: int, *, version: int, now: datetime
) -> Toolkit:
    kit = _for_edit(session, actor, kit_id, version)
    kept = [e for e in kit.entries if e.id != entry_id]
    if len(kept) == len(kit.entries):
        raise NotFound(
            _("Toolkit {kit_id} has no entry {entry_id}.", kit_id=kit_id, entry_id=entry_id)
        )
    return _saved(session, actor, kit, kept, now)


def move_entry(
    session: Session,
    actor: Principal,
    kit_id: int,
    entry_id: int,
    position: int,
    *,
    version: int,
    now: datetime,
) -> Toolkit:
    """Move an entry to `position` (1 is first); the others close up around it."""
    kit = _for_edit(session, actor, kit_id, version)
    moving = next((e for e in kit.entries if e.id == entry_id), None)
    if moving is None:
        raise NotFound(
            _("Toolkit {kit_id} has no entry {entry_id}.", kit_id=kit_id, entry_id=entry_id)
        )
    ordered = [e for e in kit.entries if e.id != entry_id]
    ordered.insert(min(position, len(ordered) + 1) - 1, moving)
    return _saved(session, actor, kit, ordered, now)


def _for_edit(session: Session, actor: Principal, kit_id: int, version: int) -> Toolkit:
    kit = get_kit(session, actor, kit_id)
    require_edit(actor, kit)
    check_version("toolkit", version, kit.version)
    return kit


def _saved(
    session: Session, actor: Principal, kit: Toolkit, ordered: list[ToolkitEntry], now: datetime
) -> Toolkit:
    """Store the kit's entries in this order; the kit's version moves on once."""
    place(session, kit, ordered)
    kit.updated_at = now
    session.flush()
    session.expire(kit)
    return get_kit(session, actor, kit.id)


def place(session: Session, kit: Toolkit, ordered: list[ToolkitEntry]) -> None:
    """Number `ordered` 1..n as the kit's entries (through negatives, so no two ever clash)."""
    for n, entry in enumerate(ordered, 1):
        entry.position = -n
    kit.entries = ordered
    session.flush()
    for n, entry in enumerate(ordered, 1):
        entry.position = n
    session.flush()
