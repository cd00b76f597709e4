"""What an output says, gathered from the item graph before any format is chosen.

A source item (a solution, a product, a story, a battlecard) is read together with the items
around it and around its products: features, value propositions, differentiators, proof points,
stories and FAQs. Outputs meant for customers draw only on published, customer-shareable items
(an internal story or claim never reaches a deck), and an anonymised story loses its name.
Anything missing becomes a visible placeholder and a listed gap, never a crash.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from prism.knowledge.access import customer_problem
from prism.knowledge.kinds import BUILT_ON
from prism.knowledge.models import Dimension, Item, ItemLink, Status
from prism.markdown import to_text


@dataclass(frozen=True)
class Proof:
    claim: str
    evidence: str
    source_url: str


@dataclass(frozen=True)
class StoryPoint:
    title: str
    customer: str
    industry: str
    challenge: str
    solution: str
    results: list[tuple[str, str]]
    quote: str
    quote_by: str


@dataclass(frozen=True)
class Battle:
    competitor: str
    why_we_win: list[str]
    why_we_lose: list[str]
    landmines: list[str]
    objections: list[tuple[str, str]]
    pricing_notes: str


@dataclass
class Brief:
    """Everything a layout may show, already filtered for its audience."""

    title: str
    subtitle: str
    kind_label: str
    prepared_for: str = ""
    problem: str = ""
    approach: str = ""
    value: str = ""
    body: str = ""
    products: list[str] = field(default_factory=list)
    features: list[tuple[str, str]] = field(default_factory=list)
    messages: list[tuple[str, str]] = field(default_factory=list)
    proofs: list[Proof] = field(default_factory=list)
    stories: list[StoryPoint] = field(default_factory=list)
    faqs: list[tuple[str, str]] = field(default_factory=list)
    battle: Battle | None = None
    gaps: list[str] = field(default_factory=list)

    def need(self, value: str, what: str) -> str:
        """`value`, or a visible placeholder for `what` (noted as a gap) when it is empty."""
        if value.strip():
            return value
        if what not in self.gaps:
            self.gaps.append(what)
        return f"[To come: {what}]"

    @property
    def next_steps(self) -> list[str]:
        steps = ["Agree the outcomes that matter and how we will measure them"]
        if self.stories:
            steps.append(f"Talk to {self.stories[0].customer} about their results")
        steps += ["Scope a pilot with your team", "Review security and compliance documents"]
        return steps


# Claims an output repeats as facts: when one is stale (overdue for verification, or resting on
# an overdue claim), it is left out rather than printed, and the output lists it as a gap.
CLAIMS = frozenset({"proof_point", "value_proposition", "differentiator"})


@dataclass(frozen=True)
class Gathered:
    """A source, the items an output may draw on, every item it considered with its version,
    and the stale claims left out (both decide when the output is outdated)."""

    source: Item
    usable: list[Item]
    considered: dict[int, int]
    stale: list[Item]


def gather(session: Session, source: Item, *, external: bool, now: datetime) -> Gathered:
    """The source with its neighbours and its products' neighbours, filtered for the audience."""
    near = _neighbours(session, {source.id})
    products = {i.id for i in near if i.kind == "product"} | (
        {source.id} if source.kind == "product" else set()
    )
    around = _neighbours(session, products) if products else []
    everything = {i.id: i for i in [*near, *around] if i.id != source.id}
    considered = {source.id: source.version} | {i.id: i.version for i in everything.values()}
    allowed = [i for i in everything.values() if _may_use(i, external=external)]
    overdue = {i.id for i in everything.values() if i.review_due_at < now}
    stale = [i for i in allowed if i.kind in CLAIMS and _stale(i, overdue)]
    usable = sorted((i for i in allowed if i not in stale), key=lambda i: (i.kind, i.title.lower()))
    return Gathered(source, usable, considered, stale)


def _stale(claim: Item, overdue: set[int]) -> bool:
    return claim.id in overdue or any(
        lk.target_id in overdue and lk.relation in BUILT_ON for lk in claim.links
    )


def _neighbours(session: Session, ids: set[int]) -> list[Item]:
    linked = (
        select(ItemLink.target_id)
        .where(ItemLink.source_id.in_(ids))
        .union(select(ItemLink.source_id).where(ItemLink.target_id.in_(ids)))
    )
    stmt = (
        select(Item)
        .where(or_(Item.id.in_(linked), Item.id.in_(ids)))
        .options(selectinload(Item.facets), selectinload(Item.links))
    )
    return list(session.scalars(stmt))


