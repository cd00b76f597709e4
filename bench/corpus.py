"""Generated search corpora and queries for the benchmarks, and their embeddings cached on disk.

Two corpora:

- `worst_case`: twelve words from a 50-word vocabulary per item, so one word matches about a
  quarter of the library — the keyword index's worst case, kept with its raw floor.
- `realistic`: text as a product team writes it and customers say it. Half its sentences come
  from the demo company's knowledge (every sentence of four words or more in
  `prism/demo/knowledge.py`), half from CLINC150's validation and HWU64's development
  utterances, so word frequencies follow real text: a few very common words, a long tail of
  rare ones. One item in twenty carries a Chinese phrase.

Queries are typical: one to four words drawn by how often they occur in titles, a tenth in
Chinese, a tenth with a typo.

Embeddings take most of a run's time (about 150 items a second on 2 cores), so they are kept in
`.cache/bench/embeddings.sqlite` by a hash of the model and the text: a second run with the same
corpus embeds nothing.
"""

from __future__ import annotations

import ast
import csv
import hashlib
import random
import re
import sqlite3
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

from prism.db import utcnow
from prism.embeddings import Vectors, default_embedder, from_bytes, to_bytes
from prism.knowledge import indexing
from prism.knowledge.models import Item, Status

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
CACHE = ROOT / ".cache" / "bench" / "embeddings.sqlite"
KINDS = ("faq", "solution", "story", "battlecard", "feature", "proof_point")
CHINESE = ["数据", "驻留", "审计", "留存", "安全", "合规", "客户", "分析", "流程", "审批"]
_WORST_CASE_VOCABULARY = """
analytics retention churn cohort funnel replay dashboard privacy consent residency audit
evidence encryption tokenisation approval workflow connector deadline invoice onboarding
adoption pricing discount renewal security compliance governance discovery classification access
review banking healthcare retail manufacturing government insurance logistics customer partner
migration integration warehouse pipeline forecast segment persona latency uptime scaling
deployment region sovereignty identity login password token
"""
WORST_CASE_WORDS = _WORST_CASE_VOCABULARY.split()
_STOP_WORDS = """
a an the and or of to in on for with at by from is are was were be been it its this that these
those i you we they he she my our your their me us what which who how why when where can could
would should will do does did not no yes please tell want need have has had get about as if so
but than then there here any all more most some much many just also into out up down over again
very too only own same such
"""
STOP = set(_STOP_WORDS.split())


def worst_case(n: int, seed: int = 7) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        words = rng.sample(WORST_CASE_WORDS, 12)
        title = " ".join(words[:5]).capitalize()
        if i % 20 == 0:
            title += " " + "".join(rng.sample(CHINESE, 2))
        rows.append(_row(i, title, " ".join(words[5:12]), f"{title}. Item {i}."))
    return rows


def worst_case_queries(n: int, seed: int = 11) -> list[str]:
    rng = random.Random(seed)
    queries = [" ".join(rng.sample(WORST_CASE_WORDS, rng.randint(1, 4))) for _ in range(n - 6)]
    return [
        *queries,
        "securty audit",
        "retension cohort",
        "数据驻留",
        "审计",
        "how do we handle data residency",
        "churn",
    ]


def sentences() -> tuple[list[str], list[str]]:
    """Real sentences: the demo company's knowledge (how product marketing writes), and what
    customers asked in CLINC150 and HWU64 (how people talk)."""
    source = ast.parse((ROOT / "prism" / "demo" / "knowledge.py").read_text())
    written: list[str] = []
    for node in ast.walk(source):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            for part in re.split(r"(?<=[.!?])\s+|\n+", node.value):
                part = part.strip(" -*#")
                if len(part.split()) >= 4 and not part.startswith(("http", "{")):
                    written.append(part)
    said: list[str] = []
    for path in (DATA / "clinc150" / "val.csv", DATA / "hwu64" / "dev.csv"):
        with path.open(newline="") as f:
            said += [row["text"].strip() for row in csv.DictReader(f) if row["text"].strip()]
    return list(dict.fromkeys(written)), list(dict.fromkeys(said))


