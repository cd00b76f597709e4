"""Helio's packaging and list prices: editions and add-ons of each product with the features
they carry, price books in USD, EUR and CNY telling the same story as the old pricing PDFs, the
deal desk's discount guidance, and one scheduled price rise."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from prism.accounts.models import Account
from prism.auth.policy import SYSTEM
from prism.feedback import service as feedback
from prism.feedback.models import Origin
from prism.feedback.schemas import FeedbackIn
from prism.knowledge import service as knowledge
from prism.knowledge.models import Item
from prism.knowledge.schemas import ItemIn, LinkIn
from prism.people.models import User
from prism.pricing import service
from prism.pricing.models import Holding
from prism.pricing.schemas import BandIn, BookIn, PriceIn

DESK = [
    {"up_to_percent": 10, "approver": "Sales manager"},
    {"up_to_percent": 20, "approver": "Regional VP of sales"},
]
# (product, edition, rank, for whom, [(feature, limit)], unit, {currency: [(from units, amount)]})
EDITIONS: tuple[tuple[str, str, int, str, list[tuple[str, str]], str, dict[str, Any]], ...] = (
    ("Helio Pulse", "Pulse Team", 1, "Product teams finding their feet",
     [("Funnels", "up to 50,000 tracked users"), ("Retention cohorts", "12 months of history"),
      ("Mobile SDK", "")],
     "flat", {"USD": [(1, "12000")], "EUR": [(1, "11000")], "CNY": [(1, "86000")]}),
    ("Helio Pulse", "Pulse Business", 2, "Growing SaaS and digital businesses",
     [("Funnels", "up to 200,000 tracked users"), ("Retention cohorts", "36 months of history"),
      ("Mobile SDK", ""), ("Session replay", "10,000 sessions a month"),
      ("Feature adoption alerts", "")],
     "flat", {"USD": [(1, "24000")], "EUR": [(1, "22000")], "CNY": [(1, "172000")]}),
    ("Helio Pulse", "Pulse Enterprise", 3, "Large estates, priced by tracked user",
     [("Funnels", "unlimited"), ("Retention cohorts", "unlimited history"), ("Mobile SDK", ""),
      ("Session replay", "100,000 sessions a month"), ("Feature adoption alerts", ""),
      ("Warehouse sync", "hourly")],
     "tracked_user",
     {"USD": [(1, "0.12"), (500001, "0.09"), (2000001, "0.06")],
      "EUR": [(1, "0.11"), (500001, "0.08"), (2000001, "0.06")],
      "CNY": [(1, "0.86"), (500001, "0.65"), (2000001, "0.43")]}),
    ("Helio Vault", "Vault Platform", 1, "One data estate under governance",
     [("PII discovery", "20 connected systems"), ("Consent ledger", ""),
      ("Data residency controls", "EU and US"), ("Access reviews", "quarterly"),
      ("Audit evidence export", "")],
     "flat", {"USD": [(1, "90000")], "EUR": [(1, "83000")], "CNY": [(1, "650000")]}),
    ("Helio Vault", "Vault Enterprise", 2, "Regulated companies with many systems",
     [("PII discovery", "50 connected systems"), ("Consent ledger", ""),
      ("Data residency controls", "EU, US and APAC"), ("Access reviews", "continuous"),
      ("Audit evidence export", ""), ("Tokenisation", "")],
     "flat", {"USD": [(1, "150000")], "EUR": [(1, "138000")], "CNY": [(1, "1080000")]}),
    ("Helio Flow", "Flow Starter", 1, "A team automating its first processes",
     [("Visual builder", "10 builders"), ("Approvals", ""), ("Connectors", "5 connectors"),
      ("Forms", "")],
     "flat", {"USD": [(1, "3000")], "EUR": [(1, "2800")], "CNY": [(1, "21600")]}),
    ("Helio Flow", "Flow Business", 2, "Operations teams with service levels to keep",
     [("Visual builder", "30 builders"), ("Approvals", ""), ("Connectors", "unlimited"),
      ("Forms", ""), ("SLA timers", ""), ("Audit trail", "")],
     "flat", {"USD": [(1, "9000")], "EUR": [(1, "8300")], "CNY": [(1, "64800")]}),
)  # fmt: skip
ADD_ONS = (
    ("Helio Vault", "Vault extra systems", "Ten more connected systems at a time",
     [("PII discovery", "+1 connected system per unit")], "connected_system",
     {"USD": [(1, "1500")], "EUR": [(1, "1380")], "CNY": [(1, "10800")]}),
    ("Helio Flow", "Flow extra builders", "More people building flows",
     [("Visual builder", "+1 builder per seat")], "seat",
     {"USD": [(1, "240"), (21, "200")], "EUR": [(1, "220"), (21, "185")],
      "CNY": [(1, "1700"), (21, "1450")]}),
)  # fmt: skip
# Starter's ten builders are the plan: more builders come with Business.
GOES_WITH = {"Flow extra builders": ["Flow Business"]}
# Vault is sold by field sales on quotes: its list prices stay internal.
PUBLIC = {"Helio Pulse": True, "Helio Vault": False, "Helio Flow": True}
# A price rise already decided: Flow Business from 9,000 to 9,600 USD a year, in six weeks.
RISE = ("Flow Business", "USD", "9600", 45)


def load(session: Session, now: datetime) -> str:
    """Helio's editions, add-ons and price books, once."""
    if session.scalar(select(Item.id).where(Item.kind == "edition").limit(1)) is not None:
        return "packaging already loaded"
    titles = {
        i.title: i
        for i in session.scalars(select(Item).where(Item.kind.in_(("product", "feature"))))
    }
    owner = session.scalar(select(Item.owner_id).where(Item.title == "Helio Pulse"))
    today = now.date()
    books: dict[tuple[str, str], int] = {}
    packages: dict[str, Item] = {}
    for product, currency in ((p, c) for p in PUBLIC for c in service.CURRENCIES):
        data = BookIn(product_id=titles[product].id, currency=currency, public=PUBLIC[product])
        books[(product, currency)] = service.open_book(session, SYSTEM, data).id
    made = [(*e, "edition") for e in EDITIONS] + [
        (p, t, 1, w, f, u, pr, "add_on") for p, t, w, f, u, pr in ADD_ONS
    ]
    for product, title, rank, whom, features, unit, prices, kind in made:
        fields = {
            "rank": rank,
            "for_whom": whom,
            "features": [{"feature": titles[f].uid, "limit": limit} for f, limit in features],
            "discount_bands": DESK,
            "floor_discount_percent": 35 if rank >= 3 else 30,
        }
        if kind == "add_on":
            fields["available_with"] = [packages[t].uid for t in GOES_WITH.get(title, [])]
        details = ItemIn(
            title=title,
            summary=whom,
            audience="customer",
            owner_id=owner,
            links=[LinkIn(relation="product", target_id=titles[product].id)],
            fields=fields,
        )
        item = knowledge.create_item(session, SYSTEM, kind, details, now=now)
        item = knowledge.transition(
            session, SYSTEM, item.id, "publish", version=item.version, now=now
        )
        packages[title] = item
        for currency, bands in prices.items():
            price = PriceIn(
                item_id=item.id,
                unit=unit,
                effective_from=today,
                bands=[BandIn(from_units=f, amount=a) for f, a in bands],
            )
            service.set_price(session, SYSTEM, books[(product, currency)], price, today=today)
    title, currency, amount, days = RISE
    rise = PriceIn(
        item_id=packages[title].id,
        effective_from=today + timedelta(days=days),
        bands=[BandIn(from_units=1, amount=amount)],
    )
    service.set_price(session, SYSTEM, books[("Helio Flow", currency)], rise, today=today)
    return f"{len(packages)} editions and add-ons with {len(books)} price books"


