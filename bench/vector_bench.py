"""The vector index against the exact scan it replaced: search time, recall@10 and memory at
100,000 items of the realistic corpus, and at 1,000,000.

    python bench/vector_bench.py [--items 100000] [--million] [--queries 200]

The 100,000 vectors are real embeddings of the realistic corpus (bench/corpus.py; cached, so
only the first run embeds). A million real embeddings would take two hours to make here, so the
million is the same vectors ten times over, each copy nudged (Gaussian noise, 0.02 per
dimension, then normalised): their neighbourhoods are as dense as real ones, a little denser,
which is the harder case for a graph. Recall@10 is against the exact scan of the same matrix;
queries are the embedded realistic queries. Writes bench/results/vectors.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import faiss
import numpy as np
from corpus import embed_cached, embedding_texts, realistic, realistic_queries
from search_bench import percentile

from prism.search import service
from prism.search import vectors as prism_vectors

RESULTS = Path(__file__).parent / "results"


def timed(fn: Any, queries: np.ndarray) -> tuple[list[np.ndarray], dict[str, float]]:
    found, times = [], []
    for q in queries:
        t0 = time.perf_counter()
        found.append(fn(q))
        times.append((time.perf_counter() - t0) * 1000)
    return found, {
        "p50_ms": round(statistics.median(times), 3),
        "p95_ms": round(percentile(times, 0.95), 3),
    }


def exact_top(matrix: np.ndarray, q: np.ndarray, k: int = 10) -> np.ndarray:
    scores = matrix @ q
    top = np.argpartition(-scores, k - 1)[:k]
    return top[np.argsort(-scores[top])]


def recall(found: list[np.ndarray], truth: list[np.ndarray]) -> float:
    return round(
        float(
            np.mean(
                [
                    len(set(f.tolist()) & set(t.tolist())) / len(t)
                    for f, t in zip(found, truth, strict=True)
                ]
            )
        ),
        4,
    )


def measure(matrix: np.ndarray, queries: np.ndarray) -> dict[str, Any]:
    n = len(matrix)
    figures: dict[str, Any] = {"items": n, "matrix_mb": round(matrix.nbytes / 1e6)}
    truth, figures["exact_scan"] = timed(lambda q: exact_top(matrix, q), queries)
    graph = prism_vectors._new_graph(matrix.shape[1])  # exactly what Prism builds
    t0 = time.perf_counter()
    graph.add(np.ascontiguousarray(matrix))
    figures["build_s"] = round(time.perf_counter() - t0, 1)
    # What search asks of it: three times the candidates it fuses, as wide a walk as that.
    asked = service.CANDIDATES * 3
    wide, _ = timed(lambda q: exact_top(matrix, q, asked), queries)
    graph.hnsw.efSearch = max(prism_vectors.search_width(n), asked)
    found, times = timed(lambda q: graph.search(q[None], asked)[1][0], queries)
    figures[f"as_search_asks_k{asked}"] = {**times, f"recall_at_{asked}": recall(found, wide)}
    for expansion in (64, 128, 256, 512):
        graph.hnsw.efSearch = expansion
        found, times = timed(lambda q: graph.search(q[None], 10)[1][0], queries)
        figures[f"graph_ef{expansion}"] = {**times, "recall_at_10": recall(found, truth)}
    figures["prism_search_width"] = prism_vectors.search_width(n)
    saved = Path(tempfile.gettempdir()) / f"prism-vector-bench-{os.getpid()}.faiss"
    t0 = time.perf_counter()
    faiss.write_index(graph, str(saved))
    figures["save_s"] = round(time.perf_counter() - t0, 2)
    t0 = time.perf_counter()
    faiss.read_index(str(saved))
    figures["load_s"] = round(time.perf_counter() - t0, 2)
    # What the graph holds in memory is what it writes: 16-bit vectors and the links.
    figures["graph_mb"] = round(saved.stat().st_size / 1e6)
    saved.unlink()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--million", action="store_true", help="also 1,000,000 (a few minutes)")
    args = parser.parse_args()
    rows = realistic(args.items)
    matrix, embedded, rate = embed_cached(embedding_texts(rows))
    print(f"{len(rows)} items; {embedded} embedded now" + (f" at {rate:.0f}/s" if embedded else ""))
    queries, *_ = embed_cached(realistic_queries(rows, args.queries))
    runs = [measure(matrix, queries)]
    print(json.dumps(runs[-1], indent=2))
    if args.million:
        rng = np.random.default_rng(5)
        copies = -(-1_000_000 // len(matrix))
        big = np.concatenate(
            [
                matrix + 0.02 * rng.standard_normal(matrix.shape, dtype=np.float32)
                for _ in range(copies)
            ]
        )[:1_000_000]
        big /= np.linalg.norm(big, axis=1, keepdims=True)
        runs.append(measure(big, queries[: args.queries // 2]))
        print(json.dumps(runs[-1], indent=2))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "vectors.json").write_text(
        json.dumps(
            {"cpus": os.cpu_count(), "exact_up_to": prism_vectors.EXACT_UP_TO, "runs": runs},
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
