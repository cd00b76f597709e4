"""Pricing and packaging: the feature × edition grid of a product, its price books with prices
scheduled by day, and what a quantity of an edition costs (with the deal desk's guidance for our
own team). Editions and add-ons are knowledge items, so they have owners, versions, audience and
freshness; the grid lives in their fields and is changed through the knowledge core."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import column, select, table
from sqlalchemy.orm import Session, selectinload

from prism.auth.policy import Action, Principal, require
from prism.db import add_unique, touch
from prism.errors import Conflict, Invalid, NotFound, check_version
from prism.i18n import N_, _, either, format_number, term, when
from prism.knowledge import service as knowledge
from prism.knowledge.access import readable_by
from prism.knowledge.models import Item
from prism.knowledge.schemas import ItemUpdate
from prism.money import shown, to_minor
from prism.pricing.models import Banding, Period, Price, PriceBand, PriceBook, Unit
from prism.pricing.schemas import BandIn, BookIn, PriceIn

PACKAGES = ("edition", "add_on")
CURRENCIES = ("USD", "EUR", "CNY")  # what the pages offer first; any ISO code is accepted


@dataclass(frozen=True)
class Packaging:
    """A product's line-up: its editions (lowest first), add-ons and features, which package
    carries which feature with what limit, and what looks wrong."""

    product: Item
    editions: list[Item]
    add_ons: list[Item]
    features: list[Item]
    grid: dict[tuple[int, int], str]  # (edition or add-on id, feature id) → its limit there
    unpackaged: list[Item]  # features no edition or add-on carries
    undifferentiated: list[Item]  # editions that add nothing to the one below

    def carries(self, package: Item, feature: Item) -> bool:
        return (package.id, feature.id) in self.grid

    def limit(self, package: Item, feature: Item) -> str:
        return self.grid.get((package.id, feature.id), "")


def rank(item: Item) -> tuple[bool, int, str]:
    """Where a package stands in its product's line-up: editions lowest first, then add-ons."""
    return item.kind != "edition", int(item.fields.get("rank", 1)), item.title.casefold()


def included(package: Item, feature: Item) -> str | None:
    """The feature's limit in an edition or add-on ("" for no limit), or None if it is not
    there."""
    return next(
        (
            x.get("limit", "")
            for x in package.fields.get("features", [])
            if x["feature"] == feature.uid
        ),
        None,
    )


def packaging(session: Session, actor: Principal, product_id: int) -> Packaging:
    """The product's grid as `actor` may read it (drafts only for those who read drafts)."""
    product = knowledge.get_item(session, actor, product_id, "product")

    def of(kind: str) -> list[Item]:
        stmt = knowledge.of_product(product.id, kind).where(readable_by(actor))
        return sorted(session.scalars(stmt), key=rank)

    editions, add_ons = of("edition"), of("add_on")
    features = sorted(of("feature"), key=lambda f: f.title.casefold())
    by_uid = {f.uid: f for f in features}
    grid = {
        (package.id, by_uid[x["feature"]].id): x.get("limit", "")
        for package in [*editions, *add_ons]
        for x in package.fields.get("features", [])
        if x["feature"] in by_uid
    }
    carried = {feature_id for _package, feature_id in grid}
    return Packaging(
        product=product,
        editions=editions,
        add_ons=add_ons,
        features=features,
        grid=grid,
        unpackaged=[f for f in features if f.id not in carried],
        undifferentiated=_undifferentiated(editions),
    )


def _undifferentiated(editions: list[Item]) -> list[Item]:
    """Editions whose features (with their limits) are all in the edition below: a customer
    would find no reason to pay for the step up."""
    flagged, below = [], None
    for edition in editions:
        own = {(x["feature"], x.get("limit", "")) for x in edition.fields.get("features", [])}
        if not own or (below is not None and own <= below):
            flagged.append(edition)
        below = own
    return flagged


def get_package(session: Session, actor: Principal, package_id: int) -> Item:
    """An edition or add-on `actor` may read."""
    item = knowledge.get_item(session, actor, package_id)
    if item.kind not in PACKAGES:
        raise NotFound(_("No edition or add-on {package_id}.", package_id=package_id))
    return item


def product_of(item: Item) -> int:
    return next(lk.target_id for lk in item.links if lk.relation == "product")


