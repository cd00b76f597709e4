"""Helio's knowledge core for the demo: products, features, personas, messaging, solutions,
stories, competitors and battlecards, FAQs, handbooks, a security whitepaper, real uploaded files,
a few stale items and a few written in Chinese."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from prism.auth.policy import SYSTEM
from prism.filestore import FileStore
from prism.knowledge import assets, facets, service
from prism.knowledge.models import Dimension, Item
from prism.knowledge.schemas import FacetIn, ItemIn, LinkIn
from prism.people.models import User

TAXONOMY = {
    Dimension.INDUSTRY: (
        "Financial services", "Healthcare", "Retail", "Manufacturing", "Government", "SaaS",
    ),
    Dimension.SCENARIO: (
        "Churn reduction", "Compliance audit", "Onboarding", "Process automation", "Data residency",
    ),
    Dimension.FUNCTION: ("Product", "Security", "Operations", "Finance", "Customer success"),
    Dimension.REGION: ("North America", "EMEA", "APAC"),
}  # fmt: skip

PRODUCTS = {
    "Helio Pulse": (
        "Product analytics that shows which features drive retention.",
        {"sales_motion": "inside sales", "typical_deal_size": 24000, "handles_customer_data": True},
        ["Funnels", "Retention cohorts", "Session replay", "Feature adoption alerts",
         "Warehouse sync", "AI insights", "Mobile SDK"],
    ),
    "Helio Vault": (
        "Customer-data governance: find, classify and protect personal data everywhere.",
        {"sales_motion": "field sales", "typical_deal_size": 120000, "handles_customer_data": True},
        ["PII discovery", "Consent ledger", "Data residency controls", "Access reviews",
         "Audit evidence export", "Tokenisation", "DSAR automation"],
    ),
    "Helio Flow": (
        "Workflow automation for operations teams, with approvals and an audit trail.",
        {"sales_motion": "self-serve", "typical_deal_size": 9000},
        ["Visual builder", "Approvals", "Connectors", "SLA timers", "Audit trail", "Forms"],
    ),
}  # fmt: skip
# What each feature does, as a customer would read it.
FEATURE_SAYS = {
    "Funnels": "See where users drop between any two steps.",
    "Retention cohorts": "Which users come back, by the features they used.",
    "Session replay": "Watch the sessions behind a metric, with inputs masked.",
    "Feature adoption alerts": "Hear when use of a feature drops, before churn does.",
    "Warehouse sync": "Events in Snowflake, BigQuery or Redshift every hour.",
    "AI insights": "Explains a metric's change by the segments that moved it.",
    "Mobile SDK": "iOS, Android and React Native, with offline queueing.",
    "PII discovery": "Finds personal data in 120 kinds of system, without agents.",
    "Consent ledger": "Every consent and withdrawal, with an API to check them.",
    "Data residency controls": "Pin storage and processing to the EU or the US.",
    "Access reviews": "Quarterly reviews of who can see personal data, signed off by owners.",
    "Audit evidence export": "A signed evidence pack for SOC 2 and ISO 27001 auditors.",
    "Tokenisation": "Analytics on tokens instead of the sensitive values.",
    "DSAR automation": "Finds a person's data everywhere for a subject access request.",
    "Visual builder": "Build a flow by drawing it; add code steps when needed.",
    "Approvals": "Route a request to the right approver, in order or in parallel.",
    "Connectors": "Over 120, including Salesforce, ServiceNow, Slack and SAP.",
    "SLA timers": "Escalate an approval that waits too long.",
    "Audit trail": "Every run and change recorded, ready for an auditor.",
    "Forms": "Let customers start a flow from a form.",
}
BETA = {"AI insights", "Tokenisation", "Forms"}
ALPHA = {"DSAR automation"}

PERSONAS = (
    ("Head of Product", "VP or director of product", ["Ship what moves retention"],
     ["Opinions beat data in roadmap meetings"], ["We already have Google Analytics"]),
    ("Chief Information Security Officer", "CISO", ["Pass audits without fire drills"],
     ["Personal data is spread across 40 systems"], ["Another agent on every server?"]),
    ("Data Protection Officer", "DPO / privacy lead", ["Answer DSARs within 30 days"],
     ["Manual spreadsheets of processing activities"], ["Our lawyers already track this"]),
    ("Operations Manager", "Ops lead", ["Fewer hand-offs, fewer dropped requests"],
     ["Approvals stuck in email"], ["Our IT team must build every workflow"]),
    ("Customer Success Director", "CS leader", ["Spot churn risk early"],
     ["Usage data arrives too late"], ["We have health scores in the CRM"]),
)  # fmt: skip

COMPETITORS = {
    "Amplify Analytics": ("Helio Pulse", "https://amplify.example",
        ["Retention cohorts without SQL", "Session replay in the same tool"],
        ["Bigger brand with startups"], ["Ask how they price by tracked users"],
        [("Amplify is cheaper", "Compare total cost once replay and warehouse sync are added.")]),
    "GuardianDB": ("Helio Vault", "https://guardiandb.example",
        ["Agentless PII discovery in days, not months", "Audit evidence export for SOC 2"],
        ["Longer on-prem history"], ["Ask how long their last deployment took"],
        [("GuardianDB is on-prem", "Vault offers EU and US data residency with customer-held keys.")]),
    "Keystone Privacy": ("Helio Vault", "https://keystone.example",
        ["DSAR automation end to end", "Consent ledger with API"],
        ["Strong with legal teams"], ["Ask who maintains the data map"],
        [("Keystone has more legal templates", "Vault connects the templates to live data.")]),
    "Routely": ("Helio Flow", "https://routely.example",
        ["Approvals with SLA timers", "An audit trail auditors accept"],
        ["Cheaper entry plan"], ["Ask how they audit a changed workflow"],
        [("Routely is free to start", "Flow's free plan includes approvals and the audit trail.")]),
}  # fmt: skip

FAQS = (
    ("Helio Pulse", "Does Pulse work with single-page apps?", "Yes. The SDK tracks route changes automatically in React, Vue and Angular apps."),
    ("Helio Pulse", "Can Pulse sync to our data warehouse?", "Yes: Snowflake, BigQuery and Redshift, hourly or daily."),
    ("Helio Pulse", "How is Pulse priced?", "By monthly tracked users, with session replay as an add-on."),
    ("Helio Pulse", "Does session replay capture passwords?", "No. Inputs are masked by default and can be unmasked per field."),
    ("Helio Pulse", "How long is event data kept?", "25 months on standard plans, configurable up to 7 years."),
    ("Helio Pulse", "Is there a mobile SDK?", "Yes, for iOS, Android and React Native."),
    ("Helio Pulse", "Can we define retention by our own events?", "Yes. Any event can start or return a cohort."),
    ("Helio Pulse", "How fast is data available?", "Events appear in reports within a minute."),
    ("Helio Pulse", "What does AI insights do?", "It explains changes in a metric by the segments that moved it; it is in beta."),
    ("Helio Pulse", "Can Pulse replace Google Analytics?", "For product analytics yes; for marketing attribution keep your web analytics."),
    ("Helio Vault", "Is Vault SOC 2 Type II certified?", "Yes. The report is available under NDA from the security page."),
    ("Helio Vault", "Where is customer data stored?", "In the EU (Frankfurt) or the US (Virginia), chosen per workspace; it never leaves that region."),
    ("Helio Vault", "Does Vault need agents on our servers?", "No. Discovery is agentless and runs over read-only connections."),
    ("Helio Vault", "Who holds the encryption keys?", "You can bring your own keys through AWS KMS or Azure Key Vault."),
    ("Helio Vault", "How long does a Vault deployment take?", "Most customers see their first data map in two weeks."),
    ("Helio Vault", "Does Vault help with GDPR DSARs?", "Yes. DSAR automation finds a person's data across systems; it is in alpha."),
    ("Helio Vault", "Can Vault export audit evidence?", "Yes, as a signed evidence pack for SOC 2 and ISO 27001 auditors."),
    ("Helio Vault", "Is Vault HIPAA ready?", "Yes, we sign a BAA for healthcare customers."),
    ("Helio Vault", "Does Vault support data residency in APAC?", "Not yet; Singapore is planned. Share this need with product through feedback."),
    ("Helio Vault", "What is tokenisation in Vault?", "Replacing sensitive values with tokens so analytics can run without exposing them; in beta."),
    ("Helio Flow", "Do I need developers to build a flow?", "No. The visual builder covers most flows; developers can add code steps."),
    ("Helio Flow", "Which systems does Flow connect to?", "Over 120 connectors, including Salesforce, ServiceNow, Slack and SAP."),
    ("Helio Flow", "Can approvals have deadlines?", "Yes. SLA timers escalate an approval that waits too long."),
    ("Helio Flow", "Is there an audit trail of every change?", "Yes. Every run and every change to a flow is recorded and exportable."),
    ("Helio Flow", "Is there a free plan?", "Yes, up to five flows with approvals and the audit trail included."),
    ("Helio Flow", "Can customers fill in forms that start a flow?", "Yes, with Forms, which is in beta."),
    ("Helio Flow", "How is Flow priced?", "Per builder seat; approvers and form users are free."),
    ("Helio Flow", "Can Flow run on-premises?", "No, Flow is cloud-only; a private cloud option exists for enterprise plans."),
    ("Helio Vault", "Vault 支持数据驻留吗？", "支持。数据可以存放在欧盟（法兰克福）或美国（弗吉尼亚），按工作区选择，数据不会离开所选区域。"),
    ("Helio Pulse", "Pulse 如何计算留存率？", "Pulse 按你选择的起始事件和回访事件计算留存，可以按任意属性分组。"),
    # The China team's own answers, written in Chinese for its customers.
    ("Helio Vault", "Vault 通过 SOC 2 Type II 认证了吗？", "通过了。签署保密协议后，可以在安全页面获取审计报告。"),
    ("Helio Vault", "加密密钥由谁掌管？", "客户可以通过 AWS KMS 或 Azure Key Vault 使用自己的密钥。"),
    ("Helio Vault", "Vault 需要在服务器上安装代理吗？", "不需要。数据发现无需代理，通过只读连接完成。"),
    ("Helio Vault", "Vault 部署需要多长时间？", "大多数客户在两周内就能看到第一张数据地图。"),
    ("Helio Pulse", "会话回放会记录密码吗？", "不会。输入内容默认被遮盖，可以按字段取消遮盖。"),
    ("Helio Pulse", "Pulse 如何定价？", "按每月追踪用户数计费，会话回放是附加功能。"),
    ("Helio Flow", "Flow 能连接哪些系统？", "超过 120 个连接器，包括 Salesforce、ServiceNow、Slack 和 SAP。"),
    ("Helio Flow", "审批可以设置截止时间吗？", "可以。SLA 计时器会自动升级等待过久的审批。"),
)  # fmt: skip

# Answers written for our own team (a feature before GA, a region still planned): they stay off
# every customer's FAQ sheet.
# What the answers below say to a yes/no question: a questionnaire's Yes/No cell takes only this.
YES_OR_NO = {
    "Does Pulse work with single-page apps?": "yes", "Can Pulse sync to our data warehouse?": "yes",
    "Does session replay capture passwords?": "no", "Is there a mobile SDK?": "yes",
    "Is Vault SOC 2 Type II certified?": "yes", "Does Vault need agents on our servers?": "no",
    "Does Vault help with GDPR DSARs?": "yes", "Can Vault export audit evidence?": "yes",
    "Is Vault HIPAA ready?": "yes", "Does Vault support data residency in APAC?": "no",
    "Do I need developers to build a flow?": "no", "Can approvals have deadlines?": "yes",
    "Is there an audit trail of every change?": "yes", "Is there a free plan?": "yes",
    "Can Flow run on-premises?": "no",
}  # fmt: skip
TEAM_ONLY_FAQS = {question for _, question, answer in FAQS if any(
    word in answer for word in ("in alpha", "in beta", "planned", "through feedback"))}  # fmt: skip

SOLUTIONS = (
    ("Retention analytics for SaaS", "Helio Pulse", "SaaS", "Churn reduction", "Product",
     "Product teams cannot see which features keep customers.",
     "Instrument key events, build retention cohorts and alert on adoption drops.",
     "Fewer churned accounts and roadmap decisions grounded in usage."),
    ("Digital banking adoption", "Helio Pulse", "Financial services", "Onboarding", "Product",
     "New mobile banking features go unused.", "Funnels and replay show where customers drop.",
     "More customers activate new features in their first month."),
    ("Retail loyalty insights", "Helio Pulse", "Retail", "Churn reduction", "Customer success",
     "Loyalty members lapse without warning.", "Cohorts by store and campaign reveal lapse patterns.",
     "Win-back campaigns target the right members."),
    ("Audit-ready data governance for banks", "Helio Vault", "Financial services", "Compliance audit", "Security",
     "Regulators ask where personal data lives and who can see it.",
     "Agentless discovery builds a live data map; access reviews and evidence export close the loop.",
     "Audits pass with evidence in hours instead of weeks."),
    ("Patient data protection", "Helio Vault", "Healthcare", "Compliance audit", "Security",
     "Patient data is copied into analytics and support tools.",
     "Classify PHI everywhere, tokenise it for analytics and review access quarterly.",
     "HIPAA obligations met without blocking analytics."),
    ("Public sector data residency", "Helio Vault", "Government", "Data residency", "Security",
     "Citizen data must stay in the country.", "Residency controls pin storage and processing to a region.",
     "Procurement's residency requirements are met on day one."),
    ("Manufacturing order approvals", "Helio Flow", "Manufacturing", "Process automation", "Operations",
     "Purchase approvals stall in email.", "Approval flows with SLA timers and SAP connectors.",
     "Orders approved in hours, with a complete audit trail."),
    ("Finance close automation", "Helio Flow", "Financial services", "Process automation", "Finance",
     "Month-end close depends on spreadsheets passed around.",
     "Flows collect, approve and post journal entries with an audit trail.",
     "Close two days sooner with fewer errors."),
)  # fmt: skip

# Whom a solution speaks to, by the business function it serves.
SPEAKS_TO = {
    "Security": ("Chief Information Security Officer", "Data Protection Officer"),
    "Product": ("Head of Product",),
    "Operations": ("Operations Manager",),
    "Finance": ("Operations Manager",),
    "Customer success": ("Customer Success Director",),
}

STORIES = (
    ("Northwind Bank passes its audit in a week", "Northwind Bank", "Financial services", "Helio Vault",
     "Audit-ready data governance for banks", "Regulators asked for a map of personal data across 60 systems.",
     "Vault discovered and classified personal data in 12 days.",
     [("Audit preparation", "from 6 weeks to 1 week"), ("Systems mapped", "60")],
     "We walked into the audit with evidence instead of promises.", "CISO, Northwind Bank", "public"),
    ("Meridian Health tokenises patient data", "Meridian Health", "Healthcare", "Helio Vault",
     "Patient data protection", "Analysts needed data without seeing PHI.", "Tokenisation in Vault.",
     [("PHI exposure in analytics", "zero"), ("Analyst productivity", "+30%")],
     "Our analysts kept working and our privacy office slept at night.", "DPO, Meridian Health", "anonymised"),
    ("Acme Retail wins back lapsed members", "Acme Retail", "Retail", "Helio Pulse", "Retail loyalty insights",
     "Loyalty members lapsed unnoticed.", "Pulse cohorts by store and campaign.",
     [("Reactivated members", "18,000"), ("Churn", "-12%")],
     "We finally knew which members we were about to lose.", "VP Loyalty, Acme Retail", "public"),
    ("Globex cuts churn with retention cohorts", "Globex", "SaaS", "Helio Pulse", "Retention analytics for SaaS",
     "Churn rose and nobody knew why.", "Retention cohorts and adoption alerts.",
     [("Logo churn", "-22%"), ("Time to insight", "minutes, not weeks")],
     "Pulse showed us the three features that keep customers.", "Head of Product, Globex", "public"),
    ("First Federal activates mobile banking", "First Federal", "Financial services", "Helio Pulse",
     "Digital banking adoption", "A new mobile app saw little use.", "Funnels and session replay.",
     [("Feature activation", "+35%")], "We fixed the onboarding step that lost half our users.",
     "Digital lead, First Federal", "internal"),
    ("Stark Manufacturing approves orders in hours", "Stark Manufacturing", "Manufacturing", "Helio Flow",
     "Manufacturing order approvals", "Purchase approvals took nine days.", "Approval flows with SLA timers.",
     [("Approval time", "from 9 days to 6 hours")], "Nobody chases approvals any more.", "COO, Stark Manufacturing", "public"),
    ("City of Lakeside keeps citizen data at home", "City of Lakeside", "Government", "Helio Vault",
     "Public sector data residency", "Procurement required in-country storage.", "Residency controls in Vault.",
     [("Residency findings", "none")], "Residency was a checkbox, not a project.", "CIO, City of Lakeside", "anonymised"),
    ("Initech closes the books two days sooner", "Initech", "Financial services", "Helio Flow",
     "Finance close automation", "Close depended on spreadsheets.", "Flows for journal approvals.",
     [("Close duration", "-2 days")], "Our auditors love the trail.", "Controller, Initech", "public"),
)  # fmt: skip


def load(session: Session, store: FileStore, now: datetime) -> str:
    """Create Helio's knowledge core once; a second run finds it and adds nothing."""
    if session.scalar(select(Item.id).where(Item.kind == "product").limit(1)) is not None:
        return "knowledge core already loaded"
    builder = _Builder(session, now)
    builder.taxonomy()
    builder.catalog()
    builder.messaging()
    builder.content()
    builder.files(store)
    builder.stale()
    return f"knowledge core with {builder.count} items"


