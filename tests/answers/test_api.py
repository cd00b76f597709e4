"""The answers API: every role drafts, bad input is refused with the field named."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.answers.library import make_library
from tests.conftest import ROLES, Cast, bearer


@pytest.mark.parametrize("who", ROLES)
def test_every_role_drafts_answers_with_their_sources(
    client: TestClient, session: Session, cast: Cast, who: str
) -> None:
    lib = make_library(session)
    session.commit()
    asked = {
        "questions": ["Do you support SAML?", "Do you hold FedRAMP authorization?"],
        "product_ids": [lib.vault.id],
    }
    answer = client.post(
        "/api/v1/answers/drafts", json=asked, headers=bearer(session, getattr(cast, who))
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    sso, fedramp = body["drafts"]
    assert sso["draft"]["source"] == {"id": lib.sso.id, "title": lib.sso.title}
    assert (sso["draft"]["answer"], sso["draft"]["yes_or_no"]) == ("Yes: SAML 2.0 and OIDC.", "yes")
    assert sso["draft"]["version"] == lib.sso.version and not sso["for_expert"]
    assert fedramp["for_expert"] and fedramp["draft"] is None
    assert 0 < body["threshold"] < 1


@pytest.mark.parametrize(
    ("asked", "field"),
    [({"questions": []}, "questions"), ({"questions": ["x" * 2001]}, "questions"),
     ({"questions": ["SSO?"], "product_ids": [999999]}, "product_ids"),
     ({"questions": ["SSO?"], "extra": 1}, "extra")],
)  # fmt: skip
def test_bad_requests_name_the_field(
    client: TestClient, session: Session, cast: Cast, asked: dict[str, object], field: str
) -> None:
    make_library(session)
    session.commit()
    refused = client.post(
        "/api/v1/answers/drafts", json=asked, headers=bearer(session, cast.seller)
    )
    assert refused.status_code == 422 and field in refused.text


def test_signed_out_callers_are_refused(client: TestClient) -> None:
    assert client.post("/api/v1/answers/drafts", json={"questions": ["SSO?"]}).status_code == 401
