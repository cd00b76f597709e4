"""A product line for pricing tests: a product with three features, Team and Business editions,
an add-on, and a price book in USD."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from prism.auth.policy import SYSTEM
from prism.db import utcnow
from prism.knowledge.models import Item
from prism.pricing import service
from prism.pricing.models import PriceBook
from prism.pricing.schemas import BandIn, BookIn, PriceIn
from tests.knowledge.factories import make_item


@dataclass
class Line:
    product: Item
    sso: Item
    audit: Item
    api: Item
    team: Item
    business: Item
    extra: Item
    usd: PriceBook


def today() -> date:
    return utcnow().date()


def make_line(session: Session, *, title: str = "Vault") -> Line:
    product = make_item(session, "product", title=title, audience="customer")
    on = [("product", product.id)]
    sso, audit, api = (
        make_item(session, "feature", title=name, links=on, audience="customer")
        for name in ("SSO", "Audit log", "API")
    )
    team = make_item(
        session,
        "edition",
        title="Team",
        links=on,
        audience="customer",
        fields={
            "rank": 1,
            "features": [{"feature": api.uid, "limit": "1,000 calls a day"}],
            "discount_bands": [{"up_to_percent": 10, "approver": "Sales manager"}],
            "floor_discount_percent": 20,
        },
    )
    business = make_item(
        session,
        "edition",
        title="Business",
        links=on,
        audience="customer",
        fields={
            "rank": 2,
            "features": [
                {"feature": api.uid, "limit": "100,000 calls a day"},
                {"feature": audit.uid, "limit": ""},
            ],
            "discount_bands": [
                {"up_to_percent": 10, "approver": "Sales manager"},
                {"up_to_percent": 25, "approver": "VP Sales"},
            ],
            "floor_discount_percent": 30,
        },
    )
    extra = make_item(session, "add_on", title="Extra storage", links=on, fields={"rank": 1})
    usd = service.open_book(session, SYSTEM, BookIn(product_id=product.id, currency="USD"))
    service.set_price(
        session,
        SYSTEM,
        usd.id,
        price(team.id, [(1, "49.90")], unit="seat"),
        today=today(),
    )
    service.set_price(
        session,
        SYSTEM,
        usd.id,
        price(business.id, [(1, "99.00"), (101, "89.50")], unit="seat"),
        today=today(),
    )
    return Line(product, sso, audit, api, team, business, extra, usd)


def price(
    item_id: int,
    bands: list[tuple[int, str]],
    *,
    unit: str = "flat",
    on: date | None = None,
    **extra: object,
) -> PriceIn:
    return PriceIn(
        item_id=item_id,
        unit=unit,  # type: ignore[arg-type]
        effective_from=on or today(),
        bands=[BandIn(from_units=f, amount=a) for f, a in bands],
        **extra,  # type: ignore[arg-type]
    )
