"""The CRM API: upload an export (rejected whole with every bad line, or its good rows), live
sync, mappings and fields, each role as the matrix says."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from prism.deals.models import Deal
from tests.conftest import Cast, bearer
from tests.crm.test_service import HUBSPOT, SALESFORCE
from tests.knowledge.factories import make_item

BROKEN = SALESFORCE + "006A4,Broken deal,Acme,lots,Closed Won,someday,,,,\r\n"
MANAGING = {"admin", "editor"}


def expected(who: str, allowed: set[str], ok: int = 200) -> int:
    return ok if who in allowed else 401 if who == "outsider" else 403


def upload(client: TestClient, headers: dict[str, str], text: str, **form: str):  # type: ignore[no-untyped-def]
    files = {"file": ("export.csv", text.encode(), "text/csv")}
    return client.post("/api/v1/crm/import", files=files, data=form, headers=headers)


@pytest.fixture
def catalogue(session: Session) -> None:
    make_item(session, "product", title="Pulse")
    make_item(session, "competitor", title="GuardianDB")
    session.commit()


def test_a_broken_export_is_refused_whole_with_each_bad_line(
    client: TestClient, session: Session, cast: Cast, catalogue: None
) -> None:
    headers = bearer(session, cast.editor)
    refused = upload(client, headers, BROKEN)
    assert refused.status_code == 422
    errors = refused.json()["errors"]
    assert {(e["field"], e["column"]) for e in errors} == {
        ("line 7", "Amount"),
        ("line 7", "Close Date"),
    }
    assert session.scalar(select(func.count()).select_from(Deal)) == 0
    kept = upload(client, headers, BROKEN, on_error="skip")
    assert kept.status_code == 200, kept.text
    report = kept.json()
    assert (report["created"], report["source"]) == (3, "Salesforce opportunities")
    assert [p["line"] for p in report["problems"]] == [7, 7]
    again = upload(client, headers, BROKEN, on_error="skip").json()
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 3)


def test_a_dry_run_reports_and_writes_nothing(
    client: TestClient, session: Session, cast: Cast, catalogue: None
) -> None:
    report = upload(client, bearer(session, cast.admin), HUBSPOT, dry_run="true").json()
    assert report["dry_run"] and report["created"] == 2 and "would be created" in report["summary"]
    assert session.scalar(select(func.count()).select_from(Deal)) == 0


def test_an_unknown_export_names_its_columns_and_a_mapping_reads_it(
    client: TestClient, session: Session, cast: Cast
) -> None:
    headers = bearer(session, cast.editor)
    text = "Ref,Title,Phase,Value\nX-1,Umbrella,Closed Won,900\n"
    unknown = upload(client, headers, text)
    assert unknown.status_code == 422 and "Ref, Title, Phase, Value" in unknown.text
    fields = client.get("/api/v1/crm/fields/opportunities", headers=headers).json()["items"]
    assert {"name": "external_id", "label": "CRM id", "required": True} in fields
    mapping = {
        "name": "Legacy CRM",
        "target": "opportunities",
        "columns": {"external_id": "Ref", "name": "Title", "stage": "Phase", "amount": "Value"},
    }
    made = client.post("/api/v1/crm/mappings", json=mapping, headers=headers)
    assert made.status_code == 201
    report = upload(client, headers, text, mapping="Legacy CRM").json()
    assert report["created"] == 1 and report["source"] == "mapping 'Legacy CRM'"
    deal = client.get("/api/v1/deals", headers=headers).json()["items"][0]
    assert (deal["external_id"], deal["value"], deal["outcome"]) == ("X-1", 900, "won")
    bad = {**mapping, "name": "Other", "columns": {"amount": "Value"}}
    assert client.post("/api/v1/crm/mappings", json=bad, headers=headers).status_code == 422
    renamed = client.patch(
        f"/api/v1/crm/mappings/{made.json()['id']}",
        json={"version": made.json()["version"], "name": "Old CRM"},
        headers=headers,
    )
    assert renamed.status_code == 200 and renamed.json()["name"] == "Old CRM"
    stale = client.patch(
        f"/api/v1/crm/mappings/{made.json()['id']}",
        json={"version": made.json()["version"], "name": "Stale"},
        headers=headers,
    )
    assert stale.status_code == 409


def test_live_sync_upserts_by_crm_id(
    client: TestClient, session: Session, cast: Cast, catalogue: None
) -> None:
    headers = bearer(session, cast.editor)
    record = {"external_id": "sf-1", "name": "Hooli", "stage": "Negotiation/Review", "amount": 5}
    first = client.post(
        "/api/v1/crm/opportunities/upsert", json={"records": [record]}, headers=headers
    )
    assert first.status_code == 200 and first.json()["created"] == 1
    moved = {**record, "stage": "Closed Won"}
    second = client.post(
        "/api/v1/crm/opportunities/upsert", json={"records": [moved]}, headers=headers
    ).json()
    assert (second["created"], second["updated"]) == (0, 1)
    unknown = client.post(
        "/api/v1/crm/opportunities/upsert",
        json={"records": [{**record, "colour": "red"}]},
        headers=headers,
    )
    assert unknown.status_code == 422 and "colour is not a field" in unknown.text
    too_many = client.post(
        "/api/v1/crm/accounts/upsert", json={"records": [record] * 1001}, headers=headers
    )
    assert too_many.status_code == 422


@pytest.mark.parametrize("who", ["admin", "editor", "seller", "csm", "pm", "outsider"])
def test_roles_import_sync_and_map_as_the_matrix_says(
    client: TestClient, session: Session, cast: Cast, catalogue: None, who: str
) -> None:
    if who == "outsider":
        headers = {"Authorization": "Bearer prism_nope"}
    else:
        headers = bearer(session, cast.all()[who])
    record = {"external_id": f"sync-{who}", "name": "Hooli", "stage": "Prospecting"}
    mapping = {
        "name": f"Map {who}",
        "target": "accounts",
        "columns": {"external_id": "Id", "name": "Company"},
    }
    assert upload(client, headers, HUBSPOT).status_code == expected(who, MANAGING)
    synced = client.post(
        "/api/v1/crm/opportunities/upsert", json={"records": [record]}, headers=headers
    )
    assert synced.status_code == expected(who, MANAGING)
    made = client.post("/api/v1/crm/mappings", json=mapping, headers=headers)
    assert made.status_code == expected(who, MANAGING, 201)
    readers = MANAGING | {"seller", "csm", "pm"}
    listed = client.get("/api/v1/crm/mappings", headers=headers)
    assert listed.status_code == expected(who, readers)
    if made.status_code == 201:
        gone = client.delete(f"/api/v1/crm/mappings/{made.json()['id']}", headers=headers)
        assert gone.status_code == 204
