"""A generated customer base for the whitespace and upsell: products with three editions each
(every edition carrying more than the one below, and one feature in none), accounts holding
random editions and add-ons, and feature requests naming random features. Rows go in by bulk
insert, so ten thousand accounts take seconds. `recount` computes the same figures as plainly
as possible, from the generated rows rather than the database, for the test and the bench to
hold the service to."""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import insert
from sqlalchemy.orm import Session

from prism.accounts.models import Account
from prism.feedback.models import FeedbackItem, Kind
from prism.knowledge.models import Item
from prism.pricing.models import Holding
from tests.knowledge.factories import make_item

FEATURES_PER_PRODUCT = 6


@dataclass
class Line:
    product: Item
    features: list[Item]
    editions: list[Item]  # lowest first; edition n carries the first 2 + 2n features
    add_on: Item


@dataclass
class Generated:
    lines: list[Line]
    accounts: list[tuple[int, int, bool]]  # id, ARR, current
    holdings: list[tuple[int, int, int]]  # account, product, package
    requests: list[tuple[int, int, int]]  # account, product, feature


def generate(session: Session, accounts: int, *, seed: int = 11) -> Generated:
    luck = random.Random(seed)
    lines = [_line(session, f"Product {n}") for n in range(3)]
    rows = []
    for n in range(accounts):
        arr = luck.choice([0, 20_000, 60_000, 150_000, 400_000])
        churned = date(2026, 1, 1) if luck.random() < 0.05 else None
        rows.append({"name": f"Generated {seed}-{n}", "arr": arr, "churned_on": churned})
    session.execute(insert(Account), rows)
    ids = {a.name: (a.id, a.arr, a.churned_on is None) for a in session.query(Account)}
    made = [ids[r["name"]] for r in rows]
    holdings, requests = [], []
    for account_id, _arr, _current in made:
        for line in lines:
            roll = luck.random()
            if roll < 0.35:
                continue  # whitespace
            edition = line.editions[0 if roll < 0.6 else 1 if roll < 0.85 else 2]
            holdings.append((account_id, line.product.id, edition.id))
            if luck.random() < 0.2:
                holdings.append((account_id, line.product.id, line.add_on.id))
            for _ in range(luck.choice([0, 0, 1, 2])):
                requests.append((account_id, line.product.id, luck.choice(line.features).id))
    session.execute(
        insert(Holding),
        [
            {"account_id": a, "product_id": p, "package_id": k, "quantity": 1}
            for a, p, k in holdings
        ],
    )
    session.execute(
        insert(FeedbackItem),
        [
            {"text": "Wants more", "kind": Kind.FEATURE_REQUEST, "account_id": a,
             "product_id": p, "feature_id": f, "vector": b"\0" * 8}
            for a, p, f in requests
        ],
    )  # fmt: skip
    session.flush()
    return Generated(lines, made, holdings, requests)


def _line(session: Session, title: str) -> Line:
    product = make_item(session, "product", title=title)
    on = [("product", product.id)]
    features = [
        make_item(session, "feature", title=f"{title} feature {n}", links=on)
        for n in range(FEATURES_PER_PRODUCT)
    ]
    editions = [
        make_item(
            session,
            "edition",
            title=f"{title} edition {n}",
            links=on,
            fields={
                "rank": n + 1,
                "features": [{"feature": f.uid, "limit": ""} for f in features[: 2 + 2 * n]],
            },
        )
        for n in range(3)
    ]
    # The last feature is in no edition: requests for it are product's to weigh.
    add_on = make_item(session, "add_on", title=f"{title} add-on", links=on)
    return Line(product, features, editions, add_on)


@dataclass
class Recount:
    whitespace: dict[tuple[int, int | None], tuple[int, int]]  # (product, edition) → n, ARR
    upsell: dict[tuple[int, int], set[int]]  # (to edition, feature) → account ids


def recount(made: Generated) -> Recount:
    """The whitespace and upsell counted by hand from the generated rows."""
    rank = {e.id: n for line in made.lines for n, e in enumerate(line.editions)}
    carries = {
        e.id: {f.id for f in line.features[: 2 + 2 * n]}
        for line in made.lines
        for n, e in enumerate(line.editions)
    }
    top: dict[tuple[int, int], int] = {}
    for account, product, package in made.holdings:
        if package in rank and rank[package] >= rank.get(top.get((account, product), -1), -1):
            top[(account, product)] = package
    space: dict[tuple[int, int | None], tuple[int, int]] = defaultdict(lambda: (0, 0))
    current = {a: arr for a, arr, ok in made.accounts if ok and arr > 0}
    for account, arr in current.items():
        for line in made.lines:
            held = top.get((account, line.product.id))
            n, total = space[(line.product.id, held)]
            space[(line.product.id, held)] = (n + 1, total + arr)
    upsell: dict[tuple[int, int], set[int]] = defaultdict(set)
    by_product = {line.product.id: line for line in made.lines}
    staying = {a for a, _arr, ok in made.accounts if ok}
    for account, product, feature in made.requests:
        held = top.get((account, product))
        if account not in staying or held is None:
            continue
        if feature in carries[held]:
            continue
        higher = [e for e in by_product[product].editions if rank[e.id] > rank[held]]
        to = next((e for e in higher if feature in carries[e.id]), None)
        if to is not None:
            upsell[(to.id, feature)].add(account)
    return Recount(dict(space), dict(upsell))
