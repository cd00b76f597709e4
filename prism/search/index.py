"""Keeping the search index in step with the knowledge core: keyword documents (SQLite FTS5 or
PostgreSQL tsvector), the typo-correction vocabulary, and sentence embeddings."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Protocol

from sqlalchemy import Float, Integer, TextualSelect, delete, insert, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from prism.embeddings import default_embedder, to_bytes
from prism.knowledge.kinds import KINDS
from prism.knowledge.models import Embedding, Item, SearchTerm
from prism.search.text import QueryTerms, spaced, vocabulary

# Only so much of a long file's text goes into the keyword index; all of it is kept on the file.
MAX_INDEXED_CHARS = 100_000
# The embedding reads the opening of an item: title, summary, then the start of its body.
EMBEDDED_CHARS = 1_000


def document(item: Item) -> tuple[str, str]:
    """An item's title and the rest of its searchable text (fields, facets, file text)."""
    parts = [KINDS[item.kind].label, item.summary, item.body, *_field_texts(item.fields)]
    parts += [facet.name for facet in item.facets]
    if item.file is not None:
        parts += [item.file.filename, item.file.text]
    return item.title, "\n".join(p for p in parts if p)[:MAX_INDEXED_CHARS]


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
    return f"{item.title}. {item.summary}\n{item.body}"[:EMBEDDED_CHARS]


def index_items(session: Session, items: Sequence[Item], *, embed: bool = True) -> None:
    """(Re)index items after a change, in the caller's transaction."""
    if not items:
        return
    ids = [item.id for item in items]
    documents = [document(item) for item in items]
    _keywords(session).put(session, list(zip(ids, documents, strict=True)))
    _remember_words(session, documents)
    if embed:
        store_embeddings(session, ids, [embedding_text(item) for item in items])


def store_embeddings(session: Session, ids: Sequence[int], texts: Sequence[str]) -> None:
    embedder = default_embedder()
    vectors = embedder.embed(list(texts))
    # A new row (and row id) per change: the in-memory index catches up by reading higher ids.
    session.execute(delete(Embedding).where(Embedding.item_id.in_(ids)))
    session.execute(
        insert(Embedding),
        [
            {"item_id": item_id, "model": embedder.name, "vector": to_bytes(vector)}
            for item_id, vector in zip(ids, vectors, strict=True)
        ],
    )


def remove(session: Session, item_id: int) -> None:
    _keywords(session).remove(session, item_id)


def _remember_words(session: Session, documents: Sequence[tuple[str, str]]) -> None:
    words: set[str] = set()
    for title, rest in documents:
        words |= vocabulary(title) | vocabulary(rest)
    if not words:
        return
    rows = [{"term": word} for word in sorted(words)]
    dialect = session.get_bind().dialect.name
    upsert = pg_insert if dialect == "postgresql" else sqlite_insert
    for start in range(0, len(rows), 5_000):
        stmt = upsert(SearchTerm).values(rows[start : start + 5_000])
        session.execute(stmt.on_conflict_do_nothing(index_elements=["term"]))


class KeywordIndex(Protocol):
    """Full-text documents for one database engine."""

    def put(self, session: Session, docs: list[tuple[int, tuple[str, str]]]) -> None: ...

    def remove(self, session: Session, item_id: int) -> None: ...

    def matches(self, terms: QueryTerms) -> TextualSelect:
        """A query of (item_id, score) rows, best first when ordered by score descending."""
        ...


def _prefix(word: str) -> bool:
    # Prefix matching helps as-you-type queries; on one or two letters it would match anything.
    return len(word) >= 3


class Fts5Index:
    """SQLite FTS5 with the Porter stemmer; CJK characters arrive as single tokens."""

    def put(self, session: Session, docs: list[tuple[int, tuple[str, str]]]) -> None:
        ids = [{"id": item_id} for item_id, _ in docs]
        session.execute(text("DELETE FROM search_fts WHERE rowid = :id"), ids)
        session.execute(
            text("INSERT INTO search_fts (rowid, title, body) VALUES (:id, :title, :body)"),
            [
                {"id": item_id, "title": spaced(title), "body": spaced(body)}
                for item_id, (title, body) in docs
            ],
        )

    def remove(self, session: Session, item_id: int) -> None:
        session.execute(text("DELETE FROM search_fts WHERE rowid = :id"), {"id": item_id})

    def matches(self, terms: QueryTerms) -> TextualSelect:
        words = [f'"{word}"' + ("*" if _prefix(word) else "") for word in terms.words]
        phrases = ['"' + " ".join(phrase) + '"' for phrase in terms.phrases]
        # bm25 is lower for better matches; a title match counts ten times a body match.
        return (
            text(
                "SELECT rowid AS item_id, -bm25(search_fts, 10.0, 1.0) AS score "
                "FROM search_fts WHERE search_fts MATCH :match"
            )
            .bindparams(match=" OR ".join(words + phrases))
            .columns(item_id=Integer, score=Float)
        )


class TsvectorIndex:
    """PostgreSQL full text with the English configuration; titles weigh more than bodies."""

    def put(self, session: Session, docs: list[tuple[int, tuple[str, str]]]) -> None:
        session.execute(
            text(
                "INSERT INTO search_documents (item_id, document) VALUES (:id, "
                "setweight(to_tsvector('english', :title), 'A') || "
                "setweight(to_tsvector('english', :body), 'B')) "
                "ON CONFLICT (item_id) DO UPDATE SET document = EXCLUDED.document"
            ),
            [
                {"id": item_id, "title": spaced(title), "body": spaced(body)}
                for item_id, (title, body) in docs
            ],
        )

    def remove(self, session: Session, item_id: int) -> None:
        session.execute(text("DELETE FROM search_documents WHERE item_id = :id"), {"id": item_id})

    def matches(self, terms: QueryTerms) -> TextualSelect:
        words = [word + (":*" if _prefix(word) else "") for word in terms.words]
        phrases = ["(" + " <-> ".join(phrase) + ")" for phrase in terms.phrases]
        return (
            text(
                "SELECT item_id, ts_rank_cd(document, q) AS score "
                "FROM search_documents, to_tsquery('english', :match) AS q WHERE document @@ q"
            )
            .bindparams(match=" | ".join(words + phrases))
            .columns(item_id=Integer, score=Float)
        )


def _keywords(session: Session) -> KeywordIndex:
    return keyword_index(session.get_bind().dialect.name)


def keyword_index(dialect: str) -> KeywordIndex:
    return TsvectorIndex() if dialect == "postgresql" else Fts5Index()


def known_terms(session: Session, prefix: str, lengths: range) -> list[str]:
    """Indexed words starting with `prefix` whose length falls in `lengths`."""
    stmt = select(SearchTerm.term).where(SearchTerm.term.startswith(prefix, autoescape=True))
    return [t for t in session.scalars(stmt.limit(5_000)) if len(t) in lengths]
