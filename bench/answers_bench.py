"""Drafting questionnaire answers from the demo company's library: for each question in
bench/answers/questions.json (phrased unlike the library; some with no answer in it, some only
another product answers, a few in Chinese), is the draft right (its source is one of the
expected answers), wrong (a draft from anything else, or a draft where none should be), or left
for an expert? Targets: at least 85% of answerable questions drafted right, at most 5% of all
questions drafted wrong.

    python bench/answers_bench.py

Even positions are the dev half `DRAFT_AT` was chosen on (the sweep below is printed for it);
odd positions are the test half the README reports. Writes bench/results/answers.json.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent))

import crosslingual_bench

import prism.catalog  # noqa: F401
from prism.answers import drafting
from prism.auth.policy import SYSTEM
from prism.db import Database, utcnow
from prism.demo import answers
from prism.knowledge.models import Item

HERE = Path(__file__).parent
RESULTS = HERE / "results"


def demo_database(where: Path) -> Database:
    """The demo company's knowledge core (as the cross-lingual bench loads it) and its answers."""
    database = crosslingual_bench.demo_database(where)
    with database.session_scope() as session:
        answers.load(session, utcnow())
    return database


def drafts(database: Database, questions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each question's best candidate (title, confidence) and what was expected."""
    made = []
    with database.session_scope(writes=False) as session:
        products = {i.title: i.id for i in session.query(Item).filter(Item.kind == "product")}
        drafter = drafting.Drafter(session, SYSTEM, now=utcnow())
        for q in questions:
            scope = [products[p] for p in q["products"]]
            started = time.perf_counter()
            found = drafter.draft(q["q"], product_ids=scope)
            took = time.perf_counter() - started
            best = found.candidates[0] if found.candidates else None
            made.append(
                {
                    "q": q["q"],
                    "expect": q["expect"],
                    "best": best.item.title if best else None,
                    "confidence": best.confidence if best else 0.0,
                    "seconds": took,
                }
            )
    return made


def outcome(d: dict[str, Any], threshold: float) -> str:
    if d["best"] is None or d["confidence"] < threshold:
        return "expert"
    return "right" if d["best"] in d["expect"] else "wrong"


def tally(made: list[dict[str, Any]], threshold: float) -> dict[str, Any]:
    answerable = [d for d in made if d["expect"]]
    unanswerable = [d for d in made if not d["expect"]]
    outcomes = [outcome(d, threshold) for d in made]
    right = sum(1 for d in answerable if outcome(d, threshold) == "right")
    return {
        "questions": len(made),
        "answerable": len(answerable),
        "unanswerable": len(unanswerable),
        "drafted_right": right,
        "drafted_wrong": outcomes.count("wrong"),
        "left_for_expert": outcomes.count("expert"),
        "right_of_answerable": round(right / max(len(answerable), 1), 3),
        "wrong_of_all": round(outcomes.count("wrong") / max(len(made), 1), 3),
        "unanswerable_left_for_expert": sum(
            1 for d in unanswerable if outcome(d, threshold) == "expert"
        ),
    }


def main() -> None:
    questions = json.loads((HERE / "answers" / "questions.json").read_text())["questions"]
    with tempfile.TemporaryDirectory() as tmp:
        database = demo_database(Path(tmp) / "demo")
        made = drafts(database, questions)
    dev, test = made[0::2], made[1::2]
    sweep = {f"{t:.2f}": tally(dev, t) for t in [x / 100 for x in range(25, 61, 2)]}
    print("dev sweep (threshold: right of answerable / wrong of all):")
    for t, s in sweep.items():
        print(f"  {t}: {s['right_of_answerable']:.0%} / {s['wrong_of_all']:.0%}")
    figures = {
        "machine": f"{platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}",
        "threshold": drafting.DRAFT_AT,
        "dev": tally(dev, drafting.DRAFT_AT),
        "test": tally(test, drafting.DRAFT_AT),
        "all": tally(made, drafting.DRAFT_AT),
        "ms_per_question_median": round(statistics.median(d["seconds"] for d in made) * 1000, 1),
        "dev_sweep": sweep,
        "misses": [
            {k: d[k] for k in ("q", "best", "confidence", "expect")}
            for d in made
            if outcome(d, drafting.DRAFT_AT) != ("right" if d["expect"] else "expert")
        ],
    }
    for half in ("dev", "test", "all"):
        f = figures[half]
        print(
            f"{half}: {f['questions']} questions ({f['answerable']} answerable): "
            f"drafted right {f['drafted_right']} ({f['right_of_answerable']:.0%} of answerable), "
            f"drafted wrong {f['drafted_wrong']} ({f['wrong_of_all']:.0%}), "
            f"left for an expert {f['left_for_expert']}"
        )
    print(f"median {figures['ms_per_question_median']} ms a question")
    for miss in figures["misses"]:
        print("  miss:", miss)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "answers.json").write_text(json.dumps(figures, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
