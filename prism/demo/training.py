"""Helio's enablement: a module per product and the certification for the tier-1 Vault launch,
with a mix of certified, expired and overdue sellers; live sessions; and two product-awareness
surveys across departments (spring and autumn) whose answers show where the content falls short.

Everything happens through the same services people use, at dates in the past.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from prism.audit.service import set_actor
from prism.auth.policy import SYSTEM
from prism.knowledge.models import Item
from prism.launches.models import Launch
from prism.people.models import Team, User
from prism.training import attempts, live, schemas, service, surveys
from prism.training.models import Module, ModuleStatus, Question
from prism.training.quiz import parse_text

LAUNCH_MODULE = "Vault DSAR automation: launch certification"
FRONT_LINE = ("Sales", "Presales", "Customer Success")

# (title, product, certifying, summary, body, quiz)
MODULES = (
    (
        LAUNCH_MODULE,
        "Helio Vault",
        True,
        "What DSAR automation does, who buys it, and how to answer the first three objections.",
        "## What is launching\n\nDSAR automation finds a person's data across every connected "
        "system, exports it, and proves the request was answered within the legal deadline.\n\n"
        "## Who buys it\n\nData protection officers at regulated companies who answer dozens of "
        "requests a month by hand.\n\n## What sets it apart\n\nDiscovery is agentless, so the "
        "first request can be answered in the first week.",
        """Q: What does DSAR stand for?
* Data subject access request
- Data storage and retention
- Direct sales account review
Why: Under GDPR article 15 anyone may ask what personal data a company holds about them.

Q: How long does GDPR give a company to answer a DSAR?
- 7 days
* One month
- 90 days
Why: One month, extendable by two more for complex requests.

Q: Who is the buyer of DSAR automation?
* The data protection officer
- The head of sales operations
- The CFO
Why: The DPO owns the requests and the deadline.

Q: DSAR automation needs an agent on every server.
- True
* False
Why: Discovery is agentless and runs over read-only connections.

Q (multiple): What does the DSAR export include?
* Every record found about the person
* Proof of when the request was answered
- The person's credit score
Why: The export is the person's data and the evidence that the deadline was met.""",
    ),
    (
        "Helio Vault essentials",
        "Helio Vault",
        True,
        "Vault in twenty minutes: discovery, residency, audit evidence.",
        "Vault finds, classifies and protects personal data everywhere, without agents.",
        """Q: Where can Vault store customer data?
* In the EU (Frankfurt) or the US (Virginia), per workspace
- Anywhere, data moves to the cheapest region
- Only on the customer's own servers
Why: Each workspace picks a region and the data never leaves it.

Q: Is Vault SOC 2 Type II certified?
* True
- False
Why: The report is available under NDA.

Q: How soon do most customers see their first data map?
- Two days
* Two weeks
- Three months
Why: The median across 40 deployments is 12 days.""",
    ),
    (
        "Helio Pulse essentials",
        "Helio Pulse",
        False,
        "Pulse for sellers: cohorts, replay, pricing.",
        "Pulse shows which features drive retention.",
        """Q: How is Pulse priced?
* By monthly tracked users, with session replay as an add-on
- Per seat
- A flat yearly fee
Why: Monthly tracked users; replay is an add-on.

Q: Does session replay capture passwords?
- True
* False
Why: Inputs are masked by default.

Q: How fast do events appear in reports?
* Within a minute
- The next day
- Within an hour
Why: Pulse is near real time.""",
    ),
    (
        "Helio Flow essentials",
        "Helio Flow",
        False,
        "Flow for customer success: approvals, SLA timers and the audit trail.",
        "Flow automates operations work with approvals and an audit trail.",
        """Q: Who is Flow built for?
* Operations teams
- Data scientists
- Security auditors
Why: Ops teams build their own workflows without IT.

Q (multiple): What does Flow include?
* Approvals
* SLA timers
- A data warehouse
Why: Approvals, SLA timers, connectors and an audit trail.""",
    ),
)

