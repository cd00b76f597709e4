"""A year of Helio's opportunities and of how its content was used, so every dashboard tells a
story: the opportunities arrive the way a customer's would, as a Salesforce report export (with
three broken rows, reported and skipped); the sellers' views, shares and their buyers' views
follow each deal, and deals that had the competitor's battlecard in front of them win more.

The export is also written to the data directory, for trying the CRM import page by hand.
"""

from __future__ import annotations

import csv
import io
import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from prism.accounts import icp
from prism.accounts.models import Account, Reference
from prism.accounts.schemas import IdealProfileSave, Signal
from prism.analytics import usage
from prism.analytics.models import UsageEvent, Use
from prism.auth.policy import SYSTEM
from prism.crm import service as crm
from prism.csvfile import OnError
from prism.deals.models import Deal
from prism.knowledge.models import Dimension, Facet, Item, ItemLink, Status
from prism.people.models import User

SELLERS = ("sam.carter", "jordan.lee", "fatima.zahra", "ravi.patel", "mia.novak")
COLLEAGUES = ("chen.jing", "lucas.moreau", "olivia.brooks", "diego.alvarez", "hana.sato")
EXPORT_NAME = "salesforce-opportunities.csv"

# name: (industry, region, employees, reference status); Helio's customers and prospects.
FIRMOGRAPHICS: dict[str, tuple[str, str, int, Reference]] = {
    "Northwind Bank": ("Financial services", "EMEA", 8_200, Reference.ACTIVE),
    "Meridian Health": ("Healthcare", "North America", 5_400, Reference.NONE),
    "City of Lakeside": ("Government", "North America", 2_100, Reference.NONE),
    "Umbrella Insurance": ("Financial services", "North America", 12_000, Reference.DECLINED),
    "Acme Retail": ("Retail", "EMEA", 3_300, Reference.NONE),
    "Stark Logistics": ("Manufacturing", "EMEA", 4_800, Reference.NONE),
    "Globex": ("SaaS", "North America", 900, Reference.CANDIDATE),
    "Wayne Media": ("SaaS", "North America", 350, Reference.NONE),
    "Soylent Foods": ("Manufacturing", "APAC", 1_200, Reference.NONE),
    "Pied Piper": ("SaaS", "North America", 140, Reference.NONE),
    "Harbor Insurance": ("Financial services", "EMEA", 6_500, Reference.NONE),
    "Initech": ("SaaS", "North America", 700, Reference.NONE),
    "St. Mary's Health": ("Healthcare", "EMEA", 3_900, Reference.NONE),
    "Brightline Retail": ("Retail", "North America", 260, Reference.NONE),
    "Nordbank": ("Financial services", "EMEA", 9_800, Reference.NONE),
    "Mercy Health Network": ("Healthcare", "North America", 7_300, Reference.NONE),
    "Alpine Credit Union": ("Financial services", "EMEA", 1_800, Reference.NONE),
    "Baltic Payments": ("Financial services", "EMEA", 2_600, Reference.NONE),
    "Cedar Hospital Group": ("Healthcare", "North America", 4_100, Reference.NONE),
    "Delta Freight": ("Manufacturing", "North America", 2_900, Reference.NONE),
    "Evergreen Pharmacy": ("Retail", "North America", 1_500, Reference.NONE),
    "Fjord Energy": ("Manufacturing", "EMEA", 3_700, Reference.NONE),
    "Granite Insurance": ("Financial services", "North America", 5_100, Reference.NONE),
    "Helix Clinics": ("Healthcare", "APAC", 2_300, Reference.NONE),
    "Ironwood Bank": ("Financial services", "APAC", 6_900, Reference.NONE),
    "Juniper Software": ("SaaS", "EMEA", 480, Reference.NONE),
    "Kestrel Airlines": ("Manufacturing", "APAC", 11_000, Reference.NONE),
    "Lumen Health": ("Healthcare", "EMEA", 1_100, Reference.NONE),
    "Monarch Retail": ("Retail", "EMEA", 2_000, Reference.NONE),
    "Northstar Council": ("Government", "EMEA", 3_200, Reference.NONE),
}
SEGMENTS = ((5_000, "Enterprise"), (1_000, "Mid-market"), (0, "SMB"))
OPEN_STAGES = ("Prospecting", "Needs Analysis", "Value Proposition", "Proposal/Price Quote",
               "Negotiation/Review")  # fmt: skip
LOSS_REASONS = ("Price", "Chose a competitor", "No decision", "Missing feature", "Timing")


@dataclass
class _Opportunity:
    key: str
    name: str
    account: str
    product: str
    competitor: str | None
    amount: int
    close_on: date
    seller: str
    stage: str = ""
    card: bool = False  # the competitor's battlecard was in front of it
    content: tuple[int, ...] = ()


