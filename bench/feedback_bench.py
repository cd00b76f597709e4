"""Feedback clustering on CLINC150 (../shared/data/clinc150/test.csv, 4,500 utterances, 150
intents): themes found without being told K, scored against the intent labels (NMI, ARI, and
accuracy after Hungarian matching), end-to-end throughput (embedding + clustering), and the
latency of placing one new item among the existing themes, both alone (embed + nearest centre)
and through the service on SQLite (embed, place, store, update the theme).

    python bench/feedback_bench.py [--file PATH] [--k N] [--place 50]

Writes bench/results/feedback.json.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np
from scipy.optimize import linear_sum_assignment
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

from prism.embeddings import default_embedder
from prism.grouping import clustering

RESULTS = Path(__file__).parent / "results"
DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "clinc150" / "test.csv"


def accuracy(truth: list[str], found: np.ndarray) -> float:
    """Share of items right once each found theme is matched to one label (Hungarian)."""
    names = {name: i for i, name in enumerate(sorted(set(truth)))}
    labels = np.array([names[t] for t in truth])
    counts = np.zeros((int(found.max()) + 1, len(names)))
    np.add.at(counts, (found, labels), 1)
    rows, cols = linear_sum_assignment(-counts)
    return float(counts[rows, cols].sum() / len(truth))


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def place_in_service(
    texts: list[str], vectors: np.ndarray, found: np.ndarray, runs: int
) -> dict[str, float]:
    """Load the clustered items into a scratch SQLite database as themes, then time the
    service's intake of new items (embedding included)."""
    from sqlalchemy import insert

    import prism.catalog  # noqa: F401
    from prism.auth.policy import SYSTEM
    from prism.db import Database, make_engine
    from prism.embeddings import to_bytes
    from prism.feedback import service
    from prism.feedback.models import FeedbackItem, FeedbackTheme
    from prism.feedback.schemas import FeedbackIn
    from prism.migrate import upgrade

    with tempfile.TemporaryDirectory() as scratch:
        url = f"sqlite:///{scratch}/bench.db"
        engine = make_engine(url)
        upgrade(engine)
        database = Database(engine)
        labels = clustering.label_themes(texts, found)
        sums = clustering.sums(vectors, found)
        with database.session_scope() as session:
            session.execute(
                insert(FeedbackTheme),
                [
                    {
                        "id": i + 1,
                        "label": label,
                        "vector_sum": to_bytes(sums[i].astype(np.float32)),
                    }
                    for i, label in enumerate(labels)
                ],
            )
            session.execute(
                insert(FeedbackItem),
                [
                    {"text": text, "theme_id": int(theme) + 1, "vector": to_bytes(vector)}
                    for text, theme, vector in zip(texts, found, vectors, strict=True)
                ],
            )
        timings = []
        for i in range(runs):
            started = time.perf_counter()
            with database.session_scope() as session:
                service.submit(session, SYSTEM, FeedbackIn(text=f"{texts[i * 7]} (again {i})"))
            timings.append((time.perf_counter() - started) * 1000)
        database.dispose()
    return {"p50_ms": statistics.median(timings), "p95_ms": percentile(timings, 0.95)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--file", type=Path, default=DATA)
    parser.add_argument("--k", type=int, default=None, help="fix the number of themes")
    parser.add_argument("--place", type=int, default=50, help="new items to place")
    args = parser.parse_args()

    with args.file.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    texts = [row["text"] for row in rows]
    truth = [row["intent"] for row in rows]
    embedder = default_embedder()
    embedder.embed(["warm up: the model loads once per process"])

    started = time.perf_counter()
    vectors = embedder.embed(texts)
    embedded = time.perf_counter()
    found = clustering.cluster(vectors, k=args.k)
    finished = time.perf_counter()

    # Placing one item alone: embed it, compare it with every theme's centre.
    sums = clustering.sums(vectors, found)
    alone = []
    for text in texts[: args.place]:
        start = time.perf_counter()
        clustering.place(embedder.embed([text + " (new)"])[0], sums)
        alone.append((time.perf_counter() - start) * 1000)
    in_service = place_in_service(texts, vectors, found, args.place)
    # The reference, on the same vectors and machine: KMeans told the true K.
    true_k = len(set(truth))
    reference = KMeans(n_clusters=true_k, n_init=10, random_state=0).fit_predict(vectors)

    total = finished - started
    result: dict[str, Any] = {
        "data": str(args.file.name),
        "items": len(texts),
        "true_k": len(set(truth)),
        "given_k": args.k,
        "found_k": int(found.max()) + 1,
        "nmi": round(100 * normalized_mutual_info_score(truth, found), 1),
        "ari": round(100 * adjusted_rand_score(truth, found), 1),
        "acc": round(100 * accuracy(truth, found), 1),
        "reference_kmeans_true_k": {
            "nmi": round(100 * normalized_mutual_info_score(truth, reference), 1),
            "ari": round(100 * adjusted_rand_score(truth, reference), 1),
            "acc": round(100 * accuracy(truth, reference), 1),
        },
        "embed_s": round(embedded - started, 2),
        "embed_items_per_s": round(len(texts) / (embedded - started)),
        "cluster_s": round(finished - embedded, 2),
        "items_per_s": round(len(texts) / total),
        "place_alone_p50_ms": round(statistics.median(alone), 1),
        "place_alone_p95_ms": round(percentile(alone, 0.95), 1),
        "place_service_p50_ms": round(in_service["p50_ms"], 1),
        "place_service_p95_ms": round(in_service["p95_ms"], 1),
        "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores",
    }
    reference_scores = result["reference_kmeans_true_k"]
    print(
        f"{result['items']} items, K found {result['found_k']} (true {result['true_k']}): "
        f"NMI {result['nmi']} ARI {result['ari']} ACC {result['acc']} "
        f"(KMeans told K={true_k} on the same vectors: NMI {reference_scores['nmi']} "
        f"ARI {reference_scores['ari']} ACC {reference_scores['acc']})\n"
        f"end to end {result['items_per_s']} items/s (embed {result['embed_s']} s, "
        f"{result['embed_items_per_s']} items/s; "
        f"cluster {result['cluster_s']} s)\n"
        f"place one new item: alone p50 {result['place_alone_p50_ms']} ms "
        f"p95 {result['place_alone_p95_ms']} ms; through the service on SQLite "
        f"p50 {result['place_service_p50_ms']} ms p95 {result['place_service_p95_ms']} ms"
    )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "feedback.json").write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
