"""Helio's answer library for security questionnaires and tenders: the questions buyers ask of
every vendor, answered once by the security team, customer-shareable, with the short answer a
spreadsheet cell takes and what each says to a yes/no question. They are FAQ items in the
knowledge core, not a second store; those with no product answer for the whole company."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from prism.answers import service as questionnaires
from prism.answers.models import Questionnaire, QuestionState
from prism.answers.schemas import AssignIn, QuestionnaireIn, ReviewIn
from prism.auth.policy import SYSTEM
from prism.deals.models import Deal
from prism.filestore import FileStore
from prism.knowledge import service
from prism.knowledge.models import Item
from prism.knowledge.schemas import ItemIn, LinkIn
from prism.people.models import User

# (product or None for the whole company, question, other ways it is asked, short answer,
#  yes/no, long answer)
ANSWERS: tuple[tuple[str | None, str, list[str], str, str, str], ...] = (
    (None, "Do you encrypt customer data at rest?", ["Is stored data encrypted?"],
     "Yes: AES-256 in every region.", "yes",
     "Yes. Customer data, backups and search indexes are encrypted at rest with AES-256. Keys "
     "are held in AWS KMS and rotated yearly; Vault customers can bring their own keys."),
    (None, "Is data encrypted in transit?", ["Do you use TLS?"],
     "Yes: TLS 1.2 or later everywhere.", "yes",
     "Yes. All traffic to and between our services uses TLS 1.2 or later with modern ciphers; "
     "older protocols are refused."),
    (None, "Do you support single sign-on?", ["Do you support SAML?", "Can we sign in with Okta or Azure AD?"],
     "Yes: SAML 2.0 and OpenID Connect.", "yes",
     "Yes. Every Helio product supports single sign-on through SAML 2.0 and OpenID Connect, "
     "tested with Okta, Microsoft Entra ID (Azure AD) and Google Workspace, with SCIM "
     "provisioning."),
    (None, "Is multi-factor authentication required for your staff?", ["Do your engineers use MFA?"],
     "Yes: hardware keys for all production access.", "yes",
     "Yes. Every employee signs in with multi-factor authentication; access to production "
     "needs a hardware security key."),
    (None, "Do you run penetration tests?", ["Do you have an independent pen test?"],
     "Yes: yearly by an independent firm.", "yes",
     "Yes. An independent firm tests every product at least once a year and after major "
     "changes; the executive summary is shared under NDA."),
    (None, "How quickly do you notify customers of a security incident?",
     ["What is your breach notification period?"],
     "Within 72 hours of confirming it.", "",
     "We notify affected customers without undue delay and within 72 hours of confirming an "
     "incident that affects their data, with what happened, what data and what we are doing."),
    (None, "Do you have an incident response plan?", [],
     "Yes: documented and exercised twice a year.", "yes",
     "Yes. A documented incident response plan names roles, severity levels and "
     "communication; we exercise it twice a year."),
    (None, "Do you use subprocessors?", ["Who are your subprocessors?"],
     "Yes: listed publicly, changes announced 30 days ahead.", "yes",
     "Yes. Our subprocessors (hosting, email and support tooling) are listed on our trust "
     "page; customers are told 30 days before a new one is added."),
    (None, "Will you sign a data processing agreement?", ["Do you offer a GDPR DPA?"],
     "Yes: our DPA with the EU Standard Contractual Clauses.", "yes",
     "Yes. Our data processing agreement covers GDPR and UK GDPR and includes the EU Standard "
     "Contractual Clauses."),
    (None, "What happens to our data when the contract ends?", [],
     "Deleted within 30 days; a certificate on request.", "",
     "You can export your data until the end of the contract. We delete it from production "
     "within 30 days and from backups within 35 more, and confirm deletion in writing on "
     "request."),
    (None, "How often do you back up customer data?", [],
     "Daily, encrypted, kept 35 days.", "",
     "Encrypted backups are taken daily and kept for 35 days in a second region; restores are "
     "tested every quarter."),
    (None, "What are your recovery point and recovery time objectives?", ["What are your RPO and RTO?"],
     "RPO 1 hour, RTO 4 hours.", "",
     "Our recovery point objective is one hour and our recovery time objective four hours, "
     "tested in the yearly disaster recovery exercise."),
    (None, "Do you offer an uptime SLA?", [],
     "Yes: 99.9% a month, with service credits.", "yes",
     "Yes. We commit to 99.9% monthly availability, with service credits when we miss it; "
     "status and history are public."),
    (None, "Do you run background checks on employees?", [],
     "Yes, where the law allows, before access is granted.", "yes",
     "Yes. Employees and contractors are background checked before they get access, where "
     "local law allows."),
    (None, "Do employees receive security awareness training?", [],
     "Yes: on joining and every year.", "yes",
     "Yes. Everyone completes security and privacy training when they join and every year, "
     "with phishing exercises in between."),
    (None, "Is access to production based on least privilege?", [],
     "Yes: role-based, reviewed every quarter.", "yes",
     "Yes. Production access is role-based, granted just in time for the task and reviewed "
     "every quarter; every session is logged."),
    (None, "Do you keep audit logs of administrative actions?", [],
     "Yes: kept a year, exportable.", "yes",
     "Yes. Administrative actions in every product are logged with who, what and when, kept "
     "for a year and exportable by customers' administrators."),
    (None, "Is Helio ISO 27001 certified?", [],
     "Yes: ISO/IEC 27001:2022, certificate on request.", "yes",
     "Yes. Helio's information security management system is certified to ISO/IEC "
     "27001:2022; the certificate is available on request."),
    (None, "How do you manage vulnerabilities?", [],
     "Scanned continuously; critical fixes within 7 days.", "",
     "Code, dependencies and infrastructure are scanned continuously. Critical "
     "vulnerabilities are fixed within 7 days, high within 30."),
    (None, "Do you have a business continuity plan?", [],
     "Yes: tested every year.", "yes",
     "Yes. Our business continuity and disaster recovery plan is reviewed and tested every "
     "year."),
    (None, "Where is your support team located?", [],
     "In the EU and the US.", "",
     "Support engineers work from the EU and the US; no one outside those regions can reach "
     "customer data."),
    (None, "Do you have a vulnerability disclosure programme?", [],
     "Yes: security@helio.example and security.txt.", "yes",
     "Yes. Researchers report vulnerabilities to security@helio.example, as our security.txt "
     "says; we answer within two working days."),
    (None, "Can customers audit Helio on site?", [],
     "No: our SOC 2 and ISO 27001 reports stand in for on-site audits.", "no",
     "No. We do not host on-site audits; our SOC 2 Type II report and ISO 27001 certificate "
     "give customers independent assurance instead."),
    (None, "Is Helio PCI DSS certified?", [],
     "No: Helio does not store card data.", "no",
     "No. Helio does not store, process or transmit card data, so PCI DSS does not apply; "
     "Vault's tokenisation helps customers reduce their own PCI scope."),
)  # fmt: skip


def load(session: Session, now: datetime) -> str:
    """Add the answer library once."""
    first = ANSWERS[0][1]
    if session.scalar(select(Item.id).where(Item.title == first)) is not None:
        return "answer library already loaded"
    owner = session.scalar(select(User.id).where(User.email == "lin.wei@helio.example"))
    products = {i.title: i.id for i in session.scalars(select(Item).where(Item.kind == "product"))}
    for product, question, asked_as, short, yes_or_no, answer in ANSWERS:
        links = [LinkIn(relation="product", target_id=products[product])] if product else []
        details = ItemIn(
            title=question,
            body=answer,
            owner_id=owner,
            audience="customer",
            links=links,
            fields={
                "answered_for": ["sales", "customer success", "customers"],
                "asked_as": asked_as,
                "short_answer": short,
                "yes_or_no": yes_or_no,
            },
        )
        item = service.create_item(session, SYSTEM, "faq", details, now=now)
        service.transition(session, SYSTEM, item.id, "publish", version=item.version, now=now)
    return f"{len(ANSWERS)} library answers"


# St. Mary's Health's vendor security questionnaire for its Vault deal: sections, ids, a
# Yes/No/N/A drop-down and a response column, as hospitals and banks send them.
HOSPITAL_QUESTIONS = (
    ("1. Data protection", None),
    ("1.1", "Is all customer data encrypted when stored?"),
    ("1.2", "What encryption protects data as it moves over the network?"),
    ("1.3", "Can the hospital manage its own encryption keys?"),
    ("1.4", "In which geographic regions will our data reside?"),
    ("1.5", "How is our data disposed of at termination of the agreement?"),
    ("2. Access control", None),
    ("2.1", "Can our users log in through our identity provider via SAML?"),
    ("2.2", "Does your workforce use MFA to reach production systems?"),
    ("2.3", "Are privileged activities logged, and can we obtain those logs?"),
    ("3. Assurance", None),
    ("3.1", "Can you provide your latest SOC 2 Type 2 report?"),
    ("3.2", "Do you hold an ISO/IEC 27001 certificate?"),
    ("3.3", "Has an independent firm penetration-tested the service in the last 12 months?"),
    ("3.4", "Is the service attested under the German C5 catalogue?"),
    ("4. Resilience", None),
    ("4.1", "State your RPO and RTO targets."),
    ("4.2", "Within what timeframe will you inform us of a data breach?"),
    ("4.3", "Do you carry cyber liability insurance, and for what amount?"),
)


def workbook(
    questions: Sequence[tuple[str, str | None]],
    *,
    sheet: str,
    header: list[str],
    choices: str,
    above: Sequence[Sequence[str]] = (),
    cover: Sequence[str] = (),
    cover_title: str = "Instructions",
) -> bytes:
    """A buyer's questionnaire workbook as they send them: a cover sheet, lines above the
    header, a styled header row, section rows merged across, questions by id, a drop-down of
    `choices` ("Yes,No,N/A") in the third column and wide question and answer columns. A
    question of None is a section row."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    first = book.active
    first.title = cover_title
    for n, line in enumerate(cover, start=1):
        first.cell(row=n, column=1, value=line)
    first["A1"].font = Font(bold=True, size=14)
    ws = book.create_sheet(sheet)
    for cells in above:
        ws.append(list(cells))
    ws.append(header)
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="1F3864")
    first_question = ws.max_row + 1
    for ref, text in questions:
        ws.append([ref] if text is None else [ref, text])
        if text is None:
            row = ws.max_row
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(header))
            ws.cell(row=row, column=1).font = Font(bold=True)
    rule = DataValidation(type="list", formula1=f'"{choices}"', allow_blank=True)
    ws.add_data_validation(rule)
    rule.add(f"C{first_question}:C{ws.max_row}")
    for column, width in (("A", 10), ("B", 70), ("C", 16), ("D", 60)):
        ws.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def hospital_questionnaire() -> bytes:
    """The hospital's workbook, with the instructions sheet a real one has."""
    return workbook(
        HOSPITAL_QUESTIONS,
        sheet="Questionnaire",
        header=["Ref", "Question", "Yes / No / N/A", "Vendor response"],
        choices="Yes,No,N/A",
        above=[["Vendor:", "Helio Systems"], []],
        cover=["St. Mary's Health — Third-party security assessment", "",
               "Answer every question on the Questionnaire sheet and return it within 10 days."],
    )  # fmt: skip


