"""The demo company's feedback loop: a few hundred things the field heard, from every front-line
team across the demo accounts (with ARR, segment, renewal and health), win and loss reasons on
closed deals against named competitors, two churned accounts, all clustered into themes; single
sign-on shipped (its contributors notified), EU residency shared with product; and requests to
the enablement team grouped into capabilities on the enablement roadmap."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from prism.accounts import service as account_service
from prism.accounts.models import Account
from prism.accounts.schemas import ChurnIn
from prism.audit.service import set_actor
from prism.auth.policy import SYSTEM
from prism.deals import service as deals
from prism.deals.models import Deal, Outcome, Stage
from prism.deals.schemas import CloseIn, DealIn
from prism.feedback import service, themes
from prism.feedback.models import FeedbackItem, Kind, Origin, Reason, ThemeStatus
from prism.feedback.schemas import FeedbackIn, FeedbackThemeUpdate, StatusIn
from prism.knowledge.models import Item
from prism.people.models import Team, User
from prism.roadmap import service as roadmap
from prism.roadmap.models import Capability, CapabilityStatus, EnablementRequest, Need, Risk
from prism.roadmap.rules import DealHelpRule
from prism.roadmap.schemas import CapabilityUpdate, RequestIn

# name: (ARR, segment, renewal in days from today or None, health or None)
ACCOUNTS: dict[str, tuple[int, str, int | None, int | None]] = {
    "Northwind Bank": (420_000, "Enterprise", 200, 82),
    "Meridian Health": (260_000, "Enterprise", 60, 44),
    "City of Lakeside": (150_000, "Public sector", 300, 75),
    "Umbrella Insurance": (310_000, "Enterprise", 45, 38),
    "Acme Retail": (180_000, "Mid-market", 120, 70),
    "Stark Logistics": (140_000, "Mid-market", 75, 58),
    "Globex": (95_000, "Mid-market", 150, 81),
    "Wayne Media": (75_000, "SMB", 30, 35),
    "Soylent Foods": (60_000, "SMB", 210, 66),
    "Pied Piper": (48_000, "SMB", 20, 52),
    "Harbor Insurance": (0, "Enterprise", None, None),
    "Initech": (0, "Mid-market", None, None),
    "St. Mary's Health": (0, "Enterprise", None, None),
    "Brightline Retail": (0, "SMB", None, None),
    "Nordbank": (230_000, "Enterprise", 240, 79),
    "Mercy Health Network": (190_000, "Enterprise", 330, 71),
}

# (kind, product, competitor, teams that hear it, sayings): what the field keeps hearing, in
# different words each time.
TOPICS: list[tuple[Kind, str, str | None, tuple[str, ...], list[str]]] = [
    (
        Kind.FEATURE_REQUEST,
        "Helio Vault",
        None,
        ("Sales", "Presales", "Customer Success"),
        [
            "They need single sign-on with Okta before they can roll Vault out",
            "Okta SSO is a hard requirement for their security team",
            "Asked again when Vault will support SAML single sign-on",
            "No SSO means their IT department will not approve the rollout",
            "Customer wants to log in to Vault with their Azure AD accounts",
            "Security review flagged the lack of single sign-on as a blocker",
            "Can Vault use their identity provider for login? They use Okta",
            "SAML SSO is on their procurement checklist and we fail it",
            "Users hate a separate Vault password; they want SSO through Azure AD",
        ],
    ),
    (
        Kind.FEATURE_REQUEST,
        "Helio Vault",
        None,
        ("Sales", "Presales", "Implementation"),
        [
            "They must keep all personal data in an EU data centre",
            "Data residency in the EU is a blocker for their legal team",
            "Where is the data stored? They need it to stay in Germany",
            "Legal asked for a guarantee that data never leaves the EU region",
            "The works council will only sign off if data is hosted in the EU",
            "They asked whether Vault can run in a Frankfurt region",
            "EU-only hosting is required by their data protection officer",
        ],
    ),
    (
        Kind.USABILITY,
        "Helio Pulse",
        None,
        ("Customer Success", "Marketing", "Implementation"),
        [
            "Building a retention cohort takes far too many clicks",
            "The cohort builder is confusing for their marketers",
            "Users get lost between the funnel and the cohort screens",
            "Nobody on their team can figure out how to save a cohort",
            "Creating a cohort from a funnel step is not obvious at all",
            "Their analysts gave up on cohorts and export to spreadsheets instead",
        ],
    ),
    (
        Kind.USABILITY,
        "Helio Pulse",
        None,
        ("Customer Success", "Implementation"),
        [
            "Dashboard filters reset every time you change a chart",
            "Filters on the dashboard do not stick when they switch tabs",
            "They lose their dashboard filters after every refresh",
            "Saved dashboard filters disappear when someone else opens the view",
        ],
    ),
    (
        Kind.PRICING,
        "Helio Pulse",
        None,
        ("Sales", "Customer Success"),
        [
            "Pricing by tracked users gets too expensive as they grow",
            "The per-user price is too high compared with their current tool",
            "Finance pushed back on paying per tracked user",
            "They want a flat annual price instead of paying per tracked user",
            "Tracked-user pricing punishes them for growing their audience",
            "Procurement cannot forecast the cost because it depends on tracked users",
        ],
    ),
    (
        Kind.PRICING,
        "Helio Pulse",
        None,
        ("Sales", "Presales"),
        [
            "Session replay as a paid add-on is a deal breaker for them",
            "They expected session replay to be included, not an extra line item",
            "The replay add-on price made the quote too expensive",
        ],
    ),
    (
        Kind.BUG,
        "Helio Pulse",
        None,
        ("Customer Success", "Implementation"),
        [
            "The warehouse sync to Snowflake failed overnight again",
            "Snowflake export stopped syncing after their schema change",
            "Hourly BigQuery sync has been missing rows since last week",
            "Their Snowflake sync job keeps timing out on large tables",
            "Warehouse export drops events when a column is renamed",
        ],
    ),
    (
        Kind.FEATURE_REQUEST,
        "Helio Flow",
        None,
        ("Sales", "Customer Success", "Marketing"),
        [
            "They need approval steps with more than one approver in a workflow",
            "Multi-step approvals are missing; finance needs two sign-offs",
            "Can a Flow workflow wait for approval from two managers?",
            "Parallel approvals would let them move their purchase requests to Flow",
        ],
    ),
    (
        Kind.COMPETITOR_INTEL,
        "Helio Vault",
        "GuardianDB",
        ("Sales", "Presales"),
        [
            "GuardianDB is telling prospects our DSAR automation is only in beta",
            "Heard GuardianDB is discounting 40 percent to win Vault deals",
            "GuardianDB now bundles on-premise deployment at no extra cost",
            "GuardianDB claims their scanner finds more personal data than ours",
        ],
    ),
    (
        Kind.COMPETITOR_INTEL,
        "Helio Pulse",
        "Amplify Analytics",
        ("Sales", "Marketing"),
        [
            "Amplify is offering the first year free to switch from Pulse",
            "Amplify launched a session replay feature last month",
            "Amplify reps say Pulse cannot handle more than a million events a day",
        ],
    ),
    (
        Kind.PRAISE,
        "Helio Pulse",
        None,
        ("Customer Success", "Sales", "Marketing"),
        [
            "They love how fast session replay loads",
            "Session replay helped their support team fix a checkout bug in minutes",
            "The team says replay is the best part of Pulse",
            "Replay paid for itself in the first week according to their head of support",
        ],
    ),
    (
        Kind.PRAISE,
        "Helio Vault",
        None,
        ("Customer Success", "Implementation"),
        [
            "The agentless data map was live in two days, faster than any tool they tried",
            "Auditors accepted the Vault evidence export without questions",
            "Their DPO says the data map finally shows where personal data lives",
        ],
    ),
]

# The same thing, as different people write it down.
RETOLD = (
    "{said}",
    "{said}",
    "{said}.",
    "{said}.",
    "{account}: {said}",
    "{said} ({account})",
    "{said}, again",
)
# Closed deals with the reason the seller gave: (name, customer, product, competitor, value,
# days ago, outcome, reason, what the seller wrote, seller). Deals the toolkit demo closed
# already (found by name) get their reason; the others are recorded and closed here.
CLOSED: list[tuple[str, str, str, str | None, int, int, str, Reason, str, str]] = [
    ("Claims data protection", "Harbor Insurance", "Helio Vault", "GuardianDB", 95_000, 40, "lost", Reason.COMPETITOR, "Lost to GuardianDB: they insisted on an on-premise install", "sam.carter"),
    ("Privacy programme", "Umbrella Insurance", "Helio Vault", "GuardianDB", 210_000, 75, "lost", Reason.MISSING_FEATURE, "They chose GuardianDB because Vault has no Okta single sign-on yet", "jordan.lee"),
    ("Group data map", "Acme Retail", "Helio Vault", "GuardianDB", 140_000, 110, "lost", Reason.MISSING_FEATURE, "Went with GuardianDB: no SAML single sign-on in Vault blocked the security review", "fatima.zahra"),
    ("EU customer data", "Stark Logistics", "Helio Vault", "GuardianDB", 120_000, 20, "lost", Reason.SECURITY, "Their DPO needed EU data residency that we could not promise", "ravi.patel"),
    ("Product analytics rollout", "Initech", "Helio Pulse", "Amplify Analytics", 55_000, 60, "lost", Reason.PRICE, "Lost to Amplify on price: they were cheaper per tracked user", "sam.carter"),
    ("Product analytics", "Pied Piper", "Helio Pulse", "Amplify Analytics", 38_000, 25, "lost", Reason.PRICE, "Amplify undercut us: per tracked user pricing was too expensive for them", "mia.novak"),
    ("Replay pilot", "Soylent Foods", "Helio Pulse", None, 24_000, 90, "lost", Reason.BUDGET, "Budget frozen for the year; they may come back in spring", "mia.novak"),
    ("Audit evidence programme", "Northwind Bank", "Helio Vault", "GuardianDB", 180_000, 130, "won", Reason.PRODUCT_FIT, "Won: the agentless data map answered their audit in days", "sam.carter"),
    ("Citizen data residency", "City of Lakeside", "Helio Vault", None, 140_000, 100, "won", Reason.SECURITY, "Won on the security review and the customer-held keys", "sam.carter"),
    ("Clinical data map", "Meridian Health", "Helio Vault", None, 160_000, 150, "won", Reason.PRODUCT_FIT, "Won: the clinical data map was live in two days", "sam.carter"),
    ("Retention analytics", "Globex", "Helio Pulse", "Amplify Analytics", 60_000, 55, "won", Reason.EASE_OF_USE, "Their marketers could use Pulse without the data team; Amplify needed SQL", "sam.carter"),
    ("Support replay", "Wayne Media", "Helio Pulse", "Amplify Analytics", 45_000, 35, "won", Reason.PRODUCT_FIT, "Session replay won it: Amplify's replay was not ready", "ravi.patel"),
    ("Approvals", "Mercy Health Network", "Helio Flow", None, 70_000, 15, "won", Reason.INTEGRATION, "Won because Flow plugs into their existing ticketing system", "mia.novak"),
]  # fmt: skip
# Open deals: (name, customer, product, competitor, value, stage, seller).
OPEN: list[tuple[str, str, str, str | None, int, Stage, str]] = [
    ("Vault expansion", "Northwind Bank", "Helio Vault", None, 240_000, Stage.NEGOTIATION, "sam.carter"),
    ("Group rollout", "Acme Retail", "Helio Pulse", "Amplify Analytics", 120_000, Stage.PROPOSAL, "fatima.zahra"),
    ("EU data programme", "Stark Logistics", "Helio Vault", "GuardianDB", 160_000, Stage.EVALUATION, "ravi.patel"),
    ("Forms pilot", "Pied Piper", "Helio Flow", None, 18_000, Stage.DISCOVERY, "mia.novak"),
]  # fmt: skip
CHURNED = [
    ("Wayne Media", Reason.POOR_ADOPTION, "Helio Pulse", None, "Cancelled at renewal: their champion left and nobody used the dashboards", 50),
    ("Soylent Foods", Reason.COMPETITOR, "Helio Pulse", "Amplify Analytics", "Moved to Amplify for the free first year; per tracked user pricing was too expensive", 20),
]  # fmt: skip
# (need, product, competitor, requester, what they asked for, deal name or None, risk).
REQUESTS: list[tuple[Need, str | None, str | None, str, str, str | None, Risk]] = [
    (Need.ASSET, "Helio Vault", "GuardianDB", "sam.carter", "The GuardianDB battlecard is out of date: they now bundle on-prem for free", None, Risk.NONE),
    (Need.ASSET, "Helio Vault", "GuardianDB", "jordan.lee", "Need an updated battlecard against GuardianDB's on-premise offer", None, Risk.NONE),
    (Need.ASSET, "Helio Vault", "GuardianDB", "ravi.patel", "Please refresh the GuardianDB battlecard with their new discounting", None, Risk.NONE),
    (Need.ASSET, "Helio Vault", "GuardianDB", "chen.jing", "A current GuardianDB battlecard for security reviews, please", None, Risk.NONE),
    (Need.ASSET, "Helio Vault", None, "fatima.zahra", "A healthcare customer story for Vault we can share with hospitals", None, Risk.NONE),
    (Need.ASSET, "Helio Vault", None, "lucas.moreau", "Need a hospital case study for Vault, ideally with audit results", None, Risk.NONE),
    (Need.ASSET, "Helio Vault", None, "hana.sato", "Customers keep asking for a Vault security questionnaire pack", None, Risk.NONE),
    (Need.ASSET, "Helio Vault", None, "chen.jing", "Pre-filled security questionnaire answers for Vault would save days per deal", None, Risk.NONE),
    (Need.TRAINING, "Helio Pulse", None, "mia.novak", "Training on handling per tracked user pricing objections", None, Risk.NONE),
    (Need.TRAINING, "Helio Pulse", None, "fatima.zahra", "How do we answer pricing objections about tracked users? A session would help", None, Risk.NONE),
    (Need.TRAINING, "Helio Pulse", None, "diego.alvarez", "CS needs training on explaining tracked user pricing at renewal", None, Risk.NONE),
    (Need.TRAINING, "Helio Flow", None, "olivia.brooks", "A demo walkthrough of Flow approvals for the marketing team", None, Risk.NONE),
    (Need.COMPETITIVE_INTEL, "Helio Pulse", "Amplify Analytics", "ravi.patel", "What exactly is in Amplify's free first-year offer?", None, Risk.NONE),
    (Need.COMPETITIVE_INTEL, "Helio Pulse", "Amplify Analytics", "sam.carter", "Need intel on Amplify's first year free switching deal", None, Risk.NONE),
    (Need.DEAL_HELP, "Helio Vault", None, "sam.carter", "Help with the security review for the Northwind expansion", "Vault expansion", Risk.NONE),
    (Need.DEAL_HELP, "Helio Flow", None, "mia.novak", "Can someone join the Pied Piper forms demo next week?", "Forms pilot", Risk.NONE),
    (Need.DEAL_HELP, "Helio Pulse", None, "hana.sato", "Meridian is unhappy with Pulse onboarding and mentions a refund", None, Risk.REFUND),
]  # fmt: skip
SHIPPED_NOTE = "Okta and Azure AD single sign-on shipped in Vault 4.2 (SAML 2.0)."
SHARED_NOTE = "Shared with the Vault product team for Q1 planning."


def load(session: Session, now: datetime) -> str:
    luck = random.Random(7)  # noqa: S311 (a repeatable demo)
    today = now.date()
    accounts = _accounts(session, today)
    people = {u.email.split("@")[0]: u for u in session.scalars(select(User))}
    titled = {
        i.title: i.id
        for i in session.scalars(select(Item).where(Item.kind.in_(["product", "competitor"])))
    }
    closed = _closed_deals(session, people, titled, now)
    open_deals = _open_deals(session, people, titled, now)
    heard = _heard(session, luck, people, titled, accounts, today)
    churned = _churn(session, people, titled, accounts, today)
    themes.recluster(session, SYSTEM)
    _decide(session, people, now)
    asked = _requests(session, people, titled, {**closed, **open_deals}, accounts, now)
    count = len(themes.list_themes(session, SYSTEM))
    return (
        f"{heard} feedback items in {count} themes, {len(closed)} closed deals with reasons, "
        f"{churned} churned accounts, {asked} requests on the enablement roadmap"
    )


def _accounts(session: Session, today: date) -> dict[str, Account]:
    found = {a.name: a for a in session.scalars(select(Account))}
    for name, (arr, segment, renewal, health) in ACCOUNTS.items():
        account = found.get(name) or Account(name=name)
        account.arr, account.segment, account.health = arr, segment, health
        account.renewal_on = today + timedelta(days=renewal) if renewal is not None else None
        session.add(account)
        found[name] = account
    session.flush()
    return found


def _heard(
    session: Session,
    luck: random.Random,
    people: dict[str, User],
    titled: dict[str, int],
    accounts: dict[str, Account],
    today: date,
) -> int:
    """The field's feedback: each topic comes up at a handful of customers (and at prospects
    with an open deal for the product, tied to that deal), told by people of the teams that
    hear it, spread over six months (growing lately for some topics)."""
    teams = {t.id: t.name for t in session.scalars(select(Team))}
    customers = [a for a in accounts.values() if a.arr > 0]
    open_deals = {
        (d.customer, i.id): d.id
        for d in session.scalars(select(Deal).where(Deal.outcome == Outcome.OPEN))
        for i in deals.get_deal(session, SYSTEM, d.id).focus
    }
    count = 0
    for n, (kind, product, competitor, heard_by, sayings) in enumerate(TOPICS):
        speakers = [p for p in people.values() if teams.get(p.team_id or 0) in heard_by]
        product_id = titled[product]
        prospects = [accounts[c] for c, i in open_deals if i == product_id and c in accounts]
        heard_at = luck.sample(customers, k=luck.randint(3, 6)) + prospects
        for saying in sayings:
            for _ in range(luck.choice([3, 4, 4, 5])):
                person = luck.choice(speakers)
                account = luck.choice(heard_at)
                days = int(luck.triangular(0, 180, 10 if n % 3 == 0 else 120))
                data = FeedbackIn(
                    text=luck.choice(RETOLD).format(said=saying, account=account.name),
                    kind=kind,
                    said_on=today - timedelta(days=days),
                    product_id=product_id,
                    competitor_id=titled.get(competitor) if competitor else None,
                    account_id=account.id,
                    deal_id=open_deals.get((account.name, product_id)),
                )
                set_actor(session, person)
                service.submit(session, person, data, origin=Origin.FORM)
                count += 1
    return count


def _deal(
    session: Session,
    seller: User,
    titled: dict[str, int],
    name: str,
    customer: str,
    product: str,
    competitor: str | None,
    value: int,
    now: datetime,
) -> Deal:
    data = DealIn(
        name=name,
        customer=customer,
        value=value,
        cycle_days=90,
        product_ids=[titled[product]],
        competitor_ids=[titled[competitor]] if competitor else [],
    )
    return deals.create_deal(session, seller, data, currency="USD", now=now)


def _closed_deals(
    session: Session, people: dict[str, User], titled: dict[str, int], now: datetime
) -> dict[str, Deal]:
    """Deals closed over the last months, each with the reason its seller gave."""
    made = {}
    existing = {d.name: d for d in session.scalars(select(Deal))}
    for name, customer, product, rival, value, ago, outcome, reason, text, seller in CLOSED:
        person = people[seller]
        set_actor(session, person)
        deal = existing.get(name) or _deal(
            session, person, titled, name, customer, product, rival, value, now
        )
        closed_at = deal.closed_at or now - timedelta(days=ago)
        data = CloseIn(
            version=deal.version,
            outcome=outcome,
            reason=reason,
            text=text,
            competitor_id=titled[rival] if rival and outcome == "lost" else None,
        )
        item = deals.close_deal(session, person, deal.id, data, now=closed_at)
        session.get_one(FeedbackItem, item.id).said_on = closed_at.date()
        made[name] = deal
    return made


def _open_deals(
    session: Session, people: dict[str, User], titled: dict[str, int], now: datetime
) -> dict[str, Deal]:
    made = {}
    for name, customer, product, rival, value, stage, seller in OPEN:
        person = people[seller]
        set_actor(session, person)
        deal = _deal(session, person, titled, name, customer, product, rival, value, now)
        deal.stage = stage
        made[name] = deal
    session.flush()
    # The Northwind expansion has sat in negotiation for six weeks: a stuck late-stage deal.
    made["Vault expansion"].updated_at = now - timedelta(days=42)
    session.flush()
    return made


def _churn(
    session: Session,
    people: dict[str, User],
    titled: dict[str, int],
    accounts: dict[str, Account],
    today: date,
) -> int:
    csm = people["diego.alvarez"]
    set_actor(session, csm)
    for name, reason, product, rival, text, ago in CHURNED:
        data = ChurnIn(
            reason=reason,
            text=text,
            churned_on=today - timedelta(days=ago),
            product_id=titled[product],
            competitor_id=titled[rival] if rival else None,
        )
        account_service.record_churn(session, csm, accounts[name].id, data, today=today)
    return len(CHURNED)


# (words in the clustered label, the name people give it, the decision, the note).
DECISIONS = [
    (("sso", "sign-on", "okta", "saml"), "Single sign-on (Okta, Azure AD, SAML)", ThemeStatus.SHIPPED, SHIPPED_NOTE),
    (("eu", "residency"), "EU data residency", ThemeStatus.SHARED, SHARED_NOTE),
]  # fmt: skip


def _decide(session: Session, people: dict[str, User], now: datetime) -> None:
    """Product shipped single sign-on and is planning with the residency theme."""
    editor = people["priya.raman"]
    set_actor(session, editor)
    for words, name, status, note in DECISIONS:
        pairs = themes.list_themes(session, editor, sort="items")
        theme = next((t for t, _ in pairs if any(w in t.label.lower() for w in words)), None)
        if theme is None or theme.status is not ThemeStatus.NEW:
            continue
        update = FeedbackThemeUpdate(version=theme.version, label=name)
        theme = themes.update_theme(session, editor, theme.id, update)
        data = StatusIn(version=theme.version, status=status, note=note)
        themes.set_status(session, editor, theme.id, data, now=now)


# (words in the capability's title, its status, note, owner, days to target, delivered asset).
PLANS = [
    ("battlecard", "GuardianDB battlecard refresh", CapabilityStatus.IN_PROGRESS, "Refresh under way with the new on-prem answer.", "marco.bianchi", 10, None),
    ("questionnaire", "Vault security questionnaire pack", CapabilityStatus.DELIVERED, "The security and compliance whitepaper answers the common questionnaire.", "lin.wei", None, "Helio security and compliance whitepaper"),
    ("pricing", "Pricing objections training", CapabilityStatus.PLANNED, "A 30-minute pricing objections module, with a live session.", "priya.raman", 30, None),
    ("case study", "Healthcare customer story for Vault", CapabilityStatus.PROPOSED, "", "priya.raman", None, None),
]  # fmt: skip


def _requests(
    session: Session,
    people: dict[str, User],
    titled: dict[str, int],
    deal_by_name: dict[str, Deal],
    accounts: dict[str, Account],
    now: datetime,
) -> int:
    rule = DealHelpRule()
    for need, product, rival, who, text, deal, risk in REQUESTS:
        person = people[who]
        set_actor(session, person)
        data = RequestIn(
            need=need,
            text=text,
            product_id=titled.get(product) if product else None,
            competitor_id=titled.get(rival) if rival else None,
            deal_id=deal_by_name[deal].id if deal else None,
            account_id=accounts["Meridian Health"].id if risk is Risk.REFUND else None,
            risk=risk,
        )
        roadmap.submit(session, person, data, rule=rule, today=now.date())
    editor = people["priya.raman"]
    set_actor(session, editor)
    for word, title, status, note, owner, days, asset in PLANS:
        capability = _capability_about(session, word)
        if capability is None:
            continue
        asset_id = session.scalar(select(Item.id).where(Item.title == asset)) if asset else None
        plan = CapabilityUpdate(
            version=capability.version,
            title=title,
            status=status,
            note=note,
            owner_id=people[owner].id,
            target_on=now.date() + timedelta(days=days) if days else None,
            asset_id=asset_id,
        )
        roadmap.update_capability(session, editor, capability.id, plan, now=now)
    return len(REQUESTS)


def _capability_about(session: Session, word: str) -> Capability | None:
    """The capability most of whose requests say `word`."""
    said = Counter(
        capability_id
        for capability_id, text in session.execute(
            select(EnablementRequest.capability_id, EnablementRequest.text)
        )
        if capability_id is not None and word in text.lower()
    )
    best = said.most_common(1)
    return session.get(Capability, best[0][0]) if best else None
