"""Search's own tables: each item's sentence embedding, the vocabulary typo tolerance corrects
against, and the queries that found nothing. (The keyword documents live in an FTS5 table on
SQLite and a tsvector table on PostgreSQL, made by the migrations.) Rows name items by id only,
so search sits below the knowledge core."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from prism.db import Base, utcnow


class Embedding(Base):
    """An item's sentence embedding (float32 bytes), from which the vector index is rebuilt."""

    __tablename__ = "item_embeddings"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), unique=True)
    model: Mapped[str] = mapped_column(String(100))
    vector: Mapped[bytes] = mapped_column(LargeBinary)


class SearchTerm(Base):
    """Every word ever indexed: the vocabulary that typo tolerance corrects queries against."""

    __tablename__ = "search_terms"

    term: Mapped[str] = mapped_column(String(60), primary_key=True)


class SearchMiss(Base):
    """A query that found nothing: the content backlog editors read."""

    __tablename__ = "search_misses"

    id: Mapped[int] = mapped_column(primary_key=True)
    query: Mapped[str] = mapped_column(String(200), unique=True)
    count: Mapped[int] = mapped_column(default=1)
    first_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
