"""A kit as one zip: every entry as a file a buyer or seller can open, numbered in the kit's
order, and a contents list that says why each is there."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime

from sqlalchemy.orm import Session

from prism.auth.policy import SYSTEM, Principal
from prism.errors import NotFound
from prism.filestore import FileStore
from prism.jobs.service import Progress
from prism.knowledge.access import may_read
from prism.knowledge.models import Item, Status
from prism.render import documents
from prism.render import service as rendering
from prism.render.brief import Brief, faq
from prism.toolkits.models import ToolkitEntry
from prism.toolkits.service import get_kit


def kit_zip(
    session: Session, actor: Principal, kit_id: int, *, store: FileStore, now: datetime
) -> tuple[str, bytes]:
    """The kit's files in order: stored outputs where up to date, the rest rendered afresh
    (not stored: a download only reads)."""
    kit = get_kit(session, actor, kit_id)
    files: list[tuple[str, bytes]] = []
    contents = [f"{kit.title}\n", kit.note, ""]
    faqs: list[Item] = []
    for entry in kit.entries:
        name, data, problem = _entry_file(session, actor, entry, store=store, now=now)
        if entry.item is not None and entry.item.kind == "faq" and problem is None:
            faqs.append(entry.item)
            contents.append(f"- {entry.item.title}: in faqs.pdf — {entry.reason}")
        elif data is None:
            contents.append(f"- {_label(entry)}: left out, {problem}")
        else:
            files.append((f"{len(files) + 1:02d}-{name}", data))
            contents.append(f"{len(files):02d}. {_label(entry)} — {entry.reason}")
    if faqs:
        sheet = Brief(
            title=kit.title,
            subtitle="",
            kind_label="FAQ",
            faqs=[faq(i) for i in faqs],
        )
        files.append(
            (
                f"{len(files) + 1:02d}-faqs.pdf",
                documents.pdf("faq_sheet", sheet, rendering.house_look(session, store)),
            )
        )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("CONTENTS.txt", "\n".join(contents) + "\n")
        for name, data in files:
            archive.writestr(name, data)
    return f"{rendering.slug(kit.title, 'toolkit')}.zip", buffer.getvalue()


def prepare(
    session: Session, kit_id: int, *, store: FileStore, now: datetime, progress: Progress
) -> int:
    """Render ahead every file the kit's zip holds (as the system: kits hold published items
    only, and outputs are shared by everyone who may read their source); how many entries."""
    kit = get_kit(session, SYSTEM, kit_id)
    for done, entry in enumerate(kit.entries, 1):
        _entry_file(session, SYSTEM, entry, store=store, now=now, keep=True)
        session.commit()  # each output is kept as soon as it is made
        progress(done / len(kit.entries), f"{done} of {len(kit.entries)}")
    return len(kit.entries)


def _entry_file(
    session: Session,
    actor: Principal,
    entry: ToolkitEntry,
    *,
    store: FileStore,
    now: datetime,
    keep: bool = False,
) -> tuple[str, bytes | None, str | None]:
    """(file name, bytes, None), or (…, None, why it is left out). With `keep`, outputs made on
    the way are stored (the background job); without, a download only reads."""
    if entry.rendition is not None:
        try:
            name, _, data = rendering.output_file(
                session,
                actor,
                entry.rendition.item_id,
                rendering.again(entry.rendition),
                store=store,
                now=now,
                keep=keep,
            )
        except NotFound:  # its source was unpublished since the kit was made
            return "", None, "its source is no longer published"
        return name, data, None
    item = entry.item
    assert item is not None
    if not may_read(actor, item) or item.status != Status.PUBLISHED:
        return "", None, "no longer published"
    if item.kind == "faq":
        return "", None, None  # the kit's FAQs go on one sheet
    try:
        name, _, data = rendering.item_file(session, actor, item, store=store, now=now, keep=keep)
    except NotFound:
        return "", None, "its file is missing"
    return name, data, None


def _label(entry: ToolkitEntry) -> str:
    if entry.item is not None:
        return entry.item.title
    assert entry.rendition is not None
    return entry.rendition.filename
