"""The pricing pages for every role: everyone reads the grid, prices and calculator; product
marketing edits the grid, prices and discount guidance; a bad form keeps everything as it was."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from prism.auth.policy import SYSTEM
from prism.knowledge.models import Item
from prism.pricing import service
from prism.pricing.models import PriceBook
from tests.conftest import ROLES, Cast
from tests.pricing.factories import make_line, price, today
from tests.web.test_pages import csrf_from, sign_in

MANAGING = {"admin", "editor"}


@pytest.mark.parametrize("who", ROLES)
def test_every_role_reads_pricing_and_only_product_marketing_changes_it(
    client: TestClient, session: Session, cast: Cast, who: str
) -> None:
    line = make_line(session)
    session.commit()
    sign_in(client, getattr(cast, who).email)
    listing = client.get("/pricing")
    assert listing.status_code == 200 and "Vault" in listing.text
    url = f"/pricing/{line.product.id}"
    page = client.get(url, params={"item": line.business.id, "currency": "USD", "units": "120",
                                   "discount": "12"})  # fmt: skip
    assert page.status_code == 200
    assert "In no edition or add-on:" in page.text and "SSO" in page.text
    assert "$10,740.00" in page.text  # 120 × $89.50
    assert "VP Sales" in page.text  # every role is our own team; customers never see it
    assert ("Edit the grid" in page.text) == (who in MANAGING)
    edition = client.get(f"/library/{line.business.id}").text
    assert "What it carries" in edition and "100,000 calls a day" in edition

    token = csrf_from(page.text)
    version = line.team.version
    form = {
        "csrf_token": token,
        f"version.{line.team.id}": str(version),
        f"in.{line.team.id}.{line.sso.id}": "on",
        f"limit.{line.team.id}.{line.sso.id}": "SAML",
        f"in.{line.team.id}.{line.api.id}": "on",
        f"limit.{line.team.id}.{line.api.id}": "1,000 calls a day",
    }
    saved = client.post(f"{url}/grid", data=form, follow_redirects=False)
    session.expire_all()
    team = session.get(Item, line.team.id)
    assert team is not None
    if who in MANAGING:
        assert saved.status_code == 303
        assert team.version == version + 1
        assert {"feature": line.sso.uid, "limit": "SAML"} in team.fields["features"]
    else:
        assert saved.status_code == 403 and team.version == version


def test_a_bad_price_form_is_answered_on_the_page_and_writes_nothing(
    client: TestClient, session: Session, cast: Cast
) -> None:
    line = make_line(session)
    session.commit()
    sign_in(client, cast.editor.email)
    url = f"/pricing/{line.product.id}"
    token = csrf_from(client.get(url).text)
    later = (today() + timedelta(days=14)).isoformat()
    form = {
        "csrf_token": token,
        "item_id": str(line.team.id),
        "period": "year",
        "unit": "seat",
        "banding": "volume",
        "effective_from": later,
        "bands": "1 = 49.90\n10 = 45.123",
    }
    bad = client.post(f"{url}/books/{line.usd.id}/prices", data=form)
    assert bad.status_code == 422 and "more decimals than USD" in bad.text
    session.expire_all()
    book = session.get(PriceBook, line.usd.id)
    assert book is not None and book.version == line.usd.version
    form["bands"] = "1 = 49.90\n10 = 45.10"
    good = client.post(f"{url}/books/{line.usd.id}/prices", data=form)
    assert good.status_code == 200 and "Price saved." in good.text
    assert "$45.10 per seat" in good.text

    guidance = {
        "csrf_token": token,
        "version": str(line.business.version),
        "bands": "15 = Sales manager\n10 = VP",
        "floor_discount_percent": "30",
    }
    refused = client.post(f"{url}/discounts/{line.business.id}", data=guidance)
    assert refused.status_code == 422 and "smallest discount up" in refused.text
    guidance["bands"] = "10 = Sales manager\n25% = VP Sales"
    assert (
        "Discount guidance saved."
        in client.post(f"{url}/discounts/{line.business.id}", data=guidance).text
    )


@pytest.mark.parametrize(
    "typed",
    [{"units": "²"}, {"units": "0"}, {"discount": "120"}, {"discount": "-5"}, {"period": "decade"},
     {"item": "x"}],
)  # fmt: skip
def test_the_calculator_answers_bad_input_on_the_page(
    client: TestClient, session: Session, cast: Cast, typed: dict[str, str]
) -> None:
    line = make_line(session)
    session.commit()
    sign_in(client, cast.seller.email)
    asked = {"item": str(line.team.id), "currency": "USD", "units": "3", **typed}
    page = client.get(f"/pricing/{line.product.id}", params=asked)
    assert page.status_code == 200
    assert "Give the units as a whole number" in page.text or "Choose an edition" in page.text


def test_the_calculator_says_which_editions_an_add_on_goes_with(
    client: TestClient, session: Session, cast: Cast
) -> None:
    line = make_line(session)
    line.extra.fields = {**line.extra.fields, "available_with": [line.business.uid]}
    service.set_price(
        session, SYSTEM, line.usd.id, price(line.extra.id, [(1, "20")]), today=today()
    )
    session.commit()
    sign_in(client, cast.seller.email)
    asked = {"item": str(line.extra.id), "currency": "USD", "units": "1"}
    fits = client.get(f"/pricing/{line.product.id}", params={**asked, "with": line.business.id})
    assert "Bought with" in fits.text and "$20.00" in fits.text
    refused = client.get(f"/pricing/{line.product.id}", params={**asked, "with": line.team.id})
    assert refused.status_code == 200
    assert "is bought with “Business”, not with “Team”" in refused.text
