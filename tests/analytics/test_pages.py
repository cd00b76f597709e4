"""The pages: dashboards for everyone (filtered, a bad filter said plainly), the CRM import page
for those who manage accounts (a broken export refused with each line, or its good rows kept),
accounts with their fit and the profile, seed customers on a launch."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from prism.accounts.models import Account
from prism.crm.models import CrmMapping
from prism.deals.models import Deal
from tests.analytics.conftest import Pipeline
from tests.conftest import Cast
from tests.crm.test_api import BROKEN
from tests.feedback.factories import make_account
from tests.knowledge.factories import make_item
from tests.launches.factories import make_launch
from tests.web.test_pages import csrf_from, sign_in


def test_a_viewer_reads_the_dashboards_and_filters_them(
    client: TestClient, cast: Cast, pipeline: Pipeline
) -> None:
    sign_in(client, cast.pm.email)
    page = client.get("/analytics")
    assert page.status_code == 200
    html = page.text
    for section in ("influence", "battlecards", "content-health", "by-competitor", "readiness"):
        assert f'data-testid="{section}"' in html
    assert "Big Bank cut onboarding by half" in html and "<svg" in html
    assert "/api/v1/analytics/influence.csv?" in html
    # A leader who leads no team still reads every team's readiness totals.
    assert "<td>Sales</td>" in html
    later = client.get("/analytics?since=2026-10-02&until=").text
    assert "0 closed deals in the period" in later
    deals = client.get(f"/analytics/influence/{pipeline.story.id}?since=")
    assert deals.status_code == 200
    table = deals.text.split('data-testid="asset-deals"')[1]
    assert table.count("<tr>") == 3  # the header, the win and the open deal; not the late loss
    assert "Acme" in table and "won" in table and "lost" not in table
    bad = client.get("/analytics?since=yesterday")
    assert bad.status_code == 422 and "Give dates as YYYY-MM-DD." in bad.text
    backwards = client.get("/analytics?since=2026-10-02&until=2026-01-01")
    assert backwards.status_code == 422 and "ends before it starts" in backwards.text


def test_signed_out_people_are_sent_to_sign_in(client: TestClient) -> None:
    for path in ("/analytics", "/accounts", "/crm/import"):
        answer = client.get(path, follow_redirects=False)
        assert answer.status_code in (302, 303) and "/login" in answer.headers["location"]


def test_an_editor_imports_a_broken_export_and_sees_each_line(
    client: TestClient, session: Session, cast: Cast
) -> None:
    make_item(session, "product", title="Pulse")
    make_item(session, "competitor", title="GuardianDB")
    session.commit()
    sign_in(client, cast.editor.email)
    token = csrf_from(client.get("/crm/import").text)
    files = {"file": ("opps.csv", BROKEN.encode(), "text/csv")}
    refused = client.post("/crm/import", data={"csrf_token": token}, files=files)
    assert refused.status_code == 422
    assert 'data-testid="crm-problems"' in refused.text and "line 7" in refused.text
    assert session.scalar(select(func.count()).select_from(Deal)) == 0
    kept = client.post("/crm/import", data={"csrf_token": token, "on_error": "skip"}, files=files)
    assert kept.status_code == 200 and "were created" in kept.text
    assert "Close Date" in kept.text  # the bad row is still listed
    assert session.scalar(select(func.count()).select_from(Deal)) == 3


def test_a_mapping_is_saved_and_deleted_from_the_page(
    client: TestClient, session: Session, cast: Cast
) -> None:
    sign_in(client, cast.editor.email)
    token = csrf_from(client.get("/crm/import").text)
    form = {
        "csrf_token": token,
        "name": "Pipedrive",
        "target": "opportunities",
        "column_opportunities_external_id": "Deal ID",
        "column_opportunities_name": "Title",
        "column_opportunities_stage": "Stage",
        "column_accounts_name": "ignored: another target",
    }
    saved = client.post("/crm/mappings", data=form, follow_redirects=False)
    assert saved.status_code == 303
    mapping = session.scalars(select(CrmMapping)).one()
    assert mapping.columns == {"external_id": "Deal ID", "name": "Title", "stage": "Stage"}
    missing = client.post(
        "/crm/mappings", data={**form, "name": "Half", "column_opportunities_stage": ""}
    )
    assert missing.status_code == 422 and "stage" in missing.text.lower()
    client.post(f"/crm/mappings/{mapping.id}/delete", data={"csrf_token": token})
    assert session.scalars(select(CrmMapping)).all() == []


def test_a_seller_may_not_open_the_crm_import(client: TestClient, cast: Cast) -> None:
    sign_in(client, cast.seller.email)
    assert client.get("/crm/import").status_code == 403
    token = csrf_from(client.get("/accounts").text)
    files = {"file": ("opps.csv", BROKEN.encode(), "text/csv")}
    assert client.post("/crm/import", data={"csrf_token": token}, files=files).status_code == 403


def test_accounts_show_their_fit_and_editors_change_the_profile(
    client: TestClient, session: Session, cast: Cast
) -> None:
    account = make_account(session, "Hooli", region="EMEA", employees=900, health=80, arr=10)
    session.commit()
    sign_in(client, cast.pm.email)
    page = client.get("/accounts").text
    assert "Hooli" in page and "Save the profile" not in page  # a viewer reads the profile
    sign_in(client, cast.editor.email)
    token = csrf_from(client.get("/accounts").text)
    saved = client.post(
        "/accounts/profile",
        data={"csrf_token": token, "version": "0", "regions": "EMEA, APAC", "signals": "healthy"},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    one = client.get(f"/accounts/{account.id}").text
    assert "Fit to the profile: 100 of 100" in one and "Region EMEA is in the profile" in one
    stale = client.post(
        "/accounts/profile", data={"csrf_token": token, "version": "0", "regions": "NA"}
    )
    assert stale.status_code == 409 and "reload" in stale.text
    changed = client.post(
        f"/accounts/{account.id}",
        data={"csrf_token": token, "version": str(account.version), "reference": "declined",
              "region": "APAC", "segment": "SMB"},
    )  # fmt: skip
    assert changed.status_code == 200
    session.expire_all()
    assert session.get_one(Account, account.id).reference.value == "declined"


def test_a_launch_proposes_seed_customers_to_those_who_run_it(
    client: TestClient, session: Session, cast: Cast
) -> None:
    make_account(session, "Hooli", region="EMEA", health=80, arr=10)
    launch = make_launch(session)
    session.commit()
    sign_in(client, cast.editor.email)
    token = csrf_from(client.get("/accounts").text)
    client.post("/accounts/profile", data={"csrf_token": token, "version": "0", "regions": "EMEA"})
    page = client.get(f"/launches/{launch.id}").text
    assert 'data-testid="seed-customers"' in page and "Hooli" in page
    sign_in(client, cast.pm.email)
    assert 'data-testid="seed-customers"' not in client.get(f"/launches/{launch.id}").text
