"""A product's editions and list prices as an output shows them: the feature × edition grid with
each limit, a price under each edition in one currency, the add-ons, and for our own team the
scheduled changes and the deal desk's guidance.

A customer output reads only published, customer-shareable editions, add-ons and features (a
feature still in beta is left out of the grid), only prices from a public price book, and never
discount guidance (an internal field of its edition, see `knowledge/audience.py`)."""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from prism.i18n import Language, _, either, speaking, when
from prism.knowledge import audience
from prism.knowledge.models import Item
from prism.pricing import service as pricing
from prism.pricing.models import Price, PriceBook
from prism.pricing.plans import Plan


@dataclass(frozen=True)
class Column:
    """An edition or add-on: its name, whom it is for, and its price (empty: no list price)."""

    title: str
    for_whom: str
    price: str


@dataclass(frozen=True)
class PriceTable:
    currency: str
    as_of: str  # the day the prices are in force, as the output's language writes it
    editions: list[Column]
    rows: list[tuple[str, list[str]]]  # a feature and what each edition carries of it
    add_ons: list[tuple[Column, str]]  # an add-on and the features it carries
    currencies: list[str]  # the other currencies the output could have been in
    # For our own team only: what is scheduled, and who approves which discount.
    scheduled: list[str] = field(default_factory=list)
    guidance: list[tuple[str, str]] = field(default_factory=list)

    @property
    def priced(self) -> bool:
        return any(c.price for c in self.editions)


def books_for(session: Session, product: Item, *, external: bool) -> list[PriceBook]:
    """The product's price books an output may quote: public ones for a customer's."""
    stmt = select(PriceBook).where(PriceBook.product_id == product.id).options(*pricing.BOOK)
    found = sorted(session.scalars(stmt), key=lambda b: pricing.currency_order(b.currency))
    return [b for b in found if b.public or not external]


def versions(
    books: list[PriceBook], today: date, preview: Plan | None = None, *, external: bool = True
) -> dict[str, int]:
    """What an output that quoted `books` on `today` depends on: each book's version, and which
    of its prices are in force (a scheduled price taking effect changes it); for our own team,
    the prices held by launches it lists; for a preview, the packaging change it shows."""
    said: dict[str, int] = {}
    day, held = _when(today, preview)
    for book in books:
        current = pricing.in_force(book, day, preview=held)
        said[f"book:{book.id}"] = book.version
        said[f"prices:{book.id}"] = _crc(current)
        if not external:
            said[f"held:{book.id}"] = _crc(p for p in book.prices if p.held)
    if preview is not None:
        said[f"plan:{preview.launch_id}"] = preview.fingerprint()
    return said


def _crc(prices: Iterable[Price]) -> int:
    return zlib.crc32(",".join(str(i) for i in sorted(p.id for p in prices)).encode())


def _when(today: date, preview: Plan | None) -> tuple[date, int | None]:
    """The day whose prices an output shows, and the launch whose held prices count then: a
    preview shows the day its change takes effect."""
    if preview is None:
        return today, None
    return max(today, preview.day or today), preview.launch_id


def table(
    usable: list[Item],
    books: list[PriceBook],
    *,
    currency: str,
    product_currency: str,
    language: Language,
    external: bool,
    today: date,
    preview: Plan | None = None,
) -> PriceTable | None:
    """The table for the output, or None when the product has no edition it may show; with
    `preview`, as the line-up will stand once that packaging change is made."""
    editions = sorted((i for i in usable if i.kind == "edition"), key=pricing.rank)
    add_ons = sorted((i for i in usable if i.kind == "add_on"), key=pricing.rank)
    if not editions:
        return None
    features = sorted((i for i in usable if i.kind == "feature"), key=lambda f: f.title.lower())
    wanted = [currency, product_currency, *(b.currency for b in books)]
    book = next((b for c in wanted for b in books if b.currency == c), None)
    day, held = _when(today, preview)
    cells = {p.id: preview.cells(p) for p in [*editions, *add_ons]} if preview else {}

    def included(item: Item, feature: Item) -> str | None:
        if item.id not in cells:
            return pricing.included(item, feature)
        return next((x["limit"] for x in cells[item.id] if x["feature"] == feature.uid), None)

    with speaking(language):
        prices = _prices(book, day, held)

        def column(item: Item) -> Column:
            f = audience.told(item) if external else item.fields
            return Column(item.title, str(f.get("for_whom", "")), prices.get(item.id, ""))

        def carries(item: Item, feature: Item) -> str:
            limit = included(item, feature)
            return "—" if limit is None else f"✓ {limit}".strip()

        rows = [(f.title, [carries(e, f) for e in editions]) for f in features]
        rows = [(title, cells) for title, cells in rows if any(c != "—" for c in cells)]

        def add_on(a: Item) -> str:
            said = [
                f"{f.title} ({limit})" if limit else f.title
                for f in features if (limit := included(a, f)) is not None
            ]  # fmt: skip
            named = set(a.fields.get("available_with", []))
            only = [e.title for e in editions if e.uid in named]
            sold = [_("with {editions} only", editions=either(only))] if only else []
            return " · ".join(filter(None, [", ".join(said), *sold]))

        extras = [(column(a), add_on(a)) for a in add_ons]
        made = PriceTable(
            currency=book.currency if book else "",
            as_of=when(day, "%d %B %Y"),
            editions=[column(e) for e in editions],
            rows=rows,
            add_ons=extras,
            currencies=[b.currency for b in books if b is not book],
        )
        if not external:
            made.scheduled.extend(_scheduled(books, day))
            made.guidance.extend(_guidance([*editions, *add_ons]))
    return made


def _prices(book: PriceBook | None, day: date, held: int | None) -> dict[int, str]:
    if book is None:
        return {}
    said: dict[int, list[str]] = {}
    for price in pricing.in_force(book, day, preview=held):
        said.setdefault(price.item_id, []).append(pricing.price_text(price, book.currency))
    return {item_id: "\n".join(lines) for item_id, lines in said.items()}


def _scheduled(books: list[PriceBook], today: date) -> list[str]:
    said = []
    for book in books:
        for p in pricing.scheduled(book, today):
            facts = {
                "day": when(p.effective_from),
                "title": p.item.title,
                "price": pricing.price_text(p, book.currency),
            }
            if p.held:
                said.append(_("From {day}, once its launch goes GA: {title}, {price}", **facts))
            else:
                said.append(_("From {day}: {title}, {price}", **facts))
    return said


def _guidance(packages: list[Item]) -> list[tuple[str, str]]:
    said = []
    for item in packages:
        bands = [
            _("up to {percent}%: {approver}", percent=b["up_to_percent"], approver=b["approver"])
            for b in item.fields.get("discount_bands", [])
        ]
        floor = item.fields.get("floor_discount_percent")
        if floor is not None:
            bands.append(_("never more than {percent}% off", percent=floor))
        if bands:
            said.append((item.title, "; ".join(bands)))
    return said
