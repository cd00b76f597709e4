"""What an output says, gathered from the item graph before any format is chosen.

A source item (a solution, a product, a story, a battlecard) is read together with the items
around it and around its products: features, value propositions, differentiators, proof points,
personas, stories and FAQs. An output for customers draws only on what `audience` lets reach
them, reads only the fields a customer may read, and lists for the seller what it left out and
why. Anything missing becomes a visible placeholder and a listed gap, never a crash.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from prism.i18n import Language
from prism.knowledge import audience
from prism.knowledge.kinds import BUILT_ON
from prism.knowledge.models import Audience, Item, ItemLink, Status
from prism.markdown import to_text
from prism.pricing.models import PriceBook
from prism.pricing.plans import Plan
from prism.render import prices
from prism.render.prices import PriceTable
from prism.render.words import language_of, say

# A number with what it counts: "15%", "10x", "12 days", "from 6 weeks to 1 week".
_FIGURE = re.compile(
    r"(?:from\s+\S+\s+\w+\s+to\s+\S+\s+\w+)|(?:\d[\d,.]*\s?(?:%|x\b|×|percent\b))"
    r"|(?:(?:under|over|in)?\s?\b[\w.,]+\s(?:minutes?|hours?|days?|weeks?|months?)\b)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Proof:
    claim: str
    evidence: str
    source_url: str

    @property
    def callout(self) -> tuple[str, str]:
        """The proof as a callout: its figure when the claim states one (else the claim), and
        what backs it."""
        found = _FIGURE.search(self.claim)
        if found is None:
            return self.claim, self.evidence
        return found.group(0).strip(), " — ".join(p for p in (self.claim, self.evidence) if p)


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
    # The customer let us name them (an anonymised story speaks of "a healthcare customer").
    named: bool = True

    @property
    def badge(self) -> str:
        """The story's round badge: the customer's initials, or its industry's for an
        anonymised one."""
        return initials(self.customer if self.named else self.industry or self.customer)


@dataclass(frozen=True)
class Battle:
    competitor: str
    why_we_win: list[str]
    why_we_lose: list[str]
    landmines: list[str]
    objections: list[tuple[str, str]]
    pricing_notes: str


@dataclass(frozen=True)
class Contact:
    """Who the customer talks to: the seller an output is signed by."""

    name: str
    email: str
    team: str = ""


def initials(name: str) -> str:
    """A person's or customer's initials for a round badge: "St. Mary's Health" is "SM"."""
    words = [w for w in re.findall(r"[^\W\d_]+", name) if w[0].isupper()] or name.split()
    return "".join(w[0] for w in words[:2]).upper() or "?"


@dataclass
class Brief:
    """Everything a layout may show, already filtered for its audience."""

    title: str
    subtitle: str
    kind_label: str
    audience: Audience = Audience.CUSTOMER
    language: Language = "en"
    prepared_for: str = ""
    industry: str = ""
    # A competitor in the deal (a customer deck then compares us with the usual alternative).
    against: str = ""
    alternative: str = ""
    seller: Contact | None = None
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
    pains: list[str] = field(default_factory=list)
    battle: Battle | None = None
    # A product's editions and list prices (see `prices.py`), when it has editions to show.
    pricing: PriceTable | None = None
    gaps: list[str] = field(default_factory=list)
    # What a customer output left out, and why (the seller is told; the customer never is).
    omitted: list[str] = field(default_factory=list)
    # Why the stories shown were chosen, in the order shown.
    chosen: list[str] = field(default_factory=list)

    @property
    def internal(self) -> bool:
        return self.audience == Audience.INTERNAL

    def say(self, text: str, **values: str) -> str:
        """A fixed heading or label in the output's language."""
        return say(text, self.language, **values)

    def need(self, value: str, what: str) -> str:
        """`value`, or a visible placeholder for `what` (noted as a gap) when it is empty."""
        if value.strip():
            return value
        if what not in self.gaps:
            self.gaps.append(what)
        return f"[{self.say('To come: {what}', what=what)}]"

    @property
    def price_note(self) -> str:
        """What the prices shown are: the currency, before taxes, and the day they are for."""
        table = self.pricing
        if table is not None and table.priced:
            return self.say(
                "List prices in {currency}, before taxes, in force on {day}.",
                currency=table.currency,
                day=table.as_of,
            )
        return self.say("Prices are quoted for each customer: ask your contact.")

    @property
    def lede(self) -> str:
        """The one-line summary, unless it only repeats the problem (then nothing)."""
        repeats = self.subtitle.strip().rstrip(".") == self.problem.strip().rstrip(".")
        return "" if repeats else self.subtitle

    @property
    def summary(self) -> str:
        """What an executive summary says: the one-line summary, or else what it is worth."""
        return self.lede or self.value or self.subtitle

    def month(self, day: date) -> str:
        """A month as the output's language writes it: "December 2026", "2026年12月"."""
        return f"{day.year}年{day.month}月" if self.language == "zh" else f"{day:%B %Y}"

    @property
    def product(self) -> str:
        return self.products[0] if self.products else self.title

    @property
    def next_steps(self) -> list[str]:
        steps = [self.say("Agree the outcomes that matter and how we will measure them")]
        story = self.stories[0] if self.stories else None
        # Only a named customer from the buyer's own industry (when it is known) is worth a call.
        fits = story is not None and (not self.industry or story.industry in ("", self.industry))
        if story and story.named and fits:
            steps.append(
                self.say("Talk to {customer} about their results", customer=story.customer)
            )
        steps += [
            self.say("Scope a pilot with your team"),
            self.say("Review security and compliance documents"),
        ]
        return steps


