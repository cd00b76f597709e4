"""Price books as a spreadsheet: `prism pricing export` writes every price (history, in force
and scheduled) one volume band per row; `prism pricing import` reads the same columns back. An
import is all or nothing: every problem is reported with its line and nothing is written, and
importing an export again changes nothing."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from prism.auth.policy import Action, Principal, require
from prism.csvfile import Names, Problem, parse_day, read_table, write_csv
from prism.errors import Invalid
from prism.i18n import _, ngettext
from prism.knowledge import service as knowledge
from prism.knowledge.access import readable_by
from prism.knowledge.models import Item
from prism.money import plain, to_minor
from prism.pricing import service
from prism.pricing.models import Banding, Period, Price, PriceBook, Unit
from prism.pricing.schemas import BandIn, BookIn, PriceIn

HEADER = (
    "product",
    "package",
    "currency",
    "period",
    "unit",
    "banding",
    "effective_from",
    "from_units",
    "amount",
    "public",
)
YES = ("yes", "true", "1", "y", "public")


def export_csv(session: Session, actor: Principal, product_id: int | None = None) -> str:
    """Every price of every book (or of one product's), one band per row, oldest first; prices
    held by a launch's packaging change are the launch's, not the spreadsheet's."""
    stmt = select(Item).where(Item.kind == "product", readable_by(actor)).order_by(Item.title)
    if product_id is not None:
        stmt = stmt.where(Item.id == product_id)
    rows: list[list[Any]] = []
    for product in session.scalars(stmt):
        for book in service.books(session, actor, product.id):
            prices = sorted(
                book.prices,
                key=lambda p: (p.effective_from, service.rank(p.item), p.period.value),
            )
            for price in (p for p in prices if not p.held):  # held ones belong to a launch
                for band in price.bands:
                    rows.append(_row(product, book, price, band.from_units, band.amount_minor))
    return write_csv(HEADER, rows)


def _row(product: Item, book: PriceBook, price: Price, units: int, minor: int) -> list[Any]:
    return [
        product.title,
        price.item.title,
        book.currency,
        price.period.value,
        price.unit.value,
        price.banding.value,
        price.effective_from.isoformat(),
        units,
        plain(minor, book.currency),
        "yes" if book.public else "no",
    ]


# What an import does with one price: the report's counter it adds to.
Outcome = Literal["created", "replaced", "unchanged"]


@dataclass
class PriceReport:
    rows: int = 0
    created: int = 0
    replaced: int = 0
    unchanged: int = 0
    books_created: int = 0
    books_changed: int = 0
    dry_run: bool = False
    problems: list[Problem] = field(default_factory=list)

    @property
    def summary(self) -> str:
        values = {
            "rows": self.rows,
            "created": self.created,
            "replaced": self.replaced,
            "unchanged": self.unchanged,
            "books": self.books_created,
        }
        if self.dry_run:
            return _(
                "{rows} rows read: {created} prices would be added, {replaced} scheduled prices "
                "replaced, {unchanged} unchanged; {books} new price books.",
                **values,
            )
        return _(
            "{rows} rows read: {created} prices added, {replaced} scheduled prices replaced, "
            "{unchanged} unchanged; {books} new price books.",
            **values,
        )


@dataclass
class _Group:
    """The rows that make one price: one product, package, currency, period and day."""

    line: int
    product: Item
    package: Item
    currency: str
    period: Period
    unit: Unit
    banding: Banding
    effective_from: date
    public: bool
    bands: list[tuple[int, str]] = field(default_factory=list)


def import_csv(
    session: Session, actor: Principal, raw: bytes, *, today: date, dry_run: bool = False
) -> PriceReport:
    """Read a price spreadsheet and, unless `dry_run` or a row is wrong, write it."""
    require(actor, Action.MANAGE_PRICING)
    table = read_table(raw)
    table.require(HEADER)
    if not table.rows:
        raise Invalid(_("The file has a header but no rows."))
    report = PriceReport(rows=len(table.rows), dry_run=dry_run)
    groups = _groups(session, actor, table.rows, report)
    plan = [(g, _outcome(session, actor, g, today, report)) for g in groups]
    if report.problems:
        errors = [p.as_error() for p in report.problems]
        bad = len({p.line for p in report.problems})
        raise Invalid(
            ngettext(
                "Nothing was imported: {count} row has a problem.",
                "Nothing was imported: {count} rows have problems.",
                bad,
            ),
            errors=errors,
        )
    for _group, outcome in plan:
        if outcome is not None:
            setattr(report, outcome, getattr(report, outcome) + 1)
    if not dry_run:
        _write(session, actor, plan, today, report)
    return report


def _groups(
    session: Session, actor: Principal, rows: list[Any], report: PriceReport
) -> list[_Group]:
    products = Names(
        session.execute(
            select(Item.id, Item.title).where(Item.kind == "product", readable_by(actor))
        ).all()
    )
    packages: dict[int, Names] = {}
    groups: dict[tuple[Any, ...], _Group] = {}
    for row in rows:

        def problem(column: str, message: str, line: int = row.line) -> None:
            report.problems.append(Problem(line, column, message))

        try:
            product = session.get(Item, products.find(row.get("product"), "product"))
        except LookupError as exc:
            problem("product", str(exc))
            continue
        assert product is not None
        if product.id not in packages:
            packages[product.id] = Names(
                session.execute(
                    knowledge.of_product(product.id, *service.PACKAGES)
                    .with_only_columns(Item.id, Item.title)
                    .where(readable_by(actor))
                ).all()
            )
        try:
            package = session.get(Item, packages[product.id].find(row.get("package"), "edition"))
        except LookupError as exc:
            problem("package", str(exc))
            continue
        assert package is not None
        read = _read(row, problem)
        if read is None:
            continue
        currency, period, unit, banding, day, units, amount = read
        key = (product.id, package.id, currency, period, day)
        group = groups.setdefault(
            key,
            _Group(row.line, product, package, currency, period, unit, banding, day, False),
        )
        group.public = group.public or row.get("public").lower() in YES
        if (group.unit, group.banding) != (unit, banding):
            problem("unit", _("The bands of one price must share its unit and banding."))
        group.bands.append((units, amount))
    return list(groups.values())


def _read(row: Any, problem: Any) -> tuple[str, Period, Unit, Banding, date, int, str] | None:
    currency = row.get("currency").upper()
    if len(currency) != 3 or not currency.isalpha() or not currency.isascii():
        problem("currency", _("{currency!r} is not a currency code", currency=currency))
        return None
    try:
        period = Period(row.get("period") or Period.YEAR)
        unit = Unit(row.get("unit") or Unit.FLAT)
        banding = Banding(row.get("banding") or Banding.VOLUME)
    except ValueError as exc:
        problem("period", str(exc))
        return None
    try:
        day = parse_day(row.get("effective_from"))
    except ValueError:
        problem("effective_from", _("Not a date"))
        return None
    units = row.get("from_units") or "1"
    if not units.isdigit() or not units.isascii() or int(units) < 1:
        problem("from_units", _("{units!r} is not a number of units", units=units))
        return None
    try:
        to_minor(row.get("amount"), currency)
    except ValueError as exc:
        problem("amount", str(exc))
        return None
    return currency, period, unit, banding, day, int(units), row.get("amount")


def _as_price(group: _Group) -> PriceIn:
    return PriceIn(
        item_id=group.package.id,
        period=group.period,
        unit=group.unit,
        banding=group.banding,
        effective_from=group.effective_from,
        bands=[BandIn(from_units=u, amount=a) for u, a in sorted(group.bands)],
    )


def _outcome(
    session: Session, actor: Principal, group: _Group, today: date, report: PriceReport
) -> Outcome | None:
    try:
        wanted = _as_price(group)
    except ValueError as exc:
        report.problems.append(Problem(group.line, "from_units", str(exc).splitlines()[-1]))
        return None
    book = next(
        (
            b
            for b in service.books(session, actor, group.product.id)
            if b.currency == group.currency
        ),
        None,
    )
    old = next(
        (
            p
            for p in (book.prices if book else [])
            if (p.item_id, p.period, p.effective_from)
            == (group.package.id, group.period, group.effective_from)
        ),
        None,
    )
    if old is not None and old.held:
        message = _(
            "A launch's packaging change holds a price for that day; change it on the launch."
        )
        report.problems.append(Problem(group.line, "effective_from", message))
        return None
    if old is not None and _same(old, wanted, group.currency):
        return "unchanged"
    if group.effective_from <= today and old is not None:
        message = _("This price has taken effect; it stays in the history.")
        report.problems.append(Problem(group.line, "amount", message))
        return None
    if group.effective_from < today:
        message = _("A price cannot start in the past; earlier prices are kept as they were.")
        report.problems.append(Problem(group.line, "effective_from", message))
        return None
    return "created" if old is None else "replaced"


def _same(old: Price, wanted: PriceIn, currency: str) -> bool:
    bands = [(b.from_units, to_minor(b.amount, currency)) for b in wanted.bands]
    return (old.unit, old.banding, [(b.from_units, b.amount_minor) for b in old.bands]) == (
        wanted.unit,
        wanted.banding,
        bands,
    )


def _write(
    session: Session,
    actor: Principal,
    plan: list[tuple[_Group, Outcome | None]],
    today: date,
    report: PriceReport,
) -> None:
    public: dict[tuple[int, str], bool] = defaultdict(bool)
    for group, _unused in plan:
        public[(group.product.id, group.currency)] |= group.public
    for (product_id, currency), shared in public.items():
        book = next(
            (b for b in service.books(session, actor, product_id) if b.currency == currency), None
        )
        if book is None:
            service.open_book(
                session, actor, BookIn(product_id=product_id, currency=currency, public=shared)
            )
            report.books_created += 1
        elif book.public != shared:
            service.update_book(session, actor, book.id, public=shared, version=book.version)
            report.books_changed += 1
    for group, outcome in plan:
        if outcome in ("created", "replaced"):
            book = service.book_for(session, actor, group.product.id, group.currency)
            service.set_price(session, actor, book.id, _as_price(group), today=today)
