"""A packaging change as a launch carries it: features that move between editions and add-ons,
and new prices held in their books. Nothing of it reaches the grid or the prices in force until
the launch passes its GA gate (`apply`); a cancelled launch drops it (`abandon`). Until then it
can be previewed: an output rendered for the launch shows the line-up as it will stand.

The launch itself is the launches module's business; here it is only the id the change hangs
on, and the name messages call it by."""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from prism.auth.policy import Action, Principal, require
from prism.db import add_unique
from prism.errors import Conflict, Invalid, NotFound
from prism.i18n import _, when
from prism.knowledge import service as knowledge
from prism.knowledge.models import Item
from prism.pricing import service as pricing
from prism.pricing.models import PlannedMove, Price, PriceBook
from prism.pricing.schemas import MoveIn, PriceIn


@dataclass(frozen=True)
class Plan:
    """What one launch changes in its product's packaging."""

    launch_id: int
    moves: list[PlannedMove]
    prices: list[Price]  # the prices it brings, held until the launch is ready

    @property
    def empty(self) -> bool:
        return not self.moves and not self.prices

    @property
    def applied(self) -> bool:
        return (
            bool(self.moves or self.prices)
            and not self.held
            and all(m.applied_at for m in self.moves)
        )

    @property
    def held(self) -> list[Price]:
        return [p for p in self.prices if p.held]

    @property
    def day(self) -> date | None:
        """The day the new prices take effect (the latest, if they differ)."""
        return max((p.effective_from for p in self.prices), default=None)

    @property
    def changed_at(self) -> datetime | None:
        """When the change was last edited: what was prepared before then is out of date."""
        moments = [m.updated_at for m in self.moves] + [p.updated_at for p in self.prices]
        return max(moments, default=None)

    def fingerprint(self) -> int:
        """The change as an output that previewed it depends on."""
        said = [f"m{m.id}:{m.feature_id}:{m.from_id}:{m.to_id}:{m.limit}" for m in self.moves]
        said += [f"p{p.id}:{p.effective_from}" for p in self.prices]
        return zlib.crc32(",".join(sorted(said)).encode())

    def cells(self, package: Item) -> list[dict[str, str]]:
        """The features `package` carries once the change is made, with their limits."""
        cells = {x["feature"]: x.get("limit", "") for x in package.fields.get("features", [])}
        for move in self.moves:
            if move.from_id == package.id:
                cells.pop(move.feature.uid, None)
            if move.to_id == package.id:
                cells[move.feature.uid] = move.limit
        return [{"feature": uid, "limit": limit} for uid, limit in cells.items()]

    def products(self) -> set[int]:
        """The products whose packaging the change touches (one, as a launch plans it)."""
        ends = [e for m in self.moves for e in (m.from_package, m.to_package) if e is not None]
        return {pricing.product_of(e) for e in ends} | {p.book.product_id for p in self.prices}

    def packages(self) -> set[int]:
        """The editions and add-ons the change touches."""
        moved = {i for m in self.moves for i in (m.from_id, m.to_id) if i is not None}
        return moved | {p.item_id for p in self.prices}


def planned(session: Session, launch_id: int) -> Plan:
    """The packaging change launch `launch_id` carries (empty if it carries none)."""
    moves = session.scalars(
        select(PlannedMove)
        .where(PlannedMove.launch_id == launch_id)
        .options(
            selectinload(PlannedMove.feature),
            selectinload(PlannedMove.from_package).selectinload(Item.links),
            selectinload(PlannedMove.to_package).selectinload(Item.links),
        )
        .order_by(PlannedMove.id)
    )
    prices = session.scalars(
        select(Price)
        .where(Price.launch_id == launch_id)
        .options(
            selectinload(Price.bands),
            selectinload(Price.item),
            selectinload(Price.book).selectinload(PriceBook.prices).selectinload(Price.bands),
            selectinload(Price.book).selectinload(PriceBook.prices).selectinload(Price.item),
        )
        .order_by(Price.effective_from, Price.id)
    )
    return Plan(launch_id, list(moves), list(prices))


def plan_move(
    session: Session, actor: Principal, launch_id: int, product_id: int, data: MoveIn
) -> PlannedMove:
    """Plan a feature's move (one per feature and launch): into `to_id`, out of `from_id`, or
    from one to the other, all within the launch's product."""
    require(actor, Action.MANAGE_PRICING)
    if data.from_id is None and data.to_id is None:
        raise Invalid.about("to_id", _("Say which edition or add-on the feature moves to or from."))
    if data.from_id == data.to_id:
        raise Invalid.about("to_id", _("The feature moves to the edition it is already in."))
    feature = knowledge.get_item(session, actor, data.feature_id, "feature")
    _check_product(feature, product_id, "feature_id")
    ends = {}
    for name in ("from_id", "to_id"):
        package_id = getattr(data, name)
        if package_id is not None:
            ends[name] = pricing.get_package(session, actor, package_id)
            _check_product(ends[name], product_id, name)
    if "from_id" in ends and pricing.included(ends["from_id"], feature) is None:
        raise Invalid.about(
            "from_id",
            _(
                "“{package}” does not carry “{feature}” today.",
                package=ends["from_id"].title,
                feature=feature.title,
            ),
        )
    move = PlannedMove(
        launch_id=launch_id,
        feature_id=feature.id,
        from_id=data.from_id,
        to_id=data.to_id,
        limit=data.limit.strip(),
    )
    add_unique(
        session,
        move,
        _(
            "This launch already moves “{feature}”; take that move back first.",
            feature=feature.title,
        ),
    )
    return move


