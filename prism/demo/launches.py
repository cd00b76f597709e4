"""Helio's launches: four launches in different tiers and stages that show the gates at work.

- Helio Vault DSAR automation (tier 1, beta): nearly ready for GA; the demo script is overdue and
  training, release notes and a second success metric still block GA.
- Pulse AI insights (tier 2, planning): blocked by a missing differentiator.
- Flow Forms (tier 2, GA 92 days ago): weekly measurements, the 30- and 60-day checkpoints
  reviewed, the 90-day review due.
- Pulse mobile SDK 2.1 (tier 3, alpha): its release notes are still a draft.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from prism.audit.service import set_actor
from prism.auth.policy import SYSTEM
from prism.knowledge import service as knowledge
from prism.knowledge.models import Item
from prism.knowledge.schemas import ItemIn
from prism.launches import beta, bom, metrics, packaging, service
from prism.launches.models import Launch, MetricSource, Stage
from prism.launches.schemas import (
    BetaCustomerIn,
    BetaFeedbackIn,
    BomItemUpdate,
    LaunchIn,
    MeasurementIn,
    MetricIn,
    MoveIn,
    ReviewIn,
)
from prism.people.models import Team, User
from prism.pricing import service as pricing
from prism.pricing.schemas import BandIn, PriceIn
from prism.pricing.schemas import MoveIn as PackagingMove
from prism.webhooks import service as webhooks
from prism.webhooks.models import WebhookFormat
from prism.webhooks.schemas import WebhookIn

FORMS_GA_DAYS_AGO = 92
# Accounts using Forms by week after GA, and support tickets about Forms (fewer is better).
FORMS_ADOPTION = (0, 5, 11, 16, 21, 27, 32, 36, 39, 42, 45, 48, 50, 52)
FORMS_TICKETS = {2: 35, 4: 28, 8: 22, 12: 18}


def _at(day: date) -> datetime:
    return datetime.combine(day, time(10), tzinfo=UTC)


class _Loader:
    def __init__(self, session: Session, today: date) -> None:
        self.session, self.today = session, today
        self.people = {u.email.split("@")[0]: u for u in session.scalars(select(User))}
        self.teams = {t.name: t.id for t in session.scalars(select(Team))}

    def item(self, title: str) -> Item:
        return self.session.scalars(select(Item).where(Item.title == title)).one()

    def create(self, owner: str, **data: Any) -> Launch:
        data.setdefault("target_date", self.today + timedelta(days=30))
        values = LaunchIn(owner_id=self.people[owner].id, **data)
        return service.create_launch(self.session, SYSTEM, values, today=self.today)

    def link(self, launch: Launch, links: dict[str, str]) -> Launch:
        for deliverable in list(launch.bom):
            if deliverable.kind in links:
                asset = self.item(links[deliverable.kind])
                data = BomItemUpdate(version=deliverable.version, item_id=asset.id)
                bom.update_item(self.session, SYSTEM, launch, deliverable.id, data)
        return service.get_launch(self.session, SYSTEM, launch.id)

    def move(self, launch: Launch, to: Stage, on: date) -> Launch:
        data = MoveIn(version=launch.version, to=to)
        return service.move(self.session, SYSTEM, launch.id, data, now=_at(on))

    def customers(self, launch: Launch, names: list[tuple[str, str]]) -> dict[str, int]:
        made = {}
        for name, contact in names:
            data = BetaCustomerIn(account=name, contact=contact, status="active")
            made[name] = beta.add_customer(self.session, SYSTEM, launch, data).account_id
        return made

    def said(self, launch: Launch, author: str, account_id: int, body: str) -> None:
        set_actor(self.session, self.people[author])
        data = BetaFeedbackIn(account_id=account_id, body=body)
        beta.add_feedback(self.session, self.people[author], launch, data)

    def measure(self, metric_id: int, launch: Launch, day: date, value: float) -> None:
        metric = metrics.get_metric(self.session, launch, metric_id)
        data = MeasurementIn(measured_on=day, value=value)
        metrics.record(self.session, SYSTEM, metric, data, source=MetricSource.MANUAL)


VAULT_POSITIONING = {
    "target": "privacy teams at regulated companies",
    "need": "must answer data-subject requests within 30 days",
    "category": "customer-data governance platform",
    "benefit": "finds and exports a person's data in hours",
    "alternative": "manual searches across every system",
    "differentiator": "answer a DSAR from one agentless data map, with evidence auditors accept",
}


def _vault(loader: _Loader) -> Launch:
    today = loader.today
    launch = loader.create(
        "priya.raman",
        name="Helio Vault DSAR automation",
        tier=1,
        goal="pipeline",
        target_date=today + timedelta(days=12),
        product_id=loader.item("Helio Vault").id,
        feature_ids=[loader.item("DSAR automation").id, loader.item("Tokenisation").id],
        team_ids=[
            loader.teams["Sales"],
            loader.teams["Presales"],
            loader.teams["Customer Success"],
        ],
        summary="DSAR automation leaves beta: Vault finds a person's data everywhere, "
        "exports it and proves the request was answered on time.",
        **VAULT_POSITIONING,
    )
    launch = loader.link(
        launch,
        {
            "positioning": "Helio Vault positioning",
            "messaging": "Audit evidence in hours, not weeks",
            "pricing": "Vault Enterprise",  # the edition that carries the launch
            "sales_deck": "Audit-ready data governance for banks",
            "battlecard": "Battlecard: Helio Vault vs GuardianDB",
            "faq": "Does Vault help with GDPR DSARs?",
        },
    )
    launch = loader.move(launch, Stage.ALPHA, today - timedelta(days=40))
    customers = loader.customers(
        launch,
        [
            ("Mercy Health Network", "Dana Ruiz, privacy officer"),
            ("Nordbank", "Jonas Berg, DPO"),
            ("Civic Records Office", "Aisha Khan, records lead"),
        ],
    )
    launch = loader.move(launch, Stage.BETA, today - timedelta(days=21))
    loader.said(launch, "diego.alvarez", customers["Mercy Health Network"],
                "Exports of a large DSAR take 20 minutes; they want a progress bar.")  # fmt: skip
    loader.said(launch, "sam.carter", customers["Nordbank"],
                "Asked for a Swedish-language response template.")  # fmt: skip
    metrics.define(
        loader.session,
        SYSTEM,
        launch,
        MetricIn(
            name="Pipeline for Vault since GA",
            target=900_000,
            unit="USD",
            source="computed",
            computation="pipeline",
        ),
    )
    return launch


def _pulse_ai(loader: _Loader) -> Launch:
    return loader.create(
        "marco.bianchi",
        name="Pulse AI insights",
        tier=2,
        goal="upsell",
        target_date=loader.today + timedelta(days=45),
        product_id=loader.item("Helio Pulse").id,
        feature_ids=[loader.item("AI insights").id],
        team_ids=[loader.teams["Sales"]],
        summary="AI insights explains every change in a metric by the segments that moved it.",
        target="product managers",
        need="spend hours slicing dashboards to explain a dip",
        category="product analytics platform",
        benefit="explains a metric's change in one click",
        alternative="manual segment analysis",
    )


def _flow_forms(loader: _Loader) -> Launch:
    today = loader.today
    ga = today - timedelta(days=FORMS_GA_DAYS_AGO)
    launch = loader.create(
        "marco.bianchi",
        name="Flow Forms",
        tier=2,
        goal="adoption",
        product_id=loader.item("Helio Flow").id,
        feature_ids=[loader.item("Forms").id],
        team_ids=[loader.teams["Sales"], loader.teams["Customer Success"]],
        summary="Forms start a flow from a web form, with validation and file uploads.",
        target="operations teams",
        need="collect requests by email and retype them",
        category="workflow automation tool",
        benefit="turns a request form into a tracked approval",
        alternative="shared inboxes and spreadsheets",
        differentiator="start an SLA-timed approval straight from a form, no code",
    )
    # A launch that has happened: its plan was dated before it went out.
    launch.target_date = ga
    launch = loader.link(
        launch,
        {
            "messaging": "Approvals that never stall",
            "faq": "Do I need developers to build a flow?",
            "release_notes": "Helio Flow onboarding handbook",
        },
    )
    launch = loader.move(launch, Stage.ALPHA, ga - timedelta(days=50))
    loader.customers(launch, [("Harbor Logistics", "Mia Novak, ops lead")])
    launch = loader.move(launch, Stage.BETA, ga - timedelta(days=30))
    adoption = metrics.define(
        loader.session, SYSTEM, launch,
        MetricIn(name="Accounts using Forms", target=60, unit="accounts"),
    )  # fmt: skip
    tickets = metrics.define(
        loader.session, SYSTEM, launch,
        MetricIn(name="Support tickets about Forms", target=20, unit="tickets",
                 direction="lower", cumulative=False),
    )  # fmt: skip
    # What the team chose not to do for this feature, so it is not reported as late.
    for deliverable in launch.bom:
        if not deliverable.required and deliverable.item is None:
            data = BomItemUpdate(version=deliverable.version, status="dropped")
            bom.update_item(loader.session, SYSTEM, launch, deliverable.id, data)
    launch = loader.move(launch, Stage.GA, ga)
    for week, value in enumerate(FORMS_ADOPTION):
        loader.measure(adoption.id, launch, ga + timedelta(days=7 * week), value)
    for week, value in FORMS_TICKETS.items():
        loader.measure(tickets.id, launch, ga + timedelta(days=7 * week), value)
    notes = {
        30: "Adoption ahead of plan; tickets high because file uploads confused admins. "
        "Docs updated and an in-app tip added.",
        60: "Adoption slowed to 39 of 40 expected; tickets halved. CS runs a webinar for "
        "accounts that have not built a form yet.",
    }
    for point in metrics.checkpoints(loader.session, launch):
        if point.day in notes:
            review = ReviewIn(version=point.version, note=notes[point.day])
            when = _at(point.due_on + timedelta(days=1))
            metrics.review(loader.session, SYSTEM, launch, point.id, review, now=when)
    return launch


def _pulse_sdk(loader: _Loader) -> Launch:
    launch = loader.create(
        "lin.wei",
        name="Pulse mobile SDK 2.1",
        tier=3,
        goal="adoption",
        target_date=loader.today + timedelta(days=10),
        product_id=loader.item("Helio Pulse").id,
        feature_ids=[loader.item("Mobile SDK").id],
        differentiator="session replay on React Native with inputs masked by default",
    )
    notes = knowledge.create_item(
        loader.session,
        SYSTEM,
        "asset",
        ItemIn(title="Pulse mobile SDK 2.1 release notes", owner_id=loader.people["lin.wei"].id),
        now=_at(loader.today),
    )  # fmt: skip
    launch = loader.link(
        launch,
        {"release_notes": notes.title, "faq": "Is there a mobile SDK?"},
    )
    return loader.move(launch, Stage.ALPHA, loader.today - timedelta(days=3))


# Session replay moves up from Pulse Business to Pulse Enterprise, whose price per tracked user
# rises the day the change goes live: (currency, bands).
PULSE_ENTERPRISE_2027 = (
    ("USD", [(1, "0.13"), (500_001, "0.10"), (2_000_001, "0.07")]),
    ("EUR", [(1, "0.12"), (500_001, "0.09"), (2_000_001, "0.07")]),
)


def _pulse_packaging(loader: _Loader) -> Launch:
    """A packaging change in beta: its GA gate shows what the change still needs."""
    today = loader.today
    pulse = loader.item("Helio Pulse")
    launch = loader.create(
        "priya.raman",
        name="Pulse 2027 packaging",
        tier=3,
        goal="upsell",
        target_date=today + timedelta(days=40),
        product_id=pulse.id,
        feature_ids=[loader.item("Session replay").id],
        team_ids=[loader.teams["Sales"], loader.teams["Customer Success"]],
        summary="Session replay becomes an Enterprise feature, and Enterprise's price per "
        "tracked user rises with it. Business customers keep it until their renewal.",
        target="product teams at large digital businesses",
        need="must see why users drop out of a funnel",
        category="product analytics platform",
        benefit="shows the sessions behind every drop-off",
        alternative="a separate session-replay tool",
        differentiator="replay, funnels and retention in one tracked-user price",
    )
    replay = PackagingMove(
        feature_id=loader.item("Session replay").id,
        from_id=loader.item("Pulse Business").id,
        to_id=loader.item("Pulse Enterprise").id,
        limit="100,000 sessions a month",
    )
    packaging.add_move(loader.session, SYSTEM, launch, replay, now=_at(today))
    books = {b.currency: b.id for b in pricing.books(loader.session, SYSTEM, pulse.id)}
    for currency, bands in PULSE_ENTERPRISE_2027:
        data = PriceIn(
            item_id=loader.item("Pulse Enterprise").id,
            unit="tracked_user",
            effective_from=launch.target_date,
            bands=[BandIn(from_units=f, amount=a) for f, a in bands],
        )
        packaging.add_price(loader.session, SYSTEM, launch, books[currency], data, today=today)
    launch = service.get_launch(loader.session, SYSTEM, launch.id)
    launch = loader.move(launch, Stage.ALPHA, today - timedelta(days=10))
    return loader.move(launch, Stage.BETA, today - timedelta(days=3))


def load(session: Session, now: datetime) -> str:
    """Create Helio's launches once; a second run finds them and adds nothing."""
    if session.scalar(select(Launch.id).limit(1)) is not None:
        return "launches already loaded"
    loader = _Loader(session, now.date())
    made = [
        _vault(loader),
        _pulse_ai(loader),
        _flow_forms(loader),
        _pulse_sdk(loader),
        _pulse_packaging(loader),
    ]
    _channels(session)
    set_actor(session, SYSTEM)
    return f"{len(made)} launches"


def _channels(session: Session) -> None:
    """The launch team's Slack channel, sales' Teams channel and the Shanghai sales team's
    Teams channel (in Chinese), paused: the demo's addresses lead nowhere, so "Send a test"
    shows a delivery being retried."""
    for name, url, shape, language, events in (
        (
            "#product-launches (Slack)",
            "https://hooks.slack.com/services/T0HELIO/B0LAUNCH/demo",
            WebhookFormat.SLACK,
            "en",
            ["launch.stage_changed", "launch.gate_blocked", "knowledge.item_stale"],
        ),
        (
            "Sales channel (Teams)",
            "https://helio.webhook.office.com/webhookb2/demo",
            WebhookFormat.TEAMS,
            "en",
            ["share.opened", "feedback.theme_status_changed", "launch.stage_changed"],
        ),
        (
            "上海销售团队 (Teams)",
            "https://helio.webhook.office.com/webhookb2/shanghai-demo",
            WebhookFormat.TEAMS,
            "zh",
            ["share.opened", "launch.stage_changed", "knowledge.item_stale"],
        ),
    ):
        data = WebhookIn(
            name=name, url=url, events=events, format=shape, language=language, active=False
        )
        webhooks.create_webhook(session, SYSTEM, data)
