"""Whitespace and upsell over a generated customer base: 10,000 accounts holding random
editions of three products, with feature requests naming features, on SQLite and PostgreSQL.
Times each view (best of three, warm) and checks its figures against a plain recount of the
generated rows in the same run.

    python bench/pricing_bench.py [--accounts 10000] [--backend sqlite postgresql]

Writes bench/results/pricing.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the tests' generator

from pages_bench import machine
from scratch import scratch_database

import prism.catalog  # noqa: F401
from prism.auth.policy import SYSTEM
from prism.db import make_engine
from prism.migrate import upgrade
from prism.pricing import holdings
from tests.pricing.generated import generate, recount

RESULTS = Path(__file__).parent / "results"


def best(work: Any, runs: int = 3) -> tuple[float, Any]:
    times, out = [], None
    for _ in range(runs):
        start = time.perf_counter()
        out = work()
        times.append(time.perf_counter() - start)
    return min(times), out


def run(backend: str, accounts: int) -> dict[str, Any]:
    with scratch_database(backend, "pricing-bench") as url:
        engine = make_engine(url)
        upgrade(engine)
        with Session(engine) as session:
            start = time.perf_counter()
            made = generate(session, accounts)
            session.commit()
            loaded = time.perf_counter() - start
            counted = recount(made)
            space_s, space = best(lambda: holdings.whitespace(session, SYSTEM))
            upsell_s, found = best(lambda: holdings.upsell(session, SYSTEM))
        engine.dispose()
    products = {line.product.id for line in made.lines}
    cells = {k: (c.accounts, c.arr) for k, c in space.cells.items() if k[0] in products}
    groups = {
        (o.to.id, o.feature.id): {a.id for a, _h, _r in o.accounts} for o in found.opportunities
    }
    return {
        "backend": backend,
        "accounts": accounts,
        "holdings": len(made.holdings),
        "requests": len(made.requests),
        "generate_s": round(loaded, 2),
        "whitespace_ms": round(space_s * 1000, 1),
        "upsell_ms": round(upsell_s * 1000, 1),
        "whitespace_equals_recount": cells == counted.whitespace,
        "upsell_equals_recount": groups == counted.upsell,
        "opportunities": len(groups),
        "accounts_to_upgrade": len(set().union(*groups.values())) if groups else 0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--accounts", type=int, default=10_000)
    parser.add_argument("--backend", nargs="+", default=["sqlite", "postgresql"])
    args = parser.parse_args()
    rows = [run(backend, args.accounts) for backend in args.backend]
    print(f"{'backend':<11} {'accounts':>8} {'holdings':>8} {'requests':>8} "
          f"{'whitespace':>11} {'upsell':>9}  equal to a recount")  # fmt: skip
    for r in rows:
        equal = "yes" if r["whitespace_equals_recount"] and r["upsell_equals_recount"] else "NO"
        print(f"{r['backend']:<11} {r['accounts']:>8,} {r['holdings']:>8,} {r['requests']:>8,} "
              f"{r['whitespace_ms']:>8.1f} ms {r['upsell_ms']:>6.1f} ms  {equal}")  # fmt: skip
    RESULTS.mkdir(exist_ok=True)
    out = {"machine": machine(), "runs": rows}
    (RESULTS / "pricing.json").write_text(json.dumps(out, indent=2) + "\n")
    if not all(r["whitespace_equals_recount"] and r["upsell_equals_recount"] for r in rows):
        raise SystemExit("the views differ from a plain recount")


if __name__ == "__main__":
    main()