def _check_product(item: Item, product_id: int, field: str) -> None:
    """Features, editions and add-ons all need their product (the knowledge core insists)."""
    if pricing.product_of(item) != product_id:
        raise Invalid.about(
            field,
            _("“{title}” belongs to another product than this launch.", title=item.title),
        )


def drop_move(session: Session, actor: Principal, launch_id: int, move_id: int) -> None:
    """Take a planned move back (not once it has been made)."""
    require(actor, Action.MANAGE_PRICING)
    move = session.get(PlannedMove, move_id)
    if move is None or move.launch_id != launch_id:
        raise NotFound(_("No planned move {move_id} in this launch.", move_id=move_id))
    if move.applied_at is not None:
        raise Conflict(_("This move was made when the launch went GA; change the grid instead."))
    session.delete(move)
    session.flush()


def plan_price(
    session: Session,
    actor: Principal,
    launch_id: int,
    product_id: int,
    book_id: int,
    data: PriceIn,
    *,
    today: date,
) -> Price:
    """A new price the change brings, held in its book until the launch is ready."""
    book = pricing.get_book(session, actor, book_id)
    if book.product_id != product_id:
        raise Invalid.about(
            "book_id", _("This price book belongs to another product than this launch.")
        )
    return pricing.set_price(session, actor, book_id, data, today=today, launch_id=launch_id)


def drop_price(
    session: Session, actor: Principal, launch_id: int, price_id: int, *, today: date
) -> None:
    price = session.get(Price, price_id)
    if price is None or price.launch_id != launch_id or not price.held:
        raise NotFound(_("No held price {price_id} in this launch.", price_id=price_id))
    pricing.remove_price(session, actor, price_id, today=today, launch_id=launch_id)


def apply(session: Session, actor: Principal, launch_id: int, *, now: datetime) -> Plan:
    """Make the change: each planned move becomes the next version of the packages it touches,
    and the held prices are released, in force from their day (or from today, if the launch
    came later than that day: a past price is never rewritten)."""
    plan = planned(session, launch_id)
    today = now.date()
    for package_id in sorted({i for m in plan.moves for i in (m.from_id, m.to_id) if i}):
        package = session.get(Item, package_id)
        assert package is not None  # a move goes with its packages (ON DELETE CASCADE)
        pricing.save_cells(session, actor, package, plan.cells(package), now=now)
    for move in plan.moves:
        move.applied_at = now
    books: dict[int, PriceBook] = {}
    for price in plan.held:
        if price.effective_from < today:
            _clear(price, plan.prices, today)
            price.effective_from = today
        price.held = False
        books[price.book_id] = price.book
    for book in books.values():
        pricing.touch_book(book)
    session.flush()
    return planned(session, launch_id)


def _clear(price: Price, ours: Iterable[Price], today: date) -> None:
    """A held price that comes into force late starts today; one already set for that day
    outside the change would clash."""
    clash = next(
        (
            p
            for p in price.book.prices
            if p not in ours
            and (p.item_id, p.period, p.effective_from) == (price.item_id, price.period, today)
        ),
        None,
    )
    if clash is not None:
        raise Conflict(
            _(
                "“{title}” already has a price from {day}; the launch's held price cannot start "
                "the same day. Move it on the pricing page first.",
                title=price.item.title,
                day=when(today),
            )
        )


def abandon(session: Session, launch_id: int) -> None:
    """The launch was cancelled: its held prices are dropped, its moves never made."""
    plan = planned(session, launch_id)
    books = {p.book_id: p.book for p in plan.held}
    for price in plan.held:
        session.delete(price)
    session.flush()
    for book in books.values():
        session.expire(book, ["prices"])


# Words that say a text quotes a price: an amount in a currency, or talk of price and cost.
_QUOTES_PRICE = re.compile(
    r"[$€¥£]\s?\d|\d\s?(usd|eur|cny|rmb|gbp|元)\b|\b(usd|eur|cny|rmb)\s?\d|"
    r"\b(price[sd]?|pricing|cost[s]?|per seat|per user|per month|per year)\b|"
    r"价格|定价|费用",
    re.IGNORECASE,
)


def quotes_price(item: Item, packages: Iterable[Item] = ()) -> bool:
    """Does this FAQ quote a price, or name an edition or add-on whose packaging changes?"""
    text = " ".join([item.title, item.summary, item.body, *(str(v) for v in item.fields.values())])
    if _QUOTES_PRICE.search(text):
        return True
    folded = text.casefold()
    return any(p.title.casefold() in folded for p in packages)


def price_faqs(session: Session, product_id: int, plan: Plan) -> list[Item]:
    """The product's live FAQs that quote prices or name a package the change touches: each
    needs a look before the change goes live."""
    touched = list(session.scalars(select(Item).where(Item.id.in_(plan.packages()))))
    stmt = knowledge.of_product(product_id, "faq").options(selectinload(Item.links))
    faqs = [f for f in session.scalars(stmt) if f.status.value != "archived"]
    return sorted((f for f in faqs if quotes_price(f, touched)), key=lambda f: f.title.casefold())
