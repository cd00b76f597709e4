"""The ideal customer profile: a fit score with its reasons, seed customers for a beta and
reference candidates for stories, each role as the matrix says."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from prism.accounts import icp
from prism.accounts.models import Account, Reference
from prism.accounts.schemas import AccountUpdate, IdealProfileSave, Signal
from prism.auth.policy import SYSTEM
from prism.deals.models import Outcome
from prism.errors import Conflict, Forbidden, Invalid
from prism.knowledge.models import Dimension, Facet
from prism.launches.models import BetaCustomer
from tests.conftest import Cast, bearer
from tests.feedback.factories import make_account, make_deal
from tests.knowledge.factories import make_item
from tests.launches.factories import make_launch

TODAY = date(2026, 12, 1)


@pytest.fixture
def market(session: Session) -> dict[str, Account]:
    banking = Facet(dimension=Dimension.INDUSTRY, name="Banking", uid="industry-banking")
    retail = Facet(dimension=Dimension.INDUSTRY, name="Retail", uid="industry-retail")
    session.add_all([banking, retail])
    session.flush()
    pulse = make_item(session, "product", title="Pulse")
    accounts = {
        "bank": make_account(
            session, "Northwind Bank", industry_id=banking.id, employees=2_000, region="EMEA",
            segment="Enterprise", health=85, arr=200_000,
        ),
        "shop": make_account(
            session, "Corner Shop", industry_id=retail.id, employees=12, region="NA",
            segment="SMB", health=90, arr=5_000,
        ),
        "shaky": make_account(
            session, "Shaky Bank", industry_id=banking.id, employees=3_000, region="EMEA",
            segment="Enterprise", health=30, arr=150_000,
        ),
    }  # fmt: skip
    won = make_deal(session, "Northwind Bank", outcome=Outcome.WON, focus=[pulse.id])
    won.account_id, won.close_on = accounts["bank"].id, date(2026, 6, 1)
    session.flush()
    icp.save_profile(
        session,
        SYSTEM,
        IdealProfileSave(
            version=0,
            industries=[banking.id],
            employees_min=500,
            employees_max=10_000,
            regions=["EMEA"],
            products=[pulse.id],
            signals=[Signal.HEALTHY, Signal.RECENT_WIN],
        ),
    )
    session.commit()
    return accounts


def test_each_account_gets_a_score_with_its_reasons(
    session: Session, cast: Cast, market: dict[str, Account]
) -> None:
    found = icp.fits(session, cast.pm, today=TODAY)
    assert [f.account.name for f in found] == ["Northwind Bank", "Shaky Bank", "Corner Shop"]
    best = found[0]
    assert best.score == 100 and all(r.matched for r in best.reasons)
    shaky = found[1]
    # Industry 3 + size 2 + region 1 of 3 + 2 + 1 + 2 (product) + 1 + 1 (signals).
    assert shaky.score == round(100 * 6 / 10)
    missed = {r.text for r in shaky.reasons if not r.matched}
    assert missed == {
        "No deal for the profile's products",
        "Health 30 is below 70",
        "No deal won in the last year",
    }
    shop = found[2]
    assert "Industry Retail is not one of Banking" in {r.text for r in shop.reasons}
    assert "12 employees is outside 500 to 10,000" in {r.text for r in shop.reasons}


def test_seed_customers_leave_out_the_beta_and_the_unhealthy(
    session: Session, cast: Cast, market: dict[str, Account]
) -> None:
    launch = make_launch(session)
    seeds = icp.seed_customers(session, cast.editor, launch, today=TODAY)
    assert [f.account.name for f in seeds] == ["Northwind Bank", "Corner Shop"]
    session.add(BetaCustomer(launch_id=launch.id, account_id=market["bank"].id, contact="Ann"))
    session.flush()
    seeds = icp.seed_customers(session, cast.editor, launch, today=TODAY)
    assert [f.account.name for f in seeds] == ["Corner Shop"]


def test_reference_candidates_are_healthy_paying_customers_not_yet_declined(
    session: Session, cast: Cast, market: dict[str, Account]
) -> None:
    names = [f.account.name for f in icp.reference_candidates(session, cast.pm, today=TODAY)]
    assert names == ["Northwind Bank", "Corner Shop"]
    bank = market["bank"]
    icp.update_account(
        session,
        cast.editor,
        bank.id,
        AccountUpdate(version=bank.version, reference=Reference.DECLINED),
    )
    names = [f.account.name for f in icp.reference_candidates(session, cast.pm, today=TODAY)]
    assert names == ["Corner Shop"]


def test_a_profile_written_meanwhile_or_naming_nothing_real_is_refused(
    session: Session, cast: Cast, market: dict[str, Account]
) -> None:
    with pytest.raises(Conflict):
        icp.save_profile(session, cast.editor, IdealProfileSave(version=0, regions=["NA"]))
    _, version = icp.profile(session, cast.editor)
    with pytest.raises(Invalid, match="No product"):
        icp.save_profile(
            session, cast.editor, IdealProfileSave(version=version, products=[999_999])
        )
    with pytest.raises(Forbidden):
        icp.save_profile(session, cast.seller, IdealProfileSave(version=version))
    with pytest.raises(Conflict):
        icp.update_account(session, cast.editor, market["shop"].id, AccountUpdate(version=99))


@pytest.mark.parametrize("who", ["admin", "editor", "seller", "csm", "pm", "outsider"])
def test_roles_read_and_change_the_profile_as_the_matrix_says(
    client: TestClient, session: Session, cast: Cast, market: dict[str, Account], who: str
) -> None:
    headers = (
        {"Authorization": "Bearer prism_nope"}
        if who == "outsider"
        else bearer(session, cast.all()[who])
    )
    read = client.get("/api/v1/ideal-customer-profile", headers=headers)
    assert read.status_code == (401 if who == "outsider" else 200)
    fits = client.get("/api/v1/ideal-customer-profile/fits", headers=headers)
    assert fits.status_code == read.status_code
    if who == "outsider":
        return
    profile = read.json()
    written = client.put(
        "/api/v1/ideal-customer-profile", json={**profile, "regions": ["NA"]}, headers=headers
    )
    assert written.status_code == (200 if who in ("admin", "editor") else 403)
    account = fits.json()["items"][0]["account"]
    changed = client.patch(
        f"/api/v1/accounts/{account['id']}",
        json={"version": account["version"], "reference": "candidate"},
        headers=headers,
    )
    assert changed.status_code == (200 if who in ("admin", "editor") else 403)
    one = client.get(f"/api/v1/accounts/{account['id']}", headers=headers).json()
    assert one["score"] >= 0 and one["reasons"]
    backwards = client.put(
        "/api/v1/ideal-customer-profile",
        json={**profile, "employees_min": 50, "employees_max": 5},
        headers=headers,
    )
    assert backwards.status_code == 422


def test_a_customer_known_by_a_won_deal_only_is_a_reference_candidate(
    session: Session, cast: Cast, market: dict[str, Account]
) -> None:
    won_only = make_account(session, "Fresh Win", health=90)  # no ARR: the CRM import made it
    prospect = make_account(session, "Still Looking", health=90)
    deal = make_deal(session, "Fresh Win", outcome=Outcome.WON)
    deal.account_id = won_only.id
    session.flush()
    names = {f.account.name for f in icp.reference_candidates(session, cast.pm, today=TODAY)}
    assert won_only.name in names and prospect.name not in names


def test_the_accounts_page_finds_and_pages_every_account(
    client: TestClient, session: Session, cast: Cast
) -> None:
    for n in range(55):
        make_account(session, f"Acme {n:02d}")
    make_account(session, "Northwind")
    session.commit()
    headers = bearer(session, cast.seller)
    first = client.get("/accounts", params={"q": "acme"}, headers=headers).text
    fits = first.split('data-testid="account-fits"')[1].split("</section>")[0]
    assert "50 shown of 55" in fits and "Northwind" not in fits
    link = fits.split('href="?cursor=', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    assert link.endswith("&q=acme")
    rest = client.get(f"/accounts?cursor={link}", headers=headers).text
    assert "5 shown of 55" in rest.split('data-testid="account-fits"')[1]
    none = client.get("/accounts", params={"q": "zzz"}, headers=headers).text
    assert "No account's name holds" in none
