"""The questionnaire page: paste questions, choose products, read drafts with their sources."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.answers.library import make_library
from tests.conftest import ROLES, Cast
from tests.web.test_pages import csrf_from, sign_in


@pytest.mark.parametrize("who", ROLES)
def test_every_role_drafts_answers_on_the_page(
    client: TestClient, session: Session, cast: Cast, who: str
) -> None:
    lib = make_library(session)
    session.commit()
    sign_in(client, getattr(cast, who).email)
    page = client.get("/answers")
    assert page.status_code == 200 and "Questions, one per line" in page.text
    questions = "Do you support SAML?\n\nAre passwords recorded in session replays?\n"
    form = {
        "csrf_token": csrf_from(page.text),
        "questions": questions,
        "product_id": str(lib.vault.id),
    }
    drafted = client.post("/answers", data=form)
    assert drafted.status_code == 200
    assert "1 of 2 drafted" in drafted.text
    assert (
        f'href="/library/{lib.sso.id}"' in drafted.text
        and "Yes: SAML 2.0 and OIDC." in drafted.text
    )
    assert "For an expert" in drafted.text  # Pulse's answer is not for a Vault questionnaire
    assert f'value="{lib.vault.id}" checked' in drafted.text  # the form keeps what was asked


def test_an_empty_form_is_answered_on_the_page(
    client: TestClient, session: Session, cast: Cast
) -> None:
    make_library(session)
    session.commit()
    sign_in(client, cast.seller.email)
    token = csrf_from(client.get("/answers").text)
    refused = client.post("/answers", data={"csrf_token": token, "questions": "  \n "})
    assert refused.status_code == 422 and "Paste the buyer&#39;s questions" in refused.text
    too_many = client.post("/answers", data={"csrf_token": token, "questions": "Q?\n" * 501})
    assert too_many.status_code == 422 and "At most 500 questions" in too_many.text
