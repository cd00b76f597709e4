"""A kit as one zip: every entry as a file someone can open, numbered in the kit's order, and a
contents list that says why each is there.

A kit serves the seller and the buyer alike, so the zip keeps them apart: `customer/` holds only
what may reach the buyer (customer outputs of customer-shareable items), `internal/` the rest
(battlecards, stories the customer has not cleared, answers written for our team), marked
internal in every file and behind a warning, so a seller can forward `customer/` as it is.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from prism.auth.policy import SYSTEM, Principal
from prism.errors import NotFound
from prism.filestore import FileStore
from prism.knowledge.access import may_read
from prism.knowledge.audience import customer_problem, customer_title
from prism.knowledge.models import Audience, Item, Status
from prism.render import documents
from prism.render import service as rendering
from prism.render.brief import Brief, faq
from prism.render.layouts import LAYOUTS
from prism.toolkits.models import Toolkit, ToolkitEntry
from prism.toolkits.service import get_kit

# The zip's two folders, named for their audience: customer/ and internal/.
CUSTOMER, INTERNAL = Audience.CUSTOMER, Audience.INTERNAL
WARNING = """INTERNAL - FOR YOUR TEAM ONLY. DO NOT SEND TO THE BUYER.

Everything in this folder is for {company}'s own people: battlecards, stories the customer has
not cleared us to tell, and answers written for our team. Each file is marked internal.
What you may send the buyer as it is lies in the customer/ folder.
"""
# Files extract readable by their owner and everyone else, as a download from a browser would.
FILE_MODE = 0o100644


@dataclass(frozen=True)
class Made:
    """One entry as a file: its folder, name and bytes, or why it was left out."""

    folder: Audience = CUSTOMER
    name: str = ""
    data: bytes | None = None
    problem: str | None = None


def kit_zip(
    session: Session, actor: Principal, kit_id: int, *, store: FileStore, now: datetime
) -> tuple[str, bytes]:
    """The kit's files in order: stored outputs where up to date, the rest rendered afresh
    (not stored: a download only reads)."""
    kit = get_kit(session, actor, kit_id)
    files: dict[Audience, list[tuple[str, bytes]]] = {CUSTOMER: [], INTERNAL: []}
    lines: dict[Audience, list[str]] = {CUSTOMER: [], INTERNAL: []}
    faqs: dict[Audience, list[Item]] = {CUSTOMER: [], INTERNAL: []}
    left_out: list[str] = []
    for entry in kit.entries:
        made = _entry_file(session, actor, entry, store=store, now=now)
        if entry.item is not None and entry.item.kind == "faq" and made.problem is None:
            faqs[made.folder].append(entry.item)
            lines[made.folder].append(f"- {_label(entry, made)}: on the FAQ sheet — {entry.reason}")
        elif made.data is None:
            left_out.append(f"- {_label(entry, made)}: left out, {made.problem}")
        else:
            shelf = files[made.folder]
            shelf.append((f"{made.folder.value}/{len(shelf) + 1:02d}-{made.name}", made.data))
            lines[made.folder].append(f"{len(shelf):02d}. {_label(entry, made)} — {entry.reason}")
    look = rendering.house_look(session, store)
    for folder, questions in faqs.items():
        if questions:
            sheet = Brief(
                title=kit.title,
                subtitle="",
                kind_label="FAQ",
                audience=folder,
                faqs=[faq(i) for i in questions],
            )
            name = f"{folder.value}/{len(files[folder]) + 1:02d}-faqs.pdf"
            files[folder].append((name, documents.pdf("faq_sheet", sheet, look)))
    contents = _contents(kit, lines, left_out)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        _add(archive, "CONTENTS.txt", contents.encode(), now)
        for name, data in files[CUSTOMER]:
            _add(archive, name, data, now)
        if files[INTERNAL]:
            warning = WARNING.format(company=look.company or "your company")
            _add(archive, "internal/READ-ME-FIRST-INTERNAL.txt", warning.encode(), now)
        for name, data in files[INTERNAL]:
            _add(archive, name, data, now)
    return f"{rendering.slug(kit.title, 'toolkit')}.zip", buffer.getvalue()


def _contents(kit: Toolkit, lines: dict[Audience, list[str]], left_out: list[str]) -> str:
    parts = [f"{kit.title}\n", kit.note, ""]
    parts += ["customer/ - for the buyer: only customer-shareable, published content", ""]
    parts += lines[CUSTOMER] or ["(nothing yet)"]
    if lines[INTERNAL]:
        parts += ["", "internal/ - for your team only: do not send to the buyer", ""]
        parts += lines[INTERNAL]
    if left_out:
        parts += ["", "Left out", "", *left_out]
    return "\n".join(parts) + "\n"


def _add(archive: zipfile.ZipFile, name: str, data: bytes, now: datetime) -> None:
    info = zipfile.ZipInfo(name, date_time=now.timetuple()[:6])
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = FILE_MODE << 16
    archive.writestr(info, data)


def prepare(
    session: Session,
    kit_id: int,
    *,
    store: FileStore,
    now: datetime,
    made: Callable[[int, int], None],
) -> int:
    """Render ahead every file the kit's zip holds (as the system: kits hold published items
    only, and outputs are shared by everyone who may read their source); how many entries.
    `made(done, total)` is called after each file (the job commits there, so each output is
    kept as soon as it is made)."""
    kit = get_kit(session, SYSTEM, kit_id)
    for done, entry in enumerate(kit.entries, 1):
        _entry_file(session, SYSTEM, entry, store=store, now=now, keep=True)
        made(done, len(kit.entries))
    return len(kit.entries)


def _entry_file(
    session: Session,
    actor: Principal,
    entry: ToolkitEntry,
    *,
    store: FileStore,
    now: datetime,
    keep: bool = False,
) -> Made:
    """The entry as a file in its folder, or why it is left out. With `keep`, outputs made on
    the way are stored (the background job); without, a download only reads."""
    if entry.rendition is not None:
        return _output(session, actor, entry, store=store, now=now, keep=keep)
    item = entry.item
    assert item is not None
    if not may_read(actor, item) or item.status != Status.PUBLISHED:
        return Made(problem="no longer published")
    folder = CUSTOMER if customer_problem(item) is None else INTERNAL
    if item.kind == "faq":
        return Made(folder)  # the kit's FAQs go on one sheet per folder
    try:
        name, _, data = rendering.item_file(
            session, actor, item, store=store, now=now, keep=keep, internal=folder == INTERNAL
        )
    except NotFound:
        return Made(problem="its file is missing")
    return Made(folder, name, data)


def _output(
    session: Session,
    actor: Principal,
    entry: ToolkitEntry,
    *,
    store: FileStore,
    now: datetime,
    keep: bool,
) -> Made:
    """A rendered output (a deck made for the deal): in `customer/` while its source may reach
    the buyer, otherwise made again for internal use and kept in `internal/`."""
    assert entry.rendition is not None
    wanted = rendering.again(entry.rendition)
    source = session.get(Item, entry.rendition.item_id)
    if source is None or source.status != Status.PUBLISHED:
        return Made(problem="its source is no longer published")
    external = rendering.for_customers(LAYOUTS[entry.rendition.layout], wanted.options())
    if external and customer_problem(source) is not None:
        wanted, external = wanted.model_copy(update={"audience": "internal"}), False
    try:
        name, _, data = rendering.output_file(
            session, actor, entry.rendition.item_id, wanted, store=store, now=now, keep=keep
        )
    except NotFound:  # its source was unpublished since the kit was made
        return Made(problem="its source is no longer published")
    return Made(CUSTOMER if external else INTERNAL, name, data)


def _label(entry: ToolkitEntry, made: Made) -> str:
    """The entry's name in the contents: as a customer may read it, for the customer folder."""
    if entry.item is not None:
        return customer_title(entry.item) if made.folder == CUSTOMER else entry.item.title
    assert entry.rendition is not None
    return made.name or entry.rendition.filename
