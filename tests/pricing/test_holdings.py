"""What accounts hold, imported from CRM line items, and the whitespace and upsell it opens:
every export shape, idempotence, bad rows, who may do what, and figures equal to a recount."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from prism.accounts.models import Account
from prism.auth.policy import SYSTEM
from prism.errors import Forbidden, Invalid
from prism.feedback.models import FeedbackItem, Kind
from prism.pricing import holdings
from prism.pricing.models import Holding
from tests.conftest import ROLES, Cast, bearer
from tests.pricing.factories import make_line
from tests.pricing.generated import generate, recount
from tests.web.test_pages import csrf_from, sign_in

CSV = b"""account,product,edition,quantity,renewal_date
Acme,Vault,Business,1,2027-03-31
Acme,Vault,Extra storage,"2,000",2027-03-31
Globex,Vault,Team,5,
"""
SALESFORCE = b"""Opportunity ID,Opportunity Name,Account Name,Product Name,Quantity,Contract End Date
006A,Acme renewal,Acme,Vault Business,1,03/31/2027
006B,Acme storage,Acme,Vault Extra storage,1500,03/31/2027
006C,Acme storage top-up,Acme,Vault Extra storage,500,03/31/2027
006D,Globex new,Globex,Vault Team,5,
"""
HUBSPOT = b"""Record ID,Name,Associated Company,Quantity,Renewal Date
1,Business,Acme,1,2027-03-31
2,Extra storage,Acme,2000,2027-03-31
3,Team,Globex,5,
"""


def accounts(session: Session) -> dict[str, Account]:
    made = {
        name: Account(name=name, arr=arr) for name, arr in (("Acme", 300_000), ("Globex", 90_000))
    }
    session.add_all(made.values())
    session.flush()
    return made


def held(session: Session) -> set[tuple[str, str, int]]:
    rows = session.execute(select(Holding.account_id, Holding.package_id, Holding.quantity))
    names = {a.id: a.name for a in session.scalars(select(Account))}
    from prism.knowledge.models import Item

    titles = {i.id: i.title for i in session.scalars(select(Item))}
    return {(names[a], titles[p], q) for a, p, q in rows}


@pytest.mark.parametrize(
    ("raw", "source"),
    [
        (CSV, "CSV"),
        (SALESFORCE, "Salesforce opportunity line items"),
        (HUBSPOT, "HubSpot line items"),
    ],
)
def test_line_items_from_any_export_become_holdings_once(
    session: Session, raw: bytes, source: str
) -> None:
    make_line(session)
    accounts(session)
    first = holdings.import_csv(session, SYSTEM, raw)
    assert (first.source, first.created) == (source, 3)
    assert held(session) == {("Acme", "Business", 1), ("Acme", "Extra storage", 2000),
                             ("Globex", "Team", 5)}  # fmt: skip
    again = holdings.import_csv(session, SYSTEM, raw)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    grown = raw.replace(b",5,", b",8,")
    assert holdings.import_csv(session, SYSTEM, grown, dry_run=True).updated == 1
    assert ("Globex", "Team", 5) in held(session)
    assert holdings.import_csv(session, SYSTEM, grown).updated == 1
    assert ("Globex", "Team", 8) in held(session)


def test_a_bad_row_imports_nothing_and_says_where(session: Session) -> None:
    make_line(session)
    accounts(session)
    bad = (
        CSV
        + b"Initech,Vault,Team,1,\nAcme,Vault,Platinum,1,\nAcme,Vault,Team,-3,\nAcme,Vault,Team,1,soon\n"
    )
    with pytest.raises(Invalid) as refused:
        holdings.import_csv(session, SYSTEM, bad)
    where = [(e["field"], e["column"]) for e in refused.value.errors]
    assert where == [("line 5", "account"), ("line 6", "package"), ("line 7", "quantity"),
                     ("line 8", "renewal_date")]  # fmt: skip
    assert held(session) == set()
    with pytest.raises(Invalid, match="a column for the account"):
        holdings.import_csv(session, SYSTEM, b"customer,sku\nAcme,Team\n")


@pytest.mark.parametrize("who", ROLES)
def test_only_those_who_manage_accounts_import_what_they_hold(
    session: Session, cast: Cast, who: str
) -> None:
    make_line(session)
    accounts(session)
    actor = getattr(cast, who)
    if who in ("admin", "editor"):
        assert holdings.import_csv(session, actor, CSV).created == 3
    else:
        with pytest.raises(Forbidden):
            holdings.import_csv(session, actor, CSV)
    assert holdings.whitespace(session, actor).products  # everyone reads accounts


def test_the_upsell_names_accounts_asking_for_what_a_higher_edition_has(session: Session) -> None:
    line = make_line(session)
    made = accounts(session)
    holdings.import_csv(session, SYSTEM, CSV)
    for account, feature in (("Globex", line.audit), ("Globex", line.sso), ("Acme", line.api)):
        session.add(FeedbackItem(text=f"Needs {feature.title}", kind=Kind.FEATURE_REQUEST,
                                 account_id=made[account].id, feature_id=feature.id,
                                 vector=b"\0"))  # fmt: skip
    # Said in words rather than filed against the feature: found by its name.
    session.add(FeedbackItem(text="They keep asking for an audit log export", account_id=made["Acme"].id,
                             kind=Kind.FEATURE_REQUEST, vector=b"\0"))  # fmt: skip
    session.flush()
    found = holdings.upsell(session, SYSTEM)
    assert [(o.to.title, o.feature.title, [a.name for a, _h, _r in o.accounts]) for o in found.opportunities] == [
        ("Business", "Audit log", ["Globex"])
    ]  # fmt: skip
    assert holdings.said(found.opportunities[0]) == (
        "1 account, 90k ARR, asks for Audit log, which Business includes"
    )
    assert [f.title for f, _asked in found.unpackaged] == ["SSO"]
    assert {(a.name, r.text) for a, _e, r in found.already_have} == {
        ("Acme", "Needs API"),
        ("Acme", "They keep asking for an audit log export"),
    }


def test_whitespace_and_upsell_equal_a_plain_recount(session: Session) -> None:
    made = generate(session, 400)
    counted = recount(made)
    space = holdings.whitespace(session, SYSTEM)
    mine = {key: (c.accounts, c.arr) for key, c in space.cells.items()
            if key[0] in {line.product.id for line in made.lines}}  # fmt: skip
    assert mine == counted.whitespace
    found = holdings.upsell(session, SYSTEM)
    assert {(o.to.id, o.feature.id): {a.id for a, _h, _r in o.accounts}
            for o in found.opportunities} == counted.upsell  # fmt: skip
    assert len(counted.upsell) > 5 and sum(n for n, _arr in counted.whitespace.values()) > 300


@pytest.mark.parametrize("who", ROLES)
def test_the_upsell_api_and_page_for_every_role(
    client: TestClient, session: Session, cast: Cast, who: str
) -> None:
    line = make_line(session)
    made = accounts(session)
    holdings.import_csv(session, SYSTEM, CSV)
    session.add(FeedbackItem(text="Needs audit", kind=Kind.FEATURE_REQUEST, vector=b"\0",
                             account_id=made["Globex"].id, feature_id=line.audit.id))  # fmt: skip
    session.commit()
    headers = bearer(session, getattr(cast, who))
    upsell = client.get("/api/v1/pricing/upsell", headers=headers)
    assert upsell.status_code == 200
    assert upsell.json()["opportunities"][0]["summary"].startswith("1 account, 90k ARR")
    space = client.get("/api/v1/pricing/whitespace", headers=headers).json()["items"]
    assert {(c["product"]["title"], (c["edition"] or {}).get("title"), c["accounts"]) for c in space} == {
        ("Vault", "Team", 1), ("Vault", "Business", 1)
    }  # fmt: skip
    mine = client.get(f"/api/v1/pricing/accounts/{made['Acme'].id}/holdings", headers=headers)
    assert [h["package"]["title"] for h in mine.json()["items"]] == ["Business", "Extra storage"]
    imported = client.post("/api/v1/pricing/holdings/import", files={"file": ("h.csv", CSV)},
                           headers=headers)  # fmt: skip
    assert imported.status_code == (200 if who in ("admin", "editor") else 403)
    sign_in(client, getattr(cast, who).email)
    page = client.get("/pricing/upsell")
    assert page.status_code == 200 and "asks for Audit log, which Business includes" in page.text
    assert ("Import what accounts hold" in page.text) == (who in ("admin", "editor"))
    if who == "editor":
        token = csrf_from(page.text)
        bad = client.post("/pricing/upsell/holdings", data={"csrf_token": token},
                          files={"file": ("h.csv", b"account,edition\nNobody,Team\n")})  # fmt: skip
        assert bad.status_code == 422 and "no account" in bad.text
