"""CRM import and the influence dashboard.

1. Import a Salesforce opportunities export of 100,000 rows (2,000 accounts, products and
   competitors named by title, amounts with currency symbols) through the service on SQLite:
   rows per second for the first import and for the same file again (nothing changes).
2. Compute the influence dashboard (assets by won revenue with win rates, battlecards per
   competitor) over 1,000,000 usage events on 20,000 deals, on SQLite and on PostgreSQL, beside
   the same asset aggregate written as one plain SQL query (the floor).

    python bench/crm_bench.py [--rows 100000] [--events 1000000] [--backend sqlite postgresql]

Writes bench/results/crm.json.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import platform
import random
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, text
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parent))

from scratch import scratch_database

from prism.analytics import influence, usage
from prism.analytics.models import Use
from prism.auth.policy import SYSTEM
from prism.crm import service as crm
from prism.db import make_engine
from prism.deals.models import Deal, DealFocus, Outcome, Stage
from prism.knowledge.models import Item, ItemLink, Status
from prism.migrate import upgrade

RESULTS = Path(__file__).parent / "results"
NOW = datetime(2026, 12, 1, tzinfo=UTC)
PRODUCTS = ["Prism Core", "Prism Insights", "Prism Connect"]
COMPETITORS = ["Highspot", "Seismic", "Klue", "Guru"]

# The asset aggregate `influence.influence` computes, by hand, over pairs of (item, deal).
AGGREGATE = """
SELECT t.item_id, count(*) AS deals,
       sum(CASE WHEN d.outcome = 'open' THEN d.value ELSE 0 END) AS pipeline,
       sum(CASE WHEN d.outcome = 'won' THEN 1 ELSE 0 END) AS won,
       sum(CASE WHEN d.outcome = 'won' THEN d.value ELSE 0 END) AS won_revenue,
       sum(CASE WHEN d.outcome <> 'open' THEN 1 ELSE 0 END) AS closed
