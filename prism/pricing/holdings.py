"""What accounts hold, and what it opens. Holdings come from the CRM's line items (a Salesforce
opportunity line-item report, a HubSpot line-item export, or a CSV `account, product, edition,
quantity, renewal_date`); an import is all or nothing and a file imported again changes nothing.

From them: the **whitespace** (each account against each product: the edition it holds, or
nothing) and the **upsell**: accounts whose own feature requests ask for something a higher
edition of what they hold already includes ("3 accounts, 1.4M ARR, ask for Session replay,
which Pulse Business includes"). A request for a feature no edition carries is product's to
weigh, as every request is: Prism informs, product decides."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from prism.accounts.models import Account
from prism.auth.policy import Action, Principal, require
from prism.csvfile import Names, Problem, Row, parse_day, read_table
from prism.errors import Invalid
from prism.feedback.models import FeedbackItem, Kind
from prism.i18n import _, ngettext, short_money
from prism.knowledge import service as knowledge
from prism.knowledge.access import readable_by
from prism.knowledge.models import Item, Status
from prism.pricing import service as pricing
from prism.pricing.models import Holding

# Prism's field → the column names exports give it (lower case), the first found wins.
COLUMNS: dict[str, tuple[str, ...]] = {
    "account": ("account", "account name", "associated company", "company name", "company"),
    "product": ("product", "product family"),
    "package": ("edition", "package", "product name", "line item name", "name"),
    "quantity": ("quantity", "qty"),
    "renewal_date": ("renewal_date", "renewal date", "contract end date", "end date"),
}
MAX_ROWS = 200_000


@dataclass
class HoldingReport:
    source: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    dry_run: bool = False

    @property
    def summary(self) -> str:
        values = {"rows": self.rows, "source": self.source, "created": self.created,
                  "updated": self.updated, "unchanged": self.unchanged}  # fmt: skip
        if self.dry_run:
            return _(
                "{rows} rows read as {source}: {created} holdings would be created, {updated} "
                "updated, {unchanged} unchanged.",
                **values,
            )
        return _(
            "{rows} rows read as {source}: {created} holdings created, {updated} updated, "
            "{unchanged} unchanged.",
            **values,
        )


def _source(header: list[str]) -> str:
    lower = {h.lower() for h in header}
    if {"opportunity id", "opportunity name"} & lower:
        return "Salesforce opportunity line items"
    if {"associated company", "line item id", "record id"} & lower:
        return "HubSpot line items"
    return "CSV"


def _columns(header: list[str]) -> dict[str, str | None]:
    by_lower = {h.strip().lower(): h for h in header}
    return {
        name: next((by_lower[c] for c in names if c in by_lower), None)
        for name, names in COLUMNS.items()
    }


@dataclass
class _Wanted:
    line: int
    account: Account
    package: Item
    quantity: int
    renewal_on: date | None


def import_csv(
    session: Session, actor: Principal, raw: bytes, *, dry_run: bool = False,
    max_rows: int | None = MAX_ROWS,
) -> HoldingReport:  # fmt: skip
    """Read line items and, unless `dry_run` or a row is wrong, upsert what each account holds.
    Rows for the same account and package add up (two line items of one edition)."""
    require(actor, Action.MANAGE_ACCOUNTS)
    table = read_table(raw)
    columns = _columns(table.header)
    missing = [name for name in ("account", "package") if columns[name] is None]
    if missing:
        raise Invalid(
            _(
                "Prism needs a column for the account (account, Account Name or Associated "
                "Company) and one for the edition (edition, Product Name or Name). The file's "
                "columns: {join}.",
                join=", ".join(table.header),
            )
        )
    if not table.rows:
        raise Invalid(_("The file has a header but no rows."))
    if max_rows is not None and len(table.rows) > max_rows:
        raise Invalid(_("The file has {rows:,} rows; one upload takes {max_rows:,}.",
                        rows=len(table.rows), max_rows=max_rows))  # fmt: skip
    report = HoldingReport(_source(table.header), rows=len(table.rows), dry_run=dry_run)
    problems: list[Problem] = []
    wanted = _read(session, actor, table.rows, columns, problems)
    if problems:
        bad = len({p.line for p in problems})
        raise Invalid(
            ngettext(
                "Nothing was imported: {count} row has a problem.",
                "Nothing was imported: {count} rows have problems.",
                bad,
            ),
            errors=[p.as_error() for p in problems],
        )
    _upsert(session, wanted, report, dry_run=dry_run)
    return report


def _read(
    session: Session,
    actor: Principal,
    rows: list[Row],
    columns: dict[str, str | None],
    problems: list[Problem],
) -> list[_Wanted]:
    accounts = Names(session.execute(select(Account.id, Account.name, Account.external_id)).all())
    packages = list(
        session.scalars(
            select(Item)
            .where(Item.kind.in_(pricing.PACKAGES), readable_by(actor))
            .options(selectinload(Item.links))
        )
    )
    products = {p.id: p for p in session.scalars(select(Item).where(Item.kind == "product"))}
    merged: dict[tuple[int, int], _Wanted] = {}
    for row in rows:

        def problem(column: str, message: str, line: int = row.line) -> None:
            problems.append(Problem(line, column, message))

        try:
            account = session.get(Account, accounts.find(row.get(columns["account"]), "account"))
        except LookupError as exc:
            problem("account", str(exc))
            continue
        product_name = row.get(columns["product"])
        package = _package(packages, products, row.get(columns["package"]), product_name)
        if isinstance(package, str):
            problem("package", package)
            continue
        quantity = _quantity(row.get(columns["quantity"]))
        if quantity is None:
            problem(
                "quantity", _("{value!r} is not a quantity", value=row.get(columns["quantity"]))
            )
            continue
        renewal = row.get(columns["renewal_date"])
        try:
            renewal_on = parse_day(renewal) if renewal else None
        except ValueError:
            problem("renewal_date", _("Not a date"))
            continue
        assert account is not None
        key = (account.id, package.id)
        if key in merged:
            merged[key].quantity += quantity
            later = [d for d in (merged[key].renewal_on, renewal_on) if d]
            merged[key].renewal_on = max(later) if later else None
        else:
            merged[key] = _Wanted(row.line, account, package, quantity, renewal_on)
    return list(merged.values())


def _package(
    packages: list[Item], products: dict[int, Item], name: str, product: str
) -> Item | str:
    """The edition or add-on a line item names: its title, or a name holding it ("Helio Pulse
    Business" is Pulse Business), within the product when one is named."""
    wanted = " ".join(name.split()).lower()
    if not wanted:
        return _("no edition named")
    among = [
        p for p in packages
        if not product or products[pricing.product_of(p)].title.lower() == product.strip().lower()
    ]  # fmt: skip
    exact = [p for p in among if p.title.lower() == wanted]
    within = sorted(
        (p for p in among if re.search(rf"\b{re.escape(p.title.lower())}\b", wanted)),
        key=lambda p: -len(p.title),
    )
    found = exact or within[:1]
    if len(found) != 1:
        return _("no edition or add-on called {name!r}", name=name)
    return found[0]


def _quantity(text: str) -> int | None:
    cleaned = text.replace(",", "").strip() or "1"
    try:
        number = float(cleaned)
    except ValueError:
        return None
    if number != int(number) or not 1 <= number <= 10**9:
        return None
    return int(number)


def _upsert(
    session: Session, wanted: list[_Wanted], report: HoldingReport, *, dry_run: bool
) -> None:
    held = {
        (h.account_id, h.package_id): h
        for h in session.scalars(
            select(Holding).where(Holding.account_id.in_({w.account.id for w in wanted}))
        )
    }
    for w in wanted:
        old = held.get((w.account.id, w.package.id))
        if old is None:
            report.created += 1
            if not dry_run:
                session.add(
                    Holding(
                        account_id=w.account.id,
                        product_id=pricing.product_of(w.package),
                        package_id=w.package.id,
                        quantity=w.quantity,
                        renewal_on=w.renewal_on,
                    )
                )
        elif (old.quantity, old.renewal_on) == (w.quantity, w.renewal_on):
            report.unchanged += 1
        else:
            report.updated += 1
            if not dry_run:
                old.quantity, old.renewal_on = w.quantity, w.renewal_on
    session.flush()


def holdings_of(session: Session, actor: Principal, account_id: int) -> list[Holding]:
    """What one account holds, by product and line-up."""
    require(actor, Action.READ_ACCOUNTS)
    stmt = (
        select(Holding)
        .where(Holding.account_id == account_id)
        .options(selectinload(Holding.package), selectinload(Holding.product))
    )
    return sorted(session.scalars(stmt), key=lambda h: (h.product.title, pricing.rank(h.package)))


def account_of(session: Session, account_id: int | None, customer: str) -> int | None:
    """A deal's account: the one the CRM linked, or else the account named as its customer."""
    if account_id is not None:
        return account_id
    found = select(Account.id).where(func.lower(Account.name) == customer.strip().lower())
    return session.scalar(found.limit(1))


def held_of(session: Session, account_id: int | None, product_ids: Sequence[int]) -> list[str]:
    """The editions and add-ons an account holds of these products, by name (none for a deal
    without an account): what makes a deal an expansion."""
    if account_id is None or not product_ids:
        return []
    stmt = (
        select(Item.title)
        .join(Holding, Holding.package_id == Item.id)
        .where(Holding.account_id == account_id, Holding.product_id.in_(product_ids))
        .order_by(Item.title)
    )
    return list(session.scalars(stmt))


def next_up(
    session: Session, actor: Principal, account_id: int | None, product_ids: Sequence[int]
) -> list[Item]:
    """For each product, the published edition just above the highest one the account holds:
    what an expansion deal offers next (none where it holds the top edition already)."""
    if account_id is None:
        return []
    held = set(
        session.scalars(
            select(Holding.package_id).where(
                Holding.account_id == account_id, Holding.product_id.in_(product_ids)
            )
        )
    )
    offered = []
    for product_id in product_ids:
        stmt = knowledge.of_product(product_id, "edition").where(
            Item.status == Status.PUBLISHED, readable_by(actor)
        )
        line = sorted(session.scalars(stmt), key=pricing.rank)
        tops = [n for n, edition in enumerate(line) if edition.id in held]
        if tops and tops[-1] + 1 < len(line):
            offered.append(line[tops[-1] + 1])
    return offered


# ---- the whitespace and the upsell ------------------------------------------------------------


@dataclass
class Cell:
    """How many current accounts hold an edition (or none of a product), and their ARR."""

    accounts: int = 0
    arr: int = 0


@dataclass
class Whitespace:
    products: list[Item]
    editions: dict[int, list[Item]]  # product id → its editions, lowest first
    # (product id, edition id or None for "holds nothing of it") → count and ARR
    cells: dict[tuple[int, int | None], Cell]
    # account id → product id → the highest edition it holds (absent: nothing)
    top: dict[int, dict[int, Item]]
    accounts: list[Account]


@dataclass(frozen=True)
class Asked:
    """A customer's feature request, as the upsell reads it."""

    id: int
    text: str
    theme_id: int | None
    account_id: int
    product_id: int | None
    feature_id: int | None


@dataclass
class Opportunity:
    """An upgrade that answers what accounts asked for: who, from which edition, to which."""

    product: Item
    feature: Item
    to: Item
    accounts: list[tuple[Account, Item, list[Asked]]] = field(default_factory=list)

    @property
    def arr(self) -> int:
        return sum(a.arr for a, _held, _asked in self.accounts)


@dataclass
class Upsell:
    opportunities: list[Opportunity]
    # Requests from customers for a feature no edition carries: product's to weigh.
    unpackaged: list[tuple[Item, list[Asked]]]
    # Requests for a feature the account's edition already has: an enablement gap, not a sale.
    already_have: list[tuple[Account, Item, Asked]]


def _line_ups(
    session: Session, actor: Principal
) -> tuple[list[Item], dict[int, list[Item]], dict[int, list[Item]]]:
    products = sorted(
        session.scalars(select(Item).where(Item.kind == "product", readable_by(actor))),
        key=lambda p: p.title.lower(),
    )
    # Each product's editions then add-ons, in line-up order, and its features.
    packages: dict[int, list[Item]] = {p.id: [] for p in products}
    features: dict[int, list[Item]] = {p.id: [] for p in products}
    stmt = (
        select(Item)
        .where(Item.kind.in_(("feature", *pricing.PACKAGES)), readable_by(actor))
        .options(selectinload(Item.links))
    )
    for item in session.scalars(stmt):
        product_id = next((lk.target_id for lk in item.links if lk.relation == "product"), None)
        if product_id in packages:
            (features if item.kind == "feature" else packages)[product_id].append(item)
    for line in packages.values():
        line.sort(key=pricing.rank)
    return products, packages, features


def _editions(packages: dict[int, list[Item]]) -> dict[int, list[Item]]:
    return {p: [i for i in line if i.kind == "edition"] for p, line in packages.items()}


def whitespace(session: Session, actor: Principal) -> Whitespace:
    """Every current account (ARR above nothing, not churned) against every product."""
    require(actor, Action.READ_ACCOUNTS)
    products, packages, _features = _line_ups(session, actor)
    editions = _editions(packages)
    accounts = list(
        session.scalars(
            select(Account)
            .where(Account.arr > 0, Account.churned_on.is_(None))
            .order_by(Account.name)
        )
    )
    top = _tops(session, editions)
    cells: dict[tuple[int, int | None], Cell] = defaultdict(Cell)
    for account in accounts:
        for product in products:
            held = top.get(account.id, {}).get(product.id)
            cell = cells[(product.id, held.id if held else None)]
            cell.accounts += 1
            cell.arr += account.arr
    return Whitespace(products, editions, dict(cells), top, accounts)


def _tops(session: Session, editions: dict[int, list[Item]]) -> dict[int, dict[int, Item]]:
    """Per account and product, the highest-ranked edition it holds."""
    by_id = {e.id: e for line in editions.values() for e in line}
    top: dict[int, dict[int, Item]] = defaultdict(dict)
    rows = session.execute(select(Holding.account_id, Holding.product_id, Holding.package_id))
    for account_id, product_id, package_id in rows:
        edition = by_id.get(package_id)
        if edition is None:
            continue  # an add-on, or an edition the reader may not see
        current = top[account_id].get(product_id)
        if current is None or pricing.rank(edition) > pricing.rank(current):
            top[account_id][product_id] = edition
    return top


def upsell(session: Session, actor: Principal) -> Upsell:
    """Upgrades that answer customers' own requests, largest ARR first."""
    require(actor, Action.READ_FEEDBACK)
    require(actor, Action.READ_ACCOUNTS)
    products, packages, features = _line_ups(session, actor)
    editions = _editions(packages)
    by_id = {p.id: p for p in products}
    top = _tops(session, editions)
    asked = [
        Asked(*row)  # type: ignore[arg-type]  # the join leaves no request without an account
        for row in session.execute(
            select(FeedbackItem.id, FeedbackItem.text, FeedbackItem.theme_id,
                   FeedbackItem.account_id, FeedbackItem.product_id, FeedbackItem.feature_id)
            .join(Account, Account.id == FeedbackItem.account_id)
            .where(FeedbackItem.kind == Kind.FEATURE_REQUEST, Account.churned_on.is_(None))
            .order_by(FeedbackItem.id)
        )
    ]  # fmt: skip
    # (to edition, feature) → account → (the edition it holds, what it asked)
    found: dict[tuple[int, int], dict[int, tuple[Item, list[Asked]]]] = {}
    unpackaged: dict[int, tuple[Item, list[Asked]]] = {}
    already: list[tuple[int, Item, Asked]] = []
    where: dict[tuple[int, int], Item | None] = {}  # (held, feature) → the edition to move to
    for request in asked:
        for product_id, held in top.get(request.account_id, {}).items():
            if request.product_id not in (None, product_id):
                continue
            for feature in asking_for(request, features[product_id]):
                if (held.id, feature.id) not in where:
                    where[(held.id, feature.id)] = _upgrade(held, feature, editions[product_id])
                higher = where[(held.id, feature.id)]
                if higher is held:
                    already.append((request.account_id, held, request))
                elif higher is None:
                    # In no edition above, and in no edition or add-on at all: product's to weigh.
                    if all(pricing.included(p, feature) is None for p in packages[product_id]):
                        unpackaged.setdefault(feature.id, (feature, []))[1].append(request)
                else:
                    group = found.setdefault((higher.id, feature.id), {})
                    group.setdefault(request.account_id, (held, []))[1].append(request)
    wanted = {a for group in found.values() for a in group} | {a for a, _h, _r in already}
    accounts = {
        a.id: a for a in session.scalars(select(Account).where(Account.id.in_(wanted)))
    } if wanted else {}  # fmt: skip
    features_by_id = {f.id: f for line in features.values() for f in line}
    editions_by_id = {e.id: e for line in editions.values() for e in line}
    chances = [
        Opportunity(
            product=by_id[pricing.product_of(editions_by_id[to])],
            feature=features_by_id[feature_id],
            to=editions_by_id[to],
            accounts=[(accounts[a], held, said) for a, (held, said) in group.items()],
        )
        for (to, feature_id), group in found.items()
    ]
    ranked = sorted(chances, key=lambda o: (-o.arr, -len(o.accounts), o.feature.title))
    return Upsell(ranked, list(unpackaged.values()), [(accounts[a], h, r) for a, h, r in already])


def _upgrade(held: Item, feature: Item, line: list[Item]) -> Item | None:
    """The edition that answers a request for `feature` from an account on `held`: `held`
    itself when it carries it already, the lowest higher edition that does, or None."""
    if pricing.included(held, feature) is not None:
        return held
    above = (e for e in line if pricing.rank(e) > pricing.rank(held))
    return next((e for e in above if pricing.included(e, feature) is not None), None)


def asking_for(request: Asked, features: list[Item]) -> list[Item]:
    """The features a request asks for: the one it was filed against, or else those whose name
    it says ("session replay", "SSO"), as whole words."""
    if request.feature_id is not None:
        return [f for f in features if f.id == request.feature_id]
    text = request.text.lower()
    return [f for f in features if re.search(rf"\b{re.escape(f.title.lower())}\b", text)]


def said(chance: Opportunity) -> str:
    """An opportunity as an account team reads it: "3 accounts, 1.4M ARR, ask for Session
    replay, which Pulse Business includes"."""
    return ngettext(
        "{count} account, {arr} ARR, asks for {feature}, which {edition} includes",
        "{count} accounts, {arr} ARR, ask for {feature}, which {edition} includes",
        len(chance.accounts),
        arr=short_money(chance.arr),
        feature=chance.feature.title,
        edition=chance.to.title,
    )
