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

from prism import i18n
from prism.i18n import N_, _, ngettext
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
            return ngettext(
                "{count} thing blocks moving {launch} to {stage}.",
                "{count} things block moving {launch} to {stage}.",
                count,
                launch=self.launch,
                stage=_(self.stage.label),
            )
        return _("{launch} is ready for {stage}.", launch=self.launch, stage=_(self.stage.label))


@dataclass(frozen=True)
class Certified:
    """How many of the people a launch must ready hold the certification it requires."""

    count: int
    people: int

    @property
    def rate(self) -> float:
        return self.count / self.people if self.people else 0.0

    def __str__(self) -> str:
        return _(
            "{count} of {people} people in the target teams are certified ({rate:.0%})",
            count=self.count,
            people=self.people,
            rate=self.rate,
        )


@dataclass(frozen=True)
class Requirement:
    """One thing a launch's packaging change needs before GA, and whether the launch has it
    (`launches/packaging.py` decides)."""

    rule: str
    label: str
    met: bool
    detail: str


# The gate rules a packaging change adds to GA, in the order the launch page lists them.
PACKAGING_RULES = {
    "pricing_sheet": N_("The pricing sheet shows the change"),
    "price_faqs": N_("FAQs that quote prices are reviewed"),
    "seller_training": N_("Sellers are trained on the change"),
}


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
    # What a packaging change the launch carries needs before GA (nothing without one).
    packaging: list[Requirement] = field(default_factory=list)


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


def _positioning(r: Readiness, _threshold: float | None) -> tuple[State, str]:
    parts = {
        "target": N_("who it is for"),
        "need": N_("their need"),
        "category": N_("the category"),
        "benefit": N_("the key benefit"),
        "alternative": N_("the alternative buyers use today"),
    }
    missing = [_(label) for name, label in parts.items() if not getattr(r.launch, name).strip()]
    if missing:
        return State.BLOCKED, _(
            "The positioning statement lacks {missing}; complete it under Positioning.",
            missing=_join(missing),
        )
    return State.PASSED, _("For {target} who {need}.", target=r.launch.target, need=r.launch.need)


def _differentiator(r: Readiness, _threshold: float | None) -> tuple[State, str]:
    if r.launch.differentiator.strip():
        return State.PASSED, r.launch.differentiator
    versus = r.launch.alternative.strip() or _("the alternative")
    return State.BLOCKED, _(
        "No differentiator, no launch: write what sets it apart from {versus} under Positioning.",
        versus=versus,
    )


def _deliverable(kind: str, label: str) -> Check:
    def check(r: Readiness, _threshold: float | None) -> tuple[State, str]:
        found = [b for b in r.bom if b.kind == kind and b.status is not BomStatus.DROPPED]
        if not found:
            return State.BLOCKED, _(
                "The bill of materials has no {label} deliverable; add one and link it to a "
                "published item.",
                label=_(label),
            )
        waiting = [b for b in found if not b.done]
        if waiting:
            return State.BLOCKED, "; ".join(why_not_done(b, r.launch.target_date) for b in waiting)
        done = ", ".join(b.item.title for b in found if b.item)
        return State.PASSED, _("Done: {items}", items=done)

    return check


def _beta_customers(r: Readiness, threshold: float | None) -> tuple[State, str]:
    needed = int(threshold or 1)
    taking_part = sum(1 for s in r.beta_statuses if s is not BetaStatus.DROPPED)
    if taking_part >= needed:
        return State.PASSED, ngettext(
            "{count} beta customer.", "{count} beta customers.", taking_part
        )
    return State.BLOCKED, _(
        "Add beta customers under Beta programme: {taking_part} of the {needed} needed.",
        taking_part=taking_part,
        needed=needed,
    )


def _required_deliverables(r: Readiness, _threshold: float | None) -> tuple[State, str]:
    waiting = [b for b in r.bom if b.required and not b.done]
    if not waiting:
        count = sum(1 for b in r.bom if b.required)
        return State.PASSED, _("All {count} required deliverables are done.", count=count)
    lines = "; ".join(why_not_done(b, r.launch.target_date) for b in waiting)
    return State.BLOCKED, ngettext(
        "{count} required deliverable is not done: {lines}",
        "{count} required deliverables are not done: {lines}",
        len(waiting),
        lines=lines,
    )