def goes_with(session: Session, actor: Principal, add_on: Item) -> list[Item]:
    """The editions an add-on may be bought with: those it names, or every edition of its
    product when it names none."""
    named = set(add_on.fields.get("available_with", []))
    editions = packaging(session, actor, product_of(add_on)).editions
    return [e for e in editions if not named or e.uid in named]


def set_inclusion(
    session: Session,
    actor: Principal,
    package_id: int,
    feature_id: int,
    *,
    included: bool,
    limit: str,
    version: int,
    now: datetime,
) -> Item:
    """Put a feature in an edition or add-on (with its limit there), or take it out. The change
    is the package's next version, like any edit."""
    require(actor, Action.MANAGE_PRICING)
    package = get_package(session, actor, package_id)
    feature = knowledge.get_item(session, actor, feature_id, "feature")
    cells = {x["feature"]: x.get("limit", "") for x in package.fields.get("features", [])}
    if included:
        cells[feature.uid] = limit.strip()
    else:
        cells.pop(feature.uid, None)
    return save_cells(session, actor, package, cells, version=version, now=now)


def save_grid(
    session: Session,
    actor: Principal,
    product_id: int,
    cells: Mapping[int, Mapping[int, str]],
    versions: Mapping[int, int],
    *,
    now: datetime,
) -> list[Item]:
    """The whole grid as a form posts it: for each edition or add-on in `versions` (the version
    the person read), the features it carries (feature id → limit). Packages whose cells did not
    change are left as they are; the changed ones are saved together or not at all."""
    require(actor, Action.MANAGE_PRICING)
    grid = packaging(session, actor, product_id)
    features = {f.id: f for f in grid.features}
    changed = []
    for package in [*grid.editions, *grid.add_ons]:
        if package.id not in versions:
            continue
        wanted = cells.get(package.id, {})
        unknown = next((f for f in wanted if f not in features), None)
        if unknown is not None:
            raise Invalid.about("features", _("No feature {unknown}.", unknown=unknown))
        new = {features[f].uid: limit.strip() for f, limit in wanted.items()}
        old = {x["feature"]: x.get("limit", "") for x in package.fields.get("features", [])}
        # Features the reader could not see (drafts) keep their cells.
        hidden = {uid: lim for uid, lim in old.items() if uid not in {f.uid for f in grid.features}}
        if {**hidden, **new} != old:
            changed.append(
                save_cells(
                    session,
                    actor,
                    package,
                    {**hidden, **new},
                    version=versions[package.id],
                    now=now,
                )
            )
    return changed


def save_cells(
    session: Session,
    actor: Principal,
    package: Item,
    cells: Mapping[str, str] | list[dict[str, str]],
    *,
    version: int | None = None,
    now: datetime,
) -> Item:
    """The package's next version carrying `cells` (feature uid → limit); `version` is the one
    the person read (None: the current one, for a change Prism makes on someone's behalf)."""
    if isinstance(cells, list):
        features = cells
    else:
        features = [{"feature": uid, "limit": limit} for uid, limit in cells.items()]
    version = package.version if version is None else version
    change = ItemUpdate(version=version, fields={"features": features})
    return knowledge.update_item(
        session, actor, package.id, change, now=now, note="Packaging changed"
    )


def set_discounts(
    session: Session,
    actor: Principal,
    package_id: int,
    bands: list[dict[str, Any]],
    floor: int | None,
    *,
    version: int,
    now: datetime,
) -> Item:
    """The deal desk's guidance for an edition or add-on: approvers by depth, and the floor."""
    require(actor, Action.MANAGE_PRICING)
    get_package(session, actor, package_id)
    fields = {"discount_bands": bands, "floor_discount_percent": floor}
    change = ItemUpdate(version=version, fields=fields)
    return knowledge.update_item(
        session, actor, package_id, change, now=now, note="Discount guidance changed"
    )


# ---- price books -----------------------------------------------------------------------------

BOOK = (
    selectinload(PriceBook.product),
    selectinload(PriceBook.prices).selectinload(Price.bands),
    selectinload(PriceBook.prices).selectinload(Price.item),
)


def books(session: Session, actor: Principal, product_id: int) -> list[PriceBook]:
    """The product's price books, by currency."""
    knowledge.get_item(session, actor, product_id, "product")
    stmt = select(PriceBook).where(PriceBook.product_id == product_id).options(*BOOK)
    return sorted(session.scalars(stmt), key=lambda b: currency_order(b.currency))


