"""Pricing pages: every product's line-up, and one product's feature × edition grid (edited in
place by product marketing), its price books with scheduled changes, the deal desk's discount
guidance for our own team, and the calculator sellers use on a call."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from prism.auth.policy import Action, Principal, can
from prism.errors import PrismError
from prism.i18n import _
from prism.knowledge.service import choices
from prism.pricing import holdings, service
from prism.pricing.models import Banding, Period, Unit
from prism.pricing.schemas import BookIn, BookUpdate, DiscountsIn, PriceIn
from prism.schemas import as_id, parse
from prism.web.deps import DbSession, Now, PageUser
from prism.web.forms import Outcome, attempt, day_field, form_with_lists, pick, posted_file
from prism.web.routing import IdPath, page_router
from prism.web.templating import render, settle

router = page_router()
Day = Annotated[str, Query(max_length=10)]
Text = Annotated[str, Query(max_length=30)]


@router.get("/pricing", response_class=HTMLResponse)
def pricing_page(request: Request, session: DbSession, user: PageUser) -> HTMLResponse:
    products = sorted(choices(session, user, "product"), key=lambda p: p.title.casefold())
    lines = [service.packaging(session, user, p.id) for p in products]
    books = {line.product.id: service.books(session, user, line.product.id) for line in lines}
    context = {"title": _("Pricing and packaging"), "lines": lines, "books": books}
    return render(request, "pricing/products.html", context)


def _upsell_page(
    request: Request, session: Session, user: Principal, outcome: Outcome | None = None
) -> HTMLResponse:
    found = holdings.upsell(session, user)
    context = {
        "title": _("Upsell and whitespace"),
        "space": holdings.whitespace(session, user),
        "upsell": found,
        "said": holdings.said,
        "report": outcome.value if outcome and not outcome.error else None,
        "problems": outcome.errors if outcome and outcome.error else [],
        **(outcome.context if outcome else {}),
    }
    status_code = outcome.status_code if outcome and outcome.error else 200
    return render(request, "pricing/upsell.html", context, status_code=status_code)


@router.get("/pricing/upsell", response_class=HTMLResponse)
def upsell_page(request: Request, session: DbSession, user: PageUser) -> HTMLResponse:
    return _upsell_page(request, session, user)


@router.post("/pricing/upsell/holdings", response_class=HTMLResponse)
async def import_holdings(request: Request, session: DbSession, user: PageUser) -> Response:
    raw = await posted_file(request)
    form = await form_with_lists(request)
    outcome = attempt(
        session,
        lambda: holdings.import_csv(session, user, raw, dry_run="dry_run" in form),
        success=lambda: _("Holdings imported."),
    )
    return _upsell_page(request, session, user, outcome)


def _product_page(
    request: Request,
    session: Session,
    user: Principal,
    product_id: int,
    today: date,
    *,
    on: str = "",
    edit: bool = False,
    calculator: dict[str, str] | None = None,
    outcome: Outcome | None = None,
) -> HTMLResponse:
    grid = service.packaging(session, user, product_id)
    day, day_error = day_field(on)
    books = service.books(session, user, product_id)
    shown = day or today
    context: dict[str, Any] = {
        "title": _("Pricing: {product}", product=grid.product.title),
        "grid": grid,
        "packages": [*grid.editions, *grid.add_ons],
        "books": books,
        "in_force": {b.id: service.in_force(b, shown) for b in books},
        "scheduled": {b.id: service.scheduled(b, shown) for b in books},
        "on": shown,
        "today": today,
        "edit": edit and can(user, Action.MANAGE_PRICING),
        "manage": can(user, Action.MANAGE_PRICING),
        **price_form(),
        "bandings": list(Banding),
        "currencies": [c for c in service.CURRENCIES if c not in {b.currency for b in books}],
        "calc": calculator or {},
        "quote": None,
        "error": day_error and _("Give dates as YYYY-MM-DD."),
        **(outcome.context if outcome else {}),
    }
    if calculator and calculator.get("item"):
        context |= _calculate(session, user, calculator, shown)
    status_code = outcome.status_code if outcome and outcome.error else 200
    return render(request, "pricing/product.html", context, status_code=status_code)


def _whole(text: str) -> int | None:
    """A whole number as typed in a form (ASCII digits only), or None."""
    text = text.strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 9 else None


def _calculate(session: Session, user: Principal, calc: dict[str, str], on: date) -> dict[str, Any]:
    units = _whole(calc.get("units") or "1")
    discount = _whole(calc.get("discount") or "0")
    item_id = as_id(calc["item"])
    edition_id = as_id(calc.get("with") or "")
    period = calc.get("period") or Period.YEAR.value
    if not units or discount is None or discount > 100:
        return {"calc_error": _("Give the units as a whole number and the discount from 0 to 100.")}
    if item_id is None or period not in {p.value for p in Period}:
        return {"calc_error": _("Choose an edition or add-on.")}
    try:
        quote = service.quote(
            session,
            user,
            item_id,
            calc.get("currency", "USD"),
            period=Period(period),
            units=units,
            discount_percent=discount,
            on=on,
            with_edition_id=edition_id,
        )
    except PrismError as exc:
        return {"calc_error": exc.message}
    return {"quote": quote}


@router.get("/pricing/{product_id}", response_class=HTMLResponse)
def product_page(
    request: Request,
    session: DbSession,
    user: PageUser,
    now: Now,
    product_id: IdPath,
    on: Day = "",
    edit: bool = False,
    item: Text = "",
    currency: Text = "",
    period: Text = "",
    units: Text = "",
    discount: Text = "",
    with_: Annotated[str, Query(alias="with", max_length=20)] = "",
) -> HTMLResponse:
    calc = {"item": item, "currency": currency, "period": period, "units": units}
    calc |= {"discount": discount, "with": with_}
    return _product_page(
        request, session, user, product_id, now.date(), on=on, edit=edit, calculator=calc
    )


def _settled(
    request: Request,
    session: Session,
    user: Principal,
    product_id: int,
    today: date,
    outcome: Outcome,
    *,
    edit: bool = False,
) -> Response:
    return settle(
        request,
        outcome,
        f"/pricing/{product_id}",
        lambda: _product_page(
            request, session, user, product_id, today, edit=edit, outcome=outcome
        ),
    )


@router.post("/pricing/{product_id}/grid", response_class=HTMLResponse)
async def save_grid(
    request: Request, session: DbSession, user: PageUser, now: Now, product_id: IdPath
) -> Response:
    """The grid form: `version.<package>` for each column, `in.<package>.<feature>` checked for
    each cell it carries, `limit.<package>.<feature>` for its limit."""
    form = await form_with_lists(request)
    versions = {
        pid: version
        for key, value in form.items()
        if key.startswith("version.")
        and (pid := as_id(key.removeprefix("version."))) is not None
        and (version := as_id(str(value))) is not None
    }
    cells: dict[int, dict[int, str]] = {}
    for key in form:
        if not key.startswith("in."):
            continue
        package, _dot, feature = key.removeprefix("in.").partition(".")
        pid, fid = as_id(package), as_id(feature)
        if pid is not None and fid is not None:
            limit = str(form.get(f"limit.{pid}.{fid}", ""))[:300]
            cells.setdefault(pid, {})[fid] = limit
    outcome = attempt(
        session,
        lambda: service.save_grid(session, user, product_id, cells, versions, now=now),
        success=_("Packaging saved."),
    )
    return _settled(request, session, user, product_id, now.date(), outcome, edit=True)


@router.post("/pricing/{product_id}/books", response_class=HTMLResponse)
async def open_book(
    request: Request, session: DbSession, user: PageUser, now: Now, product_id: IdPath
) -> Response:
    form = await form_with_lists(request)
    values = {"product_id": product_id, **pick(form, "currency"), "public": "public" in form}
    outcome = attempt(
        session,
        lambda: service.open_book(session, user, parse(BookIn, values)),
        success=_("Price book opened."),
    )
    return _settled(request, session, user, product_id, now.date(), outcome)


@router.post("/pricing/{product_id}/books/{book_id}", response_class=HTMLResponse)
async def update_book(
    request: Request,
    session: DbSession,
    user: PageUser,
    now: Now,
    product_id: IdPath,
    book_id: IdPath,
) -> Response:
    form = await form_with_lists(request)
    data = parse(BookUpdate, {**pick(form, "version"), "public": form.get("public") == "yes"})
    outcome = attempt(
        session,
        lambda: service.update_book(
            session, user, book_id, public=data.public, version=data.version
        ),
        success=_("Price book saved."),
    )
    return _settled(request, session, user, product_id, now.date(), outcome)


def pairs_from(
    text: str, first: str, second: str, *, alone: str | None = None
) -> list[dict[str, str]]:
    """A form's text area of "a = b" lines as one dict per line (`first`: a, `second`: b); with
    `alone`, a line without "=" is `alone` = the line."""
    found = []
    for line in text.splitlines():
        if not line.strip():
            continue
        left, sep, right = line.partition("=")
        if not sep and alone is not None:
            left, right = alone, left
        found.append({first: left.strip(), second: right.strip()})
    return found


def bands_from(text: str) -> list[dict[str, str]]:
    """Volume bands, one per line: "1 = 49.90", "101 = 45.00" (an amount alone: from 1 unit)."""
    return pairs_from(text, "from_units", "amount", alone="1")


@router.post("/pricing/{product_id}/books/{book_id}/prices", response_class=HTMLResponse)
async def set_price(
    request: Request,
    session: DbSession,
    user: PageUser,
    now: Now,
    product_id: IdPath,
    book_id: IdPath,
) -> Response:
    form = await form_with_lists(request)
    values = pick(form, "item_id", "period", "unit", "banding", "effective_from")
    values["bands"] = bands_from(str(form.get("bands", "")))
    outcome = attempt(
        session,
        lambda: service.set_price(session, user, book_id, parse(PriceIn, values), today=now.date()),
        success=_("Price saved."),
    )
    return _settled(request, session, user, product_id, now.date(), outcome)


@router.post("/pricing/{product_id}/prices/{price_id}/remove", response_class=HTMLResponse)
async def remove_price(
    request: Request,
    session: DbSession,
    user: PageUser,
    now: Now,
    product_id: IdPath,
    price_id: IdPath,
) -> Response:
    outcome = attempt(
        session,
        lambda: service.remove_price(session, user, price_id, today=now.date()),
        success=_("Scheduled price taken back."),
    )
    return _settled(request, session, user, product_id, now.date(), outcome)


def discount_bands_from(text: str) -> list[dict[str, str]]:
    """Discount bands, one per line: "10 = Sales manager" ("10%" is read too)."""
    bands = pairs_from(text, "up_to_percent", "approver")
    return [{**b, "up_to_percent": b["up_to_percent"].rstrip("%")} for b in bands]


@router.post("/pricing/{product_id}/discounts/{package_id}", response_class=HTMLResponse)
async def set_discounts(
    request: Request,
    session: DbSession,
    user: PageUser,
    now: Now,
    product_id: IdPath,
    package_id: IdPath,
) -> Response:
    form = await form_with_lists(request)
    values = pick(form, "version")
    values["bands"] = discount_bands_from(str(form.get("bands", "")))
    values["floor_discount_percent"] = form.get("floor_discount_percent") or None

    def act() -> object:
        data = parse(DiscountsIn, values)
        bands = [b.model_dump() for b in data.bands]
        return service.set_discounts(
            session, user, package_id, bands, data.floor_discount_percent, version=data.version,
            now=now,
        )  # fmt: skip

    outcome = attempt(session, act, success=_("Discount guidance saved."))
    return _settled(request, session, user, product_id, now.date(), outcome)


def price_form() -> dict[str, Any]:
    """What a page that sets a price offers: periods and units as a sentence says them."""
    return {
        "periods": list(Period),
        "units": list(Unit),
        "price_text": service.price_text,
        "per": {u.value: _(said) if said else "" for u, said in service.PER.items()},
        "every": {p.value: _(said) for p, said in service.EVERY.items()},
    }
