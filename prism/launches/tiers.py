"""Tier configuration: each tier's bill-of-materials template and the gate rules per stage.

The defaults are written by the migration that creates the tables; administrators change them.
A change applies to launches created (templates) or checked (gates) after it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from prism.auth.policy import Action, Principal, require
from prism.errors import Invalid
from prism.i18n import _
from prism.knowledge.kinds import unknown_kind
from prism.launches.gates import RULES
from prism.launches.models import Stage, TierDeliverable, TierGate, tier_problem
from prism.launches.schemas import TierIn


@dataclass(frozen=True)
class GateLine:
    stage: Stage
    rule: str
    threshold: float | None

    @property
    def label(self) -> str:
        return RULES[self.rule].describe(self.threshold)


@dataclass(frozen=True)
class TierConfig:
    tier: int
    deliverables: list[TierDeliverable]
    gates: list[GateLine]


def deliverables_of(session: Session, tier: int) -> list[TierDeliverable]:
    stmt = select(TierDeliverable).where(TierDeliverable.tier == tier)
    return list(session.scalars(stmt.order_by(TierDeliverable.position, TierDeliverable.id)))


def gates_of(session: Session, tier: int, stage: Stage) -> list[tuple[str, float | None]]:
    """The rules (and thresholds) a launch of `tier` must meet to enter `stage`."""
    stmt = select(TierGate.rule, TierGate.threshold).where(
        TierGate.tier == tier, TierGate.stage == stage
    )
    order = list(RULES)
    return sorted(((r, t) for r, t in session.execute(stmt).all()), key=lambda g: order.index(g[0]))


def read_tier(session: Session, actor: Principal, tier: int) -> TierConfig:
    require(actor, Action.READ_LAUNCHES)
    _check_tier(tier)
    stmt = select(TierGate).where(TierGate.tier == tier)
    stage_order = list(Stage)
    lines = sorted(
        (GateLine(g.stage, g.rule, g.threshold) for g in session.scalars(stmt)),
        key=lambda g: (stage_order.index(g.stage), list(RULES).index(g.rule)),
    )
    return TierConfig(tier, deliverables_of(session, tier), lines)


def replace_tier(session: Session, actor: Principal, tier: int, data: TierIn) -> TierConfig:
    """Replace a tier's template and gates as a whole, after checking every line."""
    require(actor, Action.CONFIGURE_TIERS)
    _check_tier(tier)
    _check(data)
    session.execute(delete(TierDeliverable).where(TierDeliverable.tier == tier))
    session.execute(delete(TierGate).where(TierGate.tier == tier))
    for position, line in enumerate(data.deliverables):
        session.add(TierDeliverable(tier=tier, position=position, **line.model_dump()))
    for gate in data.gates:
        threshold = RULES[gate.rule].resolve(gate.threshold)
        session.add(
            TierGate(tier=tier, stage=Stage(gate.stage), rule=gate.rule, threshold=threshold)
        )
    session.flush()
    return read_tier(session, actor, tier)


def _check_tier(tier: int) -> None:
    problem = tier_problem(tier)
    if problem:
        raise Invalid(problem[0].upper() + problem[1:] + ".")


def _check(data: TierIn) -> None:
    errors = []
    for n, line in enumerate(data.deliverables):
        unknown = unknown_kind(line.accepts)
        if unknown:
            errors.append(
                {"field": f"deliverables.{n}.accepts", "message": f"There is no kind {unknown}."}
            )
    seen = set()
    for n, gate in enumerate(data.gates):
        rule = RULES.get(gate.rule)
        field = f"gates.{n}"
        if rule is None:
            known = ", ".join(RULES)
            errors.append(
                {"field": f"{field}.rule", "message": f"No rule {gate.rule}; use {known}."}
            )
            continue
        if (gate.stage, gate.rule) in seen:
            errors.append(
                {"field": field, "message": f"{gate.rule} is listed twice for {gate.stage}."}
            )
        seen.add((gate.stage, gate.rule))
        problem = _threshold_problem(rule.threshold, gate.threshold)
        if problem:
            errors.append({"field": f"{field}.threshold", "message": problem})
    if errors:
        raise Invalid(errors[0]["message"], errors=errors)


def _threshold_problem(kind: str | None, value: float | None) -> str | None:
    if value is None:
        return None
    if kind is None:
        return _("This rule takes no threshold.")
    if kind == "share" and not 0 < value <= 1:
        return _("A share is a fraction between 0 and 1, such as 0.8 for 80%.")
    if kind == "count" and (value < 1 or value != int(value)):
        return _("A count is a whole number of at least 1.")
    return None