# What Helio's customers hold: (account, edition or add-on, quantity, renewal in days).
HOLDINGS = (
    ("Northwind Bank", "Vault Enterprise", 1, 140), ("Umbrella Insurance", "Vault Enterprise", 1, 200),
    ("Nordbank", "Vault Platform", 1, 75), ("Mercy Health Network", "Vault Platform", 1, 45),
    ("Meridian Health", "Vault Platform", 1, 260), ("Stark Logistics", "Vault Platform", 1, 120),
    ("City of Lakeside", "Vault Platform", 1, 300), ("Globex", "Vault Platform", 1, 90),
    ("Globex", "Vault extra systems", 10, 90),
    ("Acme Retail", "Pulse Business", 1, 150), ("Globex", "Pulse Team", 1, 90),
    ("Pied Piper", "Pulse Team", 1, 30), ("Umbrella Insurance", "Pulse Enterprise", 750_000, 200),
    ("Pied Piper", "Flow Starter", 1, 30), ("Acme Retail", "Flow Starter", 1, 150),
    ("Stark Logistics", "Flow Business", 1, 120), ("Globex", "Flow Starter", 1, 90),
    ("Globex", "Flow extra builders", 5, 90),
)  # fmt: skip
# Requests customers made for a feature by name: (account, product, feature, what they said).
ASKED = (
    ("Nordbank", "Helio Vault", "Tokenisation", "Wants card numbers tokenised before they reach the warehouse"),
    ("Mercy Health Network", "Helio Vault", "Tokenisation", "Needs patient identifiers tokenised for the research team"),
    ("Stark Logistics", "Helio Vault", "Tokenisation", "Asked whether driver IDs can be tokenised in exports"),
    ("Meridian Health", "Helio Vault", "Tokenisation", "Tokenisation for claims data would unblock their analytics project"),
    ("Globex", "Helio Pulse", "Session replay", "Their PMs want session replay behind the funnel drop-offs"),
    ("Pied Piper", "Helio Pulse", "Session replay", "Asked again for session replay to debug onboarding"),
    ("Acme Retail", "Helio Pulse", "Warehouse sync", "Wants events in Snowflake without a custom pipeline"),
    ("Pied Piper", "Helio Flow", "Audit trail", "Finance needs an audit trail of every approval"),
    ("Acme Retail", "Helio Flow", "SLA timers", "Store operations want SLA timers on maintenance tickets"),
    ("Nordbank", "Helio Vault", "DSAR automation", "Wants DSARs answered end to end without manual exports"),
)  # fmt: skip