def _may_use(item: Item, *, external: bool) -> bool:
    if external:
        return customer_problem(item) is None
    return item.status == Status.PUBLISHED


def build(gathered: Gathered, options: dict[str, Any], *, external: bool) -> Brief:
    """The brief for `gathered`: the source's own words first, its neighbours' after."""
    source = gathered.source
    brief = Brief(
        title=source.title,
        subtitle=source.summary,
        kind_label=source.kind.replace("_", " "),
        prepared_for=str(options.get("customer", "")),
        body=to_text(source.body),
    )
    f = source.fields

    def of(*kinds: str) -> list[Item]:
        return [i for i in gathered.usable if i.kind in kinds]

    brief.products = [p.title for p in of("product")] or (
        [source.title] if source.kind == "product" else []
    )
    positioning = next(iter(of("positioning")), None)
    pos = positioning.fields if positioning else {}
    # A product speaks through its positioning, or else through its solutions and messages.
    solution = next(iter(of("solution")), None)
    message = next(iter(of("value_proposition", "differentiator")), None)
    brief.problem = (
        f.get("problem")
        or f.get("challenge")
        or pos.get("need")
        or (solution.fields.get("problem", "") if solution else "")
    )
    brief.approach = (
        f.get("approach")
        or f.get("solution")
        or pos.get("key_benefit")
        or (source.summary if source.kind == "product" else "")
    )
    brief.value = (
        f.get("value")
        or pos.get("differentiator")
        or (f"{message.title}. {message.summary}".strip(". ") if message else "")
    )
    brief.features = [(i.title, i.summary) for i in of("feature")]
    brief.messages = [(i.title, i.summary) for i in of("value_proposition", "differentiator")]
    brief.proofs = [_proof(i) for i in of("proof_point")]
    stories = [source] if source.kind == "story" else of("story")
    brief.stories = _stories(stories, str(options.get("industry", "")), external=external)
    brief.faqs = [faq(i) for i in of("faq")]
    if source.kind == "battlecard":
        brief.battle = _battle(source, of("competitor"))
    for claim in gathered.stale:
        brief.gaps.append(f"a fresh {claim.kind.replace('_', ' ')} (“{claim.title}” is stale)")
    if source.kind == "story" and external and f.get("permission") == "anonymised":
        brief.title = f"Customer story: {brief.stories[0].customer}"
    return brief


def faq(item: Item) -> tuple[str, str]:
    """An FAQ as question and answer (its body, or its summary when the body is empty)."""
    return item.title, to_text(item.body) or item.summary


def _proof(item: Item) -> Proof:
    f = item.fields
    return Proof(
        f.get("claim") or item.title, f.get("evidence") or item.summary, f.get("source_url", "")
    )


def _stories(items: Iterable[Item], industry: str, *, external: bool) -> list[StoryPoint]:
    """Stories, those from the customer's own industry first."""
    points = [_story(i, external=external) for i in items]
    return sorted(points, key=lambda s: (s.industry != industry, s.title.lower()))


def _story(item: Item, *, external: bool) -> StoryPoint:
    f = item.fields
    industry = _industry(item)
    customer = f.get("customer") or item.title
    if external and f.get("permission") == "anonymised":
        customer = anonymous_customer(item)
    quote_by = "" if external and f.get("permission") == "anonymised" else f.get("quote_by", "")
    return StoryPoint(
        title=item.title,
        customer=customer,
        industry=industry,
        challenge=f.get("challenge") or item.summary,
        solution=f.get("solution", ""),
        results=[(r["first"], r["second"]) for r in f.get("results", [])],
        quote=f.get("quote", ""),
        quote_by=quote_by,
    )


def anonymous_customer(story: Item) -> str:
    """How an anonymised story names its customer: by industry only."""
    return f"A {_industry(story).lower() or 'leading'} customer"


def _industry(item: Item) -> str:
    return next((x.name for x in item.facets if x.dimension == Dimension.INDUSTRY), "")


def _battle(source: Item, competitors: list[Item]) -> Battle:
    f = source.fields
    return Battle(
        competitor=competitors[0].title if competitors else "",
        why_we_win=list(f.get("why_we_win", [])),
        why_we_lose=list(f.get("why_we_lose", [])),
        landmines=list(f.get("landmines", [])),
        objections=[(o["first"], o["second"]) for o in f.get("objections", [])],
        pricing_notes=f.get("pricing_notes", ""),
    )
