"""Packaging and price books in the service: the grid and its flags, exact money on both
databases, prices in force by day, scheduled changes and history, the calculator, and who may
do what."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from prism.auth.policy import SYSTEM
from prism.db import utcnow
from prism.errors import Conflict, Forbidden, Invalid, NotFound
from prism.filestore import LocalFileStore
from prism.knowledge import history
from prism.knowledge.models import Item
from prism.money import to_minor
from prism.pricing import service
from prism.pricing.models import Period, PriceBand, PriceBook
from prism.pricing.schemas import BookIn
from prism.render import service as rendering
from prism.render.schemas import RenderIn
from tests.conftest import Cast
from tests.extract import file_text
from tests.knowledge.factories import make_item
from tests.pricing.factories import make_line, price, today


def test_the_grid_shows_what_each_edition_carries_and_flags_what_looks_wrong(
    session: Session,
) -> None:
    line = make_line(session)
    grid = service.packaging(session, SYSTEM, line.product.id)
    assert [e.title for e in grid.editions] == ["Team", "Business"]
    assert [a.title for a in grid.add_ons] == ["Extra storage"]
    assert grid.limit(line.business, line.api) == "100,000 calls a day"
    assert grid.carries(line.business, line.audit) and not grid.carries(line.team, line.audit)
    assert [f.title for f in grid.unpackaged] == ["SSO"]
    assert grid.undifferentiated == []

    read = line.business.version
    moved = service.set_inclusion(
        session,
        SYSTEM,
        line.business.id,
        line.sso.id,
        included=True,
        limit="SAML and OIDC",
        version=line.business.version,
        now=utcnow(),
    )
    assert moved.version == read + 1
    assert history.get_version(session, moved.id, read + 1).note == "Packaging changed"
    grid = service.packaging(session, SYSTEM, line.product.id)
    assert grid.unpackaged == [] and grid.limit(line.business, line.sso) == "SAML and OIDC"

    same = make_item(
        session,
        "edition",
        title="Business Plus",
        links=[("product", line.product.id)],
        fields={"rank": 3, "features": moved.fields["features"]},
    )
    grid = service.packaging(session, SYSTEM, line.product.id)
    assert grid.undifferentiated == [same]


def test_an_edition_carries_only_its_own_products_features(session: Session) -> None:
    line = make_line(session)
    other = make_item(session, "feature", title="Elsewhere")
    session.commit()
    before = line.team.version
    with pytest.raises(Invalid) as refused:
        service.set_inclusion(
            session,
            SYSTEM,
            line.team.id,
            other.id,
            included=True,
            limit="",
            version=line.team.version,
            now=utcnow(),
        )
    assert refused.value.errors[0]["field"] == "fields.features"
    session.rollback()
    assert session.get(Item, line.team.id).version == before  # type: ignore[union-attr]


def test_money_round_trips_exactly(session: Session) -> None:
    line = make_line(session)
    big = price(line.extra.id, [(1, "999999999999.99")])
    service.set_price(session, SYSTEM, line.usd.id, big, today=today())
    cny = service.open_book(session, SYSTEM, BookIn(product_id=line.product.id, currency="cny"))
    service.set_price(session, SYSTEM, cny.id, price(line.team.id, [(1, "0.01")]), today=today())
    session.commit()
    session.expire_all()
    amounts = set(session.scalars(select(PriceBand.amount_minor)))
    assert {99999999999999, 1, 4990, 9900, 8950} <= amounts
    assert cny.currency == "CNY"
    quote = service.quote(
        session, SYSTEM, line.extra.id, "USD", period=Period.YEAR, units=3, on=today()
    )
    assert quote.list_minor == 99999999999999  # flat: the quantity does not multiply it


@pytest.mark.parametrize(
    ("text", "currency", "minor"),
    [("49.90", "USD", 4990), ("45,00", "EUR", 4500), ("1.234,50", "EUR", 123450),
     ("1,234.50", "USD", 123450), ("1,234", "USD", 123400), ("$ 3,500", "USD", 350000),
     ("¥3,500", "CNY", 350000), ("3500", "JPY", 3500), ("0.01", "USD", 1)],
)  # fmt: skip
def test_a_typed_price_is_read_exactly_as_its_writer_meant(
    text: str, currency: str, minor: int
) -> None:
    assert to_minor(text, currency) == minor


@pytest.mark.parametrize("amount", ["€45", "0.125", "1.5e2", "١٢", "NaN"])
def test_a_price_in_another_currency_or_finer_than_its_cents_is_refused(amount: str) -> None:
    with pytest.raises(ValueError, match=r"not an amount|not in USD|more decimals"):
        to_minor(amount, "USD")


@pytest.mark.parametrize("amount", ["49.999", "-1", "lots", "1e3", "10000000000000.01"])
def test_an_amount_that_is_not_exact_money_is_refused(session: Session, amount: str) -> None:
    line = make_line(session)
    session.commit()
    version = line.usd.version
    with pytest.raises(Invalid) as refused:
        service.set_price(
            session, SYSTEM, line.usd.id, price(line.extra.id, [(1, amount)]), today=today()
        )
    assert refused.value.errors[0]["field"] == "bands.0.amount"
    session.rollback()
    assert session.get(PriceBook, line.usd.id).version == version  # type: ignore[union-attr]


def test_the_price_on_a_day_is_the_one_in_force_that_day(session: Session) -> None:
    line = make_line(session)
    rise = today() + timedelta(days=30)
    version = line.usd.version
    service.set_price(
        session,
        SYSTEM,
        line.usd.id,
        price(line.team.id, [(1, "59.90")], unit="seat", on=rise),
        today=today(),
    )
    book = service.get_book(session, SYSTEM, line.usd.id)
    assert book.version > version  # outputs that quoted the book can tell

    def team_on(day: int) -> int:
        on = today() + timedelta(days=day)
        q = service.quote(session, SYSTEM, line.team.id, "USD", period=Period.YEAR, units=10, on=on)
        return q.list_minor

    assert (team_on(0), team_on(29), team_on(30), team_on(400)) == (49900, 49900, 59900, 59900)
    assert [p.effective_from for p in service.scheduled(book, today())] == [rise]
    assert len(service.history(book, line.team.id)) == 2
    with pytest.raises(NotFound):
        service.quote(session, SYSTEM, line.team.id, "USD", period=Period.YEAR, units=1,
                      on=today() - timedelta(days=1))  # fmt: skip


def test_history_is_never_rewritten_but_a_scheduled_price_may_change(session: Session) -> None:
    line = make_line(session)
    past = price(line.team.id, [(1, "1.00")], on=today() - timedelta(days=1))
    with pytest.raises(Invalid) as refused:
        service.set_price(session, SYSTEM, line.usd.id, past, today=today())
    assert refused.value.errors[0]["field"] == "effective_from"
    with pytest.raises(Conflict):
        service.set_price(
            session, SYSTEM, line.usd.id, price(line.team.id, [(1, "1.00")]), today=today()
        )
    later = today() + timedelta(days=10)
    service.set_price(
        session, SYSTEM, line.usd.id, price(line.team.id, [(1, "55")], on=later), today=today()
    )
    again = service.set_price(
        session, SYSTEM, line.usd.id, price(line.team.id, [(1, "57")], on=later), today=today()
    )
    book = service.get_book(session, SYSTEM, line.usd.id)
    assert [b.amount_minor for p in service.scheduled(book, today()) for b in p.bands] == [5700]
    service.remove_price(session, SYSTEM, again.id, today=today())
    current = service.in_force(service.get_book(session, SYSTEM, line.usd.id), today())
    with pytest.raises(Conflict):
        service.remove_price(session, SYSTEM, current[0].id, today=today())


def test_a_price_belongs_to_its_own_products_book(session: Session) -> None:
    line = make_line(session)
    other = make_line(session, title="Flow")
    with pytest.raises(Invalid) as refused:
        service.set_price(
            session, SYSTEM, line.usd.id, price(other.team.id, [(1, "10")]), today=today()
        )
    assert refused.value.errors[0]["field"] == "item_id"
    with pytest.raises(Conflict):
        service.open_book(session, SYSTEM, BookIn(product_id=line.product.id, currency="USD"))


def test_volume_and_graduated_bands_cost_what_a_recount_says(session: Session) -> None:
    line = make_line(session)
    bands = [(1, "10.00"), (11, "8.00"), (101, "5.00")]
    volume = service.set_price(
        session, SYSTEM, line.usd.id,
        price(line.extra.id, bands, unit="seat", period="month"), today=today(),
    )  # fmt: skip
    graduated = service.set_price(
        session, SYSTEM, line.usd.id,
        price(line.extra.id, bands, unit="seat", period="year", banding="graduated"),
        today=today(),
    )  # fmt: skip
    for units in (1, 10, 11, 100, 101, 250):
        by_volume = units * (1000 if units <= 10 else 800 if units <= 100 else 500)
        graduated_recount = sum(
            1000 if n <= 10 else 800 if n <= 100 else 500 for n in range(1, units + 1)
        )
        assert service.list_total(volume, units)[1] == by_volume
        assert service.list_total(graduated, units)[1] == graduated_recount


@pytest.mark.parametrize(
    ("percent", "approver", "below"),
    [(0, "No approval needed", False), (10, "Sales manager", False), (20, "VP Sales", False),
     (28, "Deal desk", False), (31, "Not allowed: below the floor", True)],
)  # fmt: skip
def test_the_calculator_tells_our_team_who_approves_a_discount(
    session: Session, cast: Cast, percent: int, approver: str, below: bool
) -> None:
    line = make_line(session)
    q = service.quote(
        session, cast.seller, line.business.id, "USD",
        period=Period.YEAR, units=120, discount_percent=percent, on=today(),
    )  # fmt: skip
    assert (q.unit_minor, q.list_minor) == (8950, 120 * 8950)
    assert q.net_minor == round(120 * 8950 * (100 - percent) / 100)
    assert (q.approver, q.below_floor) == (approver, below)
    assert q.floor_minor == 120 * 8950 * 70 // 100


@pytest.mark.parametrize("who", ["admin", "editor", "seller", "csm", "pm"])
def test_only_product_marketing_sets_prices(session: Session, cast: Cast, who: str) -> None:
    line = make_line(session)
    actor = getattr(cast, who)
    allowed = who in ("admin", "editor")
    rise = price(line.team.id, [(1, "60")], on=today() + timedelta(days=5))
    calls = [
        lambda: service.set_price(session, actor, line.usd.id, rise, today=today()),
        lambda: service.open_book(
            session, actor, BookIn(product_id=line.product.id, currency="EUR")
        ),
        lambda: service.update_book(
            session, actor, line.usd.id, public=True, version=line.usd.version
        ),
    ]
    for call in calls:
        if allowed:
            call()
        else:
            with pytest.raises(Forbidden):
                call()
    assert len(service.packaging(session, actor, line.product.id).editions) == 2


def test_a_pricing_sheet_is_outdated_when_a_price_or_the_grid_it_shows_changes(
    session: Session, tmp_path: Path
) -> None:
    line = make_line(session)
    service.update_book(session, SYSTEM, line.usd.id, public=True, version=line.usd.version)
    store = LocalFileStore(tmp_path)
    now = utcnow()
    sheet = RenderIn(format="pdf", layout="pricing_sheet")
    made = rendering.render(session, SYSTEM, line.product.id, sheet, store=store, now=now)
    text = file_text("pdf", store.get(made.rendition.file_key))
    assert "$49.90 per seat a year" in text and "Sales manager" not in text

    def outdated(at: datetime = now) -> bool:
        return rendering.is_outdated(session, made.rendition, now=at)

    assert not outdated()
    rise = today() + timedelta(days=30)
    service.set_price(
        session, SYSTEM, line.usd.id, price(line.team.id, [(1, "59.90")], unit="seat", on=rise),
        today=today(),
    )  # fmt: skip
    assert outdated()
    made = rendering.render(session, SYSTEM, line.product.id, sheet, store=store, now=now)
    assert not outdated()
    # The day the rise takes effect, the sheet that showed the old price is outdated.
    assert outdated(now + timedelta(days=30))
    # A price in a book customers never see does not touch a customer's sheet.
    cny = service.open_book(session, SYSTEM, BookIn(product_id=line.product.id, currency="CNY"))
    service.set_price(session, SYSTEM, cny.id, price(line.team.id, [(1, "360")]), today=today())
    assert not outdated()
    service.set_inclusion(
        session, SYSTEM, line.team.id, line.sso.id, included=True, limit="SAML",
        version=line.team.version, now=now,
    )  # fmt: skip
    assert outdated()


def test_a_battlecard_shows_our_prices_beside_the_competitor_s(
    session: Session, tmp_path: Path
) -> None:
    line = make_line(session)
    card = make_item(session, "battlecard", title="Vault vs GuardianDB",
                     links=[("product", line.product.id)],
                     fields={"pricing_notes": "GuardianDB lists at $60 a seat"})  # fmt: skip
    store = LocalFileStore(tmp_path)
    made = rendering.render(
        session, SYSTEM, card.id, RenderIn(format="html"), store=store, now=utcnow()
    )
    text = file_text("html", store.get(made.rendition.file_key))
    for said in ("GuardianDB lists at $60 a seat", "Our list prices", "$49.90 per seat a year",
                 "up to 25%: VP Sales"):  # fmt: skip
        assert said in text, said


def test_a_product_one_pager_shows_its_editions_and_public_prices(
    session: Session, tmp_path: Path
) -> None:
    line = make_line(session)
    store = LocalFileStore(tmp_path)
    one = RenderIn(format="html", layout="one_pager")

    def said() -> str:
        made = rendering.render(session, SYSTEM, line.product.id, one, store=store, now=utcnow())
        return file_text("html", store.get(made.rendition.file_key))

    assert "Editions and prices" not in said()  # its only book is internal
    service.update_book(session, SYSTEM, line.usd.id, public=True, version=line.usd.version)
    text = said()
    assert "Editions and prices" in text and "$49.90 per seat a year" in text
    assert "Sales manager" not in text


def test_the_calculator_and_price_card_know_which_editions_an_add_on_goes_with(
    session: Session, cast: Cast, tmp_path: Path
) -> None:
    line = make_line(session)
    service.set_price(
        session, SYSTEM, line.usd.id, price(line.extra.id, [(1, "20")]), today=today()
    )

    def quote(item: Item, edition: Item | None = None) -> service.Quote:
        return service.quote(
            session, cast.seller, item.id, "USD", period=Period.YEAR, units=2, on=today(),
            with_edition_id=edition.id if edition else None,
        )  # fmt: skip

    assert [e.title for e in quote(line.extra).goes_with] == ["Team", "Business"]
    line.extra.fields = {**line.extra.fields, "available_with": [line.business.uid]}
    session.flush()
    fits = quote(line.extra, line.business)
    assert [e.title for e in fits.goes_with] == ["Business"] and fits.list_minor == 2000  # flat
    with pytest.raises(Invalid, match="bought with “Business”, not with “Team”"):
        quote(line.extra, line.team)
    with pytest.raises(Invalid, match="Only an add-on"):
        quote(line.team, line.business)
    with pytest.raises(Invalid, match="not an edition of this product"):
        quote(line.extra, make_line(session, title="Pulse").team)
    assert quote(line.team).goes_with == []
    # The price card says it too (the customer sheet reads the same table).
    card = RenderIn(format="html", layout="pricing_sheet", audience="internal")
    store = LocalFileStore(tmp_path)
    made = rendering.render(session, SYSTEM, line.product.id, card, store=store, now=utcnow())
    assert "with Business only" in file_text("html", store.get(made.rendition.file_key))
