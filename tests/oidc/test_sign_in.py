"""Company sign-in against a real OpenID provider: the first sign-in creates the person with
the role and team their claims map to, later ones update them, and every refusal says why, in
the person's words and in the audit log."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from prism.app import create_app
from prism.audit.models import AuditEvent
from prism.auth.sso import NO_PASSWORD
from prism.db import Database
from prism.people.models import Role, Team, User
from prism.settings import Settings
from tests.conftest import PASSWORD, Cast, Clock, make_user
from tests.oidc.conftest import PRISM, OidcProvider, sign_in_at_provider
from tests.pgcluster import free_port


@pytest.fixture
def sso_settings(settings: Settings, oidc_provider: OidcProvider) -> Settings:
    return oidc_provider.settings(settings)


@pytest.fixture
def prism(sso_settings: Settings, database: Database, clock: Clock) -> Iterator[TestClient]:
    app = create_app(sso_settings, database=database, clock=clock, run_jobs=False)
    with TestClient(app, base_url=PRISM) as client:
        yield client


def events(session: Session, action: str) -> list[AuditEvent]:
    stmt = select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
    return list(session.scalars(stmt))


def test_the_sign_in_page_offers_the_company_account(prism: TestClient) -> None:
    page = prism.get("/login")
    assert "Sign in with Helio SSO" in page.text and 'name="password"' in page.text


def test_a_first_sign_in_creates_the_person_with_the_mapped_role_and_team(
    prism: TestClient, session: Session
) -> None:
    back = sign_in_at_provider(prism, "ines", next_path="/deals")
    assert back.status_code == 303 and back.headers["location"] == "/deals"
    assert prism.get("/api/v1/me").json()["email"] == "ines.ortega@helio.example"
    user = session.scalars(select(User).where(User.email == "ines.ortega@helio.example")).one()
    assert (user.name, user.role, user.password_hash) == ("Inès Ortega", Role.EDITOR, NO_PASSWORD)
    team = session.get(Team, user.team_id)
    assert team is not None and team.name == "Product Marketing"
    assert [e.item_label for e in events(session, "sso_sign_in")] == [user.email]
    assert [e.item_label for e in events(session, "create") if e.item_type == "User"] == [
        user.email
    ]


def test_a_later_sign_in_brings_role_and_team_up_to_date(
    prism: TestClient, session: Session
) -> None:
    olaf = make_user(session, role=Role.VIEWER, team="Support", email="olaf.berg@helio.example")
    session.commit()
    assert sign_in_at_provider(prism, "olaf").status_code == 303
    session.refresh(olaf)
    assert olaf.role == Role.ADMIN  # prism-admins outranks sales
    assert session.get(Team, olaf.team_id).name == "Sales"  # type: ignore[union-attr]


def test_a_person_deactivated_in_prism_stays_out(prism: TestClient, session: Session) -> None:
    make_user(session, email="olaf.berg@helio.example", active=False)
    session.commit()
    refused = sign_in_at_provider(prism, "olaf")
    assert refused.status_code == 401 and "deactivated" in refused.text
    assert prism.get("/api/v1/me").status_code == 401
    (refusal,) = events(session, "sso_refused")
    assert refusal.note.startswith("account deactivated in Prism")


@pytest.mark.parametrize(
    ("account", "said", "logged"),
    [
        ("mallory", "Accounts at elsewhere.example may not sign in", "domain elsewhere.example"),
        ("unverified", "not verified", "email not verified"),
    ],
)
def test_people_the_settings_keep_out_are_told_why(
    prism: TestClient, session: Session, account: str, said: str, logged: str
) -> None:
    refused = sign_in_at_provider(prism, account)
    assert refused.status_code == 401 and said in refused.text
    assert session.scalars(select(User).where(User.email.like(f"%{account}%"))).first() is None
    assert logged in events(session, "sso_refused")[0].note


def test_a_callback_replayed_is_refused(prism: TestClient, session: Session) -> None:
    """The browser's sealed attempt is good once: sending the provider's answer (its code,
    state and the nonce behind them) a second time signs no one in."""
    leaving = prism.get("/auth/sso", follow_redirects=False)
    sealed = leaving.cookies.get("prism_sso")
    back = sign_in_at_provider(prism, "ines")
    assert back.status_code == 303
    prism.cookies.clear()
    prism.cookies.set("prism_sso", sealed or "")
    replayed = prism.get(back.request.url.path + "?" + back.request.url.query.decode())
    assert replayed.status_code == 401 and "already used" in replayed.text
    assert "state" in events(session, "sso_refused")[0].note


def test_with_company_sign_in_only_passwords_are_refused_but_the_break_glass_admins(
    settings: Settings,
    oidc_provider: OidcProvider,
    database: Database,
    clock: Clock,
    cast: Cast,
) -> None:
    only = oidc_provider.settings(settings, sso_only=True, break_glass_email=cast.admin.email)
    app = create_app(only, database=database, clock=clock, run_jobs=False)
    with TestClient(app, base_url=PRISM) as client:
        page = client.get("/login")
        assert 'name="password"' not in page.text and "Administrator sign-in" in page.text
        token = client.post(
            "/api/v1/auth/tokens", json={"email": cast.editor.email, "password": PASSWORD}
        )
        assert token.status_code == 401 and "Helio SSO" in token.json()["detail"]
        admin = client.post(
            "/api/v1/auth/tokens", json={"email": cast.admin.email, "password": PASSWORD}
        )
        assert admin.status_code == 201


def test_a_change_to_who_may_come_in_is_in_the_audit_log(
    settings: Settings,
    oidc_provider: OidcProvider,
    database: Database,
    clock: Clock,
    session: Session,
) -> None:
    """The mapping lives in the deployment's settings: each start that finds it changed says so
    in the audit log, once."""
    first = oidc_provider.settings(settings)
    changed = first.model_copy(update={"oidc_role_map": "everyone=editor"})
    for each in (first, first, changed):
        with TestClient(create_app(each, database=database, clock=clock, run_jobs=False)):
            pass
    maps = [json.loads(e.note)["oidc_role_map"] for e in events(session, "sso_settings")]
    assert maps == [first.oidc_role_map, "everyone=editor"]


def test_a_provider_that_cannot_be_reached_is_said_so(
    settings: Settings, oidc_provider: OidcProvider, database: Database, clock: Clock
) -> None:
    down = oidc_provider.settings(settings, oidc_issuer=f"http://127.0.0.1:{free_port()}")
    app = create_app(down, database=database, clock=clock, run_jobs=False)
    with TestClient(app, base_url=PRISM) as client:
        leaving = client.get("/auth/sso", follow_redirects=False)
        assert leaving.status_code == 503 and "Helio SSO cannot be reached" in leaving.text
        assert leaving.headers["retry-after"] == "30"


def test_a_person_renamed_at_the_provider_is_found_by_their_subject(
    prism: TestClient, session: Session
) -> None:
    assert sign_in_at_provider(prism, "ines").status_code == 303
    ines = session.scalars(select(User).where(User.email == "ines.ortega@helio.example")).one()
    assert ines.sso_subject is not None and ines.sso_subject.endswith(" ines")
    ines.email = "ines.old-name@helio.example"  # what the provider called her before
    session.commit()
    prism.cookies.clear()
    assert sign_in_at_provider(prism, "ines").status_code == 303
    session.refresh(ines)
    assert ines.email == "ines.ortega@helio.example"
    assert session.scalars(select(User).where(User.name == "Inès Ortega")).all() == [ines]
