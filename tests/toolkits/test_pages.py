"""The rendering, deal, toolkit and share-link pages for every role."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.conftest import ROLES, Cast, bearer
from tests.library import make_library

SELLING = {"admin", "editor", "seller", "csm"}
CURATING = {"admin", "editor"}


@pytest.mark.parametrize("who", ROLES)
def test_each_role_opens_the_pages_it_may(
    client: TestClient, session: Session, cast: Cast, who: str
) -> None:
    lib = make_library(session)
    headers = bearer(session, getattr(cast, who))
    expected = {
        "/deals": who in SELLING,
        "/toolkits": who in SELLING,
        f"/products/{lib.product.id}/kit": who in SELLING,
        "/kit-rules": who in SELLING,
        "/shares": who in SELLING,
        "/brand": who in CURATING,
        f"/library/{lib.solution.id}/outputs": True,
    }
    for path, allowed in expected.items():
        got = client.get(path, headers=headers)
        assert got.status_code == (200 if allowed else 403), (path, got.status_code)
    rules = client.get("/kit-rules", headers=headers)
    if who in SELLING:
        assert ("New rule" in rules.text) is (who in CURATING)