class _Builder:
    def __init__(self, session: Session, now: datetime) -> None:
        self.session, self.now, self.count = session, now, 0
        self.ids: dict[str, int] = {}
        self.facet: dict[str, int] = {}
        editors = session.scalars(select(User).where(User.email.like("%@helio.example")))
        self.people = {u.email.split("@")[0]: u for u in editors}

    def add(self, kind: str, title: str, *, links: tuple[tuple[str, str], ...] | list[tuple[str, str]] = (), facets_: tuple[str, ...] = (),
            publish: bool = True, owner: str = "priya.raman", **data: Any) -> Item:  # fmt: skip
        owner_user = self.people.get(owner)
        details = ItemIn(
            title=title,
            owner_id=owner_user.id if owner_user else None,
            facet_ids=[self.facet[f] for f in facets_],
            links=[LinkIn(relation=r, target_id=self.ids[t]) for r, t in links],
            **data,
        )
        item = service.create_item(self.session, SYSTEM, kind, details, now=self.now)
        if publish:
            item = service.transition(
                self.session, SYSTEM, item.id, "publish", version=item.version, now=self.now
            )
        self.ids[title] = item.id
        self.count += 1
        return item

    def taxonomy(self) -> None:
        for dimension, names in TAXONOMY.items():
            for name in names:
                data = FacetIn(dimension=dimension, name=name)
                self.facet[name] = facets.create_facet(self.session, SYSTEM, data).id

    def catalog(self) -> None:
        for name, (summary, fields, features) in PRODUCTS.items():
            self.add("product", name, summary=summary, fields=fields, audience="customer")
            for feature in features:
                status = "beta" if feature in BETA else "alpha" if feature in ALPHA else "ga"
                self.add("feature", feature, links=[("product", name)], fields={"status": status},
                         summary=FEATURE_SAYS[feature], audience="customer")  # fmt: skip
        for title, role, goals, pains, objections in PERSONAS:
            # Goals and pains may reach a deck's problem slide; objections never leave the team.
            self.add("persona", title, audience="customer",
                     fields={"role": role, "goals": goals, "pains": pains,
                             "objections": objections})  # fmt: skip

    def messaging(self) -> None:
        positioning = {
            "Helio Pulse": ("product teams at SaaS and digital businesses", "need to know which features keep customers", "product analytics platform", "ties feature adoption to retention in minutes", "web analytics and spreadsheets", "put retention cohorts, replay and alerts in one tool"),
            "Helio Vault": ("security and privacy leaders in regulated industries", "must prove where personal data lives", "customer-data governance platform", "builds a live data map without agents", "manual data maps and legacy DLP", "discover data agentlessly and export audit evidence in hours"),
            "Helio Flow": ("operations teams", "lose time to approvals stuck in email", "workflow automation tool", "automates approvals with deadlines and an audit trail", "email and ticket queues", "give every approval an SLA and an auditor-ready trail"),
        }  # fmt: skip
        for product, parts in positioning.items():
            keys = ("target", "need", "category", "key_benefit", "alternative", "differentiator")
            self.add("positioning", f"{product} positioning", links=[("product", product)],
                     fields=dict(zip(keys, parts, strict=True)), audience="customer")  # fmt: skip
        proofs = (
            ("Vault maps personal data in under two weeks", "Median time to first data map across 40 deployments was 12 days.", "Helio Vault"),
            ("Vault holds SOC 2 Type II", "Report issued by an independent auditor; renewed yearly.", "Helio Vault"),
            ("Pulse customers cut churn by 15% on average", "Measured across 25 customers a year after adoption.", "Helio Pulse"),
            ("Flow approvals finish 10x faster", "Median approval time before and after Flow at 30 customers.", "Helio Flow"),
        )  # fmt: skip
        for claim, evidence, product in proofs:
            self.add("proof_point", claim, links=[("product", product)], audience="customer",
                     fields={"claim": claim, "evidence": evidence,
                             "source_url": "https://helio.example/proof"})  # fmt: skip
        values = (
            ("Audit evidence in hours, not weeks", "Helio Vault", "Vault maps personal data in under two weeks", "Chief Information Security Officer", "Answer an auditor's request with a signed pack instead of a spreadsheet sprint."),
            ("Know which features keep customers", "Helio Pulse", "Pulse customers cut churn by 15% on average", "Head of Product", "Put usage, not opinion, at the centre of roadmap meetings."),
            ("Approvals that never stall", "Helio Flow", "Flow approvals finish 10x faster", "Operations Manager", "Every approval has an owner, a deadline and a trail."),
        )  # fmt: skip
        for title, product, proof, persona, says in values:
            self.add("value_proposition", title, summary=says, audience="customer",
                     links=[("product", product), ("proof", proof), ("persona", persona)])  # fmt: skip
        differentiators = (
            ("Agentless discovery", "Helio Vault", "Read-only connections map your data in days; nothing to install on your servers."),
            ("Retention cohorts with replay in one tool", "Helio Pulse", "Go from a falling cohort to the sessions behind it in one click."),
            ("SLA timers on every approval", "Helio Flow", "No request waits unnoticed: late approvals escalate on their own."),
        )  # fmt: skip
        for title, product, says in differentiators:
            self.add("differentiator", title, summary=says, links=[("product", product)],
                     audience="customer")  # fmt: skip

    def content(self) -> None:
        for title, product, industry, scenario, function, problem, approach, value in SOLUTIONS:
            speaks_to = [("persona", p) for p in SPEAKS_TO[function]]
            self.add("solution", title, summary=problem, links=[("product", product), *speaks_to],
                     facets_=(industry, scenario, function),
                     fields={"problem": problem, "approach": approach, "value": value},
                     audience="customer")  # fmt: skip
        for (title, customer, industry, product, solution, challenge, solved, results, quote,
             quote_by, permission) in STORIES:  # fmt: skip
            self.add("story", title, summary=challenge, facets_=(industry,),
                     links=[("product", product), ("solution", solution)],
                     audience="internal" if permission == "internal" else "customer",
                     fields={"customer": customer, "challenge": challenge, "solution": solved,
                             "results": [{"first": a, "second": b} for a, b in results],
                             "quote": quote, "quote_by": quote_by, "permission": permission})  # fmt: skip
        for name, (product, site, win, lose, landmines, objections) in COMPETITORS.items():
            self.add("competitor", name, links=[("product", product)], fields={"website": site})
            self.add("battlecard", f"Battlecard: {product} vs {name}",
                     summary=f"How {product} wins against {name}.",
                     links=[("competitor", name), ("product", product)],
                     fields={"why_we_win": win, "why_we_lose": lose, "landmines": landmines,
                             "objections": [{"first": o, "second": r} for o, r in objections],
                             "pricing_notes": "Lead with total cost, not list price."})  # fmt: skip
        for product, question, answer in FAQS:
            readers = ["sales", "customer success"]
            readers += [] if question in TEAM_ONLY_FAQS else ["customers"]
            fields = {"answered_for": readers, "yes_or_no": YES_OR_NO.get(question, "")}
            self.add("faq", question, body=answer, links=[("product", product)],
                     fields=fields, audience="customer")  # fmt: skip
        self.add("handbook", "Helio Vault implementation handbook", owner="lin.wei",
                 links=[("product", "Helio Vault")],
                 fields={"steps": [
                     {"first": "Kick-off", "second": "Agree scope, systems and data owners."},
                     {"first": "Connect systems", "second": "Create read-only credentials for each source."},
                     {"first": "First data map", "second": "Run discovery and review classifications."},
                     {"first": "Access reviews", "second": "Schedule quarterly reviews with owners."},
                     {"first": "Go live", "second": "Hand over dashboards and evidence exports."}]})  # fmt: skip
        self.add("handbook", "Helio Flow onboarding handbook", owner="lin.wei",
                 links=[("product", "Helio Flow")],
                 fields={"steps": [
                     {"first": "Pick the first process", "second": "Choose one approval that stalls today."},
                     {"first": "Build the flow", "second": "Use the visual builder with an SLA timer."},
                     {"first": "Connect systems", "second": "Add the ERP or CRM connector."},
                     {"first": "Roll out", "second": "Train approvers; measure approval time."}]})  # fmt: skip
        self.add("security", "Helio security and compliance whitepaper", owner="lin.wei",
                 summary="How Helio protects customer data: SOC 2 Type II, ISO 27001, GDPR, HIPAA.",
                 body=SECURITY_WHITEPAPER, fields={"frameworks": ["SOC 2 Type II", "ISO 27001", "GDPR", "HIPAA"]},
                 links=[("product", "Helio Vault"), ("proof", "Vault holds SOC 2 Type II")],
                 audience="customer")  # fmt: skip
        self.add("solution", "面向银行的数据合规方案", summary="帮助银行满足监管对个人数据的审计要求。",
                 body="通过无代理的数据发现，自动生成个人数据地图，并导出审计证据。",
                 links=[("product", "Helio Vault")], facets_=("Financial services", "APAC"),
                 fields={"problem": "监管机构要求说明个人数据存放位置。",
                         "approach": "无代理数据发现与访问审查。", "value": "审计准备时间从数周缩短到数小时。"})  # fmt: skip
        self.add("faq", "Flow 可以私有化部署吗？", body="Flow 只提供云服务；企业版提供私有云选项。",
                 links=[("product", "Helio Flow")], publish=False, owner="chen.jing")  # fmt: skip

    def files(self, store: FileStore) -> None:
        for filename, data, title in (
            ("vault-datasheet.pdf", _pdf(VAULT_DATASHEET), "Helio Vault datasheet"),
            ("pulse-intro.pptx", _pptx(), "Helio Pulse intro deck"),
            ("flow-security-questionnaire.docx", _docx(), "Helio Flow security questionnaire"),
        ):
            item = assets.upload(self.session, SYSTEM, filename=filename, data=data,
                                 details=ItemIn(title=title, audience="customer"),
                                 store=store, max_bytes=25 * 2**20, now=self.now)  # fmt: skip
            service.transition(self.session, SYSTEM, item.id, "publish", version=item.version,
                               now=self.now)  # fmt: skip
            self.count += 1

    def stale(self) -> None:
        # Verified long ago: the claim is overdue, and everything built on it is flagged with it.
        for title in (
            "Pulse customers cut churn by 15% on average",
            "Battlecard: Helio Flow vs Routely",
        ):
            item = self.session.get(Item, self.ids[title])
            assert item is not None
            item.verified_at = self.now - timedelta(days=200)
            service.schedule_review(item, self.now)
        self.session.flush()


