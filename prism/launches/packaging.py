"""A launch that carries a packaging change: a feature moving edition, a new add-on, a price
change with its day. Carrying one adds three things its GA gate requires — the pricing sheet
rendered for the change, a fresh look at every FAQ that quotes prices, and seller training on
the change — and the new prices stay held in their books until that gate is passed. The brief
says what the change means for sales, customer success and support."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from prism.accounts.models import Account
from prism.auth.policy import Action, Principal, require
from prism.db import touch
from prism.errors import Conflict, Invalid
from prism.i18n import _, ngettext, short_money, term, when
from prism.knowledge.access import may_read
from prism.knowledge.models import Item
from prism.launches.gates import PACKAGING_RULES as RULES
from prism.launches.gates import Requirement
from prism.launches.models import Launch, Stage
from prism.pricing import plans
from prism.pricing import service as pricing
from prism.pricing.models import Holding, PlannedMove, Price
from prism.pricing.plans import Plan
from prism.pricing.schemas import MoveIn, PriceIn
from prism.render import service as rendering
from prism.training import readiness as training

# The stages in which a launch's packaging change may still be changed: before GA makes it.
CHANGEABLE = (Stage.PLANNING, Stage.ALPHA, Stage.BETA)


def change(session: Session, launch: Launch) -> Plan:
    return plans.planned(session, launch.id)


def add_move(
    session: Session, actor: Principal, launch: Launch, data: MoveIn, *, now: datetime
) -> PlannedMove:
    """Plan a feature's move as part of this launch."""
    _check_changeable(actor, launch)
    assert launch.product_id is not None  # _check_changeable refuses a launch without one
    move = plans.plan_move(session, actor, launch.id, launch.product_id, data)
    touch(launch)
    return move


def drop_move(session: Session, actor: Principal, launch: Launch, move_id: int) -> None:
    _check_changeable(actor, launch)
    plans.drop_move(session, actor, launch.id, move_id)
    touch(launch)


def add_price(
    session: Session, actor: Principal, launch: Launch, book_id: int, data: PriceIn, *, today: date
) -> Price:
    """A new price this launch brings, held in its book until the launch goes GA."""
    _check_changeable(actor, launch)
    assert launch.product_id is not None
    if data.effective_from < launch.target_date:
        raise Invalid.about(
            "effective_from",
            _(
                "The new price cannot take effect before the launch date ({day}).",
                day=when(launch.target_date),
            ),
        )
    price = plans.plan_price(
        session, actor, launch.id, launch.product_id, book_id, data, today=today
    )
    touch(launch)
    return price


def drop_price(
    session: Session, actor: Principal, launch: Launch, price_id: int, *, today: date
) -> None:
    _check_changeable(actor, launch)
    plans.drop_price(session, actor, launch.id, price_id, today=today)
    touch(launch)


def _check_changeable(actor: Principal, launch: Launch) -> None:
    require(actor, Action.RUN_LAUNCHES)
    require(actor, Action.MANAGE_PRICING)
    if launch.stage not in CHANGEABLE:
        raise Conflict(
            _(
                "{name} is {stage}: its packaging change was made or dropped; change the "
                "pricing page instead.",
                name=launch.name,
                stage=term(launch.stage.label),
            )
        )
    if launch.product_id is None:
        raise Invalid.about(
            "product_id", _("Choose the launch's product before planning its packaging change.")
        )


def check_product_change(session: Session, launch: Launch) -> None:
    """A launch carrying a packaging change keeps its product: the change is that product's."""
    if not change(session, launch).empty:
        raise Invalid.about(
            "product_id",
            _(
                "This launch carries a packaging change of its product; take the change back "
                "before choosing another product."
            ),
        )


def on_stage(session: Session, actor: Principal, launch: Launch, to: Stage, now: datetime) -> None:
    """Entering GA makes the change; cancelling drops its held prices."""
    if to is Stage.GA:
        plans.apply(session, actor, launch.id, now=now)
    elif to is Stage.CANCELLED:
        plans.abandon(session, launch.id)


