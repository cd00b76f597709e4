"""ID tokens Prism must not trust, each refused with a clear message and an audit entry: the
real provider's answer tampered with on the way (a bad signature), swapped for a genuine token
issued to another application (wrong audience) or for one from an earlier sign-in (its nonce
replayed), and a token that has expired by Prism's clock."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator

import httpx
import httpx2
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from prism.app import create_app
from prism.audit.models import AuditEvent
from prism.auth import sso
from prism.db import Database
from prism.settings import Settings
from tests.conftest import Clock
from tests.oidc.conftest import PRISM, OidcProvider, other_app_id_token, sign_in_at_provider


class TokenSwap(httpx2.HTTPTransport):
    """Between Prism and the provider's token endpoint: every ID token passing through is kept
    in `seen`, and replaced by what `change` makes of it."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[str] = []
        self.change: Callable[[str], str] = lambda token: token

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        answer = super().handle_request(request)
        if request.url.path != "/token" or answer.status_code != 200:
            return answer
        answer.read()
        body = json.loads(answer.content)
        self.seen.append(body["id_token"])
        body["id_token"] = self.change(body["id_token"])
        return httpx2.Response(200, json=body, request=request)


@pytest.fixture
def swap() -> TokenSwap:
    return TokenSwap()


@pytest.fixture
def prism(
    settings: Settings,
    oidc_provider: OidcProvider,
    database: Database,
    clock: Clock,
    swap: TokenSwap,
) -> Iterator[TestClient]:
    sso_settings = oidc_provider.settings(settings)
    app = create_app(sso_settings, database=database, clock=clock, run_jobs=False)
    app.state.sso_directory = sso.Directory(sso_settings, transport=swap)
    with TestClient(app, base_url=PRISM) as client:
        yield client


def refused(session: Session, answer: httpx.Response) -> str:
    """The refusal's audit note, once the person was told and not signed in."""
    assert answer.status_code == 401
    assert "could not be trusted" in answer.text and "prism_session" not in answer.cookies
    (event,) = session.scalars(select(AuditEvent).where(AuditEvent.action == "sso_refused"))
    return event.note


def test_the_untouched_answer_signs_in(prism: TestClient, swap: TokenSwap) -> None:
    assert sign_in_at_provider(prism, "ines").status_code == 303
    assert len(swap.seen) == 1


def test_a_bad_signature_is_refused(prism: TestClient, session: Session, swap: TokenSwap) -> None:
    def forged(token: str) -> str:
        head, body, signature = token.split(".")
        flipped = ("A" if signature[10] != "A" else "B").join((signature[:10], signature[11:]))
        return f"{head}.{body}.{flipped}"

    swap.change = forged
    assert "ID token refused" in refused(session, sign_in_at_provider(prism, "ines"))


def test_a_token_issued_to_another_application_is_refused(
    prism: TestClient, session: Session, swap: TokenSwap, oidc_provider: OidcProvider
) -> None:
    def theirs(ours: str) -> str:
        """Another application's token, with the nonce Prism asked for: only its audience is
        wrong."""
        payload = ours.split(".")[1]
        nonce = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["nonce"]
        return other_app_id_token(oidc_provider.issuer, "ines", nonce=nonce)

    swap.change = theirs
    assert "'aud'" in refused(session, sign_in_at_provider(prism, "ines"))


def test_an_earlier_sign_in_s_token_is_refused(
    prism: TestClient, session: Session, swap: TokenSwap
) -> None:
    """A captured ID token of Prism's own, sent again: signature and audience hold, the nonce
    this browser was given does not."""
    assert sign_in_at_provider(prism, "ines").status_code == 303
    earlier = swap.seen[0]
    prism.cookies.clear()
    swap.change = lambda _: earlier
    assert "'nonce'" in refused(session, sign_in_at_provider(prism, "ines"))


def test_an_expired_token_is_refused(prism: TestClient, session: Session, clock: Clock) -> None:
    clock.advance(hours=2)  # the provider's tokens live an hour; Prism's clock is ahead
    note = refused(session, sign_in_at_provider(prism, "ines"))
    assert note.startswith("ID token refused") and "expired" in note, note
