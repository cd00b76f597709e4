"""Search over generated knowledge items on SQLite and PostgreSQL: indexing throughput and the
p50 / p95 latency of keyword, semantic and hybrid queries, beside a raw FTS5 MATCH (SQLite) or a
raw tsquery (PostgreSQL) on the same rows as the floor, with hybrid's p95 as a multiple of it.
Two corpora (bench/corpus.py): a realistic one (what users will feel) and the keyword index's
worst case (a 50-word vocabulary). Embeddings are cached between runs by content hash.

    python bench/search_bench.py [--items 100000] [--queries 60] [--backends sqlite,postgresql]
                                 [--corpora realistic,worst_case]

Writes bench/results/search.json. PostgreSQL is read from PRISM_TEST_DATABASE_URL (default: the
local server); a scratch database is created and dropped.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import corpus  # bench/corpus.py, beside this script
from scratch import scratch_database  # bench/scratch.py, beside this script
from sqlalchemy import insert, select
from sqlalchemy.orm import selectinload

import prism.catalog  # noqa: F401
from prism.auth.policy import SYSTEM
from prism.db import Database, make_engine, utcnow
from prism.embeddings import Vectors, to_bytes
from prism.knowledge import indexing
from prism.knowledge.models import Item
from prism.migrate import upgrade
from prism.search import index, service
from prism.search.models import Embedding
from prism.search.text import query_terms

RESULTS = Path(__file__).parent / "results"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def run(
    backend: str, url: str, rows: list[dict[str, Any]], vectors: Vectors, queries: list[str]
) -> dict[str, Any]:
    engine = make_engine(url)
    upgrade(engine)
    database = Database(engine)
    n = len(rows)
    figures: dict[str, Any] = {"backend": backend, "items": n}
    with database.session_scope() as session:
        session.execute(insert(Item), rows)
    batch = 2_000
    keyword_s = 0.0
    with database.session_scope() as session:
        for start in range(1, n + 1, batch):
            stmt = (
                select(Item)
                .where(Item.id >= start, Item.id < start + batch)
                .options(selectinload(Item.facets), selectinload(Item.file))
            )
            items = list(session.scalars(stmt))
            t0 = time.perf_counter()
            indexing.index_items(session, items, embed=False)
            keyword_s += time.perf_counter() - t0
            session.execute(
                insert(Embedding),
                [
                    {
                        "item_id": i.id,
                        "model": "all-MiniLM-L6-v2",
                        "vector": to_bytes(vectors[i.id - 1]),
                    }
                    for i in items
                ],
            )
    figures["keyword_index_items_per_s"] = round(n / keyword_s)
    now = utcnow()
    with database.session_scope(writes=False) as session:
        service.search(session, SYSTEM, "warm up the model and the vector index", now=now)
        for mode in ("keyword", "semantic", "hybrid"):
            # Every measured query is embedded afresh: no help from the query cache.
            service.query_vector.cache_clear()
            times = []
            for q in queries:
                t0 = time.perf_counter()
                service.search(session, SYSTEM, q, mode=mode, now=now)  # type: ignore[arg-type]
                times.append((time.perf_counter() - t0) * 1000)
            figures[mode] = {
                "p50_ms": round(statistics.median(times), 2),
                "p95_ms": round(percentile(times, 0.95), 2),
            }
        floor = []
        keywords = index.keyword_index(backend)
        for q in queries:
            raw = keywords.matches(query_terms(q)).subquery()
            stmt = select(raw.c.item_id).order_by(raw.c.score.desc()).limit(20)
            t0 = time.perf_counter()
            session.execute(stmt).all()
            floor.append((time.perf_counter() - t0) * 1000)
        label = "raw_fts5_match" if backend == "sqlite" else "raw_tsquery"
        figures[label] = {
            "p50_ms": round(statistics.median(floor), 2),
            "p95_ms": round(percentile(floor, 0.95), 2),
        }
    engine.dispose()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=60)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--corpora", default="realistic,worst_case")
    args = parser.parse_args()
    results = []
    report: dict[str, Any] = {"cpus": os.cpu_count(), "items": args.items, "runs": results}
    for name in args.corpora.split(","):
        if name == "realistic":
            rows = corpus.realistic(args.items)
            queries = corpus.realistic_queries(rows, args.queries)
        else:
            rows = corpus.worst_case(args.items)
            queries = corpus.worst_case_queries(args.queries)
        vectors, embedded, rate = corpus.embed_cached(corpus.embedding_texts(rows))
        print(
            f"{name}: {len(rows)} items, {embedded} embedded now"
            + (f" at {rate:.0f}/s" if embedded else " (all cached)")
        )
        if embedded:
            report["embedding_items_per_s"] = round(rate)
        corpus.embed_cached(queries)  # the queries' vectors are not what is measured
        for backend in args.backends.split(","):
            with scratch_database(backend, "prism-search-bench") as url:
                figures = {"corpus": name, **run(backend, url, rows, vectors, queries)}
            floor = figures.get("raw_fts5_match") or figures["raw_tsquery"]
            figures["hybrid_p95_over_floor_p95"] = round(
                figures["hybrid"]["p95_ms"] / floor["p95_ms"], 2
            )
            results.append(figures)
            print(json.dumps(figures, indent=2))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "search.json").write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
