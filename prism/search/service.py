"""One search box over the whole knowledge core: keyword and semantic results fused, filtered
by facets and by what the searcher may read, with highlights and typo tolerance."""

from __future__ import annotations

import os
from collections import Counter
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import lru_cache
from typing import Literal

from markupsafe import Markup
from rapidfuzz.distance import Levenshtein
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, selectinload

from prism import chinese
from prism.auth.policy import Action, Principal, require
from prism.embeddings import Vectors, default_embedder
from prism.knowledge.models import Facet, Item, ItemFacet
from prism.knowledge.service import ItemFilter, filtered
from prism.markdown import to_text
from prism.pagination import PageOf, paginate
from prism.search import vectors
from prism.search.index import EMBEDDED_CHARS, keyword_index, known_terms
from prism.search.models import SearchMiss, SearchTerm
from prism.search.text import QueryTerms, highlight, query_terms, word_base
from prism.search.vectors import Neighbour

Mode = Literal["hybrid", "keyword", "semantic"]
# Reciprocal rank fusion's damping constant (Cormack et al.): ranks beyond ~60 matter little.
RRF_K = 60
CANDIDATES = 100
# How many of the keyword index's best matches are filtered before falling back to all of them.
POOL = 1_000
# Cosine similarity below which all-MiniLM-L6-v2 neighbours are unrelated text.
SEMANTIC_FLOOR = 0.30
_BESIDE = ThreadPoolExecutor(max_workers=os.cpu_count() or 2, thread_name_prefix="prism-search")


@dataclass(frozen=True)
class Hit:
    item: Item
    score: float
    highlight: Markup
    found_by: tuple[str, ...]


@dataclass
class Results:
    query: str
    hits: list[Hit]
    total: int
    corrections: dict[str, str] = field(default_factory=dict)
    facets: dict[str, dict[str, int]] = field(default_factory=dict)


def search(
    session: Session,
    actor: Principal,
    query: str,
    spec: ItemFilter = ItemFilter(),
    *,
    mode: Mode = "hybrid",
    limit: int = 20,
    now: datetime,
    remember_miss: bool = True,
) -> Results:
    """The items `actor` may read that best answer `query`, narrowed by `spec`. A query that
    finds nothing is kept for the library's owners (`remember_miss`): a person asked it."""
    require(actor, Action.READ_PUBLISHED)
    terms = query_terms(query)
    near: Future[list[Neighbour]] | None = None
    # all-MiniLM-L6-v2 reads English; Chinese reaches it glossed (`prism.chinese`).
    if mode != "keyword" and not terms.empty:
        index = vectors.index_for(session, default_embedder().dimensions)
        # The model and the matrix scan run beside the keyword query; all three release the GIL.
        near = _BESIDE.submit(_nearest, index, query)
    corrections = _corrections(session, terms) if mode != "semantic" else {}
    widened = replace(terms, words=terms.words + tuple(corrections.values()) + _glossed(terms))
    ranked: dict[str, list[int]] = {}
    if mode != "semantic" and not widened.empty:
        ranked["keyword"] = keyword_ids(session, actor, widened, spec)
    if near is not None:
        ranked["semantic"] = semantic_ids(session, actor, near.result(), spec)
    fused = _fuse(ranked)
    if not fused and remember_miss:
        record_miss(session, query, now)
    return _results(session, query, widened, fused, ranked, corrections, limit)


def _glossed(terms: QueryTerms) -> tuple[str, ...]:
    """The English words of a Chinese query's gloss, so that it finds English items by keyword
    too (the Chinese words still find Chinese items)."""
    if not terms.phrases:
        return ()
    extra = query_terms(chinese.gloss(" ".join(terms.phrases))).words
    return tuple(w for w in extra if w not in terms.words)


def keyword_ids(
    session: Session, actor: Principal, terms: QueryTerms, spec: ItemFilter
) -> list[int]:
    """Best keyword matches first, only among items the filters and permissions allow.

    Cheapest first: items with every term (when there are several), then items with any term.
    Items with every term rank first among those with any, so when there are enough of them
    the wider query would show the same; and the common words of a long question can match
    most of the library, which costs time to score. Each step first filters only the index's
    best `POOL` matches: joining every match to its item costs more than ranking them."""
    keywords = keyword_index(session.get_bind().dialect.name)
    several = len(terms.words) + len(terms.phrases) > 1
    steps: list[tuple[bool, int | None]] = [(True, POOL)] if several else []
    steps += [(False, POOL), (False, None)]
    ids: list[int] = []
    for every, pool in steps:
        matches = keywords.matches(terms, best=pool, every=every).subquery()
        stmt = select(matches.c.item_id).join(Item, Item.id == matches.c.item_id)
        stmt = filtered(stmt, actor, spec).order_by(matches.c.score.desc()).limit(CANDIDATES)
        ids = list(session.scalars(stmt))
        if len(ids) == CANDIDATES:
            break
    return ids


def _nearest(index: vectors.VectorIndex, query: str) -> list[Neighbour]:
    return index.nearest(query_vector(query), k=CANDIDATES * 3, threshold=SEMANTIC_FLOOR)


def semantic_ids(
    session: Session, actor: Principal, near: list[Neighbour], spec: ItemFilter
) -> list[int]:
    """The nearest items by meaning that the filters and permissions allow, checked against the
    database (the vectors in memory may be a moment behind it)."""
    if not near:
        return []
    stmt = filtered(select(Item.id, Item.uid), actor, spec).where(  # type: ignore[arg-type]
        Item.id.in_([n.item_id for n in near])
    )
    allowed = {row[0]: row[1] for row in session.execute(stmt)}
    return [n.item_id for n in near if allowed.get(n.item_id) == n.uid][:CANDIDATES]


