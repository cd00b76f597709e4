"""Feedback clustering on every labelled inbox we have, in one run, so that no one set can be
overfitted: CLINC150's test split (4,500 utterances, 150 intents), each of its ten domains on its
own (450 utterances, 15 intents: a single-product inbox in miniature), and HWU64's development
sample (4,304 utterances, 64 intents). For each: themes found without being told K against the
true K, NMI / ARI / ACC (accuracy after Hungarian matching) against the intent labels, and
KMeans told the true K on the same vectors as the reference.

Then, on CLINC150 test: end-to-end throughput (embedding + clustering) beside the roofline of
this machine measured in the same run (the model's floating-point work over a float32 matrix
product's rate), the latency of placing one new item (alone and through the service on SQLite),
and re-clustering 100,000 stored vectors (no embedding) with its time and peak memory.

    python bench/feedback_bench.py [--place 50] [--scale 100000]

Tune on CLINC150's validation split and HWU64's development sample only; the test splits are
for reporting. Writes bench/results/feedback.json.
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
from prism.grouping import clustering, naming

RESULTS = Path(__file__).parent / "results"
SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
CLINC = SHARED / "clinc150" / "test.csv"
DOMAINS = SHARED / "clinc150" / "domains.json"
HWU = SHARED / "hwu64" / "dev.csv"


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
        labels = naming.name_groups(texts, found)
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


def read(path: Path) -> tuple[list[str], list[str]]:
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return [row["text"] for row in rows], [row["intent"] for row in rows]


def scores(truth: list[str], found: np.ndarray) -> dict[str, float]:
    return {
        "nmi": round(100 * normalized_mutual_info_score(truth, found), 1),
        "ari": round(100 * adjusted_rand_score(truth, found), 1),
        "acc": round(100 * accuracy(truth, found), 1),
    }


def evaluate(name: str, truth: list[str], vectors: np.ndarray) -> dict[str, Any]:
    """Themes without K against KMeans told K, on one labelled set."""
    started = time.perf_counter()
    found = clustering.cluster(vectors)
    took = time.perf_counter() - started
    true_k = len(set(truth))
    reference = KMeans(n_clusters=true_k, n_init=10, random_state=0).fit_predict(vectors)
    ours, theirs = scores(truth, found), scores(truth, reference)
    found_k = int(found.max()) + 1
    return {
        "set": name,
        "items": len(truth),
        "true_k": true_k,
        "found_k": found_k,
        "k_ratio": round(found_k / true_k, 2),
        **ours,
        "cluster_s": round(took, 2),
        "kmeans_true_k": theirs,
        "meets": bool(
            ours["nmi"] >= theirs["nmi"]
            and ours["ari"] >= theirs["ari"]
            and 0.67 <= found_k / true_k <= 1.5
        ),
    }


def roofline(embedder: Any, texts: list[str]) -> dict[str, float]:
    """The most items a second this machine could embed: the model's floating-point work for
    these texts (batched and padded as the embedder does) over a float32 matrix product's rate
    measured now. MiniLM-L6: 6 layers of 384 wide with a 1,536 feed-forward."""
    layers, width, ffn = 6, 384, 1536
    tokenizer = embedder._tokenizer  # loaded by the warm-up
    order = sorted(texts, key=len)
    flops = 0.0
    for start in range(0, len(order), 32):
        encoded = tokenizer.encode_batch(order[start : start + 32])
        batch, seq = len(encoded), len(encoded[0].ids)
        per_token = 2 * layers * (4 * width * width + 2 * width * ffn + 2 * seq * width)
        flops += batch * seq * per_token
    a = np.random.default_rng(0).standard_normal((2048, 2048), dtype=np.float32)
    a @ a  # warm
    fastest = min(_timed(lambda: a @ a) for _ in range(7))
    rate = 2 * 2048**3 / fastest  # the best of several: the machine's rate, not a busy moment's
    return {
        "model_gflop": round(flops / 1e9, 1),
        "matmul_gflop_per_s": round(rate / 1e9, 1),
        "roofline_items_per_s": round(len(texts) / (flops / rate)),
    }


def _timed(work: Any) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def at_scale(vectors: np.ndarray, count: int) -> dict[str, float]:
    """Re-cluster `count` stored vectors (drawn from `vectors` with a little noise, so none
    repeats) in a child process: seconds and the child's peak resident memory."""
    import subprocess
    import sys

    with tempfile.TemporaryDirectory() as scratch:
        source = Path(scratch) / "vectors.npy"
        rng = np.random.default_rng(1)
        drawn = vectors[rng.integers(0, len(vectors), count)]
        drawn = drawn + rng.normal(0, 0.02, drawn.shape).astype(np.float32)
        np.save(source, drawn.astype(np.float32))
        del drawn
        script = (
            "import json, resource, sys, time\n"
            "import numpy as np\n"
            "from prism.grouping import clustering\n"
            f"v = np.load({str(source)!r})\n"
            "t = time.perf_counter(); found = clustering.cluster(v); t = time.perf_counter() - t\n"
            "peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024\n"
            "print(json.dumps({'seconds': round(t, 1), 'themes': int(found.max()) + 1,"
            " 'peak_mb': round(peak)}))\n"
        )
        done = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, check=True
        )
    return {"items": count, **json.loads(done.stdout)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--place", type=int, default=50, help="new items to place")
    parser.add_argument("--scale", type=int, default=100_000, help="stored vectors to re-cluster")
    args = parser.parse_args()

    embedder = default_embedder()
    embedder.embed(["warm up: the model loads once per process"])
    texts, truth = read(CLINC)
    started = time.perf_counter()
    vectors = embedder.embed(texts)
    embedded = time.perf_counter()
    found = clustering.cluster(vectors)
    finished = time.perf_counter()
    hwu_texts, hwu_truth = read(HWU)
    hwu_vectors = embedder.embed(hwu_texts)

    sets = [evaluate("CLINC150 test", truth, vectors)]
    for domain, intents in json.loads(DOMAINS.read_text()).items():
        chosen = [i for i, intent in enumerate(truth) if intent in set(intents)]
        sets.append(evaluate(domain, [truth[i] for i in chosen], vectors[chosen]))
    sets.append(evaluate("HWU64 dev", hwu_truth, hwu_vectors))

    # Placing one item alone: embed it, compare it with every theme's centre.
    sums = clustering.sums(vectors, found)
    alone = []
    for text in texts[: args.place]:
        start = time.perf_counter()
        clustering.place(embedder.embed([text + " (new)"])[0], sums)
        alone.append((time.perf_counter() - start) * 1000)
    in_service = place_in_service(texts, vectors, found, args.place)
    ceiling = roofline(embedder, texts)
    scale = at_scale(np.concatenate([vectors, hwu_vectors]), args.scale)

    total = finished - started
    result: dict[str, Any] = {
        "sets": sets,
        "embed_s": round(embedded - started, 2),
        "embed_items_per_s": round(len(texts) / (embedded - started)),
        "cluster_s": round(finished - embedded, 2),
        "items_per_s": round(len(texts) / total),
        **ceiling,
        "place_alone_p50_ms": round(statistics.median(alone), 1),
        "place_alone_p95_ms": round(percentile(alone, 0.95), 1),
        "place_service_p50_ms": round(in_service["p50_ms"], 1),
        "place_service_p95_ms": round(in_service["p95_ms"], 1),
        "recluster_at_scale": scale,
        "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores",
    }
    print("| set | items | true K | found K | NMI / ARI / ACC | KMeans told K | meets |")
    print("|---|---|---|---|---|---|---|")
    for s in sets:
        ref = s["kmeans_true_k"]
        print(
            f"| {s['set']} | {s['items']} | {s['true_k']} | {s['found_k']} ({s['k_ratio']}x) | "
            f"{s['nmi']} / {s['ari']} / {s['acc']} | {ref['nmi']} / {ref['ari']} / {ref['acc']} | "
            f"{'yes' if s['meets'] else 'no'} |"
        )
    print(
        f"\nend to end {result['items_per_s']} items/s (embed {result['embed_s']} s at "
        f"{result['embed_items_per_s']} items/s; cluster {result['cluster_s']} s); roofline "
        f"{result['roofline_items_per_s']} items/s ({result['model_gflop']} GFLOP at "
        f"{result['matmul_gflop_per_s']} GFLOP/s)\n"
        f"place one new item: alone p50 {result['place_alone_p50_ms']} ms "
        f"p95 {result['place_alone_p95_ms']} ms; through the service on SQLite "
        f"p50 {result['place_service_p50_ms']} ms p95 {result['place_service_p95_ms']} ms\n"
        f"re-cluster {scale['items']:,} stored vectors: {scale['seconds']} s, "
        f"{scale['themes']} themes, peak {scale['peak_mb']} MB"
    )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "feedback.json").write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