# Claims an output repeats as facts: when one is stale (overdue for verification, or resting on
# an overdue claim), it is left out rather than printed, and the output lists it as a gap.
CLAIMS = frozenset({"proof_point", "value_proposition", "differentiator"})


@dataclass(frozen=True)
class Gathered:
    """A source, the items an output may draw on, every item it considered with its version,
    the stale claims left out (both decide when the output is outdated), and for a customer
    output what it may not show and why."""

    source: Item
    usable: list[Item]
    considered: dict[int, int]
    stale: list[Item]
    withheld: list[str] = field(default_factory=list)
    # A product's price books the output may quote, and the day whose prices it shows.
    books: list[PriceBook] = field(default_factory=list)
    today: date | None = None
    # A launch's packaging change the output previews: the line-up as it will stand.
    preview: Plan | None = None
    external: bool = True

    @property
    def depends_on(self) -> dict[str, int]:
        """Everything the output was made from, with its version: when any of it changes, the
        output is outdated."""
        versions = {str(k): v for k, v in sorted(self.considered.items())}
        stale = {f"stale:{i.id}": 1 for i in self.stale}
        books = (
            prices.versions(self.books, self.today, self.preview, external=self.external)
            if self.today
            else {}
        )
        return versions | stale | books


# The kinds an output draws on around its source: what it leaves out of these is worth telling.
DRAWN = frozenset(
    {"feature", "positioning", "persona", "value_proposition", "differentiator", "proof_point"}
    | {"solution", "story", "faq", "edition", "add_on"}
)


def gather(
    session: Session, source: Item, *, external: bool, now: datetime, preview: Plan | None = None
) -> Gathered:
    """The source with its neighbours and its products' neighbours, filtered for the audience;
    with `preview`, its prices as they will stand once that packaging change is made."""
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
    withheld = [
        why
        for i in sorted(everything.values(), key=lambda i: (i.kind, i.title.lower()))
        if external and i.kind in DRAWN and i.status == Status.PUBLISHED
        if (why := audience.customer_problem(i))
    ]
    # A product's own prices; a battlecard's (internal) shows ours beside the competitor's.
    priced = (
        source
        if source.kind == "product"
        else next(iter(i for i in near if i.kind == "product"), None)
        if source.kind == "battlecard" and len(products) == 1
        else None
    )
    books = prices.books_for(session, priced, external=external) if priced else []
    return Gathered(
        source, usable, considered, stale, withheld, books, now.date(), preview, external
    )


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
        return audience.customer_problem(item) is None
    return item.status == Status.PUBLISHED


