"""A launch's packaging change over the API, for every role: everyone reads it and what it
means, product marketing plans it, bad input is answered field by field and changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.conftest import ROLES, Cast, bearer
from tests.launches.factories import make_launch
from tests.pricing.factories import make_line

PLANNING = {"admin", "editor"}


@pytest.mark.parametrize("who", ROLES)
def test_everyone_reads_a_packaging_change_product_marketing_plans_it(
    client: TestClient, session: Session, cast: Cast, who: str
) -> None:
    line = make_line(session)
    launch = make_launch(session, 3, product_id=line.product.id)
    session.commit()
    headers = bearer(session, getattr(cast, who))
    base = f"/api/v1/launches/{launch.id}/packaging"

    moved = client.post(
        f"{base}/moves",
        json={"feature_id": line.audit.id, "from_id": line.business.id, "to_id": line.team.id},
        headers=headers,
    )
    assert moved.status_code == (201 if who in PLANNING else 403), moved.text
    day = (launch.target_date + timedelta(days=1)).isoformat()
    priced = client.post(
        f"{base}/prices",
        json={
            "book_id": line.usd.id,
            "item_id": line.team.id,
            "unit": "seat",
            "effective_from": day,
            "bands": [{"from_units": 1, "amount": "59.90"}],
        },
        headers=headers,
    )
    assert priced.status_code == (201 if who in PLANNING else 403), priced.text

    got = client.get(base, headers=headers)
    assert got.status_code == 200, got.text
    body = got.json()
    if who in PLANNING:
        assert body["moves"][0]["feature"]["title"] == "Audit log"
        assert body["moves"][0]["to_package"]["title"] == "Team"
        assert body["prices"][0]["held"] is True
        assert body["prices"][0]["bands"][0]["amount"] == "59.90"
        assert [r["rule"] for r in body["requirements"]] == [
            "pricing_sheet",
            "price_faqs",
            "seller_training",
        ]
        assert body["meaning"]["changes"][0] == "Audit log moves from Business to Team"
        gate = client.get(f"/api/v1/launches/{launch.id}/gate?to=ga", headers=headers).json()
        assert "seller_training" in {f["rule"] for f in gate["findings"]}
    else:
        assert body["moves"] == [] and body["requirements"] == []


def test_a_bad_change_is_answered_by_field_and_nothing_is_kept(
    client: TestClient, session: Session, cast: Cast
) -> None:
    line = make_line(session)
    launch = make_launch(session, 3, product_id=line.product.id)
    session.commit()
    headers = bearer(session, cast.editor)
    base = f"/api/v1/launches/{launch.id}/packaging"
    cases = [
        ({"feature_id": line.sso.id}, "to_id"),
        ({"feature_id": line.sso.id, "from_id": line.team.id}, "from_id"),
        ({"feature_id": line.sso.id, "to_id": 999_999}, None),
    ]
    for body, field in cases:
        got = client.post(f"{base}/moves", json=body, headers=headers)
        assert got.status_code in (404, 422), got.text
        if field:
            assert any(e["field"] == field for e in got.json()["errors"]), got.text
    early = {
        "book_id": line.usd.id,
        "item_id": line.team.id,
        "effective_from": launch.target_date.isoformat(),
        "bands": [{"from_units": 1, "amount": "59.999"}],
    }
    got = client.post(f"{base}/prices", json=early, headers=headers)
    assert got.status_code == 422, got.text
    body = client.get(base, headers=headers).json()
    assert body["moves"] == [] and body["prices"] == []