def requirements(
    session: Session, launch: Launch, plan: Plan, *, now: datetime
) -> list[Requirement]:
    """What the change needs before GA, each with whether it is there; none without a change,
    or once the launch is past the stages where it can change (made at GA, or cancelled)."""
    if plan.empty or launch.stage not in CHANGEABLE or launch.product_id is None:
        return []
    since = plan.changed_at or now
    return [
        _sheet(session, launch, since, now),
        _faqs(session, launch, plan, since),
        _training(session, launch, since),
    ]


def _sheet(session: Session, launch: Launch, since: datetime, now: datetime) -> Requirement:
    assert launch.product_id is not None
    made = rendering.previews(session, launch.product_id, launch.id, now=now)
    current = [o.rendition for o in made if o.rendition.rendered_at >= since and not o.outdated]
    label = _(RULES["pricing_sheet"])
    if current:
        return Requirement(
            "pricing_sheet",
            label,
            True,
            _(
                "{name}, rendered {day}.",
                name=current[0].filename,
                day=when(current[0].rendered_at),
            ),
        )
    if made:
        detail = _(
            "The customer pricing sheet rendered for this launch is older than the change; "
            "render it again."
        )
    else:
        detail = _(
            "Render the customer pricing sheet for this launch (Preview the pricing sheet): it "
            "shows the line-up and prices as they will stand."
        )
    return Requirement("pricing_sheet", label, False, detail)


def _faqs(session: Session, launch: Launch, plan: Plan, since: datetime) -> Requirement:
    assert launch.product_id is not None
    faqs = plans.price_faqs(session, launch.product_id, plan)
    waiting = [f for f in faqs if not _looked_at(f, since)]
    label = _(RULES["price_faqs"])
    if not faqs:
        return Requirement("price_faqs", label, True, _("No FAQ of the product quotes a price."))
    if not waiting:
        return Requirement(
            "price_faqs",
            label,
            True,
            ngettext(
                "{count} FAQ quotes prices; verified since the change.",
                "{count} FAQs quote prices; all verified since the change.",
                len(faqs),
            ),
        )
    titles = ", ".join(f"“{f.title}”" for f in waiting)
    return Requirement(
        "price_faqs",
        label,
        False,
        ngettext(
            "Verify or update this FAQ, which quotes prices or names the editions: {titles}.",
            "Verify or update these {count} FAQs, which quote prices or name the editions: "
            "{titles}.",
            len(waiting),
            titles=titles,
        ),
    )


def _looked_at(faq: Item, since: datetime) -> bool:
    """Has someone verified or published a new version of the FAQ since the change?"""
    moments = [faq.verified_at, faq.published_at]
    return any(m is not None and m >= since for m in moments)


def _training(session: Session, launch: Launch, since: datetime) -> Requirement:
    modules = training.published_modules(session, launch.id)
    label = _(RULES["seller_training"])
    fresh = [m for m in modules if m.updated_at >= since]
    if fresh:
        titles = ", ".join(f"“{m.title}”" for m in fresh)
        return Requirement("seller_training", label, True, _("Published: {titles}.", titles=titles))
    if modules:
        return Requirement(
            "seller_training",
            label,
            False,
            _(
                "The launch's training was published before the change was last edited; "
                "update it and publish it again."
            ),
        )
    return Requirement(
        "seller_training",
        label,
        False,
        _(
            "Publish a training module for this launch that teaches sellers the change "
            "(Training → new module, launch: {name}).",
            name=launch.name,
        ),
    )


# ---- what the change means, for the brief ----------------------------------------------------


@dataclass(frozen=True)
class Meaning:
    """The change in sentences, and what it means for each team that talks to customers."""

    changes: list[str]
    sales: list[str]
    success: list[str]
    support: list[str]


