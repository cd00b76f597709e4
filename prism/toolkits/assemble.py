"""A toolkit for one deal. Small, fast deals get their product's standard kit. Larger or slower
ones get a kit assembled for them: the most relevant solutions, stories, battlecards and FAQs
(ranked by how well their facets match the deal and by how they did in past deals), extras
added by the kit rules, and a deck made for the customer. Every entry says why it is there; what
the seller added by hand survives a rebuild."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from prism.auth.policy import Principal
from prism.deals import service as deals
from prism.deals.models import Deal, Outcome
from prism.filestore import FileStore
from prism.i18n import _, ngettext
from prism.knowledge.access import readable_by
from prism.knowledge.models import Item, ItemLink, Status
from prism.pricing import holdings
from prism.render import service as rendering
from prism.render.schemas import RenderIn
from prism.settings import Settings
from prism.toolkits import service as kits
from prism.toolkits.models import KitKind, KitRule, Toolkit, ToolkitEntry

# How many of each kind a deal kit takes, in the order the kit lists them.
QUOTA = {"solution": 3, "story": 3, "battlecard": 3, "faq": 5}


@dataclass(frozen=True)
class SmallDeal:
    """Below both limits a deal is small and fast: the standard kit is offered."""

    value: int = 40_000
    currency: str = "USD"
    cycle_days: int = 30

    @classmethod
    def from_settings(cls, settings: Settings) -> SmallDeal:
        return cls(settings.small_deal_value, settings.currency, settings.fast_cycle_days)

    def fits(self, deal: Deal) -> bool:
        return deal.value < self.value and deal.cycle_days < self.cycle_days


@dataclass
class Candidate:
    item: Item
    score: float = 0.0
    reasons: list[str] = field(default_factory=list)

    def add(self, points: float, reason: str) -> None:
        self.score += points
        self.reasons.append(reason)


def build_for_deal(
    session: Session,
    actor: Principal,
    deal_id: int,
    *,
    small: SmallDeal,
    store: FileStore,
    now: datetime,
) -> Toolkit:
    """Build (or rebuild) the deal's kit and save it on the deal."""
    deal = deals.get_deal(session, actor, deal_id)
    deals.require_owner(actor, deal)
    kit = session.scalar(select(Toolkit).where(Toolkit.deal_id == deal.id).options(*kits.LOADED))
    if kit is None:
        kit = Toolkit(kind=KitKind.DEAL, deal_id=deal.id, title="", entries=[])
        session.add(kit)
        session.flush()
    kit.title = f"{deal.customer}: {deal.name}"
    products = [i for i in deal.focus if i.kind == "product"]
    if small.fits(deal) and products:
        kit.note = _(
            "The standard kit: this deal is under {value:,} {currency} "
            "and should close within {days} days.",
            value=small.value,
            currency=small.currency,
            days=small.cycle_days,
        )
        entries = _standard_entries(session, actor, products[0], store=store, now=now)
    else:
        kit.note = _("Assembled for this deal: its size or cycle calls for a configurable kit.")
        entries = _assembled(session, actor, deal, store=store, now=now)
    kept = [e for e in kit.entries if e.source == "seller"]
    chosen = {e.item_id for e in kept if e.item_id}
    entries = [e for e in entries if e.item_id is None or e.item_id not in chosen]
    kits.place(session, kit, [*entries, *kept])
    kit.updated_at = now
    session.flush()
    session.expire(kit)
    return kits.get_kit(session, actor, kit.id)


def _standard_entries(
    session: Session, actor: Principal, product: Item, *, store: FileStore, now: datetime
) -> list[ToolkitEntry]:
    standard = kits.standard_kit(session, actor, product.id, store=store, now=now)
    return [
        ToolkitEntry(
            item_id=e.item_id,
            rendition_id=e.rendition_id,
            source="standard",
            reason=_("{reason} (standard kit)", reason=_(e.reason)),
        )
        for e in standard.entries
    ]


