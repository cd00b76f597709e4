"""The demo company's brand, toolkits and deals: Helio's theme and logo, a standard kit per
product, the security-pack rule, a year of closed deals whose kits teach the ranking, two open
deals with saved kits, and a share link a buyer has already opened."""

from __future__ import annotations

import io
from datetime import datetime, timedelta

from PIL import Image, ImageDraw, ImageFont
from sqlalchemy import select
from sqlalchemy.orm import Session

from prism.auth.policy import SYSTEM
from prism.deals import service as deals
from prism.deals.models import Deal
from prism.deals.schemas import DealIn, DealUpdate
from prism.filestore import FileStore
from prism.knowledge.audience import customer_problem
from prism.knowledge.models import Facet, Item
from prism.people.models import User
from prism.render import service as rendering
from prism.render.brand import font_path
from prism.render.schemas import ThemeIn
from prism.shares import service as shares
from prism.shares.models import ShareLink, ShareView
from prism.shares.schemas import ShareIn
from prism.toolkits import assemble, package, rules
from prism.toolkits import service as kits
from prism.toolkits.schemas import RuleIn, RuleWhen

SMALL = assemble.SmallDeal()
# (name, customer, industry, products, competitors, value, cycle days, outcome, seller)
DEALS: tuple[tuple[str, str, str, list[str], list[str], int, int, str, str], ...] = (
    ("Audit evidence programme", "Northwind Bank", "Financial services", ["Helio Vault"], ["GuardianDB"], 180_000, 90, "won", "sam.carter"),
    ("Citizen data residency", "City of Lakeside", "Government", ["Helio Vault"], [], 140_000, 150, "won", "sam.carter"),
    ("Claims data protection", "Harbor Insurance", "Financial services", ["Helio Vault"], ["GuardianDB"], 95_000, 75, "lost", "sam.carter"),
    ("Clinical data map", "Meridian Health", "Healthcare", ["Helio Vault"], [], 160_000, 100, "won", "sam.carter"),
    ("Retention analytics", "Globex", "SaaS", ["Helio Pulse"], ["Amplify Analytics"], 60_000, 45, "won", "sam.carter"),
    ("Product analytics rollout", "Initech", "SaaS", ["Helio Pulse"], ["Amplify Analytics"], 55_000, 60, "lost", "sam.carter"),
    # Open deals last, so their kits learn from the closed ones.
    ("Patient records governance", "St. Mary's Health", "Healthcare", ["Helio Vault"], ["GuardianDB"], 250_000, 120, "open", "sam.carter"),
    ("Churn analytics pilot", "Brightline Retail", "Retail", ["Helio Pulse"], [], 30_000, 21, "open", "sam.carter"),
)  # fmt: skip


def load(session: Session, store: FileStore, now: datetime, *, key: str) -> str:
    """Create the brand, kits, deals and a share link once; a second run adds nothing."""
    if session.scalar(select(Deal.id).limit(1)) is not None:
        return "toolkits already loaded"
    _brand(session, store)
    products = session.scalars(select(Item).where(Item.kind == "product")).all()
    for product in products:
        kits.standard_kit(session, SYSTEM, product.id, store=store, now=now)
    _security_rule(session)
    _expansion_rule(session)
    made = [_deal(session, store, now, *row) for row in DEALS]
    showcase = next(d for d in made if d.customer == "St. Mary's Health")
    kit = kits.kit_of_deal(session, showcase.id)
    assert kit is not None
    # Rendered ahead, as the background job does after a seller builds a kit: its zip is quick.
    package.prepare(session, kit.id, store=store, now=now, made=lambda done, total: None)
    link = _share(session, showcase, now, key)
    return f"{len(products)} standard kits, {len(made)} deals with kits, share link {shares.path(link, key)}"


