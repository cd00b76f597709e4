"""The pricing API for every role: everyone reads the grid and prices, product marketing sets
them, discount guidance stays with the front line, amounts travel as exact text, and a price
spreadsheet round-trips without a change."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.conftest import ROLES, Cast, bearer
from tests.pricing.factories import make_line, today

MANAGING = {"admin", "editor"}


@pytest.mark.parametrize("who", ROLES)
def test_everyone_reads_packaging_product_marketing_prices_it(
    client: TestClient, session: Session, cast: Cast, who: str
) -> None:
    line = make_line(session)
    session.commit()
    headers = bearer(session, getattr(cast, who))
    got = client.get(f"/api/v1/pricing/products/{line.product.id}", headers=headers)
    assert got.status_code == 200, got.text
    body = got.json()
    assert [e["title"] for e in body["editions"]] == ["Team", "Business"]
    assert [f["title"] for f in body["unpackaged"]] == ["SSO"]
    usd = body["books"][0]
    business = next(p for p in usd["in_force"] if p["item"]["title"] == "Business")
    assert business["bands"] == [
        {"from_units": 1, "amount_minor": 9900, "amount": "99.00"},
        {"from_units": 101, "amount_minor": 8950, "amount": "89.50"},
    ]
    assert body["editions"][1]["discount_bands"][1] == {"up_to_percent": 25, "approver": "VP Sales"}

    later = (today() + timedelta(days=30)).isoformat()
    rise = {
        "item_id": line.team.id,
        "unit": "seat",
        "effective_from": later,
        "bands": [{"from_units": 1, "amount": "54.90"}],
    }
    made = client.post(f"/api/v1/pricing/books/{line.usd.id}/prices", json=rise, headers=headers)
    assert made.status_code == (201 if who in MANAGING else 403), made.text
    cell = client.put(
        f"/api/v1/pricing/packages/{line.team.id}/features/{line.sso.id}",
        json={"version": line.team.version, "included": True, "limit": "SAML"},
        headers=headers,
    )
    assert cell.status_code == (200 if who in MANAGING else 403), cell.text
    quote = client.post(
        "/api/v1/pricing/quote",
        json={"item_id": line.business.id, "currency": "usd", "units": 150, "discount_percent": 15},
        headers=headers,
    )
    assert quote.status_code == 200, quote.text
    q = quote.json()
    assert (q["unit_amount"], q["list_total"], q["net_total"]) == ("89.50", "13425.00", "11411.25")
    assert q["approver"] == "VP Sales" and q["floor_total"] == "9397.50"
    assert q["goes_with"] == []
    wrong = client.post(
        "/api/v1/pricing/quote",
        json={"item_id": line.business.id, "currency": "USD", "with_edition_id": line.team.id},
        headers=headers,
    )
    assert wrong.status_code == 422 and "with_edition_id" in wrong.text


def test_bad_prices_are_refused_with_the_field_named_and_nothing_written(
    client: TestClient, session: Session, cast: Cast
) -> None:
    line = make_line(session)
    session.commit()
    headers = bearer(session, cast.editor)
    url = f"/api/v1/pricing/books/{line.usd.id}/prices"
    base = {"item_id": line.team.id, "effective_from": today().isoformat()}
    cases = [
        ({**base, "bands": [{"from_units": 1, "amount": 49.9}]}, "amount"),
        ({**base, "bands": [{"from_units": 1, "amount": "49.999"}]}, "amount"),
        ({**base, "bands": [{"from_units": 2, "amount": "1"}]}, "bands"),
        ({**base, "unit": "parsec", "bands": [{"from_units": 1, "amount": "1"}]}, "unit"),
        ({**base, "bands": []}, "bands"),
    ]
    for body, field in cases:
        answer = client.post(url, json=body, headers=headers)
        assert answer.status_code == 422, (body, answer.text)
        assert any(field in e["field"] for e in answer.json()["errors"]), answer.json()
    book = client.get(f"/api/v1/pricing/books/{line.usd.id}", headers=headers).json()
    assert book["version"] == line.usd.version and book["scheduled"] == []
    team = client.get(
        f"/api/v1/pricing/books/{line.usd.id}/history/{line.team.id}", headers=headers
    )
    assert [p["bands"][0]["amount"] for p in team.json()["items"]] == ["49.90"]
    assert client.get("/api/v1/pricing/products/999999", headers=headers).status_code == 404


def test_a_price_spreadsheet_round_trips_and_a_bad_one_imports_nothing(
    client: TestClient, session: Session, cast: Cast
) -> None:
    line = make_line(session)
    session.commit()
    headers = bearer(session, cast.editor)
    exported = client.get("/api/v1/pricing/export.csv", headers=headers)
    assert exported.status_code == 200
    text = exported.text
    assert "Vault,Business,USD,year,seat,volume," in text and ",101,89.50,no" in text
    again = client.post(
        "/api/v1/pricing/import", files={"file": ("p.csv", text.encode())}, headers=headers
    )
    assert again.status_code == 200, again.text
    assert (again.json()["created"], again.json()["unchanged"]) == (0, 2)

    later = (today() + timedelta(days=7)).isoformat()
    rows = (
        f'{text}Vault,Team,EUR,year,seat,volume,{later},1,"45,00",yes\n'
        f"Vault,Team,CNY,year,seat,volume,{later},1,349,no\n"
    )
    bad = rows + "Vault,Platinum,USD,year,flat,volume,2030-01-01,1,10,no\n"
    refused = client.post(
        "/api/v1/pricing/import", files={"file": ("p.csv", bad.encode())}, headers=headers
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "line 7"  # header, 3 bands, EUR, CNY
    assert "EUR" not in client.get("/api/v1/pricing/export.csv", headers=headers).text

    dry = client.post(
        "/api/v1/pricing/import",
        files={"file": ("p.csv", rows.encode())},
        data={"dry_run": "true"},
        headers=headers,
    )
    assert (
        dry.json()["created"] == 2
        and "EUR" not in client.get("/api/v1/pricing/export.csv", headers=headers).text
    )
    done = client.post(
        "/api/v1/pricing/import", files={"file": ("p.csv", rows.encode())}, headers=headers
    )
    assert (done.json()["created"], done.json()["books_created"]) == (2, 2), done.text
    grid = client.get(
        f"/api/v1/pricing/products/{line.product.id}", params={"on": later}, headers=headers
    ).json()
    eur = next(b for b in grid["books"] if b["currency"] == "EUR")
    assert eur["public"] and eur["in_force"][0]["bands"][0]["amount"] == "45.00"
    seller = bearer(session, cast.seller)
    no = client.post(
        "/api/v1/pricing/import", files={"file": ("p.csv", rows.encode())}, headers=seller
    )
    assert no.status_code == 403