def _assembled(
    session: Session, actor: Principal, deal: Deal, *, store: FileStore, now: datetime
) -> list[ToolkitEntry]:
    ranked = rank(session, actor, deal)
    picked: list[Candidate] = []
    for kind, quota in QUOTA.items():
        picked += [c for c in ranked if c.item.kind == kind][:quota]
    deck = _deck(session, actor, deal, picked, store=store, now=now)
    entries = [deck] if deck else []
    entries += [
        ToolkitEntry(item_id=c.item.id, reason=_("; ").join(c.reasons), source="ranked")
        for c in picked
    ]
    taken = {c.item.id for c in picked}
    for item, reason in rule_extras(session, actor, deal):
        if item.id not in taken:
            taken.add(item.id)
            entries.append(ToolkitEntry(item_id=item.id, reason=reason, source="rule"))
    return entries


def rank(session: Session, actor: Principal, deal: Deal) -> list[Candidate]:
    """Solutions, stories, battlecards and FAQs around the deal's products and competitors,
    best first: facet matches, then how they did in the team's past deals."""
    focus = {i.id: i for i in deal.focus}
    anchors = [i for i in focus.values() if i.kind in ("product", "competitor")]
    if not anchors:
        return []
    ids = [a.id for a in anchors]
    near = select(ItemLink.source_id).where(ItemLink.target_id.in_(ids))
    stmt = (
        select(Item)
        .where(Item.id.in_(near), Item.kind.in_(QUOTA), Item.status == Status.PUBLISHED)
        .where(readable_by(actor))
        .options(selectinload(Item.facets), selectinload(Item.links))
    )
    history = past_deals(session)
    scored = [_score(Candidate(i), deal, focus, history) for i in session.scalars(stmt)]
    kept = [c for c in scored if c is not None]
    return sorted(kept, key=lambda c: (-c.score, c.item.title.lower()))


def _score(
    c: Candidate, deal: Deal, focus: dict[int, Item], history: dict[int, tuple[int, int]]
) -> Candidate | None:
    linked = {lk.target_id for lk in c.item.links}
    competitors = [focus[i].title for i in linked if i in focus and focus[i].kind == "competitor"]
    if c.item.kind == "battlecard" and not competitors:
        return None  # a battlecard only helps against a competitor in this deal
    products = [focus[i].title for i in linked if i in focus and focus[i].kind == "product"]
    if products:
        c.add(2, _("about {products}", products=_(", ").join(products)))
    if competitors:
        c.add(3, _("against {competitors}", competitors=_(", ").join(competitors)))
    if deal.industry is not None and any(f.id == deal.industry.id for f in c.item.facets):
        c.add(3, _("matches {industry}", industry=deal.industry.name))
    personas = [focus[i].title for i in linked if i in focus and focus[i].kind == "persona"]
    if personas:
        c.add(2 * len(personas), _("speaks to {personas}", personas=_(", ").join(personas)))
    won, lost = history.get(c.item.id, (0, 0))
    if won + lost:
        # Laplace-smoothed win rate, trusted more as the number of deals grows.
        rate = (won + 1) / (won + lost + 2)
        c.score += 4 * (rate - 0.5) * (won + lost) / (won + lost + 3)
        c.reasons.append(_("in {won} won of {closed} closed deals", won=won, closed=won + lost))
    return c


def past_deals(session: Session) -> dict[int, tuple[int, int]]:
    """For every item that was in a closed deal's kit: (deals won, deals lost)."""
    rows: list[tuple[int, Outcome, int]] = session.execute(  # type: ignore[assignment]
        select(ToolkitEntry.item_id, Deal.outcome, func.count())
        .join(Toolkit, Toolkit.id == ToolkitEntry.toolkit_id)
        .join(Deal, Deal.id == Toolkit.deal_id)
        .where(Deal.outcome.in_([Outcome.WON, Outcome.LOST]), ToolkitEntry.item_id.is_not(None))
        .group_by(ToolkitEntry.item_id, Deal.outcome)
    ).all()
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for item_id, outcome, n in rows:
        counts[item_id][0 if outcome == Outcome.WON else 1] += n
    return {k: (v[0], v[1]) for k, v in counts.items()}


