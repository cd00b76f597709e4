"""Search over generated knowledge items on SQLite and PostgreSQL: indexing throughput and the
p50 / p95 latency of keyword, semantic and hybrid queries, beside a raw FTS5 MATCH (SQLite) or a
raw tsquery (PostgreSQL) on the same rows as the floor.

    python bench/search_bench.py [--items 100000] [--queries 60] [--backends sqlite,postgresql]

Writes bench/results/search.json. PostgreSQL is read from PRISM_TEST_DATABASE_URL (default: the
local server); a scratch database is created and dropped.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import time
import uuid
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from scratch import scratch_database  # bench/scratch.py, beside this script
from sqlalchemy import insert, select
from sqlalchemy.orm import selectinload

import prism.catalog  # noqa: F401
from prism.auth.policy import SYSTEM
from prism.db import Database, make_engine, utcnow
from prism.embeddings import Vectors, default_embedder, to_bytes
from prism.knowledge import indexing
from prism.knowledge.models import Item, Status
from prism.migrate import upgrade
from prism.search import index, service
from prism.search.models import Embedding
from prism.search.text import query_terms

RESULTS = Path(__file__).parent / "results"
WORDS = [
    "analytics",
    "retention",
    "churn",
    "cohort",
    "funnel",
    "replay",
    "dashboard",
    "privacy",
    "consent",
    "residency",
    "audit",
    "evidence",
    "encryption",
    "tokenisation",
    "approval",
    "workflow",
    "connector",
    "deadline",
    "invoice",
    "onboarding",
    "adoption",
    "pricing",
    "discount",
    "renewal",
    "security",
    "compliance",
    "governance",
    "discovery",
    "classification",
    "access",
    "review",
    "banking",
    "healthcare",
    "retail",
    "manufacturing",
    "government",
    "insurance",
    "logistics",
    "customer",
    "partner",
    "migration",
    "integration",
    "warehouse",
    "pipeline",
    "forecast",
    "segment",
    "persona",
    "latency",
    "uptime",
    "scaling",
    "deployment",
    "region",
    "sovereignty",
    "identity",
    "login",
    "password",
    "token",
]
CHINESE = ["数据", "驻留", "审计", "留存", "安全", "合规", "客户", "分析", "流程", "审批"]
KINDS = ("faq", "solution", "story", "battlecard", "feature", "proof_point")


def generate(n: int, seed: int = 7) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    now = utcnow()
    rows = []
    for i in range(n):
        words = rng.sample(WORDS, 12)
        title = " ".join(words[:5]).capitalize()
        summary = " ".join(words[5:12])
        if i % 20 == 0:
            title += " " + "".join(rng.sample(CHINESE, 2))
        rows.append(
            {
                "uid": str(uuid.uuid4()),
                "kind": KINDS[i % len(KINDS)],
                "title": title,
                "summary": summary,
                "body": f"{title}. {summary}. Item {i}.",
                "fields": {},
                "status": Status.PUBLISHED,
                "review_due_at": now,
            }
        )
    return rows


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def embed_all(rows: list[dict[str, Any]]) -> tuple[Vectors, float]:
    """Every row's embedding, once for both backends (the same rows get the same vectors), and
    the embedding throughput in items per second."""
    fields = ("title", "summary", "body")
    texts = [indexing.embedding_text(Item(**{f: row[f] for f in fields})) for row in rows]
    embedder = default_embedder()
    embedder.embed(texts[:8])  # load the model outside the timing
    started = time.perf_counter()
    vectors = embedder.embed(texts)
    return vectors, len(rows) / (time.perf_counter() - started)


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
    args = parser.parse_args()
    rng = random.Random(11)
    queries = [" ".join(rng.sample(WORDS, rng.randint(1, 4))) for _ in range(args.queries - 6)]
    queries += [
        "securty audit",
        "retension cohort",
        "数据驻留",
        "审计",
        "how do we handle data residency",
        "churn",
    ]
    rows = generate(args.items)
    vectors, per_second = embed_all(rows)
    print(f"embedded {len(rows)} items at {per_second:.0f} items/s")
    results = []
    for backend in args.backends.split(","):
        with scratch_database(backend, "prism-search-bench") as url:
            results.append(run(backend, url, rows, vectors, queries))
        print(json.dumps(results[-1], indent=2))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "search.json").write_text(
        json.dumps(
            {
                "cpus": os.cpu_count(),
                "items": args.items,
                "embedding_items_per_s": round(per_second),
                "runs": results,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
