"""The ideal customer profile, each account's fit to it with the reasons, and the accounts it
proposes: seed customers for a launch's beta, reference candidates for customer stories.

A criterion the profile leaves empty is not counted. Each one used weighs: industry 3, size 2,
segment 2, product 2, region 1, each signal 1; an account's score is the share of that weight it
meets, 0 to 100.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from prism.accounts.models import Account, IdealProfile, Reference
from prism.accounts.schemas import AccountUpdate, IdealProfileIn, IdealProfileSave, Signal
from prism.auth.policy import Action, Principal, require
from prism.db import get_or_404
from prism.deals.models import Deal, DealFocus, Outcome
from prism.errors import Conflict, Invalid
from prism.i18n import N_, _
from prism.knowledge.models import Dimension, Facet, Item
from prism.launches.models import BetaCustomer, Launch

WEIGHTS = {"industry": 3, "size": 2, "segment": 2, "product": 2, "region": 1}
SIGNAL_WEIGHT = 1
HEALTHY = 70
# A reference speaks for us: a customer that is healthy and has bought.
REFERENCE_HEALTH = 70


@dataclass(frozen=True)
class Reason:
    criterion: str
    matched: bool
    text: str


@dataclass(frozen=True)
class Fit:
    account: Account
    score: int
    reasons: list[Reason]


def profile(session: Session, actor: Principal) -> tuple[IdealProfileIn, int]:
    """The profile and its version (an empty profile, version 0, before anyone wrote one)."""
    require(actor, Action.READ_ACCOUNTS)
    found = session.scalar(select(IdealProfile).order_by(IdealProfile.id))
    if found is None:
        return IdealProfileIn(), 0
    return IdealProfileIn.model_validate(found.criteria), found.version


def save_profile(
    session: Session, actor: Principal, data: IdealProfileSave
) -> tuple[IdealProfileIn, int]:
    """Write the profile; `data.version` is the one the writer read (0 for the first)."""
    require(actor, Action.MANAGE_ACCOUNTS)
    _check_choices(session, data)
    found = session.scalar(select(IdealProfile).order_by(IdealProfile.id))
    current = found.version if found is not None else 0
    if data.version != current:
        raise Conflict(_("Someone changed the profile since you opened it; reload and try again."))
    criteria = data.model_dump(mode="json", exclude={"version"})
    if found is None:
        found = IdealProfile(criteria=criteria)
        session.add(found)
    else:
        found.criteria = criteria
    session.flush()
    return IdealProfileIn.model_validate(criteria), found.version


def _check_choices(session: Session, data: IdealProfileIn) -> None:
    industries = set(
        session.scalars(
            select(Facet.id).where(
                Facet.id.in_(data.industries), Facet.dimension == Dimension.INDUSTRY
            )
        )
    )
    for ident in data.industries:
        if ident not in industries:
            raise Invalid.about("industries", _("No industry {ident}.", ident=ident))
    products = set(
        session.scalars(select(Item.id).where(Item.id.in_(data.products), Item.kind == "product"))
    )
    for ident in data.products:
        if ident not in products:
            raise Invalid.about("products", _("No product {ident}.", ident=ident))


class _Facts:
    """What the fit needs about every account, in four queries."""

    def __init__(self, session: Session, accounts: list[Account], today: date) -> None:
        ids = [a.id for a in accounts]
        self.industries = dict(
            session.execute(
                select(Facet.id, Facet.name).where(Facet.dimension == Dimension.INDUSTRY)
            ).all()
        )
        self.products: dict[int, set[int]] = defaultdict(set)
        self.open: set[int] = set()
        self.won_lately: set[int] = set()
        self.won: set[int] = set()
        year_ago = today - timedelta(days=365)
        deals = session.execute(
            select(Deal.id, Deal.account_id, Deal.outcome, Deal.close_on, Deal.closed_at).where(
                Deal.account_id.in_(ids)
            )
        ).all()
        for _unused, account_id, outcome, close_on, closed_at in deals:
            if account_id is None:
                continue
            if outcome is Outcome.OPEN:
                self.open.add(account_id)
            elif outcome is Outcome.WON:
                self.won.add(account_id)
                closed = close_on or (closed_at.date() if closed_at else None)
                if closed is not None and closed >= year_ago:
                    self.won_lately.add(account_id)
        by_deal = {deal_id: account_id for deal_id, account_id, *_unused in deals if account_id}
        for deal_id, item_id in session.execute(
            select(DealFocus.deal_id, DealFocus.item_id).where(DealFocus.deal_id.in_(list(by_deal)))
        ):
            self.products[by_deal[deal_id]].add(item_id)
        self.product_names = dict(
            session.execute(select(Item.id, Item.title).where(Item.kind == "product")).all()
        )


def _fit(account: Account, want: IdealProfileIn, facts: _Facts) -> Fit:
    reasons: list[tuple[int, Reason]] = []

    def judge(criterion: str, weight: int, matched: bool, text: str) -> None:
        reasons.append((weight, Reason(criterion, matched, text)))

    if want.industries:
        name = facts.industries.get(account.industry_id or 0)
        wanted = ", ".join(sorted(facts.industries.get(i, "?") for i in want.industries))
        inside = account.industry_id in want.industries
        if not name:
            said = _("Industry unknown (the profile wants {wanted})", wanted=wanted)
        elif inside:
            said = _("Industry {name} is in the profile", name=name)
        else:
            said = _("Industry {name} is not one of {wanted}", name=name, wanted=wanted)
        judge("industry", WEIGHTS["industry"], inside, said)
    if want.employees_min is not None or want.employees_max is not None:
        low, high = want.employees_min or 0, want.employees_max
        span = (
            _("{low:,} to {high:,}", low=low, high=high)
            if high is not None
            else _("{low:,} or more", low=low)
        )
        if account.employees is None:
            judge(
                "size",
                WEIGHTS["size"],
                False,
                _("Size unknown (the profile wants {span})", span=span),
            )
        else:
            inside = account.employees >= low and (high is None or account.employees <= high)
            said = (
                _(
                    "{employees:,} employees is within {span}",
                    employees=account.employees,
                    span=span,
                )
                if inside
                else _(
                    "{employees:,} employees is outside {span}",
                    employees=account.employees,
                    span=span,
                )
            )
            judge("size", WEIGHTS["size"], inside, said)
    for criterion, label, values, have in (
        ("segment", N_("Segment"), want.segments, account.segment),
        ("region", N_("Region"), want.regions, account.region),
    ):
        if values:
            inside = have.lower() in {v.lower() for v in values}
            shown = have or _("unknown")
            said = (
                _("{criterion} {value} is in the profile", criterion=_(label), value=shown)
                if inside
                else _(
                    "{criterion} {value} is not one of {wanted}",
                    criterion=_(label),
                    value=shown,
                    wanted=", ".join(values),
                )
            )
            judge(criterion, WEIGHTS[criterion], inside, said)
    if want.products:
        bought = facts.products.get(account.id, set()) & set(want.products)
        names = ", ".join(sorted(facts.product_names.get(i, "?") for i in bought))
        said = (
            _("Buys or evaluates {names}", names=names)
            if bought
            else _("No deal for the profile's products")
        )
        judge("product", WEIGHTS["product"], bool(bought), said)
    for signal in want.signals:
        judge("signal", SIGNAL_WEIGHT, *_signal(signal, account, want, facts))
    total = sum(w for w, _unused in reasons)
    met = sum(w for w, r in reasons if r.matched)
    score = round(100 * met / total) if total else 0
    return Fit(account, score, [r for _unused, r in reasons])


def _signal(
    signal: Signal, account: Account, want: IdealProfileIn, facts: _Facts
) -> tuple[bool, str]:
    if signal is Signal.HEALTHY:
        if account.health is None:
            return False, _("No health score")
        ok = account.health >= HEALTHY
        if ok:
            return ok, _(
                "Health {health} is at or above {least}", health=account.health, least=HEALTHY
            )
        return ok, _("Health {health} is below {least}", health=account.health, least=HEALTHY)
    if signal is Signal.RECENT_WIN:
        ok = account.id in facts.won_lately
        return ok, _("Won a deal in the last year") if ok else _("No deal won in the last year")
    if signal is Signal.OPEN_PIPELINE:
        ok = account.id in facts.open
        return ok, _("Has a deal open") if ok else _("No deal open")
    ok = account.arr >= want.arr_at_least and account.arr > 0
    if ok:
        return ok, _(
            "ARR {arr:,} is at or above {least:,}", arr=account.arr, least=want.arr_at_least
        )
    return ok, _("ARR {arr:,} is below {least:,}", arr=account.arr, least=want.arr_at_least)


def fits(
    session: Session,
    actor: Principal,
    *,
    today: date,
    accounts: list[Account] | None = None,
    current_only: bool = True,
) -> list[Fit]:
    """Every account (or `accounts`) with its fit, best first; those that left are out unless
    `current_only` is off."""
    want, _unused = profile(session, actor)
    if accounts is None:
        stmt = select(Account).order_by(Account.name)
        if current_only:
            stmt = stmt.where(Account.churned_on.is_(None))
        accounts = list(session.scalars(stmt))
    facts = _Facts(session, accounts, today)
    found = [_fit(a, want, facts) for a in accounts]
    return sorted(found, key=lambda f: (-f.score, f.account.name))


def fit_of(session: Session, actor: Principal, account_id: int, *, today: date) -> Fit:
    require(actor, Action.READ_ACCOUNTS)
    account = get_or_404(session, Account, account_id, "account")
    return fits(session, actor, today=today, accounts=[account])[0]


def seed_customers(
    session: Session, actor: Principal, launch: Launch, *, today: date, limit: int | None = 5
) -> list[Fit]:
    """The best-fitting current customers not yet in the launch's beta, healthy enough to ask
    (health unknown or 50 and above), those that buy the launch's product first (`limit` of
    them, or all)."""
    taking_part = set(
        session.scalars(select(BetaCustomer.account_id).where(BetaCustomer.launch_id == launch.id))
    )
    candidates = [
        f
        for f in fits(session, actor, today=today)
        if f.account.id not in taking_part
        and f.score > 0
        and (f.account.health is None or f.account.health >= 50)
    ]
    if launch.product_id is not None:
        facts = _Facts(session, [f.account for f in candidates], today)
        candidates.sort(
            key=lambda f: launch.product_id not in facts.products.get(f.account.id, set())
        )
    return candidates[:limit]


def reference_candidates(
    session: Session, actor: Principal, *, today: date, limit: int | None = 10
) -> list[Fit]:
    """Customers who could speak for us in a story: paying (ARR, or a deal won), healthy, not
    yet asked (or proposed and not answered), best fit first (`limit` of them, or all). Those
    who declined never are."""
    found = fits(session, actor, today=today)
    won = set(
        session.scalars(
            select(Deal.account_id).where(
                Deal.outcome == Outcome.WON,
                Deal.account_id.in_([f.account.id for f in found]),
            )
        )
    )
    return [
        fit
        for fit in found
        if fit.account.reference in (Reference.NONE, Reference.CANDIDATE)
        and fit.account.health is not None
        and fit.account.health >= REFERENCE_HEALTH
        and (fit.account.arr > 0 or fit.account.id in won)
    ][:limit]


def update_account(
    session: Session, actor: Principal, account_id: int, data: AccountUpdate
) -> Account:
    """Change what the CRM does not say (or correct it): segment, region, size, health and
    whether the account is a reference."""
    require(actor, Action.MANAGE_ACCOUNTS)
    account = get_or_404(session, Account, account_id, "account")
    if account.version != data.version:
        raise Conflict(
            _("{name} was changed since you opened it; reload and try again.", name=account.name)
        )
    for name, value in data.model_dump(exclude_unset=True, exclude={"version"}).items():
        setattr(account, name, value)
    session.flush()
    return account
