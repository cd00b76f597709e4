"""Channel rendering and deal toolkits: the time to render a typical solution in every layout and
format (from the item graph to the file's bytes), and the time to assemble a deal kit (ranking,
rules, the customer's deck) with a library of --items items, on SQLite and PostgreSQL.

    python bench/render_bench.py [--items 10000] [--runs 7] [--backends sqlite,postgresql]

Targets (issue 4): a deck under 1 s, a toolkit under 2 s. Writes bench/results/render.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from scratch import scratch_database  # bench/scratch.py, beside this script
from sqlalchemy import insert, select

import prism.catalog  # noqa: F401
from prism.auth.policy import SYSTEM
from prism.db import Database, make_engine, utcnow
from prism.deals import service as deals
from prism.deals.schemas import DealIn
from prism.demo import company, knowledge, toolkits
from prism.filestore import LocalFileStore
from prism.knowledge.models import Facet, Item, ItemFacet, ItemLink, Status
from prism.migrate import upgrade
from prism.render import brief as briefs
from prism.render import service as rendering
from prism.render.layouts import LAYOUTS
from prism.toolkits import assemble

RESULTS = Path(__file__).parent / "results"
KINDS = ("solution", "story", "faq", "battlecard", "proof_point", "security")


def timed(action: Any, runs: int) -> dict[str, float]:
    took = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        took.append((time.perf_counter() - start) * 1000)
    return {"p50_ms": round(statistics.median(took), 1), "max_ms": round(max(took), 1)}


def render_times(database: Database, store: LocalFileStore, runs: int) -> dict[str, Any]:
    """Each layout and format of the demo's 'Patient data protection' solution, from scratch."""
    out = {}
    with database.session_scope() as session:
        source = session.scalar(select(Item).where(Item.title == "Patient data protection"))
        theme = rendering.house_theme(session)
        look = rendering.look_of(theme, store)
        for name, layout in LAYOUTS.items():
            item = source
            if source.kind not in layout.kinds:
                kind = next(iter(layout.kinds))
                item = session.scalar(select(Item).where(Item.kind == kind).limit(1))
            for fmt, produce in layout.producers.items():

                def once(
                    item: Item = item, produce: Any = produce, external: bool = layout.external
                ) -> None:
                    gathered = briefs.gather(session, item, external=external, now=utcnow())
                    produce(
                        briefs.build(gathered, {"customer": "Bench Co"}, external=external),
                        look,
                        item.body,
                    )

                out[f"{name}.{fmt}"] = timed(once, runs)
                print(f"  {name}.{fmt}: {out[f'{name}.{fmt}']}")
    return out


def add_library(database: Database, n: int) -> None:
    """`n` published items around the demo's products and competitors, with industry facets."""
    rng = random.Random(5)
    with database.session_scope() as session:
        anchors = list(
            session.scalars(select(Item.id).where(Item.kind.in_(["product", "competitor"])))
        )
        industries = list(session.scalars(select(Facet.id).where(Facet.dimension == "industry")))
        now = utcnow()
        rows = [
            {
                "uid": str(uuid.uuid4()),
                "kind": rng.choice(KINDS),
                "title": f"Generated item {i}",
                "summary": "Generated for the benchmark.",
                "body": "",
                "fields": {},
                "status": Status.PUBLISHED,
                "audience": "customer",
                "review_due_at": now,
                "created_at": now,
                "updated_at": now,
                "version": 1,
            }
            for i in range(n)
        ]
        session.execute(insert(Item), rows)
        ids = list(session.scalars(select(Item.id).where(Item.title.like("Generated item %"))))
        session.execute(
            insert(ItemLink),
            [
                {"source_id": i, "target_id": rng.choice(anchors), "relation": "related"}
                for i in ids
            ],
        )
        session.execute(
            insert(ItemFacet), [{"item_id": i, "facet_id": rng.choice(industries)} for i in ids]
        )


def kit_times(database: Database, store: LocalFileStore, runs: int) -> dict[str, Any]:
    """A new large healthcare deal each run, so every run ranks, applies rules and renders a deck."""
    with database.session_scope() as session:
        vault = session.scalar(select(Item.id).where(Item.title == "Helio Vault"))
        rival = session.scalar(select(Item.id).where(Item.title == "GuardianDB"))
        health = session.scalar(select(Facet.id).where(Facet.name == "Healthcare"))
        counter = iter(range(runs))

        def once() -> None:
            n = next(counter)
            data = DealIn(
                name=f"Bench {n}",
                customer=f"Bench Hospital {n}",
                industry_id=health,
                value=250_000,
                cycle_days=120,
                product_ids=[vault],
                competitor_ids=[rival],
            )
            deal = deals.create_deal(session, SYSTEM, data, currency="USD", now=utcnow())
            assemble.build_for_deal(
                session, SYSTEM, deal.id, small=assemble.SmallDeal(), store=store, now=utcnow()
            )

        result = timed(once, runs)
        result["library_items"] = session.query(Item).count()
        session.rollback()
    return result


def run(backend: str, url: str, items: int, runs: int) -> dict[str, Any]:
    engine = make_engine(url)
    upgrade(engine)
    database = Database(engine)
    files = tempfile.mkdtemp(prefix="prism-render-bench-files-")
    store = LocalFileStore(Path(files))
    with database.session_scope() as session:
        company.load(session)
        knowledge.load(session, store, utcnow())
        toolkits.load(session, store, utcnow(), key="render-bench")
    print(f"{backend}: demo loaded")
    result: dict[str, Any] = {"backend": backend, "render": render_times(database, store, runs)}
    add_library(database, items)
    result["deal_kit"] = kit_times(database, store, runs)
    print(f"  deal kit with {result['deal_kit']['library_items']} items: {result['deal_kit']}")
    database.dispose()
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    results = []
    for backend in args.backends.split(","):
        with scratch_database(backend, "prism-render-bench") as url:
            results.append(run(backend, url, args.items, args.runs))
    RESULTS.mkdir(exist_ok=True)
    report = {"cpus": os.cpu_count(), "items": args.items, "runs": args.runs, "results": results}
    (RESULTS / "render.json").write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