class _Catalogue:
    """What the knowledge demo published: content by product, battlecards by competitor."""

    def __init__(self, session: Session) -> None:
        titles = dict(session.execute(select(Item.id, Item.title)).all())
        self.published = list(
            session.scalars(select(Item.id).where(Item.status == Status.PUBLISHED))
        )
        self.by_product: dict[str, list[int]] = defaultdict(list)
        self.competitors: dict[str, list[str]] = defaultdict(list)
        self.cards: dict[str, int] = {}
        kinds = dict(session.execute(select(Item.id, Item.kind)).all())
        for source, target, relation in session.execute(
            select(ItemLink.source_id, ItemLink.target_id, ItemLink.relation)
        ):
            kind = kinds[source]
            if relation == "product" and kind == "competitor":
                self.competitors[titles[target]].append(titles[source])
            elif relation == "product" and kind in (
                "solution",
                "story",
                "faq",
                "proof_point",
                "security",
                "value_proposition",
                "handbook",
            ):
                if source in self.published:
                    self.by_product[titles[target]].append(source)
            elif relation == "competitor" and kind == "battlecard":
                self.cards[titles[target]] = source  # fmt: skip


def load(session: Session, now: datetime, export_dir: Path | None = None) -> str:
    luck = random.Random(8)  # noqa: S311 (a repeatable demo)
    today = now.date()
    catalogue = _Catalogue(session)
    opportunities = _year_of_opportunities(luck, catalogue, today)
    raw = _export(opportunities)
    if export_dir is not None:
        export_dir.mkdir(parents=True, exist_ok=True)
        (export_dir / EXPORT_NAME).write_bytes(raw)
    report = crm.import_csv(
        session, SYSTEM, raw, on_error=OnError.SKIP, currency="USD", now=now,
        file_name=EXPORT_NAME,
    )  # fmt: skip
    _firmographics(session)
    events = _usage(session, luck, catalogue, opportunities, now)
    _profile(session)
    problems = len({p.line for p in report.problems})
    return (
        f"{report.created} opportunities imported from a Salesforce export "
        f"({problems} broken rows reported), {events} usage events"
    )


def _year_of_opportunities(
    luck: random.Random, catalogue: _Catalogue, today: date
) -> list[_Opportunity]:
    """About twenty opportunities a month for a year, and the pipeline still open. A deal that
    faced a competitor with its battlecard in front of it wins about twice as often."""
    found = []
    accounts = list(FIRMOGRAPHICS)
    for n in range(260):
        product = luck.choice(("Helio Vault", "Helio Vault", "Helio Pulse", "Helio Flow"))
        rivals = catalogue.competitors.get(product, [])
        competitor = luck.choice(rivals) if rivals and luck.random() < 0.7 else None
        account = luck.choice(accounts)
        employees = FIRMOGRAPHICS[account][2]
        size = 3 if employees >= 5_000 else 2 if employees >= 1_000 else 1
        amount = luck.randrange(8, 40) * 2_500 * size
        still_open = n >= 215
        close_on = (
            today + timedelta(days=luck.randrange(10, 120))
            if still_open
            else today - timedelta(days=luck.randrange(1, 365))
        )
        opportunity = _Opportunity(
            key=f"006HELIO{n:05d}",
            name=f"{account} {product.removeprefix('Helio ')} {['pilot', 'rollout', 'expansion'][n % 3]}",
            account=account,
            product=product,
            competitor=competitor,
            amount=amount,
            close_on=close_on,
            seller=luck.choice(SELLERS),
        )  # fmt: skip
        opportunity.card = competitor in catalogue.cards and luck.random() < 0.55
        pool = catalogue.by_product.get(product, [])
        opportunity.content = tuple(luck.sample(pool, k=min(len(pool), luck.randrange(1, 6))))
        if still_open:
            opportunity.stage = luck.choice(OPEN_STAGES)
        else:
            chance = 0.45
            if competitor:
                chance = 0.62 if opportunity.card else 0.3
            chance += 0.08 * min(len(opportunity.content), 3) / 3
            opportunity.stage = "Closed Won" if luck.random() < chance else "Closed Lost"
        found.append(opportunity)
    return found


