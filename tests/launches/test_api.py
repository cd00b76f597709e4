"""The launches API and pages for every role: who reads, who runs launches, who overrides a
gate and configures tiers, and how bad input is answered."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from prism.audit.models import AuditEvent
from prism.db import utcnow
from tests.conftest import ADMIN_ONLY, ROLES, Cast, bearer
from tests.knowledge.factories import make_item
from tests.launches.factories import POSITIONED, make_launch
from tests.web.test_pages import csrf_from, sign_in

RUNNING = {"admin", "editor"}


def new_launch(product_id: int, **extra: object) -> dict[str, object]:
    date = (utcnow().date() + timedelta(days=40)).isoformat()
    return {"name": "Vault 3", "tier": 1, "target_date": date, "product_id": product_id, **extra}


@pytest.mark.parametrize("who", ROLES)
def test_everyone_reads_launches_only_the_launch_team_runs_them(
    client: TestClient, session: Session, cast: Cast, who: str
) -> None:
    product = make_item(session, "product", title="Vault")
    session.commit()
    headers = bearer(session, getattr(cast, who))
    made = client.post("/api/v1/launches", json=new_launch(product.id), headers=headers)
    assert made.status_code == (201 if who in RUNNING else 403), made.text
    listed = client.get("/api/v1/launches", headers=headers)
    assert listed.status_code == 200
    if who in RUNNING:
        body = made.json()
        assert body["stage"] == "planning" and len(body["bom"]) == 12
        assert body["next_gate"]["passed"] is False
        assert listed.json()["items"][0]["name"] == "Vault 3"


def test_bad_launches_are_refused_with_clear_errors(
    client: TestClient, session: Session, cast: Cast
) -> None:
    product = make_item(session, "product")
    session.commit()
    headers = bearer(session, cast.editor)
    tier = client.post("/api/v1/launches", json=new_launch(product.id, tier=4), headers=headers)
    assert tier.status_code == 422 and tier.json()["errors"][0]["field"].endswith("tier")
    past = (utcnow().date() - timedelta(days=2)).isoformat()
    late = client.post(
        "/api/v1/launches", json=new_launch(product.id, target_date=past), headers=headers
    )
    assert late.status_code == 422 and "in the past" in late.json()["detail"]
    assert client.get("/api/v1/launches", headers=headers).json()["total"] == 0


def test_a_failed_gate_answers_409_and_an_admin_overrides_it(
    client: TestClient, session: Session, cast: Cast
) -> None:
    launch = make_launch(session)
    session.commit()
    path = f"/api/v1/launches/{launch.id}"
    editor, admin = bearer(session, cast.editor), bearer(session, cast.admin)
    gate = client.get(f"{path}/gate", headers=bearer(session, cast.seller)).json()
    assert gate["stage"] == "alpha" and not gate["passed"]
    move = {"version": launch.version, "to": "alpha"}
    refused = client.post(f"{path}/move", json=move, headers=editor)
    assert refused.status_code == 409
    assert {e["field"] for e in refused.json()["errors"]} == {"positioning", "differentiator"}
    skipped = client.post(f"{path}/move", json={**move, "to": "ga"}, headers=editor)
    assert skipped.status_code == 409 and "one stage at a time" in skipped.json()["detail"]
    reason = {**move, "override_reason": "Design partners start Monday; positioning follows."}
    assert client.post(f"{path}/move", json=reason, headers=editor).status_code == 403
    moved = client.post(f"{path}/move", json=reason, headers=admin)
    assert moved.status_code == 200 and moved.json()["stage"] == "alpha"
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "gate_override")).one()
    assert event.actor_id == cast.admin.id and "Design partners" in event.note
    history = client.get(f"{path}/history", headers=editor).json()["items"]
    assert history[0]["override_reason"].startswith("Design partners")


def test_positioning_resolves_the_alpha_gate(
    client: TestClient, session: Session, cast: Cast
) -> None:
    launch = make_launch(session)
    session.commit()
    path, headers = f"/api/v1/launches/{launch.id}", bearer(session, cast.editor)
    changed = client.patch(path, json={"version": launch.version, **POSITIONED}, headers=headers)
    assert changed.status_code == 200 and changed.json()["next_gate"]["passed"] is True
    moved = client.post(
        f"{path}/move", json={"version": changed.json()["version"], "to": "alpha"}, headers=headers
    )
    assert moved.json()["stage"] == "alpha"


@pytest.mark.parametrize(("who", "allowed"), ADMIN_ONLY)
def test_only_admins_configure_tiers_and_webhooks(
    client: TestClient, session: Session, cast: Cast, who: str, allowed: bool
) -> None:
    headers = bearer(session, getattr(cast, who))
    tier = client.get("/api/v1/launch-tiers/3", headers=headers)
    assert tier.status_code == 200
    config = {"deliverables": tier.json()["deliverables"], "gates": []}
    saved = client.put("/api/v1/launch-tiers/3", json=config, headers=headers)
    assert saved.status_code == (200 if allowed else 403)
    hook = {"name": "Ops", "url": "https://hooks.example/x", "events": ["launch.checkpoint_due"]}
    made = client.post("/api/v1/webhooks", json=hook, headers=headers)
    assert made.status_code == (201 if allowed else 403)
    if allowed:
        assert len(made.json()["secret"]) == 48
        assert saved.json()["gates"] == []


def test_metrics_checkpoints_beta_and_brief_over_http(
    client: TestClient, session: Session, cast: Cast
) -> None:
    launch = make_launch(session)
    session.commit()
    path, headers = f"/api/v1/launches/{launch.id}", bearer(session, cast.editor)
    metric = client.post(
        f"{path}/metrics", json={"name": "Accounts live", "target": 40}, headers=headers
    ).json()
    pushed = client.post(
        f"{path}/metrics/{metric['id']}/measurements",
        json={"measured_on": "2027-01-10", "value": 12},
        headers=headers,
    )
    assert pushed.status_code == 201 and pushed.json()["source"] == "api"
    csv = client.post(
        f"{path}/metrics/{metric['id']}/measurements.csv",
        files={"file": ("m.csv", b"date,value\n2027-01-11,14\n", "text/csv")},
        headers=headers,
    )
    assert csv.json() == {"imported": 1}
    values = client.get(f"{path}/metrics/{metric['id']}/measurements", headers=headers).json()
    assert [v["value"] for v in values["items"]] == [12, 14]
    assert client.get(f"{path}/checkpoints", headers=headers).json()["items"] == []
    customer = client.post(
        f"{path}/beta-customers", json={"account": "Mercy Health"}, headers=headers
    ).json()
    said = client.post(
        f"{path}/beta-feedback",
        json={"account_id": customer["account"]["id"], "body": "Exports are slow"},
        headers=bearer(session, cast.csm),
    )
    assert said.status_code == 201 and said.json()["account"]["name"] == "Mercy Health"
    pdf = client.get(f"{path}/brief.pdf", headers=bearer(session, cast.seller))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    text = client.get(f"{path}/brief.md", headers=bearer(session, cast.pm)).text
    assert "## Bill of materials" in text and "Mercy Health (invited)" in text


@pytest.mark.parametrize("who", ROLES)
def test_launch_pages_for_each_role(
    client: TestClient, session: Session, cast: Cast, who: str
) -> None:
    launch = make_launch(session)
    session.commit()
    headers = bearer(session, getattr(cast, who))
    for path in ("/launches", "/launches/calendar", "/launches/tiers", f"/launches/{launch.id}"):
        assert client.get(path, headers=headers).status_code == 200, path
    page = client.get(f"/launches/{launch.id}", headers=headers).text
    assert "No differentiator, no launch" in page
    assert ("Move to Alpha" in page) is (who in RUNNING)
    assert ("Override the gate" in page) is (who == "admin")
    new = client.get("/launches/new", headers=headers)
    assert new.status_code == (200 if who in RUNNING else 403)
    hooks = client.get("/admin/webhooks", headers=headers)
    assert hooks.status_code == (200 if who == "admin" else 403)


def test_an_editor_creates_and_moves_a_launch_through_the_pages(
    client: TestClient, session: Session, cast: Cast
) -> None:
    product = make_item(session, "product", title="Vault")
    session.commit()
    sign_in(client, cast.editor.email)
    token = csrf_from(client.get("/launches/new").text)
    form = {**new_launch(product.id), **POSITIONED, "csrf_token": token}
    made = client.post("/launches/new", data=form, follow_redirects=False)
    assert made.status_code == 303
    page = client.get(made.headers["location"])
    assert "Vault 3 is ready for Alpha." in page.text
    launch_id = made.headers["location"].rsplit("/", 1)[1]
    version = client.get(f"/api/v1/launches/{launch_id}").json()["version"]
    moved = client.post(
        f"/launches/{launch_id}/move", data={"version": version, "to": "alpha", "csrf_token": token}
    )
    assert "Stage changed." in moved.text and 'data-testid="stage">Alpha' in moved.text
    cleared = client.post(
        f"/launches/{launch_id}",
        data={
            "part": "positioning",
            "version": version + 1,
            "csrf_token": token,
            **{**POSITIONED, "differentiator": ""},
        },
    )
    assert "Launch saved." in cleared.text and "[differentiator]" in cleared.text


def test_an_admin_edits_a_tier_on_its_page(
    client: TestClient, session: Session, cast: Cast
) -> None:
    sign_in(client, cast.admin.email)
    token = csrf_from(client.get("/launches/tiers").text)
    form = {
        "csrf_token": token,
        "kind": ["release_notes", "", "faq"],
        "title": ["Changelog", "", "FAQ update"],
        "offset_days": ["0", "0", "-3"],
        "accepts": ["asset, handbook", "", "faq"],
        "required": ["0"],
        "gate": ["alpha:differentiator", "ga:success_metrics"],
        "threshold:ga:success_metrics": "2",
    }
    saved = client.post("/launches/tiers/3", data=form)
    assert "Tier 3 saved" in saved.text
    tier = client.get("/api/v1/launch-tiers/3").json()
    assert [(d["title"], d["required"], d["offset_days"]) for d in tier["deliverables"]] == [
        ("Changelog", True, 0),
        ("FAQ update", False, -3),
    ]
    assert [g["label"] for g in tier["gates"]] == [
        "A differentiator",
        "At least 2 success metrics with targets",
    ]
    bad = client.post("/launches/tiers/3", data={**form, "gate": ["ga:vibes"]})
    assert bad.status_code == 422 and "No rule vibes" in bad.text
    assert len(client.get("/api/v1/launch-tiers/3").json()["gates"]) == 2


def test_metric_values_are_imported_from_a_csv_file_on_the_launch_page(
    client: TestClient, session: Session, cast: Cast
) -> None:
    launch = make_launch(session, tier=2)
    session.commit()
    sign_in(client, cast.editor.email)
    token = csrf_from(client.get(f"/launches/{launch.id}").text)
    headers = bearer(session, cast.editor)
    metric = client.post(
        f"/api/v1/launches/{launch.id}/metrics",
        json={"name": "Accounts live", "target": 40},
        headers=headers,
    ).json()
    answer = client.post(
        f"/launches/{launch.id}/metrics/{metric['id']}/csv",
        data={"csrf_token": token},
        files={"file": ("m.csv", b"date,value\n2027-01-11,14\n2027-01-18,19\n", "text/csv")},
    )
    assert answer.status_code == 200 and "Values imported." in answer.text
    values = client.get(
        f"/api/v1/launches/{launch.id}/metrics/{metric['id']}/measurements", headers=headers
    ).json()["items"]
    assert [v["value"] for v in values] == [14, 19]


@pytest.mark.parametrize("who", ["editor", "seller"])
def test_the_training_deliverable_lists_the_launch_s_modules(
    client: TestClient, session: Session, cast: Cast, who: str
) -> None:
    from tests.training.factories import make_module

    launch = make_launch(session)
    make_module(session, title="Ledger launch certification", certifying=True, launch_id=launch.id)
    make_module(session, title="Ledger draft", launch_id=launch.id, publish=False)
    session.commit()
    headers = bearer(session, getattr(cast, who))
    page = client.get(f"/launches/{launch.id}", headers=headers).text
    modules = page.split('data-testid="launch-modules"')[1].split("</div>")[0]
    assert "Ledger launch certification" in modules and "published, certifying" in modules
    # A draft is the enablement team's: a seller sees only what is published.
    assert ("Ledger draft" in modules) is (who == "editor")
    assert ("Write one for this launch" in modules) is (who == "editor")
    new = client.get(f"/training/modules/new?launch_id={launch.id}", headers=headers)
    assert new.status_code == (200 if who == "editor" else 403)
    if who == "editor":
        assert f'<option value="{launch.id}" selected>' in new.text
        assert 'name="certifying" checked' in new.text