# What each department knows: the chance (in tenths) of answering a question on each product
# right. Marketing knows little about Vault residency; product knows everything.
KNOWS = {
    "Sales": {"Helio Pulse": 8, "Helio Vault": 5, "Helio Flow": 7},
    "Presales": {"Helio Pulse": 9, "Helio Vault": 9, "Helio Flow": 8},
    "Customer Success": {"Helio Pulse": 7, "Helio Vault": 6, "Helio Flow": 9},
    "Marketing": {"Helio Pulse": 7, "Helio Vault": 3, "Helio Flow": 6},
    "Implementation": {"Helio Pulse": 6, "Helio Vault": 8, "Helio Flow": 9},
    "Product": {"Helio Pulse": 10, "Helio Vault": 9, "Helio Flow": 9},
    "Leadership": {"Helio Pulse": 8, "Helio Vault": 6, "Helio Flow": 7},
}
SURVEY_QUESTIONS = """Q: Where can Vault store customer data?
* In the EU or the US, chosen per workspace
- In any AWS region the customer likes, including Singapore
- Only on the customer's servers
Why: APAC residency is not available yet; selling it creates escalations.
Product: Helio Vault

Q: Does Vault need agents on the customer's servers?
- True
* False
Why: Discovery is agentless.
Product: Helio Vault

Q: What does DSAR automation prove?
* That a request was answered within the deadline
- That a customer passed a SOC 2 audit
- That data was deleted from backups
Why: The export carries the evidence of the answer date.
Product: Helio Vault

Q: How is Pulse priced?
* By monthly tracked users
- Per seat
- A flat fee
Why: Monthly tracked users; replay is an add-on.
Product: Helio Pulse

Q: Does session replay record passwords?
- True
* False
Why: Inputs are masked by default.
Product: Helio Pulse

Q: Who builds workflows in Flow?
* Operations teams themselves
- Helio's professional services only
- The customer's IT team only
Why: The visual builder is made for ops teams.
Product: Helio Flow

Q (multiple): What does Flow include?
* Approvals
* SLA timers
- A BI dashboard builder
Why: Approvals, SLA timers, connectors and an audit trail.
Product: Helio Flow"""


class _Loader:
    def __init__(self, session: Session, now: datetime) -> None:
        self.session, self.now = session, now
        self.today = now.date()
        self.teams = {t.name: t for t in session.scalars(select(Team))}
        self.people = {u.email.split("@")[0]: u for u in session.scalars(select(User))}
        products = select(Item).where(Item.kind == "product")
        self.products = {p.title: p for p in session.scalars(products)}

    def ago(self, days: int, hour: int = 10) -> datetime:
        return datetime.combine(self.today - timedelta(days=days), time(hour), self.now.tzinfo)

    def module(
        self, title: str, product: str, certifying: bool, summary: str, body: str, quiz: str
    ) -> Module:
        launch = self.session.scalar(
            select(Launch).where(Launch.name == "Helio Vault DSAR automation")
        )
        data = schemas.ModuleIn(
            title=title,
            summary=summary,
            body=body,
            product_id=self.products[product].id,
            launch_id=launch.id if launch and title == LAUNCH_MODULE else None,
            team_ids=[self.teams[t].id for t in FRONT_LINE],
            minutes=20,
            certifying=certifying,
        )
        module = service.create_module(self.session, SYSTEM, data)
        questions = [d.fields() for d in parse_text(quiz)]
        service.set_quiz(
            self.session,
            SYSTEM,
            module.id,
            schemas.QuizIn(version=module.version, questions=questions),
        )
        self.session.refresh(module)
        update = schemas.ModuleUpdate(version=module.version, status=ModuleStatus.PUBLISHED)
        return service.update_module(self.session, SYSTEM, module.id, update)

    def assign(
        self, module: Module, teams: tuple[str, ...], due_in: int, assigned_ago: int
    ) -> None:
        data = schemas.AssignmentIn(
            module_id=module.id,
            team_ids=[self.teams[t].id for t in teams],
            due_on=self.today + timedelta(days=due_in),
        )
        service.assign(self.session, SYSTEM, data, today=self.today - timedelta(days=assigned_ago))

    def take(self, who: str, module: Module, days_ago: int, wrong: int = 0) -> None:
        """`who` takes the module's quiz `days_ago`, getting `wrong` questions wrong."""
        learner = self.people[who]
        order = random.Random(who)  # noqa: S311 (a repeatable demo order)
        attempt = attempts.start(
            self.session, learner, module.id, now=self.ago(days_ago, 9), rng=order
        )
        answers = {}
        for n, (qid, _) in enumerate(attempt.layout):
            question = self.session.get_one(Question, qid)
            answers[qid] = (
                [c for c in range(len(question.choices)) if c not in question.correct][:1]
                if n < wrong
                else list(question.correct)
            )
        attempts.submit(
            self.session,
            learner,
            attempt.id,
            schemas.AnswersIn(answers=answers),
            now=self.ago(days_ago, 9) + timedelta(minutes=14),
        )


def _modules(loader: _Loader) -> dict[str, Module]:
    made = {spec[0]: loader.module(*spec) for spec in MODULES}
    loader.assign(made[LAUNCH_MODULE], FRONT_LINE, due_in=7, assigned_ago=10)
    loader.assign(made["Helio Pulse essentials"], ("Sales",), due_in=-10, assigned_ago=40)
    loader.assign(made["Helio Vault essentials"], ("Sales", "Presales"), due_in=20, assigned_ago=5)
    loader.assign(made["Helio Flow essentials"], ("Customer Success",), due_in=14, assigned_ago=5)
    return made


