"""Factories for launches in tests: a launch of any tier, and the things that make its gates
pass (a full positioning, published assets for its deliverables, beta customers, metrics)."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session

from prism.auth.policy import SYSTEM, Principal
from prism.db import utcnow
from prism.launches import beta, bom, metrics, service
from prism.launches.models import Launch, Stage
from prism.launches.schemas import (
    BetaCustomerIn,
    BomItemUpdate,
    LaunchIn,
    LaunchUpdate,
    MetricIn,
    MoveIn,
)
from prism.people.models import Team
from tests.knowledge.factories import make_item

POSITIONED = {
    "target": "hospital IT teams",
    "need": "must prove who saw patient records",
    "category": "a data-access ledger",
    "benefit": "answers an audit in minutes",
    "alternative": "spreadsheets of database logs",
    "differentiator": "record every read, not just every write, at no cost to query speed",
}


def today() -> date:
    return utcnow().date()


def make_launch(
    session: Session, tier: int = 1, *, actor: Principal = SYSTEM, **overrides: Any
) -> Launch:
    """A launch in planning, a month out, for a fresh product."""
    if "product_id" not in overrides:
        overrides["product_id"] = make_item(session, "product", title="Ledger").id
    data: dict[str, Any] = {
        "name": f"Launch {uuid.uuid4().hex[:8]}",
        "tier": tier,
        "target_date": today() + timedelta(days=30),
        **overrides,
    }
    if actor is SYSTEM and "owner_id" not in data:
        data["owner_id"] = None
    return service.create_launch(session, actor, LaunchIn(**data), today=today())


def position(session: Session, launch: Launch) -> Launch:
    data = {"version": launch.version, **POSITIONED}
    return service.update_launch(session, SYSTEM, launch.id, _update(data), today=today())


def _update(data: dict[str, Any]) -> LaunchUpdate:
    return LaunchUpdate(**data)


def deliver(session: Session, launch: Launch, *kinds: str, publish: bool = True) -> Launch:
    """Link a (published) asset to each deliverable of `kinds` (all when none are named)."""
    for item in list(launch.bom):
        if kinds and item.kind not in kinds:
            continue
        kind = item.accepts[0] if item.accepts else "asset"
        asset = make_item(session, kind, title=f"{item.title} asset", publish=publish)
        bom.update_item(
            session, SYSTEM, launch, item.id, BomItemUpdate(version=item.version, item_id=asset.id)
        )
    return service.get_launch(session, SYSTEM, launch.id)


def enrol(session: Session, launch: Launch, count: int) -> None:
    for n in range(count):
        beta.add_customer(session, SYSTEM, launch, BetaCustomerIn(account=f"Beta account {n}"))


def measure_success(session: Session, launch: Launch, count: int) -> None:
    for n in range(count):
        metrics.define(session, SYSTEM, launch, MetricIn(name=f"Accounts live {n}", target=40))


def target_teams(session: Session, launch: Launch) -> Launch:
    team = session.query(Team).filter_by(name="Sales").one_or_none() or Team(name="Sales")
    session.add(team)
    session.flush()
    data = {"version": launch.version, "team_ids": [team.id]}
    return service.update_launch(session, SYSTEM, launch.id, _update(data), today=today())


def move(
    session: Session, launch: Launch, to: Stage, *, actor: Principal = SYSTEM, **extra: Any
) -> Launch:
    fresh = service.get_launch(session, actor, launch.id)
    data = MoveIn(version=fresh.version, to=to, **extra)
    return service.move(session, actor, launch.id, data, now=utcnow())
