"""Uploaded files as library items: checked, their text extracted, stored, and served back."""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy.orm import Session

from prism.auth.policy import Action, Principal, require
from prism.errors import NotFound
from prism.filestore import FileStore, file_store
from prism.i18n import _
from prism.knowledge import files
from prism.knowledge.models import Audience, Item, ItemFile
from prism.knowledge.schemas import ItemIn
from prism.knowledge.service import create_item, get_item
from prism.schemas import parse
from prism.settings import Settings


def upload(
    session: Session,
    actor: Principal,
    *,
    filename: str,
    data: bytes,
    details: ItemIn,
    store: FileStore,
    max_bytes: int,
    now: datetime,
) -> Item:
    """A new file item; the file is checked and read before anything is written anywhere."""
    require(actor, Action.PROPOSE_CONTENT)
    found = files.inspect(filename, data, max_bytes=max_bytes)
    attached = ItemFile(
        filename=filename[-255:],
        media_type=found.format.media_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        text=found.text,
        pages=found.pages,
    )
    item = create_item(session, actor, "asset", details, now=now, file=attached)
    # Stored last: a refused upload leaves no file behind.
    store.put(data)
    return item


def upload_posted(
    session: Session,
    actor: Principal,
    settings: Settings,
    *,
    filename: str,
    data: bytes,
    title: str,
    summary: str,
    audience: Audience,
    now: datetime,
) -> Item:
    """An upload as the API and the upload page receive it; the title defaults to the name."""
    details = parse(ItemIn, {"title": title or filename, "summary": summary, "audience": audience})
    return upload(
        session,
        actor,
        filename=filename,
        data=data,
        details=details,
        store=file_store(settings),
        max_bytes=settings.max_body_bytes,
        now=now,
    )


def download(
    session: Session, actor: Principal, item_id: int, store: FileStore
) -> tuple[ItemFile, bytes]:
    """A file item's original bytes, if `actor` may read the item."""
    item = get_item(session, actor, item_id, "asset")
    if item.file is None:
        raise NotFound(_("File {item_id} has no content.", item_id=item_id))
    return item.file, store.get(item.file.sha256)