def load_questionnaire(session: Session, store: FileStore, now: datetime) -> str:
    """St. Mary's Health's questionnaire for its Vault deal, drafted, with its first answers
    reviewed by the deal's seller and its questions for an expert assigned to presales (one of
    them late, and reminded); and Brightline Retail's RFP for its Pulse deal, asked in
    paragraphs; once."""
    if session.scalar(select(Questionnaire.id).limit(1)) is not None:
        return "questionnaire already loaded"
    deal = session.scalar(select(Deal).where(Deal.name == "Patient records governance"))
    vault = session.scalar(select(Item).where(Item.kind == "product", Item.title == "Helio Vault"))
    seller = session.scalar(select(User).where(User.email == "sam.carter@helio.example"))
    if deal is None or vault is None or seller is None:
        return "no questionnaire (the deals are not loaded)"
    data = QuestionnaireIn(
        title="St. Mary's Health security assessment",
        product_ids=[vault.id],
        deal_id=deal.id,
        due_on=now.date() + timedelta(days=9),
    )
    made = questionnaires.start(session, seller, filename="St Marys third-party assessment.xlsx",
                                raw=hospital_questionnaire(), data=data, store=store, now=now)  # fmt: skip
    asked = len(made.questions)
    drafted = [q for q in made.questions if q.state == QuestionState.DRAFTED]
    for question in drafted[:4]:
        decision = ReviewIn(version=question.version, decision="accept")
        questionnaires.review(session, seller, made.id, question.id, decision)
    # The questions no library answer covers go to presales: one was due two days ago.
    expert = session.scalar(select(User).where(User.email == "lucas.moreau@helio.example"))
    made = questionnaires.get_questionnaire(session, seller, made.id)
    open_ = [q.id for q in made.questions if q.state == QuestionState.FOR_EXPERT]
    if expert is not None and open_:
        for chosen, day in ((open_[:1], -2), (open_[1:], 5)):
            if chosen:
                questionnaires.assign(session, seller, made.id, AssignIn(
                    question_ids=chosen, assignee_id=expert.id,
                    due_on=now.date() + timedelta(days=day)))  # fmt: skip
        questionnaires.remind(session, today=now.date())
    rfp = _retail_rfp(session, store, now, seller)
    return f"a questionnaire of {asked} questions" + rfp


