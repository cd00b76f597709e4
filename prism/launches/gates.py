"""Readiness gates: the rules a launch must meet to enter a stage, and the report that says, in
words a person can act on, what still blocks it.

Each tier chooses its rules per stage (and their thresholds) in `TierGate` rows; the rules
themselves live here, one function each, reading a `Readiness` snapshot of the launch.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from prism.knowledge.models import Status
from prism.launches.models import (
    BetaStatus,
    BomItem,
    BomStatus,
    Checkpoint,
    Launch,
    Metric,
    Stage,
)


class State(StrEnum):
    PASSED = "passed"
    BLOCKED = "blocked"
    # The rule needs data Prism does not hold yet: shown as such, never as passed.
    NOT_MEASURABLE = "not_measurable"


@dataclass(frozen=True)
class Finding:
    rule: str
    label: str
    state: State
    detail: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "label": self.label,
            "state": self.state.value,
            "detail": self.detail,
        }


@dataclass(frozen=True)
class GateReport:
    """What entering `stage` needs, rule by rule."""

    launch: str
    stage: Stage
    findings: list[Finding] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.blockers

    @property
    def blockers(self) -> list[Finding]:
        return [f for f in self.findings if f.state is State.BLOCKED]

    @property
    def unmeasured(self) -> list[Finding]:
        return [f for f in self.findings if f.state is State.NOT_MEASURABLE]

    def summary(self) -> str:
        if not self.passed:
            count = len(self.blockers)
            things = "thing blocks" if count == 1 else "things block"
            return f"{count} {things} moving {self.launch} to {self.stage.label}."
        return f"{self.launch} is ready for {self.stage.label}."


@dataclass(frozen=True)
class Certified:
    """How many of the people a launch must ready hold the certification it requires."""

    count: int
    people: int

    @property
    def rate(self) -> float:
        return self.count / self.people if self.people else 0.0

    def __str__(self) -> str:
        certified = f"{self.count} of {self.people} people in the target teams are certified"
        return f"{certified} ({self.rate:.0%})"


@dataclass(frozen=True)
class Readiness:
    """Everything the rules read about one launch, loaded once."""

    launch: Launch
    bom: list[BomItem]
    beta_statuses: list[BetaStatus]
    metrics: list[Metric]
    checkpoints: list[Checkpoint]
    # Who in the target teams is certified; None when no certifying module belongs to the launch.
    certified: Certified | None
    today: date


Check = Callable[[Readiness, float | None], tuple[State, str]]


@dataclass(frozen=True)
class Rule:
    name: str
    describe: Callable[[float | None], str]
    check: Check
    # The threshold's meaning: None (no threshold), "count" (a whole number >= 1) or "share".
    threshold: str | None = None
    default: float | None = None

    def resolve(self, threshold: float | None) -> float | None:
        """The threshold in force: the tier's, or the rule's default when the tier sets none."""
        return self.default if threshold is None else threshold


def _at_least(what: str, after: str = "") -> Callable[[float | None], str]:
    def describe(threshold: float | None) -> str:
        count = int(threshold or 1)
        return f"At least {count} {what}{'s' if count > 1 else ''}{after}"

    return describe


def _positioning(r: Readiness, _: float | None) -> tuple[State, str]:
    parts = {
        "target": "who it is for",
        "need": "their need",
        "category": "the category",
        "benefit": "the key benefit",
        "alternative": "the alternative buyers use today",
    }
    missing = [label for name, label in parts.items() if not getattr(r.launch, name).strip()]
    if missing:
        return State.BLOCKED, (
            f"The positioning statement lacks {_join(missing)}; complete it under Positioning."
        )
    return State.PASSED, "For " + r.launch.target + " who " + r.launch.need + "."


def _differentiator(r: Readiness, _: float | None) -> tuple[State, str]:
    if r.launch.differentiator.strip():
        return State.PASSED, r.launch.differentiator
    versus = r.launch.alternative.strip() or "the alternative"
    return State.BLOCKED, (
        f"No differentiator, no launch: write what sets it apart from {versus} under Positioning."
    )


def _deliverable(kind: str, label: str) -> Check:
    def check(r: Readiness, _: float | None) -> tuple[State, str]:
        found = [b for b in r.bom if b.kind == kind and b.status is not BomStatus.DROPPED]
        if not found:
            return State.BLOCKED, (
                f"The bill of materials has no {label} deliverable; add one and link it to a "
                "published item."
            )
        waiting = [b for b in found if not b.done]
        if waiting:
            return State.BLOCKED, "; ".join(why_not_done(b, r.launch.target_date) for b in waiting)
        return State.PASSED, "Done: " + ", ".join(b.item.title for b in found if b.item)

    return check


def _beta_customers(r: Readiness, threshold: float | None) -> tuple[State, str]:
    needed = int(threshold or 1)
    taking_part = sum(1 for s in r.beta_statuses if s is not BetaStatus.DROPPED)
    if taking_part >= needed:
        return State.PASSED, f"{taking_part} beta customers."
    return State.BLOCKED, (
        f"Add beta customers under Beta programme: {taking_part} of the {needed} needed."
    )


def _required_deliverables(r: Readiness, _: float | None) -> tuple[State, str]:
    waiting = [b for b in r.bom if b.required and not b.done]
    if not waiting:
        count = sum(1 for b in r.bom if b.required)
        return State.PASSED, f"All {count} required deliverables are done."
    lines = "; ".join(why_not_done(b, r.launch.target_date) for b in waiting)
    noun = "deliverable is" if len(waiting) == 1 else "deliverables are"
    return State.BLOCKED, f"{len(waiting)} required {noun} not done: {lines}"


def _certification(r: Readiness, threshold: float | None) -> tuple[State, str]:
    wanted = threshold or 0.0
    if not r.launch.teams:
        return State.BLOCKED, "Choose the teams this launch must ready (Target teams)."
    if r.certified is None:
        return State.NOT_MEASURABLE, (
            "No published certifying training module belongs to this launch, so nobody can be "
            "certified for it yet; create one under Training and assign it to the target teams."
        )
    if r.certified.rate >= wanted:
        return State.PASSED, f"{r.certified}."
    return State.BLOCKED, f"Only {r.certified}; {wanted:.0%} needed."


def _success_metrics(r: Readiness, threshold: float | None) -> tuple[State, str]:
    needed = int(threshold or 1)
    count = len(r.metrics)
    if count >= needed:
        return State.PASSED, ", ".join(f"{m.name} (target {m.target_text})" for m in r.metrics)
    return State.BLOCKED, (
        f"Define success metrics with targets under Metrics: {count} of the {needed} needed."
    )


def _final_review(r: Readiness, _: float | None) -> tuple[State, str]:
    last = next((c for c in r.checkpoints if c.day == 90), None)
    if last is None:
        return State.BLOCKED, "The launch has no 90-day checkpoint; it is created at GA."
    if last.reviewed_at is None:
        return State.BLOCKED, f"Review the 90-day checkpoint (due {last.due_on:%d %b %Y})."
    return State.PASSED, f"Reviewed: {last.health.value if last.health else ''}".strip()


RULES: dict[str, Rule] = {
    rule.name: rule
    for rule in (
        Rule("positioning", lambda _: "A complete positioning statement", _positioning),
        Rule("differentiator", lambda _: "A differentiator", _differentiator),
        Rule("messaging", lambda _: "Messaging is done", _deliverable("messaging", "messaging")),
        Rule("faq", lambda _: "The FAQ is done", _deliverable("faq", "FAQ")),
        Rule(
            "beta_customers",
            _at_least("beta customer"),
            _beta_customers,
            threshold="count",
            default=1,
        ),
        Rule(
            "required_deliverables",
            lambda _: "Every required deliverable is done",
            _required_deliverables,
        ),
        Rule(
            "certification",
            lambda t: f"Target teams at least {t or 0:.0%} certified",
            _certification,
            threshold="share",
            default=0.8,
        ),
        Rule(
            "success_metrics",
            _at_least("success metric", " with targets"),
            _success_metrics,
            threshold="count",
            default=1,
        ),
        Rule("final_review", lambda _: "The 90-day checkpoint is reviewed", _final_review),
    )
}


def evaluate(
    readiness: Readiness, stage: Stage, gates: list[tuple[str, float | None]]
) -> GateReport:
    """The report on entering `stage` under the tier's `gates` (rule name, threshold)."""
    findings = []
    for name, given in gates:
        rule = RULES[name]
        threshold = rule.resolve(given)
        state, detail = rule.check(readiness, threshold)
        findings.append(Finding(name, rule.describe(threshold), state, detail))
    return GateReport(readiness.launch.name, stage, findings)


def why_not_done(item: BomItem, launch_date: date) -> str:
    """One deliverable's state in a sentence: whose it is, when it is due, what is missing."""
    owner = item.owner.name if item.owner else "no owner"
    head = f"{item.title} ({owner}, due {item.due_on(launch_date):%d %b %Y})"
    if item.item is None:
        return f"{head}: no asset linked yet"
    if item.item.status is not Status.PUBLISHED:
        state = item.item.status.value.replace("_", " ")
        return f"{head}: '{item.item.title}' is {state}, not published"
    return f"{head}: done"


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