@lru_cache(maxsize=1024)
def query_vector(query: str) -> Vectors:
    """A query's embedding; repeated and as-you-type queries skip the model."""
    vector: Vectors = default_embedder().embed([query])[0]
    return vector


def _fuse(ranked: dict[str, list[int]]) -> list[tuple[int, float, tuple[str, ...]]]:
    scores: dict[int, float] = {}
    sources: dict[int, list[str]] = {}
    for source, ids in ranked.items():
        for rank, item_id in enumerate(ids):
            scores[item_id] = scores.get(item_id, 0.0) + 1 / (RRF_K + rank + 1)
            sources.setdefault(item_id, []).append(source)
    best = sorted(scores.items(), key=lambda pair: (-pair[1], pair[0]))
    return [(item_id, score, tuple(sources[item_id])) for item_id, score in best]


def _results(
    session: Session,
    query: str,
    terms: QueryTerms,
    fused: list[tuple[int, float, tuple[str, ...]]],
    ranked: dict[str, list[int]],
    corrections: dict[str, str],
    limit: int,
) -> Results:
    top = fused[:limit]
    items = {
        item.id: item
        for item in session.scalars(
            select(Item)
            .where(Item.id.in_([i for i, _, _ in top]))
            .options(selectinload(Item.facets), selectinload(Item.file))
        )
    }
    hits = [
        Hit(items[i], score, highlight(_snippet_source(items[i]), terms), found_by)
        for i, score, found_by in top
        if i in items
    ]
    facets = facet_counts(session, [i for i, _, _ in fused])
    return Results(query, hits, len(fused), corrections, facets)


def _snippet_source(item: Item) -> str:
    """What a hit's snippet is cut from: the item as a reader sees it (its markdown rendered to
    plain text, so no "##" or "**"), then its file's text."""
    text = f"{item.title}. {item.summary}\n{to_text(item.body[: EMBEDDED_CHARS * 2])}"
    return text if item.file is None else f"{text}\n{item.file.text}"


def facet_counts(session: Session, ids: list[int]) -> dict[str, dict[str, int]]:
    """How the matches spread over kind, status, audience and each taxonomy list."""
    if not ids:
        return {}
    counts: dict[str, Counter[str]] = {}
    for kind, status, audience in session.execute(
        select(Item.kind, Item.status, Item.audience).where(Item.id.in_(ids))
    ):
        counts.setdefault("kind", Counter())[kind] += 1
        counts.setdefault("status", Counter())[status.value] += 1
        counts.setdefault("audience", Counter())[audience.value] += 1
    for dimension, facet_id, name in session.execute(
        select(Facet.dimension, Facet.id, Facet.name)
        .join(ItemFacet, ItemFacet.facet_id == Facet.id)
        .where(ItemFacet.item_id.in_(ids))
    ):
        counts.setdefault(dimension.value, Counter())[f"{facet_id}:{name}"] += 1
    return {key: dict(counter.most_common()) for key, counter in counts.items()}


def _corrections(session: Session, terms: QueryTerms) -> dict[str, str]:
    """For each word the index has never seen, the closest word it has (typo tolerance)."""
    fixes: dict[str, str] = {}
    for word in terms.words:
        if len(word) < 4 or not word.isalpha() or _known(session, word):
            continue
        allowed = 1 if len(word) <= 5 else 2
        candidates = known_terms(
            session, word[:1], range(len(word) - allowed, len(word) + allowed + 1)
        )
        scored = sorted(
            (Levenshtein.distance(word, c, score_cutoff=allowed), c) for c in candidates
        )
        best = [(d, c) for d, c in scored if d <= allowed]
        if best:
            fixes[word] = best[0][1]
    return fixes


def _known(session: Session, word: str) -> bool:
    """Is `word` in the index, itself or in another form of it ("records" when only "record"
    and "recorded" were indexed)? A correctly spelled word is never "corrected"."""
    if session.get(SearchTerm, word) is not None:
        return True
    base = word_base(word)
    return any(
        word_base(term) == base
        for term in known_terms(session, word[:4], range(len(base), len(word) + 4))
    )


def record_miss(session: Session, query: str, now: datetime) -> None:
    """Remember a query that found nothing; best effort, never failing the search itself."""
    text = " ".join(query.lower().split())[:200]
    if not text:
        return
    try:
        with session.begin_nested():
            miss = session.scalar(select(SearchMiss).where(SearchMiss.query == text))
            if miss is None:
                session.add(SearchMiss(query=text, first_at=now, last_at=now))
            else:
                miss.count += 1
                miss.last_at = now
    except (OperationalError, IntegrityError):
        # A busy SQLite write lock or a concurrent first miss: better a missed count than a
        # slow or failed search.
        return


def list_misses(
    session: Session, actor: Principal, *, limit: int = 50, cursor: str | None = None
) -> PageOf[SearchMiss]:
    """Queries that found nothing, most recent first: the content backlog."""
    require(actor, Action.EDIT_CONTENT)
    return paginate(
        session,
        select(SearchMiss),
        key=SearchMiss.id,
        limit=limit,
        cursor=cursor,
        newest_first=True,
    )
