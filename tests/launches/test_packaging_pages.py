"""A launch's packaging change on its page, for every role: everyone reads it and what GA needs
for it; product marketing plans moves and held prices there; a bad form changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from prism.pricing import plans
from tests.conftest import ROLES, Cast
from tests.launches.factories import make_launch
from tests.pricing.factories import make_line
from tests.web.test_pages import csrf_from, sign_in

PLANNING = {"admin", "editor"}


@pytest.mark.parametrize("who", ROLES)
def test_every_role_reads_the_change_and_product_marketing_plans_it(
    client: TestClient, session: Session, cast: Cast, who: str
) -> None:
    line = make_line(session)
    launch = make_launch(session, 3, product_id=line.product.id)
    session.commit()
    sign_in(client, getattr(cast, who).email)
    url = f"/launches/{launch.id}"
    page = client.get(url)
    assert page.status_code == 200
    assert ("Plan a feature's move" in page.text) == (who in PLANNING)
    token = csrf_from(page.text)

    moved = client.post(
        f"{url}/packaging/moves",
        data={"csrf_token": token, "feature_id": line.sso.id, "from_id": "",
              "to_id": line.business.id, "limit": "SAML"},
        follow_redirects=False,
    )  # fmt: skip
    day = (launch.target_date + timedelta(days=1)).isoformat()
    priced = client.post(
        f"{url}/packaging/prices",
        data={"csrf_token": token, "book_id": line.usd.id, "item_id": line.business.id,
              "amount": "109.00", "unit": "seat", "period": "year", "effective_from": day},
        follow_redirects=False,
    )  # fmt: skip
    session.expire_all()
    change = plans.planned(session, launch.id)
    if who in PLANNING:
        assert moved.status_code == 303 and priced.status_code == 303
        assert [m.to_id for m in change.moves] == [line.business.id]
        assert change.prices[0].held and change.prices[0].bands[0].amount_minor == 10900
        page = client.get(url)
        assert "What GA needs for it" in page.text and "Sellers are trained" in page.text
    else:
        assert moved.status_code == 403 and priced.status_code == 403
        assert change.empty


def test_a_bad_price_form_is_answered_on_the_page_and_keeps_nothing(
    client: TestClient, session: Session, cast: Cast
) -> None:
    line = make_line(session)
    launch = make_launch(session, 3, product_id=line.product.id)
    session.commit()
    sign_in(client, cast.editor.email)
    url = f"/launches/{launch.id}"
    token = csrf_from(client.get(url).text)
    early = client.post(
        f"{url}/packaging/prices",
        data={"csrf_token": token, "book_id": line.usd.id, "item_id": line.business.id,
              "amount": "109.001", "unit": "seat", "period": "year",
              "effective_from": launch.target_date.isoformat()},
    )  # fmt: skip
    assert early.status_code == 422
    assert "decimals" in early.text or "more decimal" in early.text, early.text[-2000:]
    session.expire_all()
    assert plans.planned(session, launch.id).empty
