"""Feedback from CSV exports on SQLite and PostgreSQL: mapped columns, every bad row reported
with its line, all-or-nothing or the good rows (the user's choice), re-imports that add nothing,
and files as people have them (BOM, quoted line breaks, other encodings, date formats)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from prism.audit.service import set_actor
from prism.csvfile import parse_day
from prism.errors import Forbidden, Invalid
from prism.feedback import imports
from prism.feedback.imports import OnError
from prism.feedback.models import FeedbackItem, Kind, Origin
from prism.feedback.schemas import ImportMapping
from tests.conftest import Cast, make_team
from tests.feedback.factories import make_account, make_deal

TODAY = date(2026, 11, 20)
EXPORT = (
    "\ufeffTicket,Comment,Company,Type,Created\r\n"
    'T-1,"Okta SSO, please",Big Bank,feature request,2026-11-02\r\n'
    'T-2,"Price per seat is\nfar too high",Small Shop,pricing,3 Nov 2026\r\n'
    "\r\n"
    "T-3,Nobody heard of this company,Ghost Corp,bug,11/04/2026\r\n"
    "T-4,   ,Big Bank,bug,2026-11-05\r\n"
    "T-5,Replay is great,Big Bank,compliment,2026-11-05\r\n"
    "T-6,From the future,Big Bank,praise,2027-01-01\r\n"
)
MAPPING = ImportMapping(
    text="Comment",
    account_column="Company",
    kind_column="Type",
    said_on_column="Created",
    id_column="Ticket",
)


def count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(FeedbackItem)) or 0


def run(session: Session, actor, raw: bytes, mapping: ImportMapping = MAPPING, **options):  # type: ignore[no-untyped-def]
    return imports.import_csv(session, actor, raw, mapping, today=TODAY, **options)


@pytest.fixture
def accounts(session: Session) -> None:
    make_account(session, "Big Bank", arr=300_000, external_id="0015g00000XyZ")
    make_account(session, "Small Shop", arr=20_000)


@pytest.mark.usefixtures("accounts")
def test_a_bad_row_imports_nothing_and_every_problem_is_reported(
    session: Session, cast: Cast
) -> None:
    set_actor(session, cast.csm)
    with pytest.raises(Invalid, match="4 of 6 rows have problems; nothing was imported") as exc:
        run(session, cast.csm, EXPORT.encode())
    problems = {(e["field"], e["column"], e["message"]) for e in exc.value.errors}
    assert problems == {
        # Lines as the file has them: T-2 spans lines 3 and 4, line 5 is blank.
        ("line 6", "Company", "no account 'Ghost Corp'"),
        ("line 7", "Comment", "has no text"),
        ("line 8", "Type", "unknown kind 'compliment': " + ", ".join(k.label for k in Kind)),
        ("line 9", "Created", "2027-01-01 is in the future"),
    }
    assert count(session) == 0


@pytest.mark.usefixtures("accounts")
def test_the_good_rows_are_imported_when_the_user_says_so(session: Session, cast: Cast) -> None:
    set_actor(session, cast.csm)
    report = run(session, cast.csm, EXPORT.encode(), on_error=OnError.SKIP)
    assert (report.rows, report.imported, len(report.problems)) == (6, 2, 4)
    assert report.summary == "2 of 6 rows imported; 4 with problems."
    items = {i.text: i for i in session.scalars(select(FeedbackItem))}
    sso, price = items["Okta SSO, please"], items["Price per seat is\nfar too high"]
    assert (sso.kind, sso.said_on, sso.origin) == (
        Kind.FEATURE_REQUEST,
        date(2026, 11, 2),
        Origin.CSV,
    )
    assert (price.kind, price.said_on) == (Kind.PRICING, date(2026, 11, 3))
    assert sso.account_id != price.account_id and sso.theme_id is not None
    assert sso.submitter_id == cast.csm.id and sso.external_id == "csv:Ticket:T-1"
    again = run(session, cast.csm, EXPORT.encode(), on_error=OnError.SKIP)
    assert again.imported == 0 and again.duplicates == [2, 3] and count(session) == 2


@pytest.mark.usefixtures("accounts")
def test_a_dry_run_checks_without_writing(session: Session, cast: Cast) -> None:
    set_actor(session, cast.csm)
    report = run(session, cast.csm, EXPORT.encode(), on_error=OnError.SKIP, dry_run=True)
    assert report.imported == 2 and report.summary.startswith("2 of 6 rows would be imported")
    assert count(session) == 0


@pytest.mark.usefixtures("accounts")
def test_rows_without_an_id_column_are_keyed_by_what_they_say(session: Session, cast: Cast) -> None:
    set_actor(session, cast.csm)
    raw = b"text,account\nOkta SSO please,0015g00000XyZ\nOkta SSO please,0015g00000XyZ\nOther,\n"
    mapping = ImportMapping(text="text", account_column="account")
    report = run(session, cast.csm, raw, mapping)
    assert report.imported == 2 and report.duplicates == [3]  # the same row twice in one file
    assert run(session, cast.csm, raw, mapping).imported == 0  # and the whole file again
    big = session.scalar(select(FeedbackItem).where(FeedbackItem.text == "Okta SSO please"))
    assert big is not None and big.account_id is not None  # found by its CRM id


def test_the_file_itself_is_checked_first(session: Session, cast: Cast) -> None:
    set_actor(session, cast.csm)
    mapping = ImportMapping(text="Comment")
    with pytest.raises(Invalid, match=r"No column 'Comment'.*the columns are: text, n"):
        run(session, cast.csm, b"text,n\nhello,1\n", mapping)
    with pytest.raises(Invalid, match=r"not UTF-8 text \(line 2.*cp1252"):
        run(session, cast.csm, "Comment\ncaf\u00e9 au lait\n".encode("cp1252"), mapping)
    with pytest.raises(Invalid, match="empty"):
        run(session, cast.csm, b"", mapping)
    with pytest.raises(Invalid, match="no rows"):
        run(session, cast.csm, b"Comment\n\n\n", mapping)
    with pytest.raises(Invalid, match="one upload takes 2"):
        run(session, cast.csm, b"Comment\na\nb\nc\n", mapping, max_rows=2)
    with pytest.raises(Forbidden):
        run(session, cast.pm, b"Comment\na\n", mapping)
    cp1252 = ImportMapping(text="Comment", encoding="cp1252")
    report = run(session, cast.csm, "Comment\ncaf\u00e9 au lait\n".encode("cp1252"), cp1252)
    assert report.imported == 1
    assert session.scalar(select(FeedbackItem.text)) == "caf\u00e9 au lait"


def test_teams_deals_and_products_are_found_by_name(session: Session, cast: Cast) -> None:
    set_actor(session, cast.csm)
    make_team(session, "Support")
    one = make_deal(session, "Acme", name="Acme renewal")
    make_deal(session, "Acme", name="Twin deal")
    make_deal(session, "Acme", name="twin deal")
    raw = (
        "text,team,deal\n"
        "Renewal at risk over SSO,support,Acme renewal\n"
        f"By number,Support,{one.id}\n"
        "Ambiguous,Support,Twin deal\n"
        "Unknown team,Helpdesk,\n"
    ).encode()
    mapping = ImportMapping(text="text", team_column="team", deal_column="deal")
    report = run(session, cast.csm, raw, mapping, on_error=OnError.SKIP)
    assert report.imported == 2
    assert [(p.line, p.message) for p in report.problems] == [
        (4, "2 deals are called 'Twin deal'; use its id"),
        (5, "no team 'Helpdesk'"),
    ]
    deals = set(session.scalars(select(FeedbackItem.deal_id)))
    assert deals == {one.id}


def test_dates_are_read_as_exports_write_them() -> None:
    assert parse_day("2026-11-03") == date(2026, 11, 3)
    assert parse_day("2026-11-03T10:00:00Z") == date(2026, 11, 3)
    assert parse_day("3 Nov 2026") == parse_day("Nov 3, 2026") == date(2026, 11, 3)
    assert parse_day("03.11.2026") == date(2026, 11, 3)
    assert parse_day("11/03/2026") == date(2026, 11, 3)
    assert parse_day("03/11/2026 14:30", day_first=True) == date(2026, 11, 3)
    with pytest.raises(ValueError, match="not a date"):
        parse_day("yesterday")