def currency_order(currency: str) -> tuple[int, str]:
    return (CURRENCIES.index(currency) if currency in CURRENCIES else len(CURRENCIES), currency)


def get_book(session: Session, actor: Principal, book_id: int) -> PriceBook:
    book = session.scalar(select(PriceBook).where(PriceBook.id == book_id).options(*BOOK))
    if book is None:
        raise NotFound(_("No price book {book_id}.", book_id=book_id))
    knowledge.get_item(session, actor, book.product_id, "product")
    return book


def book_for(session: Session, actor: Principal, product_id: int, currency: str) -> PriceBook:
    found = next((b for b in books(session, actor, product_id) if b.currency == currency), None)
    if found is None:
        raise NotFound(_("This product has no {currency} price book.", currency=currency))
    return found


def open_book(session: Session, actor: Principal, data: BookIn) -> PriceBook:
    """A new, empty price book for a product in a currency (one per currency)."""
    require(actor, Action.MANAGE_PRICING)
    knowledge.get_item(session, actor, data.product_id, "product")
    book = PriceBook(product_id=data.product_id, currency=data.currency, public=data.public)
    add_unique(
        session,
        book,
        _("This product already has a {currency} price book.", currency=data.currency),
    )
    return get_book(session, actor, book.id)


def update_book(
    session: Session, actor: Principal, book_id: int, *, public: bool, version: int
) -> PriceBook:
    """Mark a book's list prices customer-shareable, or internal again."""
    require(actor, Action.MANAGE_PRICING)
    book = get_book(session, actor, book_id)
    check_version("price book", version, book.version)
    book.public = public
    session.flush()
    return book


def in_force(book: PriceBook, on: date, *, preview: int | None = None) -> list[Price]:
    """The price of each edition and period on `on`: the latest that took effect by then. A
    price held by a launch is in force nowhere, except in the `preview` of that launch's
    change."""
    current: dict[tuple[int, Period], Price] = {}
    for price in sorted(book.prices, key=lambda p: p.effective_from):
        if price.held and price.launch_id != preview:
            continue
        if price.effective_from <= on:
            current[(price.item_id, price.period)] = price
    return sorted(current.values(), key=lambda p: (rank(p.item), p.period.value))


def scheduled(book: PriceBook, on: date) -> list[Price]:
    """Prices that take effect after `on`, soonest first."""
    later = [p for p in book.prices if p.effective_from > on]
    return sorted(later, key=lambda p: (p.effective_from, rank(p.item), p.period.value))


def history(book: PriceBook, item_id: int) -> list[Price]:
    """Every price an edition has had in the book, newest first."""
    mine = [p for p in book.prices if p.item_id == item_id]
    return sorted(mine, key=lambda p: (p.effective_from, p.period.value), reverse=True)


def set_price(
    session: Session,
    actor: Principal,
    book_id: int,
    data: PriceIn,
    *,
    today: date,
    launch_id: int | None = None,
) -> Price:
    """A list price from `data.effective_from` on. A price that has taken effect is history and
    is never rewritten: a change is scheduled from today or later, and a scheduled price may be
    replaced until its day comes. With `launch_id` the price is part of that launch's packaging
    change and held until the launch passes its GA gate."""
    require(actor, Action.MANAGE_PRICING)
    book = get_book(session, actor, book_id)
    item = get_package(session, actor, data.item_id)
    if product_of(item) != book.product_id:
        raise Invalid.about(
            "item_id",
            _("“{title}” belongs to another product than this price book.", title=item.title),
        )
    if data.effective_from < today:
        raise Invalid.about(
            "effective_from",
            _("A price cannot start in the past; earlier prices are kept as they were."),
        )
    bands = _bands(data.bands, book.currency)
    same = [
        p
        for p in book.prices
        if (p.item_id, p.period, p.effective_from) == (item.id, data.period, data.effective_from)
    ]
    if same and same[0].effective_from <= today:
        raise Conflict(
            _(
                "A {period} price for “{title}” already took effect today; schedule the change "
                "from tomorrow.",
                period=term(data.period.value),
                title=item.title,
            )
        )
    for old in same:
        _check_hold(session, old, launch_id)
        session.delete(old)
    session.flush()
    price = Price(
        book_id=book.id,
        item_id=item.id,
        period=data.period,
        unit=data.unit,
        banding=data.banding,
        effective_from=data.effective_from,
        bands=bands,
        launch_id=launch_id,
        held=launch_id is not None,
    )
    session.add(price)
    if not price.held:  # a held price changes no book until its launch releases it
        touch_book(book)
    session.flush()
    return _loaded(session, price.id)