def _brand(session: Session, store: FileStore) -> None:
    theme = rendering.house_theme(session)
    look = ThemeIn(company="Helio Systems", primary="#17324D", accent="#F28C28", ink="#1C2430")
    theme = rendering.update_theme(session, SYSTEM, look, version=theme.version)
    rendering.set_logo(session, SYSTEM, filename="helio-logo.png", data=logo(),
                       version=theme.version, store=store)  # fmt: skip


def logo() -> bytes:
    """Helio's logo: an orange sun and the name, drawn with the shipped font."""
    image = Image.new("RGBA", (520, 140), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((10, 20, 110, 120), fill="#F28C28")
    face = ImageFont.truetype(str(font_path("Inter", "bold")), 96)
    draw.text((130, 18), "helio", font=face, fill="#17324D")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _security_rule(session: Session) -> None:
    pack = session.scalars(select(Item.id).where(Item.kind == "security").order_by(Item.id)).all()
    regulated = ["Financial services", "Healthcare", "Government"]
    rules.create_rule(session, SYSTEM, RuleIn(
        name="Security and compliance pack",
        reason="Security and compliance pack: regulated buyers and customer data need it",
        when=RuleWhen(industries=regulated, customer_data=True, match="any"),
        item_ids=list(pack),
    ))  # fmt: skip


def _expansion_rule(session: Session) -> None:
    rules.create_rule(session, SYSTEM, RuleIn(
        name="Expansion deals",
        reason="An expansion: the edition above what the account runs today",
        when=RuleWhen(expansion=True),
    ))  # fmt: skip


def _deal(
    session: Session, store: FileStore, now: datetime, name: str, customer: str, industry: str,
    products: list[str], competitors: list[str], value: int, cycle: int, outcome: str, seller: str,
) -> Deal:  # fmt: skip
    owner = session.scalar(select(User).where(User.email == f"{seller}@helio.example"))
    actor = owner or SYSTEM
    ids = {
        i.title: i.id
        for i in session.scalars(select(Item).where(Item.title.in_(products + competitors)))
    }
    data = DealIn(name=name, customer=customer, value=value, cycle_days=cycle,
                  industry_id=session.scalar(select(Facet.id).where(Facet.name == industry)),
                  product_ids=[ids[p] for p in products],
                  competitor_ids=[ids[c] for c in competitors if c in ids])  # fmt: skip
    deal = deals.create_deal(session, actor, data, currency="USD", now=now)
    assemble.build_for_deal(session, actor, deal.id, small=SMALL, store=store, now=now)
    if outcome != "open":
        closed = DealUpdate(version=deal.version, outcome=outcome)
        deal = deals.update_deal(session, actor, deal.id, closed, now=now - timedelta(days=cycle))
    return deal


def _share(session: Session, deal: Deal, now: datetime, key: str) -> ShareLink:
    """A link from the St. Mary's kit, opened by the buyer twice, one item read, one downloaded."""
    kit = kits.kit_of_deal(session, deal.id)
    assert kit is not None
    loaded = kits.get_kit(session, SYSTEM, kit.id)
    items = [e.item.id for e in loaded.entries if e.item and customer_problem(e.item) is None]
    owner = session.get(User, deal.owner_id) if deal.owner_id else None
    link = shares.create_link(session, owner or SYSTEM, ShareIn(
        title="St. Mary's Health: patient data protection", item_ids=items[:4],
        message="As promised, the material from Tuesday's call. Happy to walk your team through it.",
        deal_id=deal.id,
    ), now=now - timedelta(days=3), key=key)  # fmt: skip
    visits = [("open", None, 0, 50), ("view", items[0], 184, 49), ("download", items[0], 0, 49),
              ("open", None, 0, 20), ("view", items[1], 95, 19)]  # fmt: skip
    session.add_all(
        ShareView(link_id=link.id, action=action, item_id=item, seconds=seconds,
                  at=now - timedelta(hours=hours), visitor=f"demo{hours // 24:02d}",
                  address=f"demo{hours // 24:02d}")
        for action, item, seconds, hours in visits
    )  # fmt: skip
    session.flush()
    return link
