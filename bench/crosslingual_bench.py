"""Cross-lingual search on the demo company: recall@5 of Chinese questions finding English items
(zh→en), English questions finding the China team's Chinese items (en→zh) and English finding
English (en→en), by meaning alone and hybrid (keyword and meaning), for Chinese as Prism reads it
now — split into words by jieba, glossed into English by CC-CEDICT before the sentence model
reads it (`prism.chinese`) — beside all-MiniLM-L6-v2 reading the text as it is, with a Chinese
query as one run of characters. Also how much longer a Chinese query takes to embed.

    python bench/crosslingual_bench.py

The questions are in bench/crosslingual.json: every other one is the dev half that choices were
made on, the rest the test half, which is what the README reports. Writes
bench/results/crosslingual.json.
"""

from __future__ import annotations

import json
import os
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import prism.catalog  # noqa: F401
from prism import chinese
from prism.auth.policy import SYSTEM
from prism.db import Database, make_engine, utcnow
from prism.demo import company, knowledge
from prism.embeddings import default_embedder
from prism.filestore import LocalFileStore
from prism.knowledge.models import Item
from prism.migrate import upgrade
from prism.search import service

HERE = Path(__file__).parent
RESULTS = HERE / "results"
DIRECTIONS = ("zh_en", "en_zh", "en_en")
MODES = ("semantic", "hybrid")


@contextmanager
def as_before() -> Iterator[None]:
    """Chinese as Prism read it before: no gloss for the model, a query run kept whole."""
    gloss, words, has_han = chinese.gloss, chinese.words, chinese.has_han
    chinese.gloss = lambda text: text  # type: ignore[assignment]
    chinese.words = lambda run: [run]  # type: ignore[assignment]
    chinese.has_han = lambda text: False  # type: ignore[assignment]
    try:
        yield
    finally:
        chinese.gloss, chinese.words, chinese.has_han = gloss, words, has_han


def demo_database(where: Path) -> Database:
    where.mkdir(parents=True)
    engine = make_engine(f"sqlite:///{where / 'prism.db'}")
    upgrade(engine)
    database = Database(engine)
    with database.session_scope() as session:
        company.load(session)
        knowledge.load(session, LocalFileStore(where / "files"), utcnow())
    return database


def recall(database: Database, queries: list[list[Any]], mode: str) -> list[float]:
    scores = []
    with database.session_scope(writes=False) as session:
        titles = {item.id: item.title for item in session.query(Item)}
        for query, relevant in queries:
            results = service.search(session, SYSTEM, query, mode=mode, limit=5, now=utcnow())  # type: ignore[arg-type]
            found = {titles[hit.item.id] for hit in results.hits}
            scores.append(len(found & set(relevant)) / len(relevant))
    return scores


def measure(database: Database, questions: dict[str, list[list[Any]]]) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    for direction in DIRECTIONS:
        for mode in MODES:
            service.query_vector.cache_clear()
            scores = recall(database, questions[direction], mode)
            figures[f"{direction}/{mode}"] = {
                "dev": round(statistics.mean(scores[0::2]), 3),
                "test": round(statistics.mean(scores[1::2]), 3),
            }
    return figures


def embed_ms(queries: list[str]) -> float:
    embedder = default_embedder()
    embedder.embed(queries[:2])  # loaded and warm
    start = time.perf_counter()
    for query in queries:
        embedder.embed([query])
    return (time.perf_counter() - start) * 1000 / len(queries)


def main() -> None:
    questions = json.loads((HERE / "crosslingual.json").read_text(encoding="utf-8"))
    chinese_queries = [q for q, _ in questions["zh_en"]]
    chinese.gloss("预热")  # both dictionaries read before anything is timed
    with tempfile.TemporaryDirectory() as tmp:
        with as_before():
            before = measure(demo_database(Path(tmp) / "before"), questions)
            before_ms = embed_ms(chinese_queries)
        now = measure(demo_database(Path(tmp) / "now"), questions)
        now_ms = embed_ms(chinese_queries)
    print(f"{'recall@5 (dev / test)':<24}{'MiniLM as is':>18}{'MiniLM + gloss':>18}")
    for key in now:
        was, new = before[key], now[key]
        print(
            f"{key:<24}{was['dev']:>9.2f} / {was['test']:.2f}{new['dev']:>11.2f} / {new['test']:.2f}"
        )
    print(f"embedding one Chinese query: {before_ms:.1f} ms as is, {now_ms:.1f} ms glossed")
    RESULTS.mkdir(exist_ok=True)
    out = {
        "minilm_as_is": before,
        "minilm_glossed": now,
        "embed_ms": {"as_is": round(before_ms, 2), "glossed": round(now_ms, 2)},
        "queries": {d: len(questions[d]) for d in DIRECTIONS},
    }
    (RESULTS / "crosslingual.json").write_text(json.dumps(out, indent=2) + "\n")


if __name__ == "__main__":
    main()
