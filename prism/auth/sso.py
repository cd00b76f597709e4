"""Company sign-in with OpenID Connect.

The authorization code flow with PKCE (Authlib's OAuth 2 client, on httpx2 as Authlib is), the
provider's discovery document and keys, and the ID token checked with joserfc (Authlib's JOSE
library): signature against the provider's published keys, issuer, audience, expiry and the
nonce this browser was given. What the browser carries between leaving for the provider and
coming back (state, nonce, PKCE verifier, where to go next) is sealed in a short-lived cookie
and good once.

The first sign-in creates the person (just in time) with the role and team their claims map to;
later sign-ins bring both up to date; a person deactivated in Prism stays out. Every sign-in and
every refusal is in the audit log, the refusal with its reason.
"""

from __future__ import annotations

import json
import logging
import secrets
import threading
import time
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import httpx2
from authlib.integrations.httpx_client import OAuth2Client
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from sqlalchemy import select
from sqlalchemy.orm import Session

from prism.audit import service as audit
from prism.audit.models import AuditEvent
from prism.auth.credentials import seal, unseal
from prism.errors import Unavailable
from prism.people.models import Role, User
from prism.people.service import ensure_teams, find_user_by_email
from prism.settings import Settings

log = logging.getLogger(__name__)

# How long a browser may take at the provider before coming back.
ATTEMPT_LIFETIME = timedelta(minutes=10)
# Clocks differ: an ID token issued or expiring this close to now is still judged fairly.
LEEWAY_S = 60
# The provider's discovery document and keys are fetched again after this long (or at once
# when a token is signed with a key not seen yet).
DIRECTORY_TTL_S = 3600
HTTP_TIMEOUT_S = 10
SIGNING = ["RS256", "RS384", "RS512", "PS256", "ES256", "ES384", "EdDSA"]
SEAL_PURPOSE = "oidc-attempt"
SETTINGS_ACTION = "sso_settings"
RANK = {Role.ADMIN: 3, Role.EDITOR: 2, Role.CONTRIBUTOR: 1, Role.VIEWER: 0}
# The password hash of an account made by company sign-in: no password matches it (until an
# admin sets one), so the account opens through the provider only.
NO_PASSWORD = "!sso"  # noqa: S105 (not a password: the mark of having none)


class ProviderUnreachable(Unavailable):
    """The identity provider's documents could not be had: nobody can sign in through it now."""

    def __init__(self, name: str, url: str, cause: Exception) -> None:
        super().__init__(
            f"{name} cannot be reached right now, so company sign-in is not possible. Try "
            "again in a moment, or ask an admin.",
            retry_after=30,
        )
        self.reason = f"provider unreachable: {url}: {type(cause).__name__}: {cause}"
        log.warning("company sign-in: %s", self.reason)