def load_holdings(session: Session, now: datetime) -> str:
    """What the demo's accounts hold, and requests that name the features they ask for: after
    the feedback loop, whose accounts they are."""
    if session.scalar(select(Holding.id).limit(1)) is not None:
        return "holdings already loaded"
    accounts = {a.name: a for a in session.scalars(select(Account))}
    items = {
        i.title: i
        for i in session.scalars(
            select(Item)
            .where(Item.kind.in_(("product", "feature", *service.PACKAGES)))
            .options(selectinload(Item.links))
        )
    }
    for name, package, quantity, days in HOLDINGS:
        item = items[package]
        session.add(
            Holding(
                account_id=accounts[name].id,
                product_id=service.product_of(item),
                package_id=item.id,
                quantity=quantity,
                # A contract renews with its account, when the CRM says when.
                renewal_on=accounts[name].renewal_on or now.date() + timedelta(days=days),
            )
        )
    seller = session.scalar(select(User).where(User.email == "sam.carter@helio.example"))
    said = [
        FeedbackIn(
            text=text,
            product_id=items[product].id,
            feature_id=items[feature].id,
            account_id=accounts[name].id,
            said_on=now.date() - timedelta(days=3 + n * 4),
        )
        for n, (name, product, feature, text) in enumerate(ASKED)
    ]
    feedback.submit_many(session, seller or SYSTEM, said, origin=Origin.FORM)
    session.flush()
    return f"{len(HOLDINGS)} holdings and {len(ASKED)} requests naming a feature"