SECURITY_WHITEPAPER = """## Overview
Helio Systems protects customer data with controls audited every year.

## Certifications
- **SOC 2 Type II**, covering security, availability and confidentiality.
- **ISO 27001** certified information security management.
- GDPR: EU data stays in Frankfurt; a DPA is signed with every customer.
- HIPAA: a BAA is available for healthcare customers.

## Encryption
Data is encrypted in transit (TLS 1.3) and at rest (AES-256). Customers may bring their own keys.

## Access
Production access needs hardware keys and is reviewed quarterly.
"""


VAULT_DATASHEET = ["Helio Vault datasheet", "Agentless discovery of personal data.",
                   "Data residency in the EU and the US.", "Audit evidence export for SOC 2 and ISO 27001."]  # fmt: skip


def _pdf(lines: list[str]) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    for number, line in enumerate(lines):
        page.drawString(72, 760 - 24 * number, line)
    page.showPage()
    page.save()
    return buffer.getvalue()


def _pptx() -> bytes:
    from pptx import Presentation

    deck = Presentation()
    for title, text in (("Helio Pulse", "Product analytics that shows what keeps customers."),
                        ("Retention cohorts", "See which features bring customers back."),
                        ("Customers", "Globex cut logo churn by 22%.")):  # fmt: skip
        slide = deck.slides.add_slide(deck.slide_layouts[1])
        slide.shapes.title.text = title
        slide.placeholders[1].text = text
    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()


def _docx() -> bytes:
    import docx

    document = docx.Document()
    document.add_heading("Helio Flow security questionnaire", level=1)
    for question, answer in (("Is data encrypted at rest?", "Yes, AES-256."),
                             ("Is there an audit trail?", "Every run and change is recorded."),
                             ("Where is data hosted?", "AWS in the EU or the US.")):  # fmt: skip
        document.add_paragraph(question, style="List Bullet")
        document.add_paragraph(answer)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