def _retail_rfp(session: Session, store: FileStore, now: datetime, seller: User) -> str:
    deal = session.scalar(select(Deal).where(Deal.name == "Churn analytics pilot"))
    pulse = session.scalar(select(Item).where(Item.kind == "product", Item.title == "Helio Pulse"))
    if deal is None or pulse is None:
        return ""
    data = QuestionnaireIn(title="Brightline Retail RFP", product_ids=[pulse.id],
                           deal_id=deal.id, due_on=now.date() + timedelta(days=14))  # fmt: skip
    made = questionnaires.start(session, seller, filename="Brightline RFP - analytics.docx",
                                raw=retail_rfp(), data=data, store=store, now=now)  # fmt: skip
    return f" and an RFP of {len(made.questions)} questions asked in paragraphs"


def retail_rfp() -> bytes:
    """Brightline Retail's request for proposal, a Word document whose questions are numbered
    paragraphs under headings, each with an "Answer:" line or a blank line left under it."""
    from docx import Document

    document = Document()
    document.add_heading("Brightline Retail — Request for proposal: product analytics", level=1)
    document.add_paragraph(
        "Answer every question in this document and return it to procurement@brightline.example "
        "within two weeks. Attach supporting documents where asked."
    )
    for heading, asked in RETAIL_RFP:
        document.add_heading(heading, level=2)
        for number, question, room in asked:
            document.add_paragraph(f"{number} {question}")
            document.add_paragraph("Answer:" if room == "label" else "")
    document.add_paragraph("Brightline Retail will confirm receipt of every proposal by e-mail.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


RETAIL_RFP = (
    ("1. Product", (
        ("1.1", "Describe how your product tracks single-page web applications.", "label"),
        ("1.2", "Do you offer SDKs for iOS and Android apps?", "label"),
        ("1.3", "How quickly do events appear in reports after they happen?", "blank"),
        ("1.4", "Can analytics data be synchronised to our Snowflake warehouse?", "blank"),
        ("1.5", "Describe your approach to A/B test analysis.", "blank"),
    )),
    ("2. Security and privacy", (
        ("2.1", "Are passwords and other typed inputs masked in session recordings?", "label"),
        ("2.2", "How long is raw event data retained by default?", "label"),
        ("2.3", "Is customer data encrypted at rest, and with which algorithm?", "label"),
        ("2.4", "Provide your most recent penetration test summary.", "blank"),
        ("2.5", "Is the service certified under PCI DSS?", "blank"),
    )),
)  # fmt: skip