class SsoRefused(Exception):
    """Company sign-in did not let this person in; `message` says why, in words for them."""

    def __init__(self, message: str, *, reason: str, email: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.reason = reason
        self.email = email


@dataclass(frozen=True)
class Provider:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    end_session_endpoint: str | None


@dataclass(frozen=True)
class Attempt:
    """One trip to the provider and back, sealed in the browser's cookie."""

    state: str
    nonce: str
    verifier: str
    next: str
    started: float  # Unix time

    def sealed(self, key: str) -> str:
        return seal(key, json.dumps(asdict(self)), purpose=SEAL_PURPOSE)

    @classmethod
    def unsealed(cls, key: str, value: str | None) -> Attempt | None:
        opened = unseal(key, value, purpose=SEAL_PURPOSE) if value else None
        if opened is None:
            return None
        try:
            return cls(**json.loads(opened))
        except (TypeError, ValueError):
            return None


class Directory:
    """The provider's discovery document and signing keys, fetched when first needed and kept
    for an hour; one per web process (and per settings)."""

    def __init__(
        self, settings: Settings, *, transport: httpx2.BaseTransport | None = None
    ) -> None:
        self.settings = settings
        self.transport = transport
        self.lock = threading.Lock()
        self._provider: tuple[float, Provider] | None = None
        self._keys: tuple[float, KeySet] | None = None

    def http(self) -> httpx2.Client:
        return httpx2.Client(timeout=HTTP_TIMEOUT_S, transport=self.transport)

    def _get(self, url: str) -> dict[str, Any]:
        """A JSON document from the provider; `ProviderUnreachable` when it cannot be had."""
        try:
            with self.http() as client:
                answer = client.get(url)
                answer.raise_for_status()
                found: dict[str, Any] = answer.json()
                return found
        except (httpx2.HTTPError, ValueError) as exc:
            raise ProviderUnreachable(self.settings.oidc_provider_name, url, exc) from exc

    def provider(self) -> Provider:
        with self.lock:
            if self._provider is None or time.monotonic() - self._provider[0] > DIRECTORY_TTL_S:
                self._provider = (time.monotonic(), self._discover())
            return self._provider[1]

    def keys(self, *, fresh: bool = False) -> KeySet:
        provider = self.provider()
        with self.lock:
            stale = self._keys is None or time.monotonic() - self._keys[0] > DIRECTORY_TTL_S
            if fresh or stale:
                found = self._get(provider.jwks_uri)
                self._keys = (time.monotonic(), KeySet.import_key_set(found))  # type: ignore[arg-type]
            assert self._keys is not None
            return self._keys[1]

    def _discover(self) -> Provider:
        issuer = self.settings.oidc_issuer
        found = self._get(f"{issuer}/.well-known/openid-configuration")
        if found.get("issuer", "").rstrip("/") != issuer:
            raise ProviderUnreachable(
                self.settings.oidc_provider_name,
                issuer,
                ValueError(f"it calls itself {found.get('issuer')!r}: check PRISM_OIDC_ISSUER"),
            )
        return Provider(
            issuer=found["issuer"],
            authorization_endpoint=found["authorization_endpoint"],
            token_endpoint=found["token_endpoint"],
            jwks_uri=found["jwks_uri"],
            end_session_endpoint=found.get("end_session_endpoint"),
        )


def _client(settings: Settings, directory: Directory, redirect_uri: str) -> OAuth2Client:
    return OAuth2Client(
        client_id=settings.oidc_client_id,
        client_secret=settings.oidc_client_secret,
        scope=settings.oidc_scopes,
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
        timeout=HTTP_TIMEOUT_S,
        transport=directory.transport,
    )


def begin(
    settings: Settings, directory: Directory, *, redirect_uri: str, next_path: str, now: datetime
) -> tuple[str, str]:
    """Where to send the browser, and the sealed cookie it must bring back."""
    attempt = Attempt(
        state=secrets.token_urlsafe(24),
        nonce=secrets.token_urlsafe(24),
        verifier=secrets.token_urlsafe(48),
        next=next_path,
        started=now.timestamp(),
    )
    with _client(settings, directory, redirect_uri) as client:
        url, _ = client.create_authorization_url(
            directory.provider().authorization_endpoint,
            state=attempt.state,
            code_verifier=attempt.verifier,
            nonce=attempt.nonce,
        )
    return url, attempt.sealed(settings.secret_key)


def finish(
    session: Session,
    settings: Settings,
    directory: Directory,
    *,
    sealed: str | None,
    query: dict[str, str],
    redirect_uri: str,
    now: datetime,
) -> tuple[User, str]:
    """The person the provider vouched for, signed in as `User` (created or brought up to date),
    and where they were going; `SsoRefused` otherwise."""
    attempt = Attempt.unsealed(settings.secret_key, sealed)
    if attempt is None or not secrets.compare_digest(attempt.state, query.get("state", "")):
        raise SsoRefused(
            "This sign-in link was already used, or did not start here. Sign in again.",
            reason="no matching sign-in attempt (state missing, wrong or replayed)",
        )
    if now.timestamp() - attempt.started > ATTEMPT_LIFETIME.total_seconds():
        raise SsoRefused("The sign-in took too long. Sign in again.", reason="attempt expired")
    if error := query.get("error"):
        detail = query.get("error_description") or error
        raise SsoRefused(f"The identity provider said: {detail}", reason=f"provider: {error}")
    if not query.get("code"):
        raise SsoRefused("The identity provider sent no code back.", reason="no code")
    try:
        claims = _claims(settings, directory, attempt, query["code"], redirect_uri, now)
    except ProviderUnreachable as down:
        raise SsoRefused(down.message, reason=down.reason) from down
    user = _provision(session, settings, claims, now=now)
    return user, attempt.next


def _claims(
    settings: Settings,
    directory: Directory,
    attempt: Attempt,
    code: str,
    redirect_uri: str,
    now: datetime,
) -> dict[str, Any]:
    provider = directory.provider()
    with _client(settings, directory, redirect_uri) as client:
        try:
            token = client.fetch_token(
                provider.token_endpoint, code=code, code_verifier=attempt.verifier
            )
        except Exception as exc:
            raise SsoRefused(
                "The identity provider did not accept the sign-in code. Sign in again.",
                reason=f"token request failed: {type(exc).__name__}: {exc}",
            ) from exc
    id_token = token.get("id_token")
    if not id_token:
        raise SsoRefused("The identity provider sent no ID token.", reason="no id_token")
    return check_id_token(settings, directory, id_token, nonce=attempt.nonce, now=now)


def check_id_token(
    settings: Settings, directory: Directory, id_token: str, *, nonce: str, now: datetime
) -> dict[str, Any]:
    """The ID token's claims once its signature, issuer, audience, expiry and nonce hold."""
    try:
        try:
            decoded = jwt.decode(id_token, directory.keys(), algorithms=SIGNING)
        except ValueError:  # signed with a key not seen yet: the provider rotated its keys
            decoded = jwt.decode(id_token, directory.keys(fresh=True), algorithms=SIGNING)
        registry = jwt.JWTClaimsRegistry(
            now=int(now.timestamp()),
            leeway=LEEWAY_S,
            iss={"essential": True, "value": directory.provider().issuer},
            aud={"essential": True, "value": settings.oidc_client_id},
            exp={"essential": True},
            sub={"essential": True},
            nonce={"essential": True, "value": nonce},
        )
        registry.validate(decoded.claims)
    except (JoseError, ValueError) as exc:
        raise SsoRefused(
            "The identity provider's answer could not be trusted, so you were not signed in.",
            reason=f"ID token refused: {_said(exc)}",
        ) from exc
    return dict(decoded.claims)


def _said(exc: Exception) -> str:
    return (
        getattr(exc, "description", None)
        or getattr(exc, "error", None)
        or str(exc)
        or type(exc).__name__
    )


def _provision(
    session: Session, settings: Settings, claims: dict[str, Any], *, now: datetime
) -> User:
    email = str(claims.get("email") or "").strip().lower()
    if not email or "@" not in email:
        raise SsoRefused(
            "Your identity provider did not share your email address with Prism.",
            reason="no email claim",
        )
    if claims.get("email_verified") is False:
        raise SsoRefused(
            "Your email address is not verified at your identity provider.",
            reason="email not verified",
            email=email,
        )
    domain = email.rpartition("@")[2]
    if settings.allowed_domains and domain not in settings.allowed_domains:
        raise SsoRefused(
            f"Accounts at {domain} may not sign in to this Prism.",
            reason=f"domain {domain} not allowed",
            email=email,
        )
    subject = f"{claims['iss']} {claims['sub']}"[:500]
    user = session.scalar(select(User).where(User.sso_subject == subject))
    user = user or find_user_by_email(session, email)
    if user is not None and not user.is_active:
        raise SsoRefused(
            "Your Prism account is deactivated. Ask an admin if that is a mistake.",
            reason="account deactivated in Prism",
            email=email,
        )
    role = mapped_role(settings, claims)
    team = _team(session, settings, claims)
    if user is None:
        name = str(claims.get("name") or email.partition("@")[0])[:200]
        user = User(email=email, name=name, role=role, password_hash=NO_PASSWORD, is_active=True)
        session.add(user)
        session.flush()
    audit.set_actor(session, user)
    if user.email != email and find_user_by_email(session, email) is None:
        user.email = email  # renamed at the provider: the same person, found by subject
    user.sso_subject = subject
    user.role = role
    if team is not None:
        user.team_id = team
    user.last_login_at = now
    session.flush()
    return user


def mapped_role(settings: Settings, claims: dict[str, Any]) -> Role:
    """The most powerful role any of the person's claim values maps to, else the default."""
    values = _values(claims.get(settings.oidc_role_claim))
    matched = [Role(role) for value, role in settings.role_map if value in values]
    return max(matched, key=RANK.__getitem__, default=Role(settings.oidc_default_role))


def _team(session: Session, settings: Settings, claims: dict[str, Any]) -> int | None:
    """The id of the team the person's claim names (made if Prism has none of that name)."""
    if not settings.oidc_team_claim:
        return None
    names = _values(claims.get(settings.oidc_team_claim))
    if not names:
        return None
    name = names[0][:100]
    return ensure_teams(session, {name: ""})[name]


def _values(claim: Any) -> list[str]:
    if claim is None:
        return []
    if isinstance(claim, str):
        return [claim]
    if isinstance(claim, list | tuple):
        return [str(v) for v in claim]
    return [str(claim)]


# The settings that decide who comes in and with what role: kept in the audit log when changed.
MAPPING_SETTINGS = (
    "oidc_issuer",
    "oidc_client_id",
    "oidc_allowed_domains",
    "oidc_role_claim",
    "oidc_role_map",
    "oidc_default_role",
    "oidc_team_claim",
    "sso_only",
    "break_glass_email",
)


def note_settings(session: Session, settings: Settings) -> bool:
    """Put company sign-in's settings in the audit log when they differ from the last ones
    recorded: they change with the deployment, not in the app, and who may come in with which
    role is worth a line. Nothing is written while company sign-in was never on."""
    current = json.dumps({name: getattr(settings, name) for name in MAPPING_SETTINGS})
    last = session.scalar(
        select(AuditEvent.note)
        .where(AuditEvent.action == SETTINGS_ACTION)
        .order_by(AuditEvent.id.desc())
        .limit(1)
    )
    if last == current or (last is None and not settings.sso_enabled):
        return False
    audit.record_unattached(
        session, action=SETTINGS_ACTION, item_type="Settings", label="company sign-in", note=current
    )
    return True


def end_session_url(directory: Directory, *, post_logout: str) -> str | None:
    """The provider's sign-out page, when it has one (Prism's own session is already ended)."""
    try:
        endpoint = directory.provider().end_session_endpoint
    except ProviderUnreachable:
        return None
    if not endpoint:
        return None
    query = urlencode(
        {"client_id": directory.settings.oidc_client_id, "post_logout_redirect_uri": post_logout}
    )
    return f"{endpoint}?{query}"
