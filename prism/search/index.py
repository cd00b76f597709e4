"""The search index: keyword documents (SQLite FTS5 or PostgreSQL tsvector), the typo-correction
vocabulary and sentence embeddings, of plain documents (id, title, text). It knows nothing of
items: the knowledge core turns an item into a document (`knowledge/indexing.py`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import Float, Integer, TextualSelect, delete, insert, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from prism import chinese
from prism.embeddings import default_embedder, to_bytes
from prism.search.models import Embedding, SearchTerm
from prism.search.text import QueryTerms, spaced, vocabulary

# Only so much of a long text goes into the keyword index; all of it is kept where it came from.
MAX_INDEXED_CHARS = 100_000
# The embedding reads a document's opening.
EMBEDDED_CHARS = 1_000


@dataclass(frozen=True)
class Document:
    """What the index keeps of one record: its id, its title, the rest of its searchable text,
    and the opening its sentence embedding reads."""

    id: int
    title: str
    text: str
    opening: str


def index_documents(session: Session, documents: Sequence[Document], *, embed: bool = True) -> None:
    """(Re)index records after a change, in the caller's transaction."""
    if not documents:
        return
    texts = [(d.title, _with_gloss(d.title, d.text[:MAX_INDEXED_CHARS])) for d in documents]
    _keywords(session).put(session, [(d.id, t) for d, t in zip(documents, texts, strict=True)])
    _remember_words(session, texts)
    if embed:
        store_embeddings(
            session, [d.id for d in documents], [d.opening[:EMBEDDED_CHARS] for d in documents]
        )


def _with_gloss(title: str, text: str) -> str:
    """A document holding Chinese is also found by the English words of its gloss (a question
    in English finds the Chinese answer); the gloss is indexed as body text, weighing less."""
    head = f"{title}\n{text[:EMBEDDED_CHARS]}"
    return f"{text}\n{chinese.gloss(head)}" if chinese.has_han(head) else text


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

    def matches(
        self, terms: QueryTerms, *, best: int | None = None, every: bool = False
    ) -> TextualSelect:
        """A query of (item_id, score) rows, best first when ordered by score descending;
        only the `best` highest-scoring when given (cheaper than sorting every match); only
        items with every term when `every` (else any term)."""
        ...


def _prefixed(words: Sequence[str], quote: str, mark: str) -> list[str]:
    """The last word also matches as a prefix: it may be the one still being typed. Earlier
    words match whole (cheaper: a prefix merges the postings of every word it starts), and a
    prefix of one or two letters would match anything."""
    return [
        quote + word + quote + (mark if i == len(words) - 1 and len(word) >= 3 else "")
        for i, word in enumerate(words)
    ]


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

    def matches(
        self, terms: QueryTerms, *, best: int | None = None, every: bool = False
    ) -> TextualSelect:
        words = _prefixed(terms.words, '"', "*")
        phrases = ['"' + " ".join(phrase) + '"' for phrase in terms.phrases]
        # bm25 is lower for better matches; a title match counts ten times a body match.
        return _scored(
            "SELECT rowid AS item_id, -bm25(search_fts, 10.0, 1.0) AS score "
            "FROM search_fts WHERE search_fts MATCH :match",
            (" AND " if every else " OR ").join(words + phrases),
            best,
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

    def matches(
        self, terms: QueryTerms, *, best: int | None = None, every: bool = False
    ) -> TextualSelect:
        words = _prefixed(terms.words, "", ":*")
        phrases = ["(" + " <-> ".join(phrase) + ")" for phrase in terms.phrases]
        return _scored(
            "SELECT item_id, ts_rank_cd(document, q) AS score "
            "FROM search_documents, to_tsquery('english', :match) AS q WHERE document @@ q",
            (" & " if every else " | ").join(words + phrases),
            best,
        )


def _scored(sql: str, match: str, best: int | None) -> TextualSelect:
    """(item_id, score) rows of `sql` for the index query `match`; the `best` highest only,
    when given."""
    params: dict[str, Any] = {"match": match}
    if best is not None:
        sql += " ORDER BY score DESC LIMIT :best"
        params["best"] = best
    return text(sql).bindparams(**params).columns(item_id=Integer, score=Float)


def _keywords(session: Session) -> KeywordIndex:
    return keyword_index(session.get_bind().dialect.name)


def keyword_index(dialect: str) -> KeywordIndex:
    return TsvectorIndex() if dialect == "postgresql" else Fts5Index()


def known_terms(session: Session, prefix: str, lengths: range) -> list[str]:
    """Indexed words starting with `prefix` whose length falls in `lengths`."""
    stmt = select(SearchTerm.term).where(SearchTerm.term.startswith(prefix, autoescape=True))
    return [t for t in session.scalars(stmt.limit(5_000)) if len(t) in lengths]
