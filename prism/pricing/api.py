"""The pricing API: a product's packaging grid with its price books on a day, the grid's cells,
price books and their scheduled prices, the deal desk's guidance, the calculator, and price
books as CSV."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import File, Form, Query, Response, UploadFile, status

from prism.auth.policy import Principal
from prism.knowledge.models import Item
from prism.money import plain
from prism.pagination import Page
from prism.pricing import holdings, portable, service
from prism.pricing.models import Holding, Price, PriceBook
from prism.pricing.schemas import (
    AskedOut,
    BandOut,
    BookIn,
    BookOut,
    BookUpdate,
    CellOut,
    DiscountsIn,
    HoldingOut,
    HoldingReportOut,
    InclusionIn,
    OpportunityOut,
    PackageOut,
    PackagingOut,
    PriceIn,
    PriceOut,
    PriceReportOut,
    QuoteIn,
    QuoteOut,
    UpgradeAccountOut,
    UpsellOut,
    WhitespaceCellOut,
)
from prism.schemas import AccountRef, Ref
from prism.web.deps import CurrentUser, DbSession, Now
from prism.web.routing import CSV, IdPath, Paged, api_router, attachment

router = api_router("pricing")
OnDay = Annotated[date | None, Query(description="The day whose prices apply; today if left out.")]


def price_out(price: Price, currency: str) -> PriceOut:
    return PriceOut.of(
        price,
        item=Ref(id=price.item.id, title=price.item.title),
        currency=currency,
        bands=[
            BandOut(
                from_units=b.from_units,
                amount_minor=b.amount_minor,
                amount=plain(b.amount_minor, currency),
            )
            for b in price.bands
        ],
    )


def book_out(book: PriceBook, on: date) -> BookOut:
    return BookOut.of(
        book,
        product=Ref(id=book.product.id, title=book.product.title),
        in_force=[price_out(p, book.currency) for p in service.in_force(book, on)],
        scheduled=[price_out(p, book.currency) for p in service.scheduled(book, on)],
    )


def package_out(grid: service.Packaging, package: Item) -> PackageOut:
    return PackageOut(
        id=package.id,
        kind=package.kind,
        title=package.title,
        status=package.status.value,
        version=package.version,
        rank=int(package.fields.get("rank", 1)),
        for_whom=package.fields.get("for_whom", ""),
        features=[
            CellOut(feature_id=f.id, limit=grid.limit(package, f))
            for f in grid.features
            if grid.carries(package, f)
        ],
        differentiates=package not in grid.undifferentiated,
        discount_bands=package.fields.get("discount_bands", []),
        floor_discount_percent=package.fields.get("floor_discount_percent"),
    )


def packaging_out(session: DbSession, user: Principal, product_id: int, on: date) -> PackagingOut:
    grid = service.packaging(session, user, product_id)
    return PackagingOut(
        product=Ref(id=grid.product.id, title=grid.product.title),
        editions=[package_out(grid, e) for e in grid.editions],
        add_ons=[package_out(grid, a) for a in grid.add_ons],
        features=[Ref(id=f.id, title=f.title) for f in grid.features],
        unpackaged=[Ref(id=f.id, title=f.title) for f in grid.unpackaged],
        books=[book_out(b, on) for b in service.books(session, user, product_id)],
        on=on,
    )


@router.get(
    "/pricing/products/{product_id}",
    response_model=PackagingOut,
    summary="A product's packaging and prices",
)
def get_packaging(
    product_id: IdPath, session: DbSession, user: CurrentUser, now: Now, on: OnDay = None
) -> PackagingOut:
    """Editions (lowest first) and add-ons with the features each carries and its limits,
    features in no edition (`unpackaged`), editions that add nothing to the one below
    (`differentiates: false`), and each currency's prices in force on `on` and scheduled after
    it, with each edition's discount guidance (internal: no customer output prints it)."""
    return packaging_out(session, user, product_id, on or now.date())


@router.put(
    "/pricing/packages/{package_id}/features/{feature_id}",
    response_model=PackageOut,
    summary="Put a feature in an edition or add-on, or take it out",
)
def set_inclusion(
    package_id: IdPath,
    feature_id: IdPath,
    data: InclusionIn,
    session: DbSession,
    user: CurrentUser,
    now: Now,
) -> PackageOut:
    """The change is the edition's next version (send the `version` you read)."""
    package = service.set_inclusion(
        session,
        user,
        package_id,
        feature_id,
        included=data.included,
        limit=data.limit,
        version=data.version,
        now=now,
    )
    grid = service.packaging(session, user, service.product_of(package))
    return package_out(grid, package)


