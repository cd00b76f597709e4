"""A kit as one zip: every entry as a file a buyer or seller can open, numbered in the kit's
order, and a contents list that says why each is there."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime

from sqlalchemy.orm import Session

from prism.auth.policy import SYSTEM, Principal
from prism.errors import NotFound
from prism.filestore import FileStore
from prism.jobs.service import Progress
from prism.knowledge.access import may_read
from prism.knowledge.models import Item, Status
from prism.knowledge.service import get_item
from prism.markdown import to_text
from prism.render import documents
from prism.render import service as rendering
from prism.render.brief import Brief
from prism.render.layouts import DEFAULT_LAYOUT
from prism.render.schemas import RenderIn
from prism.toolkits.models import ToolkitEntry
from prism.toolkits.service import get_kit


def kit_zip(
    session: Session, actor: Principal, kit_id: int, *, store: FileStore, now: datetime
) -> tuple[str, bytes]:
    """The kit's files in order, outdated outputs rendered again first."""
    kit = get_kit(session, actor, kit_id)
    look = rendering.look_of(rendering.house_theme(session), store)
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
            faqs=[(i.title, to_text(i.body) or i.summary) for i in faqs],
        )
        files.append((f"{len(files) + 1:02d}-faqs.pdf", documents.pdf("faq_sheet", sheet, look)))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("CONTENTS.txt", "\n".join(contents) + "\n")
        for name, data in files:
            archive.writestr(name, data)
    return f"{_slug(kit.title)}.zip", buffer.getvalue()


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

    def produce(item_id: int, wanted: RenderIn) -> tuple[str, bytes]:
        if keep:
            made = rendering.render(session, actor, item_id, wanted, store=store, now=now).rendition
            return made.filename, store.get(made.file_key)
        name, _, data = rendering.current_file(
            session, actor, item_id, wanted, store=store, now=now
        )
        return name, data

    if entry.rendition is not None:
        try:
            return (*produce(entry.rendition.item_id, rendering.again(entry.rendition)), None)
        except NotFound:  # its source was unpublished since the kit was made
            return "", None, "its source is no longer published"
    item = entry.item
    assert item is not None
    if not may_read(actor, item) or item.status != Status.PUBLISHED:
        return "", None, "no longer published"
    if item.kind == "faq":
        return "", None, None
    if item.kind == "asset":
        loaded = get_item(session, actor, item.id, "asset")
        if loaded.file is None:
            return "", None, "the file has no content"
        return loaded.file.filename, store.get(loaded.file.sha256), None
    if (item.kind, "pdf") in DEFAULT_LAYOUT:
        layout = "one_pager" if item.kind in ("product", "solution") else None
        return (*produce(item.id, RenderIn(format="pdf", layout=layout)), None)
    sheet = Brief(title=item.title, subtitle=item.summary, kind_label=item.kind.replace("_", " "))
    look = rendering.look_of(rendering.house_theme(session), store)
    return f"{_slug(item.title)}.pdf", documents.pdf("item_sheet", sheet, look, item.body), None


def _label(entry: ToolkitEntry) -> str:
    if entry.item is not None:
        return entry.item.title
    assert entry.rendition is not None
    return entry.rendition.filename


def _slug(text: str) -> str:
    return re.sub(r"\W+", "-", text).strip("-").lower()[:100] or "toolkit"