def realistic(n: int, seed: int = 7) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    written, said = sentences()

    def sentence() -> str:  # half written by the team, half said by customers
        return rng.choice(written if rng.random() < 0.5 else said)

    rows = []
    for i in range(n):
        title = " ".join(sentence().rstrip(".?!").split()[:9])
        title = title[:1].upper() + title[1:]
        if i % 20 == 0:
            title += " " + "".join(rng.sample(CHINESE, 2))
        summary = sentence()
        body = " ".join(sentence() for _ in range(rng.randint(3, 6)))
        rows.append(_row(i, title, summary, f"{summary} {body}"))
    return rows


def realistic_queries(rows: list[dict[str, Any]], n: int, seed: int = 11) -> list[str]:
    """Typical searches over `rows`: 1–4 title words weighted by how often they occur, a tenth
    in Chinese, a tenth with two letters swapped."""
    rng = random.Random(seed)
    counts = Counter(
        w
        for row in rows
        for w in re.findall(r"[a-z][a-z'-]+", row["title"].lower())
        if w not in STOP and len(w) > 2
    )
    words, weights = zip(*counts.most_common(), strict=True)
    queries = []
    for q in range(n):
        if q % 10 == 0:
            queries.append("".join(rng.sample(CHINESE, rng.randint(1, 2))))
            continue
        picked = rng.choices(words, weights=weights, k=rng.choice((1, 1, 2, 2, 2, 3, 3, 4)))
        if q % 10 == 5:
            long = [w for w in picked if len(w) >= 5] or picked
            word = rng.choice(long)
            at = rng.randrange(len(word) - 1)
            typo = word[:at] + word[at + 1] + word[at] + word[at + 2 :]
            picked = [typo if w == word else w for w in picked]
        queries.append(" ".join(dict.fromkeys(picked)))
    return queries


def _row(i: int, title: str, summary: str, body: str) -> dict[str, Any]:
    return {
        "uid": str(uuid.uuid4()),
        "kind": KINDS[i % len(KINDS)],
        "title": title,
        "summary": summary,
        "body": body,
        "fields": {},
        "status": Status.PUBLISHED,
        "review_due_at": utcnow(),
    }


def embedding_texts(rows: list[dict[str, Any]]) -> list[str]:
    fields = ("title", "summary", "body")
    return [indexing.embedding_text(Item(**{f: row[f] for f in fields})) for row in rows]


def embed_cached(texts: list[str]) -> tuple[Vectors, int, float]:
    """The texts' embeddings, from the cache where it has them; also how many were embedded now
    and at how many texts a second (0 when none were)."""
    embedder = default_embedder()
    model = f"{embedder.name}:{embedder.dimensions}"
    keys = [hashlib.sha256(f"{model}\n{t}".encode()).hexdigest() for t in texts]
    CACHE.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(CACHE) as db:
        db.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vector BLOB)")
        known: dict[str, bytes] = {}
        for key in dict.fromkeys(keys):
            found = db.execute("SELECT vector FROM vectors WHERE key = ?", (key,)).fetchone()
            if found:
                known[key] = found[0]
        missing = list(dict.fromkeys(k for k in keys if k not in known))
        rate = 0.0
        if missing:
            text_of = dict(zip(keys, texts, strict=True))
            embedder.embed(["warm up"])
            started = time.perf_counter()
            for start in range(0, len(missing), 2_000):
                chunk = missing[start : start + 2_000]
                made = embedder.embed([text_of[k] for k in chunk])
                rows = [(k, to_bytes(v)) for k, v in zip(chunk, made, strict=True)]
                db.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?)", rows)
                db.commit()
                known.update(rows)
            rate = len(missing) / (time.perf_counter() - started)
    return np.stack([from_bytes(known[k]) for k in keys]), len(missing), rate
