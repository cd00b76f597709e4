"""Items as the search index sees them: the title, the rest of their searchable text (fields,
facets, an uploaded file's text) and the opening their embedding reads; indexing items after a
change, and rebuilding the whole index."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from prism.knowledge.kinds import KINDS
from prism.knowledge.models import Item
from prism.search import index
from prism.search.index import Document


def document(item: Item) -> Document:
    """An item's title and the rest of its searchable text (fields, facets, file text)."""
    parts = [KINDS[item.kind].label, item.summary, item.body, *_field_texts(item.fields)]
    parts += [facet.name for facet in item.facets]
    if item.file is not None:
        parts += [item.file.filename, item.file.text]
    rest = "\n".join(p for p in parts if p)
    return Document(item.id, item.title, rest, embedding_text(item))


def _field_texts(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for inner in value.values():
            yield from _field_texts(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _field_texts(inner)


def embedding_text(item: Item) -> str:
    """What an item's embedding reads: its title, summary, then the start of its body."""
    return f"{item.title}. {item.summary}\n{item.body}"[: index.EMBEDDED_CHARS]


def index_items(session: Session, items: Sequence[Item], *, embed: bool = True) -> None:
    """(Re)index items after a change, in the caller's transaction."""
    index.index_documents(session, [document(item) for item in items], embed=embed)


def reindex(
    session: Session, *, batch: int = 256, done: Callable[[int, int], None] | None = None
) -> int:
    """Rebuild every item's keyword document, vocabulary and embedding, `batch` items at a time;
    `done(indexed, total)` is called after each batch (a caller may commit there)."""
    total = session.scalar(select(func.count()).select_from(Item)) or 0
    indexed, last = 0, 0
    while True:
        items = list(
            session.scalars(
                select(Item)
                .where(Item.id > last)
                .order_by(Item.id)
                .limit(batch)
                .options(selectinload(Item.facets), selectinload(Item.file))
            )
        )
        if not items:
            break
        index_items(session, items)
        indexed, last = indexed + len(items), items[-1].id
        if done is not None:
            done(indexed, total)
    return indexed