def _bands(bands: Iterable[BandIn], currency: str) -> list[PriceBand]:
    made = []
    for number, band in enumerate(bands):
        try:
            minor = to_minor(band.amount, currency)
        except ValueError as exc:
            raise Invalid.about(f"bands.{number}.amount", str(exc)) from None
        made.append(PriceBand(from_units=band.from_units, amount_minor=minor))
    return made


def remove_price(
    session: Session,
    actor: Principal,
    price_id: int,
    *,
    today: date,
    launch_id: int | None = None,
) -> None:
    """Take back a scheduled price; one that has taken effect stays in the history. A held
    price is taken back through its launch (`launch_id`)."""
    require(actor, Action.MANAGE_PRICING)
    price = _loaded(session, price_id)
    book = get_book(session, actor, price.book_id)
    if price.effective_from <= today and not price.held:
        raise Conflict(_("This price has taken effect; it stays in the history."))
    _check_hold(session, price, launch_id)
    session.delete(price)
    if not price.held:
        touch_book(book)
    session.flush()


# The launches table as far as this module reads it: a message names the launch, not its id.
_LAUNCHES = table("launches", column("id"), column("name"))


def launch_name(session: Session, launch_id: int | None) -> str:
    """The name of launch `launch_id`, as messages about its change call it."""
    name = session.scalar(select(_LAUNCHES.c.name).where(_LAUNCHES.c.id == launch_id))
    return f"“{name}”" if name else _("launch {id}", id=launch_id)


def _check_hold(session: Session, price: Price, launch_id: int | None) -> None:
    """A price held by a launch changes only through that launch, and a launch's change does
    not replace a price scheduled outside it."""
    if price.held and price.launch_id == launch_id:
        return
    if price.held:
        raise Conflict(
            _(
                "This price is part of the packaging change of {launch}; change it on the launch.",
                launch=launch_name(session, price.launch_id),
            )
        )
    if launch_id is not None:
        raise Conflict(
            _(
                "A price for “{title}” is already scheduled from {day}; take it back on the "
                "pricing page or choose another day.",
                title=price.item.title,
                day=when(price.effective_from),
            )
        )


def touch_book(book: PriceBook) -> None:
    """Any price change moves the book's version, which outputs that quoted it compare."""
    touch(book)


def _loaded(session: Session, price_id: int) -> Price:
    price = session.scalar(
        select(Price)
        .where(Price.id == price_id)
        .options(selectinload(Price.bands), selectinload(Price.item), selectinload(Price.book))
        .execution_options(populate_existing=True)
    )
    if price is None:
        raise NotFound(_("No price {price_id}.", price_id=price_id))
    return price


# ---- the calculator --------------------------------------------------------------------------


@dataclass(frozen=True)
class Quote:
    """What `units` of a package cost for one period at list, and after a discount, with the
    deal desk's guidance: who approves it, whether it passes the floor, and the floor."""

    item: Item
    price: Price
    currency: str
    units: int
    unit_minor: int  # the per-unit amount of the band reached (the whole, for a flat price)
    list_minor: int
    discount_percent: int
    net_minor: int
    approver: str
    below_floor: bool
    floor_minor: int | None  # None: the edition has no floor
    goes_with: list[Item]  # for an add-on, the editions it may be bought with


def list_total(price: Price, units: int) -> tuple[int, int]:
    """(amount of the band reached, total) for `units`, in minor units, exactly."""
    bands = sorted(price.bands, key=lambda b: b.from_units)
    reached = [b for b in bands if b.from_units <= units][-1]
    if price.unit == Unit.FLAT:
        return reached.amount_minor, reached.amount_minor
    if price.banding == Banding.VOLUME:
        return reached.amount_minor, reached.amount_minor * units
    total = 0
    for band, following in zip(bands, [*bands[1:], None], strict=True):
        if band.from_units > units:
            break
        upto = units if following is None else min(units, following.from_units - 1)
        total += (upto - band.from_units + 1) * band.amount_minor
    return reached.amount_minor, total