def rule_extras(session: Session, actor: Principal, deal: Deal) -> list[tuple[Item, str]]:
    """Items the kit rules add for this deal, each with the rule's reason and what matched."""
    extras: list[tuple[Item, str]] = []
    products = [i.id for i in deal.focus if i.kind == "product"]
    account = holdings.account_of(session, deal.account_id, deal.customer)
    held = holdings.held_of(session, account, products)
    for rule in session.scalars(select(KitRule).where(KitRule.enabled).order_by(KitRule.name)):
        matched = rule_matches(rule, deal, held)
        if not matched:
            continue
        found = session.scalars(
            select(Item).where(
                Item.id.in_(rule.item_ids), Item.status == Status.PUBLISHED, readable_by(actor)
            )
        )
        order = {item_id: n for n, item_id in enumerate(rule.item_ids)}
        chosen = sorted(found, key=lambda i: order[i.id])
        if rule.when.get("expansion"):
            chosen += [
                i for i in holdings.next_up(session, actor, account, products) if i not in chosen
            ]
        for item in chosen:
            extras.append(
                (item, _("{reason} ({matched})", reason=rule.reason, matched=_("; ").join(matched)))
            )
    return extras


def rule_matches(rule: KitRule, deal: Deal, held: Sequence[str] = ()) -> list[str]:
    """What about the deal meets the rule's conditions; empty when the rule does not apply.
    `held` names what the deal's account already holds of the deal's products: an expansion."""
    when = rule.when
    checks: list[tuple[bool, str]] = []
    industry = deal.industry.name if deal.industry else ""
    if when.get("industries"):
        checks.append(
            (industry in when["industries"], _("industry is {industry}", industry=industry))
        )
    if when.get("customer_data"):
        holders = [
            i.title
            for i in deal.focus
            if i.kind == "product" and i.fields.get("handles_customer_data")
        ]
        said = ngettext(
            "{products} handles customer data",
            "{products} handle customer data",
            len(holders),
            products=_(", ").join(holders),
        )
        checks.append((bool(holders), said))
    if when.get("min_value") is not None:
        value = _("value of {value:,} {currency}", value=deal.value, currency=deal.currency)
        checks.append((deal.value >= when["min_value"], value))
    if when.get("expansion"):
        said = _("the account already holds {held}", held=_(", ").join(held))
        checks.append((bool(held), said))
    met = [why for ok, why in checks if ok]
    if not checks or (when.get("match") == "all" and len(met) < len(checks)):
        return []
    return met


def _deck(
    session: Session,
    actor: Principal,
    deal: Deal,
    picked: list[Candidate],
    *,
    store: FileStore,
    now: datetime,
) -> ToolkitEntry | None:
    """A sales deck rendered for the customer: the best solution's, or the product's."""
    sources = [c.item for c in picked if c.item.kind == "solution"]
    sources += [i for i in deal.focus if i.kind == "product"]
    if not sources:
        return None
    industry = deal.industry.name if deal.industry else ""
    against = next((i.title for i in deal.focus if i.kind == "competitor"), "")
    wanted = RenderIn(
        format="pptx",
        layout="sales_deck",
        customer=deal.customer,
        industry=industry,
        against=against,
        seller_id=deal.owner_id,
    )
    deck = rendering.render(session, actor, sources[0].id, wanted, store=store, now=now)
    chosen = deck.rendition.chosen[:1]
    why = (
        _(
            "Sales deck made for {customer}; its story: {story}",
            customer=deal.customer,
            story=chosen[0],
        )
        if chosen
        else _("Sales deck made for {customer}", customer=deal.customer)
    )
    return ToolkitEntry(rendition_id=deck.rendition.id, reason=why, source="ranked")