def _certification(r: Readiness, threshold: float | None) -> tuple[State, str]:
    wanted = threshold or 0.0
    if not r.launch.teams:
        return State.BLOCKED, _("Choose the teams this launch must ready (Target teams).")
    if r.certified is None:
        return State.NOT_MEASURABLE, _(
            "No published certifying training module belongs to this launch, so nobody can be "
            "certified for it yet; create one under Training and assign it to the target teams."
        )
    if r.certified.rate >= wanted:
        return State.PASSED, _("{certified}.", certified=r.certified)
    return State.BLOCKED, _(
        "Only {certified}; {wanted:.0%} needed.", certified=r.certified, wanted=wanted
    )


def _success_metrics(r: Readiness, threshold: float | None) -> tuple[State, str]:
    needed = int(threshold or 1)
    count = len(r.metrics)
    if count >= needed:
        return State.PASSED, ", ".join(
            _("{name} (target {target})", name=m.name, target=m.target_text) for m in r.metrics
        )
    return State.BLOCKED, _(
        "Define success metrics with targets under Metrics: {count} of the {needed} needed.",
        count=count,
        needed=needed,
    )


def _final_review(r: Readiness, _threshold: float | None) -> tuple[State, str]:
    last = next((c for c in r.checkpoints if c.day == 90), None)
    if last is None:
        return State.BLOCKED, _("The launch has no 90-day checkpoint; it is created at GA.")
    if last.reviewed_at is None:
        due = i18n.when(last.due_on)
        return State.BLOCKED, _("Review the 90-day checkpoint (due {due}).", due=due)
    health = i18n.term(last.health.value) if last.health else ""
    return State.PASSED, _("Reviewed: {health}", health=health).strip()


def _said(label: str) -> Callable[[float | None], str]:
    return lambda _threshold: _(label)


def _packaging(name: str) -> Check:
    def check(r: Readiness, _threshold: float | None) -> tuple[State, str]:
        found = next((p for p in r.packaging if p.rule == name), None)
        if found is None:
            return State.PASSED, _("This launch changes no packaging.")
        return (State.PASSED if found.met else State.BLOCKED), found.detail

    return check


RULES: dict[str, Rule] = {
    rule.name: rule
    for rule in (
        Rule("positioning", lambda t: _("A complete positioning statement"), _positioning),
        Rule("differentiator", lambda t: _("A differentiator"), _differentiator),
        Rule(
            "messaging",
            lambda t: _("Messaging is done"),
            _deliverable("messaging", N_("messaging")),
        ),
        Rule("faq", lambda t: _("The FAQ is done"), _deliverable("faq", N_("FAQ"))),
        Rule(
            "beta_customers",
            lambda t: ngettext(
                "At least {count} beta customer", "At least {count} beta customers", int(t or 1)
            ),
            _beta_customers,
            threshold="count",
            default=1,
        ),
        Rule(
            "required_deliverables",
            lambda t: _("Every required deliverable is done"),
            _required_deliverables,
        ),
        Rule(
            "certification",
            lambda t: _("Target teams at least {share:.0%} certified", share=t or 0),
            _certification,
            threshold="share",
            default=0.8,
        ),
        Rule(
            "success_metrics",
            lambda t: ngettext(
                "At least {count} success metric with targets",
                "At least {count} success metrics with targets",
                int(t or 1),
            ),
            _success_metrics,
            threshold="count",
            default=1,
        ),
        Rule("final_review", lambda t: _("The 90-day checkpoint is reviewed"), _final_review),
        *(Rule(name, _said(label), _packaging(name)) for name, label in PACKAGING_RULES.items()),
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
    owner = item.owner.name if item.owner else _("no owner")
    facts = {"title": item.title, "owner": owner, "due": i18n.when(item.due_on(launch_date))}
    if item.item is None:
        return _("{title} ({owner}, due {due}): no asset linked yet", **facts)
    if item.item.status is not Status.PUBLISHED:
        state = i18n.term(item.item.status.value)
        return _(
            "{title} ({owner}, due {due}): '{asset}' is {state}, not published",
            asset=item.item.title,
            state=state,
            **facts,
        )
    return _("{title} ({owner}, due {due}): done", **facts)


def _join(parts: list[str]) -> str:
    if len(parts) == 1:
        return parts[0]
    return _("{some} and {last}", some=_(", ").join(parts[:-1]), last=parts[-1])