def _learning(loader: _Loader, made: dict[str, Module]) -> None:
    launch, vault, pulse, flow = (made[spec[0]] for spec in MODULES)
    loader.take("jordan.lee", launch, 6)
    loader.take("chen.jing", launch, 5, wrong=1)
    loader.take("diego.alvarez", launch, 4, wrong=3)
    loader.take("hana.sato", launch, 3)
    loader.take("fatima.zahra", vault, 400)  # certified 13 months ago: lapsed
    loader.take("ravi.patel", vault, 60)
    loader.take("lucas.moreau", vault, 2, wrong=1)
    loader.take("jordan.lee", pulse, 30)
    loader.take("ravi.patel", pulse, 25, wrong=1)
    loader.take("hana.sato", flow, 1)
    attempts.lapse(loader.session, loader.today)


def _sessions(loader: _Loader, made: dict[str, Module]) -> None:
    walkthrough = schemas.LiveSessionIn(
        title="DSAR automation: launch walkthrough",
        module_id=made[LAUNCH_MODULE].id,
        starts_at=loader.ago(-3, 15),
        minutes=45,
        location="Zoom: helio.example/dsar-walkthrough",
        team_ids=[loader.teams[t].id for t in FRONT_LINE],
    )
    live.schedule(loader.session, loader.people["priya.raman"], walkthrough, now=loader.now)
    forms = schemas.LiveSessionIn(
        title="Flow Forms: what customers ask",
        module_id=made["Helio Flow essentials"].id,
        starts_at=loader.ago(85, 16),
        minutes=30,
        location="Room Lovelace",
        team_ids=[loader.teams["Customer Success"].id, loader.teams["Sales"].id],
    )
    past = live.schedule(loader.session, loader.people["marco.bianchi"], forms, now=loader.ago(95))
    came = [loader.people[p].id for p in ("diego.alvarez", "hana.sato", "sam.carter", "jordan.lee")]
    roll = schemas.AttendanceIn(version=past.version, attended_ids=came)
    live.take_roll(loader.session, SYSTEM, past.id, roll, now=loader.now)


def _surveys(loader: _Loader) -> None:
    for title, sent_ago, closes_in, improvement in (
        ("Product awareness: spring 2026", 200, -170, 0),
        ("Product awareness: autumn 2026", 20, 10, 1),
    ):
        survey = surveys.create_survey(
            loader.session,
            SYSTEM,
            schemas.SurveyIn(
                title=title,
                intro="Ten minutes on what we sell. Answers teach us what to explain better.",
            ),
        )
        drafts = parse_text(SURVEY_QUESTIONS)
        products = {d.line: loader.products[d.product].id for d in drafts}
        questions = [{**d.fields(), "product_id": products[d.line]} for d in drafts]
        surveys.set_questions(
            loader.session,
            SYSTEM,
            survey.id,
            schemas.QuizIn(version=survey.version, questions=questions),
        )
        sent = loader.ago(sent_ago)
        send = schemas.SendIn(
            version=survey.version,
            team_ids=[t.id for name, t in loader.teams.items() if name in KNOWS],
            closes_on=(loader.today + timedelta(days=closes_in)),
        )
        surveys.send(loader.session, SYSTEM, survey.id, send, now=sent)
        _answer(loader, survey.id, sent, improvement)


def _answer(loader: _Loader, survey_id: int, sent: datetime, improvement: int) -> None:
    """Everyone sent the survey answers it, except the demo seller (it waits in his queue)."""
    asked = surveys.questions(loader.session, survey_id)
    departments = {t.id: name for name, t in loader.teams.items()}
    for email, person in sorted(loader.people.items()):
        department = departments.get(person.team_id or 0, "")
        if email == "sam.carter" or department not in KNOWS:
            continue
        knows = KNOWS[department]
        luck = random.Random(f"{email}-{survey_id}")  # noqa: S311 (repeatable demo answers)
        answers = {}
        for q in asked:
            product = next(name for name, p in loader.products.items() if p.id == q.product_id)
            right = luck.randrange(10) < min(knows[product] + improvement, 10)
            wrong = [c for c in range(len(q.choices)) if c not in q.correct]
            answers[q.id] = list(q.correct) if right else [wrong[0]]
        surveys.respond(
            loader.session,
            person,
            survey_id,
            schemas.AnswersIn(answers=answers),
            now=sent + timedelta(days=2),
        )


def load(session: Session, now: datetime) -> str:
    """Create Helio's training once; a second run finds it and adds nothing."""
    if session.scalar(select(Module.id).limit(1)) is not None:
        return "training already loaded"
    loader = _Loader(session, now)
    made = _modules(loader)
    _learning(loader, made)
    _sessions(loader, made)
    _surveys(loader)
    set_actor(session, SYSTEM)
    return f"{len(made)} training modules, 2 surveys"
