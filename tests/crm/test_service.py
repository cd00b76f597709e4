"""CRM import as exports really are: Salesforce and HubSpot files recognised by their columns,
a saved mapping for anything else, every bad row reported by line, all-or-good-rows, idempotent
re-imports, and live sync by CRM id."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from prism.accounts.models import Account, Reference
from prism.audit.models import AuditEvent
from prism.crm import service
from prism.crm.models import Target
from prism.crm.schemas import MappingIn, MappingUpdate
from prism.csvfile import OnError
from prism.db import utcnow
from prism.deals.models import Deal, Outcome, Stage
from prism.errors import Conflict, Forbidden, Invalid
from prism.knowledge.models import Dimension, Facet
from prism.money import parse_amount
from tests.conftest import Cast
from tests.knowledge.factories import make_item

SALESFORCE = (
    "\ufeffOpportunity ID,Opportunity Name,Account Name,Amount,Stage,Close Date,"
    "Opportunity Owner,Competitors,Product Name,Loss Reason\r\n"
    '006A1,Northwind renewal,Northwind Traders,"$120,000.00",Closed Won,11/03/2026,'
    "OWNER,GuardianDB,Pulse,\r\n"
    "\r\n"
    '006A2,"St. Mary\'s, phase 2",St. Mary\'s Health,"€ 250.000,00",Closed Lost,2026-10-01,'
    'Nobody Known,GuardianDB,Pulse,"Price, and a\nmissing SSO"\r\n'
    "006A3,Acme expansion,Acme,45000,Proposal/Price Quote,3 Dec 2026,,,,\r\n"
)

HUBSPOT = (
    "Record ID,Deal Name,Deal Stage,Amount,Close Date,Pipeline,Associated Company\n"
    '9001,Globex pilot,appointmentscheduled,"12,500",2026-12-20,Sales Pipeline,Globex\n'
    "9002,Initech,closedwon,8000,2026-09-30,Sales Pipeline,Initech\n"
)


@pytest.fixture
def catalogue(session: Session) -> None:
    make_item(session, "product", title="Pulse")
    make_item(session, "competitor", title="GuardianDB")


def run(session: Session, cast: Cast, text: str, **options: object) -> service.Report:
    text = text.replace("OWNER", cast.seller.email)
    return service.import_csv(
        session, cast.editor, text.encode(), currency="USD", now=utcnow(), **options
    )


def test_a_salesforce_report_imports_with_its_accounts_amounts_and_dates(
    session: Session, cast: Cast, catalogue: None
) -> None:
    report = run(session, cast, SALESFORCE)
    assert report.source == "Salesforce opportunities"
    assert (report.rows, report.created, report.accounts_created) == (3, 3, 3)
    assert report.unknown_owners == {"Nobody Known"}
    deals = {d.external_id: d for d in session.scalars(select(Deal))}
    won, lost, open_ = deals["006A1"], deals["006A2"], deals["006A3"]
    assert (won.value, won.currency, won.outcome, won.stage) == (
        120_000,
        "USD",
        Outcome.WON,
        Stage.CLOSED,
    )
    assert won.close_on == date(2026, 11, 3) and won.closed_at is not None
    assert won.owner_id == cast.seller.id  # matched by email
    assert (lost.name, lost.value, lost.currency) == ("St. Mary's, phase 2", 250_000, "EUR")
    assert lost.loss_reason == "Price, and a\nmissing SSO" and lost.owner_id is None
    assert (open_.outcome, open_.stage, open_.crm_stage) == (
        Outcome.OPEN,
        Stage.PROPOSAL,
        "Proposal/Price Quote",
    )
    assert open_.closed_at is None
    account = session.scalar(select(Account).where(Account.name == "Northwind Traders"))
    assert account is not None and won.account_id == account.id and won.customer == account.name
    session.refresh(won, ["focus"])
    assert sorted(i.title for i in won.focus) == ["GuardianDB", "Pulse"]
    logged = session.scalars(select(AuditEvent).where(AuditEvent.action == "import")).all()
    assert len(logged) == 1 and "3 opportunities were created" in logged[0].note


def test_importing_the_same_file_twice_changes_nothing(
    session: Session, cast: Cast, catalogue: None
) -> None:
    run(session, cast, SALESFORCE)
    versions = dict(session.execute(select(Deal.external_id, Deal.version)).all())
    again = run(session, cast, SALESFORCE)
    assert (again.created, again.updated, again.unchanged, again.accounts_created) == (0, 0, 3, 0)
    assert dict(session.execute(select(Deal.external_id, Deal.version)).all()) == versions
    assert session.scalar(select(func.count()).select_from(Account)) == 3
    # A changed row is an update, and bumps the version so a stale edit in Prism is refused.
    changed = run(
        session, cast, SALESFORCE.replace("45000,Proposal/Price Quote", "47000,Closed Won")
    )
    assert (changed.created, changed.updated, changed.unchanged) == (0, 1, 2)
    deal = session.scalar(select(Deal).where(Deal.external_id == "006A3"))
    assert deal is not None
    assert (deal.value, deal.outcome, deal.version) == (47_000, Outcome.WON, versions["006A3"] + 1)
    assert deal.closed_at is not None


def test_a_hubspot_export_is_recognised_by_its_columns(session: Session, cast: Cast) -> None:
    report = run(session, cast, HUBSPOT)
    assert report.source == "HubSpot deals" and report.created == 2
    pilot = session.scalar(select(Deal).where(Deal.external_id == "9001"))
    assert pilot is not None
    assert (pilot.stage, pilot.value, pilot.customer) == (Stage.DISCOVERY, 12_500, "Globex")


BROKEN = (
    "Opportunity ID,Opportunity Name,Account Name,Amount,Stage,Close Date,Competitors\n"
    "1,Good one,Acme,1000,Prospecting,2026-01-05,\n"
    "2,Bad amount,Bad Co,lots,Prospecting,2026-01-05,\n"
    "3,Bad stage,Acme,1000,Maybe later,2026-01-05,\n"
    "4,Bad date,Acme,1000,Prospecting,31/31/2026,\n"
    "1,Twice,Acme,1000,Prospecting,2026-01-05,\n"
    ",No id,Acme,1000,Prospecting,2026-01-05,\n"
    "7,Unknown rival,Acme,1000,Prospecting,2026-01-05,Nobody Inc\n"
    "8,Good two,Acme,2000,Closed Won,2026-01-06,\n"
)


def test_every_bad_row_is_reported_by_line_and_nothing_is_written(
    session: Session, cast: Cast
) -> None:
    with pytest.raises(Invalid) as refused:
        run(session, cast, BROKEN)
    errors = {(e["field"], e["column"]) for e in refused.value.errors}
    assert errors == {
        ("line 3", "Amount"),
        ("line 4", "Stage"),
        ("line 5", "Close Date"),
        ("line 6", "Opportunity ID"),
        ("line 7", "Opportunity ID"),
        ("line 8", "Competitors"),
    }
    messages = " ".join(str(e["message"]) for e in refused.value.errors)
    assert "'lots' is not an amount" in messages and "also on line 2" in messages
    assert "no competitor 'Nobody Inc'" in messages
    assert session.scalar(select(func.count()).select_from(Deal)) == 0
    assert session.scalar(select(func.count()).select_from(Account)) == 0


def test_skipping_bad_rows_writes_the_good_ones_with_the_report(
    session: Session, cast: Cast
) -> None:
    report = run(session, cast, BROKEN, on_error=OnError.SKIP)
    assert report.created == 2 and len({p.line for p in report.problems}) == 6
    assert (
        "2 opportunities were created" in report.summary
        and "6 rows with problems" in report.summary
    )
    assert sorted(str(k) for k in session.scalars(select(Deal.external_id))) == ["1", "8"]
    # Only the good rows' accounts are made (a bad row's account is not).
    assert report.accounts_created == 1


def test_a_dry_run_reports_and_writes_nothing(session: Session, cast: Cast) -> None:
    report = run(session, cast, HUBSPOT, dry_run=True)
    assert report.created == 2 and "would be created" in report.summary
    assert session.scalar(select(func.count()).select_from(Deal)) == 0
    assert session.scalar(select(func.count()).select_from(Account)) == 0


def test_an_unknown_export_asks_for_a_mapping_and_a_saved_one_reads_it(
    session: Session, cast: Cast
) -> None:
    odd = "Deal Ref;Title;Client;Value;Phase;Due\n"  # not comma-separated: one column
    with pytest.raises(Invalid, match="does not know this export's columns"):
        run(session, cast, odd)
    export = "Ref,Title,Client,Value,Phase,Due\nX-1,Big one,Umbrella,9.500,negotiation,03/02/2026\n"
    with pytest.raises(Invalid, match="required field: stage"):
        service.save_mapping(
            session,
            cast.editor,
            MappingIn(
                name="Pipedrive",
                target=Target.OPPORTUNITIES,
                columns={"external_id": "Ref", "name": "Title"},
            ),
        )
    with pytest.raises(Invalid, match="not a field of opportunities"):
        service.save_mapping(
            session,
            cast.editor,
            MappingIn(name="Pipedrive", target=Target.OPPORTUNITIES, columns={"colour": "Ref"}),
        )
    columns = {
        "external_id": "Ref",
        "name": "Title",
        "account": "Client",
        "amount": "Value",
        "stage": "Phase",
        "close_on": "Due",
    }
    mapping = service.save_mapping(
        session,
        cast.editor,
        MappingIn(name="Pipedrive", target=Target.OPPORTUNITIES, columns=columns, day_first=True),
    )
    with pytest.raises(Conflict):
        service.save_mapping(
            session,
            cast.editor,
            MappingIn(name="Pipedrive", target=Target.OPPORTUNITIES, columns=columns),
        )
    report = run(session, cast, export, mapping="pipedrive")
    assert report.source == "mapping 'Pipedrive'" and report.created == 1
    deal = session.scalar(select(Deal).where(Deal.external_id == "X-1"))
    assert deal is not None and deal.close_on == date(2026, 2, 3) and deal.value == 9_500
    with pytest.raises(Invalid, match="No CRM mapping called 'nope'"):
        run(session, cast, export, mapping="nope")
    renamed = service.update_mapping(
        session,
        cast.editor,
        mapping.id,
        MappingUpdate(version=mapping.version, name="Pipedrive EU"),
    )
    with pytest.raises(Conflict):
        service.update_mapping(
            session, cast.editor, mapping.id, MappingUpdate(version=1, day_first=False)
        )
    assert renamed.name == "Pipedrive EU"


ACCOUNTS = (
    "Account ID,Account Name,Industry,Employees,Billing Country,ARR,Renewal Date,Health Score,Reference Status\n"
    '001X,Northwind Traders,Healthcare,"1,200",Germany,"$80,000",2027-03-01,72,active\n'
    "001Y,Globex,Retail,40,United States,0,,,\n"
)


def test_accounts_import_adopts_the_account_a_deal_import_made(
    session: Session, cast: Cast
) -> None:
    session.add(Facet(dimension=Dimension.INDUSTRY, name="Healthcare", uid="industry-healthcare"))
    session.flush()
    run(session, cast, HUBSPOT)  # makes Globex, by name only
    with pytest.raises(Invalid) as refused:
        run(session, cast, ACCOUNTS)
    assert refused.value.errors[0]["field"] == "line 3" and "no industry 'Retail'" in str(
        refused.value.errors[0]["message"]
    )
    report = run(session, cast, ACCOUNTS.replace("Retail", ""))
    assert report.source == "Salesforce accounts"
    assert (report.created, report.updated) == (1, 1)
    northwind = session.scalar(select(Account).where(Account.external_id == "001X"))
    assert northwind is not None
    assert (northwind.employees, northwind.region, northwind.arr, northwind.health) == (
        1200,
        "Germany",
        80_000,
        72,
    )
    assert northwind.reference is Reference.ACTIVE and northwind.industry_id is not None
    globex = session.scalar(select(Account).where(Account.name == "Globex"))
    assert globex is not None and globex.external_id == "001Y"
    assert session.scalar(select(func.count()).select_from(Account)) == 3  # Initech, and these two
    assert run(session, cast, ACCOUNTS.replace("Retail", "")).unchanged == 2


def test_a_deal_closes_by_the_same_rule_as_a_seller_closing_it(
    session: Session, cast: Cast
) -> None:
    # Closed with a day: at noon that day. Closed without one: the import's clock, not the
    # wall clock, and a later import keeps that moment.
    then = datetime(2026, 6, 1, 9, 30, tzinfo=UTC)
    records: list[dict[str, object]] = [
        {"external_id": "D-1", "name": "Dated", "stage": "Closed Won", "close_on": "2026-05-20"},
        {"external_id": "D-2", "name": "Undated", "stage": "Closed Lost"},
    ]
    service.upsert(session, cast.editor, Target.OPPORTUNITIES, records, currency="USD", now=then)
    deals = {d.external_id: d for d in session.scalars(select(Deal))}
    assert deals["D-1"].closed_at == datetime(2026, 5, 20, 12, tzinfo=UTC)
    assert deals["D-2"].closed_at == then and deals["D-2"].stage is Stage.CLOSED
    records[1]["amount"] = 900
    later = then + timedelta(days=3)
    service.upsert(session, cast.editor, Target.OPPORTUNITIES, records, currency="USD", now=later)
    session.expire_all()
    deal = session.scalar(select(Deal).where(Deal.external_id == "D-2"))
    assert deal is not None and (deal.value, deal.closed_at, deal.version) == (900, then, 2)
    assert deal.updated_at == later


def test_live_sync_upserts_records_by_crm_id(session: Session, cast: Cast, catalogue: None) -> None:
    records = [
        {
            "external_id": "S-1",
            "name": "Synced",
            "stage": "Closed Won",
            "amount": 5000,
            "account": "Hooli",
            "close_on": "2026-11-01",
            "products": ["Pulse"],
        },
    ]
    report = service.upsert(
        session, cast.editor, Target.OPPORTUNITIES, records, currency="USD", now=utcnow()
    )
    assert (report.created, report.accounts_created) == (1, 1)
    records[0]["amount"] = 6000
    again = service.upsert(
        session, cast.editor, Target.OPPORTUNITIES, records, currency="USD", now=utcnow()
    )
    assert again.updated == 1
    with pytest.raises(Invalid, match="Record 1: colour is not a field"):
        service.upsert(
            session,
            cast.editor,
            Target.OPPORTUNITIES,
            [{"colour": "red"}],
            currency="USD",
            now=utcnow(),
        )
    with pytest.raises(Invalid) as refused:
        service.upsert(
            session,
            cast.editor,
            Target.OPPORTUNITIES,
            [{"external_id": "S-2", "name": "x", "stage": "?"}],
            currency="USD",
            now=utcnow(),
        )
    assert refused.value.errors[0]["field"] == "record 1"


@pytest.mark.parametrize("who", ["seller", "csm", "pm"])
def test_only_editors_and_admins_import(session: Session, cast: Cast, who: str) -> None:
    with pytest.raises(Forbidden):
        service.import_csv(
            session, getattr(cast, who), HUBSPOT.encode(), currency="USD", now=utcnow()
        )
    with pytest.raises(Forbidden):
        service.upsert(
            session,
            getattr(cast, who),
            Target.ACCOUNTS,
            [{"external_id": "1"}],
            currency="USD",
            now=utcnow(),
        )
    assert (
        service.import_csv(
            session, cast.admin, HUBSPOT.encode(), currency="USD", now=utcnow()
        ).created
        == 2
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("$1,234.50", (1235, "USD")),
        ("EUR 1.234,50", (1235, "EUR")),
        ("1 200", (1200, None)),
        ("9.500", (9500, None)),
        ("12.50", (13, None)),
        ("£12,5", (13, "GBP")),
        ("250000.00 USD", (250_000, "USD")),
    ],
)
def test_amounts_are_read_as_exports_write_them(
    text: str, expected: tuple[int, str | None]
) -> None:
    assert parse_amount(text) == expected


@pytest.mark.parametrize("text", ["lots", "-5", "1e400"])
def test_what_is_not_an_amount_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="is not an amount"):
        parse_amount(text)