@router.put(
    "/pricing/packages/{package_id}/discounts",
    response_model=PackageOut,
    summary="Set the deal desk's discount guidance",
)
def set_discounts(
    package_id: IdPath, data: DiscountsIn, session: DbSession, user: CurrentUser, now: Now
) -> PackageOut:
    """Who may approve how deep a discount, and the floor no discount may pass. Internal: it
    never reaches a customer output."""
    package = service.set_discounts(
        session,
        user,
        package_id,
        [b.model_dump() for b in data.bands],
        data.floor_discount_percent,
        version=data.version,
        now=now,
    )
    grid = service.packaging(session, user, service.product_of(package))
    return package_out(grid, package)


@router.post(
    "/pricing/books",
    response_model=BookOut,
    status_code=status.HTTP_201_CREATED,
    summary="Open a price book",
)
def open_book(data: BookIn, session: DbSession, user: CurrentUser, now: Now) -> BookOut:
    """One per product and currency. Its list prices reach customers only when `public`."""
    return book_out(service.open_book(session, user, data), now.date())


@router.get("/pricing/books/{book_id}", response_model=BookOut, summary="A price book")
def get_book(
    book_id: IdPath, session: DbSession, user: CurrentUser, now: Now, on: OnDay = None
) -> BookOut:
    return book_out(service.get_book(session, user, book_id), on or now.date())


@router.patch("/pricing/books/{book_id}", response_model=BookOut, summary="Change a price book")
def update_book(
    book_id: IdPath, data: BookUpdate, session: DbSession, user: CurrentUser, now: Now
) -> BookOut:
    book = service.update_book(session, user, book_id, public=data.public, version=data.version)
    return book_out(book, now.date())


@router.get(
    "/pricing/books/{book_id}/history/{item_id}",
    response_model=Page[PriceOut],
    summary="Every price an edition has had",
)
def price_history(
    book_id: IdPath, item_id: IdPath, session: DbSession, user: CurrentUser, paged: Paged
) -> Page[PriceOut]:
    """Newest first: scheduled prices, the one in force, and every earlier one."""
    book = service.get_book(session, user, book_id)
    found = service.history(book, item_id)
    return paged.page(found, PriceOut, lambda p: price_out(p, book.currency))


@router.post(
    "/pricing/books/{book_id}/prices",
    response_model=PriceOut,
    status_code=status.HTTP_201_CREATED,
    summary="Set or schedule a price",
)
def set_price(
    book_id: IdPath, data: PriceIn, session: DbSession, user: CurrentUser, now: Now
) -> PriceOut:
    """From `effective_from` (today or later) on. A price that has taken effect is kept in the
    history; a scheduled one for the same edition, period and day is replaced. Amounts are
    exact decimal text in the book's currency ("49.90")."""
    price = service.set_price(session, user, book_id, data, today=now.date())
    return price_out(price, price.book.currency)


@router.delete(
    "/pricing/prices/{price_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Take back a scheduled price",
)
def remove_price(price_id: IdPath, session: DbSession, user: CurrentUser, now: Now) -> Response:
    service.remove_price(session, user, price_id, today=now.date())
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/pricing/quote", response_model=QuoteOut, summary="Price a quantity")
def quote(data: QuoteIn, session: DbSession, user: CurrentUser, now: Now) -> QuoteOut:
    """Units × the list price of the band they reach (or each band's units at its price, for a
    graduated price), less a discount, with who approves the discount and whether it passes the
    floor. Quoting and billing stay in the CRM."""
    q = service.quote(
        session,
        user,
        data.item_id,
        data.currency,
        period=data.period,
        units=data.units,
        discount_percent=data.discount_percent,
        on=data.on or now.date(),
        with_edition_id=data.with_edition_id,
    )
    return quote_out(q)


def quote_out(q: service.Quote) -> QuoteOut:
    cur = q.currency
    return QuoteOut(
        item=Ref(id=q.item.id, title=q.item.title),
        currency=cur,
        period=q.price.period,
        unit=q.price.unit,
        units=q.units,
        unit_amount=plain(q.unit_minor, cur),
        list_total_minor=q.list_minor,
        list_total=plain(q.list_minor, cur),
        discount_percent=q.discount_percent,
        net_total_minor=q.net_minor,
        net_total=plain(q.net_minor, cur),
        effective_from=q.price.effective_from,
        approver=q.approver,
        below_floor=q.below_floor,
        floor_total=None if q.floor_minor is None else plain(q.floor_minor, cur),
        goes_with=[Ref(id=e.id, title=e.title) for e in q.goes_with],
    )