def meaning(session: Session, actor: Principal, launch: Launch, plan: Plan) -> Meaning:
    """What the change is and what it means for sales, customer success and support, from the
    grid, the held prices and what accounts hold today."""
    changes = [_moved(m) for m in plan.moves] + [_priced(session, p) for p in plan.prices]
    losing = {m.from_id for m in plan.moves if m.from_id is not None}
    holders = _holders(session, losing)
    repriced = {p.item_id for p in plan.prices}
    renewing = _holders(session, repriced)
    day = plan.day
    sales, success, support = [], [], []
    for move in plan.moves:
        if move.from_package is not None and move.to_package is not None:
            accounts = holders.get(move.from_package.id, [])
            sales.append(
                ngettext(
                    "New deals get {feature} only with {to}. {count} account on {from_} has it "
                    "today ({arr} ARR): an upgrade conversation at renewal.",
                    "New deals get {feature} only with {to}. {count} accounts on {from_} have it "
                    "today ({arr} ARR): an upgrade conversation at renewal.",
                    len(accounts),
                    feature=move.feature.title,
                    to=move.to_package.title,
                    from_=move.from_package.title,
                    arr=short_money(sum(a.arr for a in accounts)),
                )
            )
            if accounts:
                success.append(
                    ngettext(
                        "{count} account holds {from_} ({names}): tell them before their "
                        "renewal what happens to {feature}.",
                        "{count} accounts hold {from_} ({names}): tell each before their "
                        "renewal what happens to {feature}.",
                        len(accounts),
                        from_=move.from_package.title,
                        names=_names(accounts),
                        feature=move.feature.title,
                    )
                )
    if plan.prices and day is not None:
        sales.append(
            _("Quote the new prices for deals that close on or after {day}.", day=when(day))
        )
        later = [
            a
            for item_id in repriced
            for a in renewing.get(item_id, [])
            if a.renewal_on is not None and a.renewal_on >= day
        ]
        if later:
            success.append(
                ngettext(
                    "{count} account renews after the new prices start ({names}).",
                    "{count} accounts renew after the new prices start ({names}).",
                    len(later),
                    names=_names(later),
                )
            )
    if launch.product_id is not None:
        faqs = [f for f in plans.price_faqs(session, launch.product_id, plan) if may_read(actor, f)]
        if faqs:
            support.append(
                _(
                    "Answers that quote prices or name the editions change: {titles}.",
                    titles=", ".join(f"“{f.title}”" for f in faqs),
                )
            )
    if day is not None:
        support.append(
            _(
                "Customers may ask about the change from {day}; point them to the new pricing "
                "sheet.",
                day=when(day),
            )
        )
    return Meaning(changes, sales, success, support)


def _moved(move: PlannedMove) -> str:
    feature, was, will = move.feature.title, move.from_package, move.to_package
    if was is not None and will is not None:
        said = _(
            "{feature} moves from {from_} to {to}", feature=feature, from_=was.title, to=will.title
        )
    elif will is not None:
        said = _("{feature} joins {to}", feature=feature, to=will.title)
    else:
        said = _("{feature} leaves {from_}", feature=feature, from_=was.title if was else "")
    return f"{said} ({move.limit})" if move.limit else said


def _priced(session: Session, price: Price) -> str:
    book = price.book
    before = next(
        (
            p
            for p in pricing.in_force(book, price.effective_from)
            if p.item_id == price.item_id and p.period == price.period and p.id != price.id
        ),
        None,
    )
    facts = {
        "title": price.item.title,
        "price": pricing.price_text(price, book.currency),
        "day": when(price.effective_from),
    }
    if before is None:
        return _("{title}: {price} from {day}", **facts)
    return _(
        "{title}: {price} from {day} (now {old})",
        old=pricing.price_text(before, book.currency),
        **facts,
    )


def _holders(session: Session, package_ids: set[int]) -> dict[int, list[Account]]:
    """The accounts holding each package, largest first."""
    if not package_ids:
        return {}
    rows = session.scalars(
        select(Holding)
        .where(Holding.package_id.in_(package_ids))
        .options(selectinload(Holding.account))
    )
    found: dict[int, list[Account]] = {}
    for holding in rows:
        if holding.account.churned_on is None:
            found.setdefault(holding.package_id, []).append(holding.account)
    return {k: sorted(v, key=lambda a: (-a.arr, a.name)) for k, v in found.items()}


def _names(accounts: list[Account], most: int = 3) -> str:
    names = ", ".join(a.name for a in accounts[:most])
    rest = len(accounts) - most
    return names if rest <= 0 else _("{names} and {rest} more", names=names, rest=rest)