def _export(opportunities: list[_Opportunity]) -> bytes:
    """The opportunities as Salesforce writes a report: a byte-order mark, quoted fields,
    dollar amounts with separators, month-first dates; and three rows someone broke."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(["Opportunity ID", "Opportunity Name", "Account Name", "Amount", "Stage",
                     "Close Date", "Product Name", "Competitors", "Loss Reason",
                     "Opportunity Owner"])  # fmt: skip
    for n, o in enumerate(opportunities):
        lost = o.stage == "Closed Lost"
        reason = (LOSS_REASONS[n % len(LOSS_REASONS)] if o.competitor is None or n % 2
                  else "Chose a competitor") if lost else ""  # fmt: skip
        writer.writerow([
            o.key, o.name, o.account, f"${o.amount:,.2f}", o.stage,
            f"{o.close_on.month}/{o.close_on.day}/{o.close_on.year}", o.product,
            o.competitor or "", reason, f"{o.seller}@helio.example",
        ])  # fmt: skip
    writer.writerow(["006HELIOX0001", "Umbrella renewal (copy)", "Umbrella Insurance", "TBD",
                     "Negotiation/Review", "12/15/2026", "Helio Vault", "", "", ""])  # fmt: skip
    writer.writerow(["006HELIOX0002", "Lakeside phase 3", "City of Lakeside", "$80,000",
                     "Stalled", "1/20/2027", "Helio Flow", "", "", ""])  # fmt: skip
    writer.writerow(["006HELIOX0003", "Globex add-on", "Globex", "$12,500", "Closed Won",
                     "31/31/2026", "Helio Pulse", "", "", ""])  # fmt: skip
    return out.getvalue().encode("utf-8")


def _firmographics(session: Session) -> None:
    industries = {
        f.name: f.id
        for f in session.scalars(select(Facet).where(Facet.dimension == Dimension.INDUSTRY))
    }
    for account in session.scalars(select(Account).where(Account.name.in_(list(FIRMOGRAPHICS)))):
        industry, region, employees, reference = FIRMOGRAPHICS[account.name]
        account.industry_id = industries.get(industry)
        account.region, account.employees, account.reference = region, employees, reference
        if not account.segment:
            account.segment = next(name for floor, name in SEGMENTS if employees >= floor)
    session.flush()


def _usage(
    session: Session,
    luck: random.Random,
    catalogue: _Catalogue,
    opportunities: list[_Opportunity],
    now: datetime,
) -> int:
    """Each deal's content viewed, downloaded and shared by its seller in the weeks before it
    closed, and opened by the buyer; colleagues browsing; searches, some finding nothing."""
    people = {u.email.split("@")[0]: u.id for u in session.scalars(select(User))}
    deal_ids = dict(
        session.execute(
            select(Deal.external_id, Deal.id).where(
                Deal.external_id.in_([o.key for o in opportunities])
            )
        ).all()
    )
    loaded_before = session.scalar(
        select(UsageEvent.id).where(UsageEvent.deal_id.in_(list(deal_ids.values()))).limit(1)
    )
    if loaded_before is not None:  # the deals were matched by their CRM id; so are the uses
        return 0
    events: list[usage.Event] = []
    for o in opportunities:
        deal = deal_ids.get(o.key)
        if deal is None:
            continue
        end = min(datetime.combine(o.close_on, time(9), tzinfo=UTC), now)
        seller = people.get(o.seller)
        used = list(o.content) + (
            [catalogue.cards[o.competitor]] if o.card and o.competitor else []
        )
        for item in used:
            for _ in range(luck.randrange(1, 4)):
                at = end - timedelta(days=luck.uniform(1, 50))
                use = luck.choice((Use.VIEW, Use.VIEW, Use.DOWNLOAD))
                events.append(usage.Event(use, item, deal, seller, at=at))
            if luck.random() < 0.4 and item != catalogue.cards.get(o.competitor or ""):
                at = end - timedelta(days=luck.uniform(1, 30))
                events.append(usage.Event(Use.SHARE, item, deal, seller, at=at))
                events.append(usage.Event(Use.BUYER_VIEW, item, deal, at=at + timedelta(hours=5)))
    # Colleagues browse the library; a third of what is published is rarely or never opened.
    browsed = luck.sample(catalogue.published, k=len(catalogue.published) * 2 // 3)
    everyone = [people[p] for p in SELLERS + COLLEAGUES if p in people]
    for _ in range(1_500):
        at = now - timedelta(days=luck.uniform(0, 365))
        events.append(
            usage.Event(Use.VIEW, luck.choice(browsed), None, luck.choice(everyone), at=at)
        )
    for _ in range(400):
        at = now - timedelta(days=luck.uniform(0, 180))
        query, found = luck.choice(
            (("vault pricing", True), ("soc 2", True), ("guardiandb", True),
             ("okta sso", True), ("on-premise install", False), ("fedramp", False))
        )  # fmt: skip
        events.append(usage.searched(query, 3 if found else 0, luck.choice(everyone), at))
    return usage.write(session, events)


def _profile(session: Session) -> None:
    """Helio's ideal customer: a regulated mid-size or large company in EMEA or North America
    that buys Vault and is doing well."""
    industries = list(
        session.scalars(
            select(Facet.id).where(
                Facet.dimension == Dimension.INDUSTRY,
                Facet.name.in_(["Financial services", "Healthcare"]),
            )
        )
    )
    vault = session.scalar(
        select(Item.id).where(Item.kind == "product", Item.title == "Helio Vault")
    )
    _, version = icp.profile(session, SYSTEM)
    icp.save_profile(
        session,
        SYSTEM,
        IdealProfileSave(
            version=version,
            industries=industries,
            employees_min=1_000,
            employees_max=20_000,
            regions=["EMEA", "North America"],
            products=[vault] if vault else [],
            signals=[Signal.HEALTHY, Signal.RECENT_WIN],
        ),
    )