@router.get(
    "/pricing/export.csv", summary="Price books as CSV", response_class=Response, responses=CSV
)
def export_prices(
    session: DbSession,
    user: CurrentUser,
    product_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
) -> Response:
    """Every price (history, in force and scheduled), one volume band per row: the columns
    `prism pricing import` and `POST /pricing/import` read."""
    text = portable.export_csv(session, user, product_id)
    return attachment(text.encode(), "prices.csv", "text/csv")


@router.post("/pricing/import", response_model=PriceReportOut, summary="Import prices (CSV)")
async def import_prices(
    session: DbSession,
    user: CurrentUser,
    now: Now,
    file: Annotated[UploadFile, File(description="Columns as the export writes them.")],
    dry_run: Annotated[bool, Form(description="Check every row, import nothing.")] = False,
) -> PriceReportOut:
    """All or nothing: one bad row imports nothing (422, every problem with its line).
    Importing an export again changes nothing."""
    report = portable.import_csv(
        session, user, await file.read(), today=now.date(), dry_run=dry_run
    )
    return PriceReportOut.of(report, summary=report.summary)


@router.post(
    "/pricing/holdings/import", response_model=HoldingReportOut, summary="Import what accounts hold"
)
async def import_holdings(
    session: DbSession,
    user: CurrentUser,
    file: Annotated[
        UploadFile,
        File(
            description="Salesforce opportunity line items, HubSpot line items, or a CSV "
            "`account, product, edition, quantity, renewal_date`."
        ),
    ],
    dry_run: Annotated[bool, Form(description="Check every row, import nothing.")] = False,
) -> HoldingReportOut:
    """One row per line item; rows for the same account and edition add up. Accounts are found
    by name or CRM id, editions and add-ons by name (or a name holding it, "Helio Pulse
    Business"). All or nothing (422 with every problem and its line); a file imported again
    changes nothing."""
    report = holdings.import_csv(session, user, await file.read(), dry_run=dry_run)
    return HoldingReportOut.of(report, summary=report.summary)


@router.get(
    "/pricing/accounts/{account_id}/holdings",
    response_model=Page[HoldingOut],
    summary="What an account holds",
)
def account_holdings(
    account_id: IdPath, session: DbSession, user: CurrentUser, paged: Paged
) -> Page[HoldingOut]:
    def out(h: Holding) -> HoldingOut:
        return HoldingOut.of(
            h,
            product=Ref(id=h.product.id, title=h.product.title),
            package=Ref(id=h.package.id, title=h.package.title),
        )

    return paged.page(holdings.holdings_of(session, user, account_id), HoldingOut, out)


@router.get("/pricing/whitespace", response_model=Page[WhitespaceCellOut], summary="Whitespace")
def whitespace(session: DbSession, user: CurrentUser, paged: Paged) -> Page[WhitespaceCellOut]:
    """Current accounts by product and the highest edition they hold (`edition: null` for
    those holding nothing of the product), with their ARR."""
    found = holdings.whitespace(session, user)
    cells = []
    for product in found.products:
        for edition in [*found.editions[product.id], None]:
            cell = found.cells.get((product.id, edition.id if edition else None))
            if cell is None:
                continue
            cells.append(
                WhitespaceCellOut(
                    product=Ref(id=product.id, title=product.title),
                    edition=Ref(id=edition.id, title=edition.title) if edition else None,
                    accounts=cell.accounts,
                    arr=cell.arr,
                )
            )
    return paged.page(cells, WhitespaceCellOut, lambda c: c)


@router.get("/pricing/upsell", response_model=UpsellOut, summary="Upgrades customers ask for")
def upsell(session: DbSession, user: CurrentUser) -> UpsellOut:
    """Per edition upgrade and feature, the accounts whose own feature requests ask for what
    that edition includes and theirs does not, largest ARR first. Requests for features in no
    edition are listed for product to weigh."""
    found = holdings.upsell(session, user)
    return UpsellOut(
        opportunities=[
            OpportunityOut(
                product=Ref(id=o.product.id, title=o.product.title),
                feature=Ref(id=o.feature.id, title=o.feature.title),
                to=Ref(id=o.to.id, title=o.to.title),
                accounts=[
                    UpgradeAccountOut(
                        account=AccountRef.model_validate(account),
                        holds=Ref(id=held.id, title=held.title),
                        asked=[AskedOut(id=r.id, text=r.text) for r in asked],
                    )
                    for account, held, asked in o.accounts
                ],
                arr=o.arr,
                summary=holdings.said(o),
            )
            for o in found.opportunities
        ],
        unpackaged=[Ref(id=f.id, title=f.title) for f, _asked in found.unpackaged],
    )
