"""Launches: bad input refused with clear errors, the bill of materials (done only when its
asset is published), tier configuration, metrics with 30/60/90-day checkpoints, the beta
programme, reminders of late work and the brief."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import Session

from prism.auth.policy import SYSTEM
from prism.db import Database, utcnow
from prism.deals import service as deals
from prism.deals.schemas import DealIn, DealUpdate
from prism.errors import Conflict, Forbidden, Invalid
from prism.filestore import LocalFileStore
from prism.jobs import service as jobs
from prism.jobs.models import JobStatus
from prism.knowledge import service as knowledge
from prism.launches import beta, bom, brief, metrics, reminders, service, tiers
from prism.launches.models import Health, Measurement, MetricSource, Stage
from prism.launches.schemas import (
    BetaCustomerIn,
    BetaFeedbackIn,
    BomItemUpdate,
    DeliverableIn,
    GateIn,
    LaunchUpdate,
    MeasurementIn,
    MetricIn,
    ReviewIn,
    TierIn,
)
from prism.webhooks.models import EVENTS, Delivery, Webhook
from tests.conftest import Cast
from tests.knowledge.factories import make_item
from tests.launches.factories import deliver, make_launch, move, position, today


def test_a_new_launch_cannot_be_dated_in_the_past(session: Session) -> None:
    with pytest.raises(Invalid, match="is in the past") as refused:
        make_launch(session, target_date=today() - timedelta(days=1))
    assert refused.value.errors[0]["field"] == "target_date"


def test_launch_names_are_unique_and_products_must_be_products(session: Session) -> None:
    launch = make_launch(session, name="Vault 2")
    with pytest.raises(Conflict, match="already exists"):
        make_launch(session, name="Vault 2")
    faq = make_item(session, "faq")
    with pytest.raises(Invalid, match=f"No product {faq.id}"):
        make_launch(session, product_id=faq.id)
    assert service.get_launch(session, SYSTEM, launch.id).name == "Vault 2"


def test_moving_the_launch_date_moves_every_due_date(session: Session) -> None:
    launch = make_launch(session)
    before = {b.id: b.due_on(launch.target_date) for b in launch.bom}
    later = launch.target_date + timedelta(days=14)
    launch = service.update_launch(
        session,
        SYSTEM,
        launch.id,
        LaunchUpdate(version=launch.version, target_date=later),
        today=today(),
    )
    assert {b.id: b.due_on(launch.target_date) for b in launch.bom} == {
        i: d + timedelta(days=14) for i, d in before.items()
    }


def test_a_deliverable_is_done_only_when_its_asset_is_published(session: Session) -> None:
    launch = deliver(session, make_launch(session), "faq", publish=False)
    faq = next(b for b in launch.bom if b.kind == "faq")
    assert faq.item is not None and not faq.done
    knowledge.transition(
        session, SYSTEM, faq.item.id, "publish", version=faq.item.version, now=utcnow()
    )
    session.expire_all()
    assert next(
        b for b in service.get_launch(session, SYSTEM, launch.id).bom if b.kind == "faq"
    ).done


def test_linking_refuses_missing_archived_and_wrong_kinds(session: Session) -> None:
    launch = make_launch(session)
    faq = next(b for b in launch.bom if b.kind == "faq")

    def link(item_id: int) -> object:
        data = BomItemUpdate(version=faq.version, item_id=item_id)
        return bom.update_item(session, SYSTEM, launch, faq.id, data)

    with pytest.raises(Invalid, match="does not exist"):
        link(999_999)
    story = make_item(session, "story", title="Mercy Health")
    with pytest.raises(
        Invalid, match="FAQ for sales and support takes a faq; “Mercy Health” is a customer story"
    ):
        link(story.id)
    old = make_item(session, "faq", title="Old FAQ")
    knowledge.transition(session, SYSTEM, old.id, "archive", version=old.version, now=utcnow())
    with pytest.raises(Invalid, match="archived"):
        link(old.id)
    required = next(b for b in launch.bom if b.required)
    with pytest.raises(Invalid, match="cannot be dropped"):
        bom.update_item(
            session,
            SYSTEM,
            launch,
            required.id,
            BomItemUpdate(version=required.version, status="dropped"),
        )


def test_the_pricing_deliverable_takes_the_products_typed_packaging(session: Session) -> None:
    launch = make_launch(session, tier=1)
    pricing = next(b for b in launch.bom if b.kind == "pricing")
    assert pricing.accepts == ["asset", "handbook", "edition", "add_on"]  # migration 0020
    product = make_item(session, "product", title="Vault")
    edition = make_item(
        session, "edition", title="Vault Enterprise", links=[("product", product.id)]
    )
    linked = bom.update_item(
        session,
        SYSTEM,
        launch,
        pricing.id,
        BomItemUpdate(version=pricing.version, item_id=edition.id),
    )
    assert linked.item_id == edition.id


def test_a_deliverables_owner_sets_status_and_asset_but_nothing_else(
    session: Session, cast: Cast
) -> None:
    launch = make_launch(session)
    deck = next(b for b in launch.bom if b.kind == "sales_deck")
    bom.update_item(
        session,
        SYSTEM,
        launch,
        deck.id,
        BomItemUpdate(version=deck.version, owner_id=cast.seller.id),
    )
    mine = bom.update_item(
        session,
        cast.seller,
        launch,
        deck.id,
        BomItemUpdate(version=deck.version, status="in_progress"),
    )
    assert mine.status.value == "in_progress"
    with pytest.raises(Forbidden, match="Only the launch team"):
        bom.update_item(
            session,
            cast.seller,
            launch,
            deck.id,
            BomItemUpdate(version=mine.version, title="Mine now"),
        )
    other = next(b for b in launch.bom if b.kind == "faq")
    with pytest.raises(Forbidden):
        bom.update_item(
            session,
            cast.csm,
            launch,
            other.id,
            BomItemUpdate(version=other.version, status="in_progress"),
        )


def test_tier_configuration_is_replaced_whole_and_checked(session: Session, cast: Cast) -> None:
    config = TierIn(
        deliverables=[DeliverableIn(kind="release_notes", title="Changelog", accepts=["asset"])],
        gates=[GateIn(stage="ga", rule="success_metrics", threshold=3)],
    )
    with pytest.raises(Forbidden):
        tiers.replace_tier(session, cast.editor, 3, config)
    saved = tiers.replace_tier(session, cast.admin, 3, config)
    assert [d.title for d in saved.deliverables] == ["Changelog"]
    assert [g.label for g in saved.gates] == ["At least 3 success metrics with targets"]
    assert [b.title for b in make_launch(session, tier=3).bom] == ["Changelog"]
    bad = TierIn(
        deliverables=[DeliverableIn(kind="x", title="X", accepts=["slides"])],
        gates=[
            GateIn(stage="beta", rule="vibes"),
            GateIn(stage="ga", rule="certification", threshold=80),
            GateIn(stage="ga", rule="positioning", threshold=1),
        ],
    )
    with pytest.raises(Invalid) as refused:
        tiers.replace_tier(session, cast.admin, 3, bad)
    assert [e["field"] for e in refused.value.errors] == [
        "deliverables.0.accepts",
        "gates.0.rule",
        "gates.1.threshold",
        "gates.2.threshold",
    ]
    assert [d.title for d in tiers.read_tier(session, cast.pm, 3).deliverables] == ["Changelog"]


def _at_ga(session: Session) -> object:
    launch = make_launch(session, tier=3)
    launch = position(session, launch)
    launch = move(session, launch, Stage.ALPHA)
    launch = move(session, launch, Stage.BETA)
    return move(session, deliver(session, launch), Stage.GA)


def test_checkpoints_compare_actual_with_the_ramp_and_freeze_at_review(session: Session) -> None:
    launch = _at_ga(session)
    live = metrics.define(
        session, SYSTEM, launch, MetricIn(name="Accounts live", target=90, unit="accounts")
    )
    churn = metrics.define(
        session,
        SYSTEM,
        launch,
        MetricIn(name="Tickets", target=10, direction="lower", cumulative=False),
    )
    ga = launch.ga_on
    metrics.record(
        session,
        SYSTEM,
        live,
        MeasurementIn(measured_on=ga + timedelta(days=29), value=31),
        source=MetricSource.MANUAL,
    )
    metrics.record(
        session,
        SYSTEM,
        churn,
        MeasurementIn(measured_on=ga + timedelta(days=20), value=11),
        source=MetricSource.MANUAL,
    )
    metrics.record(
        session,
        SYSTEM,
        live,
        MeasurementIn(measured_on=ga + timedelta(days=50), value=41),
        source=MetricSource.MANUAL,
    )
    found = [live, churn]
    history = metrics.measurements(session, [m.id for m in found])
    day30, day60, _ = metrics.checkpoints(session, launch)
    assert [(r.actual, r.expected, r.health) for r in metrics.results(day30, found, history)] == [
        (31, 30, Health.ON_TRACK),
        (11, 10, Health.AT_RISK),
    ]
    assert metrics.results(day60, found, history)[0].health is Health.OFF_TRACK  # 41 of 60
    with pytest.raises(Conflict, match="due on"):
        metrics.review(
            session,
            SYSTEM,
            launch,
            day30.id,
            ReviewIn(version=day30.version, note="Early"),
            now=utcnow(),
        )
    later = utcnow() + timedelta(days=31)
    reviewed = metrics.review(
        session,
        SYSTEM,
        launch,
        day30.id,
        ReviewIn(version=day30.version, note="Good start"),
        now=later,
    )
    assert reviewed.health is Health.AT_RISK and reviewed.note == "Good start"
    metrics.record(
        session,
        SYSTEM,
        live,
        MeasurementIn(measured_on=ga + timedelta(days=29), value=5),
        source=MetricSource.MANUAL,
    )
    history = metrics.measurements(session, [m.id for m in found])
    assert metrics.results(reviewed, found, history)[0].actual == 31  # frozen at review


def test_csv_import_is_all_or_nothing_and_idempotent(session: Session) -> None:
    launch = _at_ga(session)
    metric = metrics.define(session, SYSTEM, launch, MetricIn(name="Trials", target=500))
    broken = b'\xef\xbb\xbfdate,value\n2027-01-01,10\n\nnot a date,4\n2027-01-03,"1,200"\n2027-01-04,lots\n'
    with pytest.raises(Invalid, match="2 rows could not be read") as refused:
        metrics.import_csv(session, SYSTEM, metric, broken)
    assert [e["field"] for e in refused.value.errors] == ["line 4", "line 6"]
    assert (
        session.scalars(select(Measurement).where(Measurement.metric_id == metric.id)).all() == []
    )
    good = b'date,value\n2027-01-01,10\n2027-01-03,"1,200"\n'
    assert metrics.import_csv(session, SYSTEM, metric, good) == 2
    assert metrics.import_csv(session, SYSTEM, metric, good) == 2
    values = metrics.measurements(session, [metric.id])[metric.id]
    assert [(m.measured_on.isoformat(), m.value, m.source) for m in values] == [
        ("2027-01-01", 10, MetricSource.CSV),
        ("2027-01-03", 1200, MetricSource.CSV),
    ]
    with pytest.raises(Invalid, match="date and value"):
        metrics.import_csv(session, SYSTEM, metric, b"when,how many\n")


def test_computed_metrics_count_deals_for_the_product_since_ga(
    session: Session, cast: Cast
) -> None:
    launch = _at_ga(session)
    with pytest.raises(Invalid, match="names what Prism counts"):
        metrics.define(session, SYSTEM, launch, MetricIn(name="x", target=1, source="computed"))
    opened = metrics.define(
        session,
        SYSTEM,
        launch,
        MetricIn(name="Deals", target=5, source="computed", computation="deals_opened"),
    )
    won = metrics.define(
        session,
        SYSTEM,
        launch,
        MetricIn(name="Won", target=10**6, source="computed", computation="won_revenue"),
    )
    with pytest.raises(Conflict, match="computed by Prism"):
        metrics.record(
            session,
            SYSTEM,
            opened,
            MeasurementIn(measured_on=today(), value=3),
            source=MetricSource.API,
        )
    for value in (50_000, 70_000):
        deal = deals.create_deal(
            session,
            cast.seller,
            DealIn(name="d", customer="c", value=value, product_ids=[launch.product_id]),
            currency="USD",
            now=utcnow(),
        )
    deals.update_deal(
        session, cast.seller, deal.id, DealUpdate(version=deal.version, outcome="won"), now=utcnow()
    )
    assert metrics.measure_now(session, cast.editor, launch, today=today()) == 2
    history = metrics.measurements(session, [opened.id, won.id])
    assert history[opened.id][-1].value == 2
    assert history[won.id][-1].value == 70_000


def test_beta_customers_and_their_feedback(session: Session, cast: Cast) -> None:
    launch = make_launch(session)
    joined = beta.add_customer(
        session, cast.editor, launch, BetaCustomerIn(account="Mercy Health", contact="Dr. Lee")
    )
    with pytest.raises(Conflict, match="already in this beta"):
        beta.add_customer(session, cast.editor, launch, BetaCustomerIn(account="mercy  health"))
    with pytest.raises(Forbidden):
        beta.add_customer(session, cast.seller, launch, BetaCustomerIn(account="Other"))
    said = beta.add_feedback(
        session,
        cast.csm,
        launch,
        BetaFeedbackIn(account_id=joined.account_id, body="Exports are slow"),
    )
    assert said.launch_id == launch.id and said.author_id == cast.csm.id
    stranger = make_launch(session)
    with pytest.raises(Invalid, match="not in this launch's beta"):
        beta.add_feedback(
            session, cast.csm, stranger, BetaFeedbackIn(account_id=joined.account_id, body="x")
        )
    with pytest.raises(Forbidden):
        beta.add_feedback(
            session, cast.pm, launch, BetaFeedbackIn(account_id=joined.account_id, body="x")
        )


def test_late_work_is_shown_to_its_owner_and_sent_to_webhooks_once(
    session: Session, cast: Cast
) -> None:
    launch = make_launch(session, actor=cast.editor, target_date=today() + timedelta(days=25))
    session.add(
        Webhook(
            name="Slack",
            url="http://127.0.0.1:9/",
            secret="s",
            events=["launch.deliverable_overdue"],
        )
    )
    session.flush()
    # The positioning (due 60 days before) and messaging (45) and pricing (30) are overdue.
    late = reminders.attention(session, cast.editor, today=today())
    assert [a.title for a in late] == [
        "Positioning statement",
        "Messaging and value propositions",
        "Pricing and packaging",
    ]
    assert reminders.attention(session, cast.seller, today=today()) == []
    with pytest.raises(Forbidden):
        reminders.attention(session, cast.seller, today=today(), everyone=True)
    assert reminders.remind(session, now=utcnow()) == 3
    assert reminders.remind(session, now=utcnow()) == 0
    sent = session.scalars(
        select(Delivery).where(Delivery.event == "launch.deliverable_overdue")
    ).all()
    assert len(sent) == 3
    assert sent[0].payload["launch"]["path"] == f"/launches/{launch.id}"
    assert sent[0].payload["owner"]["email"] == cast.editor.email


def test_the_brief_reads_as_markdown_and_pdf(session: Session, tmp_path: object) -> None:
    launch = position(session, make_launch(session, name="Vault Ledger"))
    text = brief.markdown(session, SYSTEM, launch, today=today())
    assert text.startswith("# Vault Ledger\n")
    assert "> For hospital IT teams who must prove who saw patient records" in text
    assert "| Positioning statement | - |" in text
    assert "## Readiness for Alpha" in text
    data = brief.pdf(
        session, SYSTEM, launch, store=LocalFileStore(tmp_path / "files"), today=today()
    )  # type: ignore[operator]
    pages = PdfReader(io.BytesIO(data)).pages
    words = " ".join(p.extract_text() for p in pages)
    assert "Vault Ledger" in words and "Bill of materials" in words


def test_the_scheduled_jobs_remind_and_measure(committed_database: Database) -> None:
    with committed_database.session_scope() as session:
        launch = make_launch(session, target_date=today() + timedelta(days=25))
        launch = position(session, launch)
        session.add(Webhook(name="Ops", url="http://127.0.0.1:9/", secret="s", events=list(EVENTS)))
    reminded = jobs.run_now(committed_database, "launches.remind")
    assert reminded.status is JobStatus.SUCCEEDED and reminded.message == "Sent 3 reminders."
    measured = jobs.run_now(committed_database, "launches.measure")
    assert measured.message == "Measured 0 metrics of 0 launches."  # none has reached GA
    with committed_database.session_scope() as session:
        queued = session.scalars(select(Delivery.event)).all()
    assert queued == ["launch.deliverable_overdue"] * 3