def discounted(total: int, percent: int) -> int:
    """`total` less `percent`, rounded half up to the currency's smallest unit."""
    net = Decimal(total) * (100 - percent) / 100
    return int(net.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def quote(
    session: Session,
    actor: Principal,
    item_id: int,
    currency: str,
    *,
    period: Period,
    units: int,
    discount_percent: int = 0,
    on: date,
    with_edition_id: int | None = None,
) -> Quote:
    """The calculator: `units` of an edition or add-on for one period on the day `on`. An add-on
    quoted for a deal on `with_edition_id` must be one that edition can take."""
    item = get_package(session, actor, item_id)
    editions = goes_with(session, actor, item) if item.kind == "add_on" else []
    if with_edition_id is not None:
        _check_goes_with(session, actor, item, editions, with_edition_id)
    book = book_for(session, actor, product_of(item), currency)
    price = next(
        (p for p in in_force(book, on) if p.item_id == item.id and p.period == period), None
    )
    if price is None:
        raise NotFound(
            _(
                "“{title}” has no {period} price in {currency} on that day.",
                title=item.title,
                period=term(period.value),
                currency=currency,
            )
        )
    unit_minor, total = list_total(price, units)
    net = discounted(total, discount_percent)
    approver, below, floor_total = _guidance(item, total, discount_percent)
    return Quote(
        item,
        price,
        currency,
        units,
        unit_minor,
        total,
        discount_percent,
        net,
        approver,
        below,
        floor_total,
        editions,
    )


def _check_goes_with(
    session: Session, actor: Principal, item: Item, editions: list[Item], edition_id: int
) -> None:
    if item.kind != "add_on":
        raise Invalid.about("with_edition_id", _("Only an add-on is bought with an edition."))
    if any(e.id == edition_id for e in editions):
        return
    edition = get_package(session, actor, edition_id)
    if edition.kind != "edition" or product_of(edition) != product_of(item):
        problem = _("“{title}” is not an edition of this product.", title=edition.title)
    else:
        problem = _(
            "“{add_on}” is bought with {editions}, not with “{edition}”.",
            add_on=item.title,
            editions=either([f"“{e.title}”" for e in editions]),
            edition=edition.title,
        )
    raise Invalid.about("with_edition_id", problem)


def _guidance(item: Item, total: int, percent: int) -> tuple[str, bool, int | None]:
    """Who approves `percent` off this package, whether it is below the floor, and the floor."""
    floor = item.fields.get("floor_discount_percent")
    below = floor is not None and percent > floor
    if percent == 0:
        approver = _("No approval needed")
    else:
        bands = item.fields.get("discount_bands", [])
        fits = next((b for b in bands if percent <= b["up_to_percent"]), None)
        approver = fits["approver"] if fits else _("Deal desk")
    if below:
        approver = _("Not allowed: below the floor")
    return approver, below, None if floor is None else discounted(total, floor)


# How a price is counted and billed, as a sentence says it.
PER = {
    Unit.FLAT: "",
    Unit.SEAT: N_("per seat"),
    Unit.TRACKED_USER: N_("per tracked user"),
    Unit.CONNECTED_SYSTEM: N_("per connected system"),
}
EVERY = {Period.MONTH: N_("a month"), Period.YEAR: N_("a year"), Period.ONCE: N_("once")}


def price_text(price: Price, currency: str) -> str:
    """A price as the reader's language says it: "$12,000.00 a year", "$0.12 per tracked
    user; from 500,001: $0.09 per tracked user a year" (graduated bands say so)."""
    per = _(PER[price.unit]) if PER[price.unit] else ""
    parts = []
    for n, band in enumerate(sorted(price.bands, key=lambda b: b.from_units)):
        amount = f"{shown(band.amount_minor, currency)} {per}".strip()
        if n:
            amount = _(
                "from {units}: {amount}", units=format_number(band.from_units), amount=amount
            )
        parts.append(amount)
    every = _(EVERY[price.period])
    said = f"{'; '.join(parts)} {every}"
    if len(parts) > 1 and price.banding == Banding.GRADUATED:
        said += " " + _("(graduated)")
    return said