def build(
    gathered: Gathered,
    options: dict[str, Any],
    *,
    external: bool,
    seller: Contact | None = None,
) -> Brief:
    """The brief for `gathered`: the source's own words first, its neighbours' after."""
    source = gathered.source
    brief = Brief(
        title=audience.customer_title(source) if external else source.title,
        subtitle=_said(source, source.summary, external),
        kind_label=source.kind.replace("_", " "),
        audience=Audience.CUSTOMER if external else Audience.INTERNAL,
        language=options.get("language") or language_of(_words(source)),
        prepared_for=str(options.get("customer", "")),
        industry=str(options.get("industry", "")),
        against=str(options.get("against", "")),
        seller=seller,
        body=_said(source, to_text(source.body), external),
    )
    f = _fields(source, external)

    def of(*kinds: str) -> list[Item]:
        return [i for i in gathered.usable if i.kind in kinds]

    brief.products = [p.title for p in of("product")] or (
        [source.title] if source.kind == "product" else []
    )
    positioning = next(iter(of("positioning")), None)
    pos = _fields(positioning, external) if positioning else {}
    brief.alternative = pos.get("alternative", "")
    # A product speaks through its positioning, or else through its solutions and messages.
    solution = next(iter(of("solution")), None)
    message = next(iter(of("value_proposition", "differentiator")), None)
    brief.problem = (
        f.get("problem")
        or f.get("challenge")
        or pos.get("need")
        or (_fields(solution, external).get("problem", "") if solution else "")
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
    brief.features = _lines(of("feature"))
    brief.messages = _lines(of("value_proposition", "differentiator"))
    brief.proofs = [_proof(i) for i in of("proof_point")]
    pains = (p for i in of("persona") for p in _fields(i, external).get("pains", []))
    brief.pains = list(dict.fromkeys(pains))
    stories = [source] if source.kind == "story" else of("story")
    picked = pick_stories(stories, options, external=external)
    # Why the stories an output can show were chosen (a whitepaper shows three at most).
    brief.stories, brief.chosen = [s for s, _ in picked], [why for _, why in picked[:3]]
    brief.faqs = [faq(i) for i in of("faq")]
    if source.kind == "battlecard" and not external:
        brief.battle = _battle(source, of("competitor"))
    priced = source if source.kind == "product" else next(iter(of("product")), None)
    if priced is not None and gathered.books and gathered.today is not None:
        brief.pricing = prices.table(
            gathered.usable,
            gathered.books,
            currency=str(options.get("currency", "")),
            product_currency=str(priced.fields.get("currency", "USD")),
            language=brief.language,
            external=external,
            today=gathered.today,
            preview=gathered.preview,
        )
    for claim in gathered.stale:
        brief.gaps.append(f"a fresh {claim.kind.replace('_', ' ')} (“{claim.title}” is stale)")
    brief.omitted = list(gathered.withheld)
    return brief


def _words(item: Item) -> list[str]:
    """What an item says in its own words (to tell which language it is written in)."""
    said = [v for v in item.fields.values() if isinstance(v, str)]
    return [item.title, item.summary, item.body, *said]


def _fields(item: Item, external: bool) -> dict[str, Any]:
    """The item's fields an output of this audience may read."""
    return audience.told(item) if external else dict(item.fields)


def _said(item: Item, text: str, external: bool) -> str:
    """`text` as a customer may read it (an anonymised story does not name its customer)."""
    return audience.masked(item, text) if external else text


def _lines(items: list[Item]) -> list[tuple[str, str]]:
    """Each item as (title, summary), the summary dropped when it only repeats the title
    ("Access reviews — Access reviews in Helio Vault" says nothing twice)."""
    return [(i.title, _unless_echo(i.title, i.summary)) for i in items]


def _unless_echo(title: str, summary: str) -> str:
    words = summary.strip().rstrip(".")
    if not words or words.lower().startswith(title.lower()):
        return ""
    return summary


def faq(item: Item) -> tuple[str, str]:
    """An FAQ as question and answer (its body, or its summary when the body is empty)."""
    return item.title, to_text(item.body) or item.summary


def _proof(item: Item) -> Proof:
    f = item.fields
    return Proof(
        f.get("claim") or item.title, f.get("evidence") or item.summary, f.get("source_url", "")
    )


def pick_stories(
    items: Iterable[Item], options: dict[str, Any], *, external: bool
) -> list[tuple[StoryPoint, str]]:
    """Stories best suited to who the output is for, best first, each with why it was chosen:
    the customer's own industry first, then those that name their customer; a story from
    another industry says that none matched."""
    industry = str(options.get("industry", ""))
    points = sorted(
        (_story(item, external=external) for item in items),
        key=lambda s: (bool(industry) and s.industry != industry, not s.named, s.title.lower()),
    )
    return [(point, _why(point, industry)) for point in points]


def _why(point: StoryPoint, industry: str) -> str:
    label = point.customer
    if industry and point.industry == industry:
        return f"{label}: same industry ({industry})"
    if industry:
        return f"{label}: no shareable {industry} story, so one about the same product"
    return f"{label}: about the same product"


def _story(item: Item, *, external: bool) -> StoryPoint:
    f = _fields(item, external)
    named = not (external and audience.anonymised(item))
    customer = f.get("customer") or item.title
    return StoryPoint(
        title=audience.customer_title(item) if external else item.title,
        customer=customer if named else audience.anonymous_customer(item),
        industry=audience.industry_of(item),
        challenge=f.get("challenge") or _said(item, item.summary, external),
        solution=f.get("solution", ""),
        results=[(r["first"], r["second"]) for r in f.get("results", [])],
        quote=f.get("quote", ""),
        quote_by=f.get("quote_by", "") if named else "",
        named=named,
    )


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