FROM {pairs} JOIN deals d ON d.id = t.deal_id {where}
GROUP BY t.item_id
ORDER BY won_revenue DESC, pipeline DESC, t.item_id
LIMIT 50
"""
# Over the raw events: what influence would cost without the touches.
PLAIN_EVENTS = AGGREGATE.format(
    pairs="""(SELECT DISTINCT e.item_id, e.deal_id
      FROM usage_events e JOIN deals d ON d.id = e.deal_id
      WHERE e.use IN ('view', 'download', 'share', 'buyer_view') AND e.item_id IS NOT NULL
        AND (d.closed_at IS NULL OR e.at <= d.closed_at)) t""",
    where="",
)
# Over the touches the service reads: the floor it is held to.
PLAIN_TOUCHES = AGGREGATE.format(
    pairs="deal_touches t", where="WHERE d.closed_at IS NULL OR t.first_at <= d.closed_at"
)


def machine() -> dict[str, Any]:
    return {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "system": platform.platform(),
    }


def export(rows: int, seed: int = 8) -> bytes:
    """A Salesforce opportunities report as Salesforce writes it (BOM, quoted, symbols)."""
    rng = random.Random(seed)
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(
        [
            "Opportunity ID",
            "Opportunity Name",
            "Account Name",
            "Amount",
            "Stage",
            "Close Date",
            "Product Name",
            "Competitors",
            "Loss Reason",
        ]
    )
    stages = [
        "Prospecting",
        "Proposal/Price Quote",
        "Negotiation/Review",
        "Closed Won",
        "Closed Lost",
    ]
    for n in range(rows):
        stage = rng.choice(stages)
        day = NOW - timedelta(days=rng.randrange(365))
        writer.writerow(
            [
                f"006{n:012d}",
                f"Deal {n}, phase {n % 3 + 1}",
                f"Account {rng.randrange(2000)}",
                f"${rng.randrange(5, 500) * 1000:,}",
                stage,
                f"{day.month}/{day.day}/{day.year}",
                rng.choice(PRODUCTS),
                rng.choice(COMPETITORS) if rng.random() < 0.6 else "",
                "Price" if stage == "Closed Lost" else "",
            ]
        )
    return out.getvalue().encode()


def catalogue(session: Session) -> dict[str, list[int]]:
    """Products, competitors, a battlecard per competitor and 200 other assets."""
    made: dict[str, list[int]] = {"product": [], "competitor": [], "battlecard": [], "asset": []}

    def item(kind: str, title: str) -> int:
        row = Item(uid=str(uuid.uuid4()), kind=kind, title=title, status=Status.PUBLISHED)
        session.add(row)
        session.flush()
        made[kind].append(row.id)
        return row.id

    for title in PRODUCTS:
        item("product", title)
    for title in COMPETITORS:
        competitor = item("competitor", title)
        card = item("battlecard", f"Battlecard: {title}")
        session.add(ItemLink(source_id=card, target_id=competitor, relation="competitor"))
    for n in range(200):
        item("asset", f"Asset {n}")
    session.commit()
    return made


def bench_import(rows: int) -> dict[str, Any]:
    raw = export(rows)
    with scratch_database("sqlite", "crm-bench") as url:
        engine = make_engine(url)
        upgrade(engine)
        with Session(engine) as session:
            catalogue(session)
            runs = {}
            for name in ("first", "again"):
                start = time.perf_counter()
                report = crm.import_csv(
                    session, SYSTEM, raw, currency="USD", now=NOW, max_rows=None
                )
                session.commit()
                seconds = time.perf_counter() - start
                runs[name] = {
                    "seconds": round(seconds, 2),
                    "rows_per_second": round(rows / seconds),
                    "created": report.created,
                    "updated": report.updated,
                    "unchanged": report.unchanged,
                    "problems": len(report.problems),
                }
                print(
                    f"import {name}: {rows:,} rows in {seconds:.2f} s "
                    f"({rows / seconds:,.0f} rows/s): {report.summary}"
                )
        engine.dispose()
    return {"rows": rows, "bytes": len(raw), **runs}


def fill_usage(session: Session, events: int, deals: int, seed: int = 8) -> None:
    """`deals` deals (a third open) and `events` uses of the catalogue, half of them for a deal."""
    rng = random.Random(seed)
    made = catalogue(session)
    rows = []
    for n in range(deals):
        outcome = rng.choice([Outcome.OPEN, Outcome.WON, Outcome.LOST])
        closed = None if outcome is Outcome.OPEN else NOW - timedelta(days=rng.randrange(365))
        rows.append(
            {
                "id": n + 1,
                "name": f"Deal {n}",
                "customer": f"Account {n % 2000}",
                "value": rng.randrange(5, 500) * 1000,
                "currency": "USD",
                "stage": Stage.CLOSED if closed else Stage.PROPOSAL,
                "outcome": outcome,
                "closed_at": closed,
                "cycle_days": 30,
                "crm_stage": "",
                "loss_reason": "",
                "version": 1,
                "created_at": NOW,
                "updated_at": NOW,
            }
        )
    session.execute(insert(Deal), rows)
    focus = []
    for n in range(deals):
        focus.append({"deal_id": n + 1, "item_id": rng.choice(made["product"])})
        if rng.random() < 0.6:
            focus.append({"deal_id": n + 1, "item_id": rng.choice(made["competitor"])})
    session.execute(insert(DealFocus), focus)
    # Each deal works with a handful of assets (its battlecard among them when it names a
    # competitor); colleagues also browse without a deal.
    assets = made["asset"]
    working = {
        n + 1: rng.sample(assets, rng.randrange(4, 16)) + rng.sample(made["battlecard"], 1)
        for n in range(deals)
    }
    uses = [Use.VIEW, Use.DOWNLOAD, Use.SHARE, Use.BUYER_VIEW]
    batch: list[usage.Event] = []
    for _ in range(events):
        at = NOW - timedelta(minutes=rng.randrange(525_600))
        if rng.random() < 0.5:
            deal = rng.randrange(1, deals + 1)
            batch.append(usage.Event(rng.choice(uses), rng.choice(working[deal]), deal, at=at))
        else:
            batch.append(usage.Event(Use.VIEW, rng.choice(assets), at=at))
        if len(batch) == 10_000:
            usage.write(session, batch)
            batch = []
    if batch:
        usage.write(session, batch)
    session.commit()


def timed(run: Any, repeat: int) -> dict[str, float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return {"median_ms": round(statistics.median(times), 1), "best_ms": round(min(times), 1)}


def bench_influence(backend: str, events: int, deals: int, repeat: int) -> dict[str, Any]:
    with scratch_database(backend, "influence-bench") as url:
        engine = make_engine(url)
        upgrade(engine)
        with Session(engine) as session:
            start = time.perf_counter()
            fill_usage(session, events, deals)
            session.execute(text("ANALYZE"))
            session.commit()
            if backend == "sqlite":
                # A live database checkpoints its write-ahead log as it goes; a bulk load of a
                # million rows just before measuring would otherwise be read through the log.
                session.close()
                raw = engine.raw_connection()  # outside any transaction
                try:
                    raw.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)").close()
                finally:
                    raw.close()
            print(
                f"{backend}: {events:,} events on {deals:,} deals loaded in "
                f"{time.perf_counter() - start:.0f} s"
            )
            scope = influence.Scope()
            found: dict[str, Any] = {
                "load_seconds": round(time.perf_counter() - start, 1),
                "touches": session.scalar(text("SELECT count(*) FROM deal_touches")),
                "plain_sql_over_events": timed(
                    lambda: session.execute(text(PLAIN_EVENTS)).all(), repeat
                ),
                "plain_sql_over_touches": timed(
                    lambda: session.execute(text(PLAIN_TOUCHES)).all(), repeat
                ),
                "influence": timed(lambda: influence.influence(session, SYSTEM, scope), repeat),
                "battlecards": timed(lambda: influence.battlecards(session, SYSTEM, scope), repeat),
            }
            raw = session.execute(text(PLAIN_EVENTS)).all()
            served = influence.influence(session, SYSTEM, scope).assets
            same = [(r[0], r[1], r[4]) for r in raw] == [
                (a.item_id, a.deals, a.won_revenue) for a in served
            ]
            found["same_answer_as_plain_sql_over_events"] = same
            print(f"{backend}: {found['touches']:,} touches")
            for name in (
                "plain_sql_over_events",
                "plain_sql_over_touches",
                "influence",
                "battlecards",
            ):
                print(
                    f"{backend} {name}: median {found[name]['median_ms']} ms, "
                    f"best {found[name]['best_ms']} ms"
                )
            print(f"{backend}: the service's asset table equals the plain query's: {same}")
        engine.dispose()
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--deals", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--backend", nargs="+", default=["sqlite", "postgresql"])
    args = parser.parse_args()
    results: dict[str, Any] = {"machine": machine()}
    if args.rows:
        results["import"] = bench_import(args.rows)
    results["influence"] = {"events": args.events, "deals": args.deals}
    for backend in args.backend:
        results["influence"][backend] = bench_influence(
            backend, args.events, args.deals, args.repeat
        )
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "crm.json").write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
