"""A launch that carries a packaging change: its prices are held until GA, its gate asks for the
pricing sheet rendered for the change, a fresh look at the FAQs that quote prices and seller
training, GA makes the change and cancelling drops it, and the brief says what it means."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from prism.auth.policy import SYSTEM
from prism.db import utcnow
from prism.errors import Conflict, Forbidden, Invalid
from prism.filestore import LocalFileStore
from prism.knowledge import service as knowledge
from prism.knowledge.models import Item
from prism.launches import brief, packaging, service
from prism.launches.models import Launch, Stage
from prism.launches.schemas import LaunchUpdate
from prism.pricing import plans, portable
from prism.pricing import service as pricing
from prism.pricing.models import Holding, Period
from prism.pricing.schemas import MoveIn
from prism.render import service as rendering
from prism.render.schemas import RenderIn
from prism.render.service import Output
from tests.conftest import Cast
from tests.extract import file_text
from tests.feedback.factories import make_account
from tests.knowledge.factories import make_item
from tests.launches.factories import make_launch, move
from tests.pricing.factories import Line, make_line, price, today
from tests.training.factories import make_module

OVERRIDE = "The launch review accepted the open points."


def _change(session: Session) -> tuple[Line, Launch]:
    """Vault's launch moving the audit log from Business up to a new Enterprise edition, whose
    price starts on the launch date."""
    line = make_line(session)
    pricing.update_book(session, SYSTEM, line.usd.id, public=True, version=line.usd.version)
    enterprise = make_item(
        session,
        "edition",
        title="Enterprise",
        links=[("product", line.product.id)],
        audience="customer",
        fields={"rank": 3, "features": [{"feature": line.api.uid, "limit": "unlimited"}]},
    )
    for title, body in (
        ("How much is Vault Business?", "$99 per seat a month."),
        ("Where is data stored?", "In Frankfurt."),
    ):
        make_item(session, "faq", title=title, body=body, links=[("product", line.product.id)])
    launch = make_launch(session, 3, product_id=line.product.id)
    packaging.add_move(
        session,
        SYSTEM,
        launch,
        MoveIn(feature_id=line.audit.id, from_id=line.business.id, to_id=enterprise.id),
        now=utcnow(),
    )
    packaging.add_price(
        session,
        SYSTEM,
        launch,
        line.usd.id,
        price(enterprise.id, [(1, "199.00")], unit="seat", on=launch.target_date),
        today=today(),
    )
    return line, service.get_launch(session, SYSTEM, launch.id)


def _enterprise(session: Session, line: Line) -> int:
    grid = pricing.packaging(session, SYSTEM, line.product.id)
    return next(e.id for e in grid.editions if e.title == "Enterprise")


def test_a_held_price_is_in_force_nowhere_until_the_launch_goes_ga(session: Session) -> None:
    line, launch = _change(session)
    enterprise = _enterprise(session, line)
    book = pricing.get_book(session, SYSTEM, line.usd.id)
    after = launch.target_date + timedelta(days=1)
    assert enterprise not in {p.item_id for p in pricing.in_force(book, after)}
    assert enterprise in {p.item_id for p in pricing.in_force(book, after, preview=launch.id)}
    with pytest.raises(Exception, match="no year price"):
        pricing.quote(session, SYSTEM, enterprise, "USD", period=Period.YEAR, units=5, on=after)
    # The grid has not moved either.
    assert pricing.packaging(session, SYSTEM, line.product.id).carries(line.business, line.audit)

    move(session, launch, Stage.ALPHA, override_reason=OVERRIDE)
    move(session, launch, Stage.BETA, override_reason=OVERRIDE)
    move(session, launch, Stage.GA, override_reason=OVERRIDE)

    book = pricing.get_book(session, SYSTEM, line.usd.id)
    assert enterprise in {p.item_id for p in pricing.in_force(book, after)}
    grid = pricing.packaging(session, SYSTEM, line.product.id)
    assert not grid.carries(line.business, line.audit)
    assert grid.carries(next(e for e in grid.editions if e.id == enterprise), line.audit)
    assert plans.planned(session, launch.id).applied


def test_a_cancelled_launch_drops_its_held_prices_and_makes_no_move(session: Session) -> None:
    line, launch = _change(session)
    enterprise = _enterprise(session, line)
    cancelled = move(session, launch, Stage.CANCELLED)
    book = pricing.get_book(session, SYSTEM, line.usd.id)
    assert all(p.item_id != enterprise for p in book.prices)
    assert pricing.packaging(session, SYSTEM, line.product.id).carries(line.business, line.audit)
    change = plans.planned(session, launch.id)
    assert packaging.requirements(session, cancelled, change, now=utcnow()) == []
    assert "Dropped: the launch was cancelled" in brief.markdown(
        session, SYSTEM, cancelled, today=today()
    )


def test_a_held_price_changes_only_through_its_launch(session: Session) -> None:
    line, launch = _change(session)
    enterprise = _enterprise(session, line)
    # The spreadsheet leaves held prices out, and refuses to set one on their day.
    sheet = portable.export_csv(session, SYSTEM, line.product.id)
    assert "199.00" not in sheet
    day = launch.target_date.isoformat()
    row = f"Vault,Enterprise,USD,year,seat,volume,{day},1,149.00,yes"
    with pytest.raises(Invalid) as refused:
        portable.import_csv(
            session, SYSTEM, (sheet + row + "\n").encode(), today=today(), dry_run=True
        )
    assert "holds a price for that day" in str(refused.value.errors)
    same_day = price(enterprise, [(1, "149.00")], unit="seat", on=launch.target_date)
    with pytest.raises(Conflict, match="packaging change"):
        pricing.set_price(session, SYSTEM, line.usd.id, same_day, today=today())
    held = plans.planned(session, launch.id).prices[0]
    with pytest.raises(Conflict, match=f"packaging change of “{launch.name}”"):
        pricing.remove_price(session, SYSTEM, held.id, today=today())
    packaging.drop_price(session, SYSTEM, launch, held.id, today=today())
    assert plans.planned(session, launch.id).prices == []


def test_the_ga_gate_asks_for_the_sheet_the_faqs_and_the_training(
    session: Session, tmp_path: Path
) -> None:
    line, launch = _change(session)
    faq, unrelated = session.scalars(select(Item).where(Item.kind == "faq").order_by(Item.id)).all()
    report = service.check_gate(session, SYSTEM, launch.id, to=Stage.GA, today=today())
    assert report is not None
    found = {f.rule: f for f in report.findings}
    for rule in ("pricing_sheet", "price_faqs", "seller_training"):
        assert found[rule].state.value == "blocked", rule
    assert "How much is Vault Business?" in found["price_faqs"].detail
    assert unrelated.title not in found["price_faqs"].detail

    knowledge.verify(session, SYSTEM, faq.id, version=faq.version, now=utcnow())
    make_module(session, title="Vault's new Enterprise edition", launch_id=launch.id)
    # The sheet comes last: it draws on the product's FAQs, so verifying one outdates it.
    _sheet(session, LocalFileStore(tmp_path), line.product.id, launch_id=launch.id)

    report = service.check_gate(session, SYSTEM, launch.id, to=Stage.GA, today=today())
    assert report is not None
    found = {f.rule: f for f in report.findings}
    for rule in ("pricing_sheet", "price_faqs", "seller_training"):
        assert found[rule].state.value == "passed", (rule, found[rule].detail)

    # Editing the change puts all three back in question.
    packaging.add_move(
        session,
        SYSTEM,
        launch,
        MoveIn(feature_id=line.sso.id, to_id=line.business.id),
        now=utcnow(),
    )
    report = service.check_gate(session, SYSTEM, launch.id, to=Stage.GA, today=today())
    assert report is not None
    assert {f.rule for f in report.blockers} >= {"pricing_sheet", "price_faqs", "seller_training"}


def _sheet(session: Session, store: LocalFileStore, product_id: int, **options: Any) -> Output:
    """A pricing sheet of the product rendered now, as HTML, with `options`."""
    wanted = RenderIn(format="html", layout="pricing_sheet", **options)
    return rendering.render(session, SYSTEM, product_id, wanted, store=store, now=utcnow())


def test_the_preview_sheet_shows_the_line_up_as_it_will_stand(
    session: Session, tmp_path: Path
) -> None:
    line, launch = _change(session)
    store = LocalFileStore(tmp_path)
    now = utcnow()
    today_sheet = _sheet(session, store, line.product.id)
    preview = _sheet(session, store, line.product.id, launch_id=launch.id)
    now_text = file_text("html", store.get(today_sheet.rendition.file_key))
    will_text = file_text("html", store.get(preview.rendition.file_key))
    assert "$199.00" in will_text and "$199.00" not in now_text
    assert "Enterprise" in will_text

    card = _sheet(session, store, line.product.id, audience="internal")
    assert "once its launch goes GA" in file_text("html", store.get(card.rendition.file_key))
    # Another held price: our own price card lists it, the customer's sheet of today does not.
    rise = price(line.team.id, [(1, "59.90")], unit="seat", on=launch.target_date)
    packaging.add_price(session, SYSTEM, launch, line.usd.id, rise, today=today())
    session.expire_all()
    assert rendering.is_outdated(session, card.rendition, now=now)
    assert not rendering.is_outdated(session, today_sheet.rendition, now=now)
    assert rendering.is_outdated(session, preview.rendition, now=now)
    preview = _sheet(session, store, line.product.id, launch_id=launch.id)
    assert not rendering.is_outdated(session, preview.rendition, now=now)
    packaging.add_move(
        session, SYSTEM, launch, MoveIn(feature_id=line.sso.id, to_id=line.business.id), now=now
    )
    session.expire_all()
    assert rendering.is_outdated(session, preview.rendition, now=now)
    assert not rendering.is_outdated(session, today_sheet.rendition, now=now)


def test_a_preview_needs_a_launch_that_changes_this_product(
    session: Session, tmp_path: Path
) -> None:
    line, launch = _change(session)
    empty = make_launch(session, 3, product_id=line.product.id)
    store = LocalFileStore(tmp_path)
    with pytest.raises(Invalid, match=f"“{empty.name}” carries no packaging change"):
        _sheet(session, store, line.product.id, launch_id=empty.id)
    other = make_line(session, title="Pulse")
    with pytest.raises(Invalid, match=f"“{launch.name}” changes another product"):
        _sheet(session, store, other.product.id, launch_id=launch.id)


def test_bad_changes_are_refused_with_the_reason(session: Session) -> None:
    line, launch = _change(session)
    other = make_line(session, title="Pulse")
    cases = [
        (MoveIn(feature_id=line.sso.id), "moves to or from"),
        (MoveIn(feature_id=line.sso.id, from_id=line.team.id), "does not carry"),
        (MoveIn(feature_id=other.sso.id, to_id=line.team.id), "another product"),
        (MoveIn(feature_id=line.sso.id, to_id=other.team.id), "another product"),
    ]
    for data, said in cases:
        with pytest.raises(Invalid, match=said):
            packaging.add_move(session, SYSTEM, launch, data, now=utcnow())
    with pytest.raises(Conflict, match="already moves"):
        packaging.add_move(
            session,
            SYSTEM,
            launch,
            MoveIn(feature_id=line.audit.id, from_id=line.business.id),
            now=utcnow(),
        )
    with pytest.raises(Invalid, match="take the change back"):
        service.update_launch(
            session,
            SYSTEM,
            launch.id,
            LaunchUpdate(version=launch.version, product_id=other.product.id),
            today=today(),
        )
    early = price(line.team.id, [(1, "59.00")], unit="seat", on=today())
    with pytest.raises(Invalid, match="before the launch date"):
        packaging.add_price(session, SYSTEM, launch, line.usd.id, early, today=today())
    assert len(plans.planned(session, launch.id).moves) == 1

    move(session, launch, Stage.CANCELLED)
    with pytest.raises(Conflict, match="Cancelled"):
        packaging.add_move(
            session,
            SYSTEM,
            launch,
            MoveIn(feature_id=line.sso.id, to_id=line.team.id),
            now=utcnow(),
        )


def test_only_those_who_run_launches_and_manage_pricing_plan_a_change(
    session: Session, cast: Cast
) -> None:
    line, launch = _change(session)
    data = MoveIn(feature_id=line.sso.id, to_id=line.team.id)
    for who in (cast.pm, cast.seller, cast.csm):
        with pytest.raises(Forbidden):
            packaging.add_move(session, who, launch, data, now=utcnow())
    packaging.add_move(session, cast.editor, launch, data, now=utcnow())
    assert len(plans.planned(session, launch.id).moves) == 2


def test_the_brief_says_what_the_change_means_for_each_team(session: Session) -> None:
    line, launch = _change(session)
    renews = today() + timedelta(days=200)
    for name, arr in (("Acme Health", 300_000), ("Borealis Bank", 120_000)):
        account = make_account(session, name=name, arr=arr, renewal_on=renews)
        session.add(
            Holding(
                account_id=account.id,
                product_id=line.product.id,
                package_id=line.business.id,
                quantity=40,
                renewal_on=renews,
            )
        )
    session.flush()
    said = brief.markdown(session, SYSTEM, launch, today=today())
    assert "Audit log moves from Business to Enterprise" in said
    assert "2 accounts on Business have it today (420k ARR)" in said
    assert "Acme Health, Borealis Bank" in said
    assert "Quote the new prices" in said


def test_a_preview_of_a_dropped_change_is_left_outdated_not_rendered_again(
    session: Session, tmp_path: Path
) -> None:
    line, launch = _change(session)
    packaging.drop_move(session, SYSTEM, launch, plans.planned(session, launch.id).moves[0].id)
    store = LocalFileStore(tmp_path)
    preview = _sheet(session, store, line.product.id, launch_id=launch.id)
    move(session, launch, Stage.CANCELLED)  # its only change, a held price, is dropped
    session.expire_all()
    assert rendering.is_outdated(session, preview.rendition, now=utcnow())
    assert rendering.rerender_outdated(session, SYSTEM, store=store, now=utcnow()) == 0
