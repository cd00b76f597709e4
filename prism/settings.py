"""Prism's one settings class: every knob, its default and its meaning, read from `PRISM_*`."""

from __future__ import annotations

import ipaddress
import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Annotated

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

SECRET_KEY_FILE = "secret_key"  # noqa: S105 (a file name)
# The roles settings may name (people.models.Role's values; settings import no domain).
_ROLES = frozenset({"admin", "editor", "contributor", "viewer"})


# A sum in the deal currency, and a span of days, as the settings take them.
Money = Annotated[int, Field(ge=0, le=10**12)]
Days = Annotated[int, Field(ge=1, le=3650)]


class Settings(BaseSettings):
    """Runtime configuration; every field can be set as an environment variable `PRISM_<NAME>`."""

    model_config = SettingsConfigDict(env_prefix="PRISM_", extra="forbid", validate_default=True)

    data_dir: Path = Field(
        default=Path("./prism-data"),
        description="Where the SQLite database, the secret key and uploaded files live.",
    )
    database_url: str = Field(
        default="",
        description="SQLAlchemy URL; empty means a SQLite file `prism.db` in the data directory.",
    )
    secret_key: str = Field(
        default="",
        description="Signs CSRF tokens and seals share links; empty means generated once and "
        "kept in the data directory.",
    )
    base_url: str = Field(
        default="http://127.0.0.1:8000",
        description="The address people use to reach Prism; used in links Prism sends out.",
    )
    max_upload_mb: int = Field(
        default=25, ge=1, le=2048, description="Largest request body (an upload) accepted, in MiB."
    )
    session_hours: int = Field(
        default=12, ge=1, le=24 * 90, description="How long a web sign-in lasts, in hours."
    )
    token_days: int = Field(
        default=90, ge=1, le=3650, description="Default lifetime of a new API token, in days."
    )
    login_max_failures: int = Field(
        default=5,
        ge=1,
        le=1000,
        description="Failed sign-ins for one email within the login window before it is throttled.",
    )
    login_window_minutes: int = Field(
        default=15, ge=1, le=1440, description="The window over which failed sign-ins are counted."
    )
    trusted_proxies: str = Field(
        default="",
        description="Comma-separated addresses or networks (10.0.0.0/8) of the reverse proxies "
        "in front of Prism. Only requests from these have their X-Forwarded-For and "
        "X-Forwarded-Proto believed; empty (the default) believes no one, so a client cannot "
        "pose as another address to slip past the per-address limits.",
    )
    secure_cookies: bool = Field(
        default=False, description="Mark cookies Secure; turn on when Prism is served over HTTPS."
    )
    currency: str = Field(
        default="USD",
        pattern=r"^[A-Z]{3}$",
        description="The currency deal values are entered in unless a deal names another.",
    )
    small_deal_value: Money = Field(
        default=40_000,
        description="Deals below this value (and below the fast cycle) get the standard toolkit.",
    )
    fast_cycle_days: Days = Field(
        default=30,
        description="Deals expected to close sooner (and below the value) get the standard kit.",
    )
    deal_help_value: Money = Field(
        default=100_000,
        description="Requests for help on a deal of at least this value are taken on.",
    )
    deal_stuck_days: Days = Field(
        default=30,
        description="A deal in proposal or negotiation unchanged this many days is stuck.",
    )
    renewal_window_days: Days = Field(
        default=90,
        description="A renewal this close, on an account with low health, gets deal help.",
    )
    low_health: int = Field(
        default=50,
        ge=0,
        le=100,
        description="An account health score (0-100) below this is low.",
    )
    model_cache: Path | None = Field(
        default=None,
        description="Where the embedding model's ONNX graph is kept (exported once); by default "
        "$XDG_CACHE_HOME/prism, else ~/.cache/prism.",
    )
    run_jobs_in_process: bool | None = Field(
        default=None,
        description=(
            "Run background jobs in the web process. Default: yes on SQLite, no on PostgreSQL "
            "(there `prism worker` runs them)."
        ),
    )

    oidc_issuer: str = Field(
        default="",
        description="Company sign-in (OpenID Connect): the identity provider's issuer URL, e.g. "
        "https://acme.okta.com or https://login.microsoftonline.com/<tenant>/v2.0. Empty turns "
        "company sign-in off.",
    )
    oidc_client_id: str = Field(default="", description="Prism's client id at the provider.")
    oidc_client_secret: str = Field(
        default="", description="Prism's client secret at the provider."
    )
    oidc_provider_name: str = Field(
        default="your company account",
        max_length=60,
        description='Shown on the sign-in page as "Sign in with <name>".',
    )
    oidc_scopes: str = Field(
        default="openid email profile",
        description="The scopes asked for; add the one that carries groups if your provider "
        "needs it (e.g. `groups` on Okta).",
    )
    oidc_allowed_domains: str = Field(
        default="",
        description="Comma-separated email domains that may sign in through the provider; "
        "empty allows any the provider vouches for.",
    )
    oidc_role_claim: str = Field(
        default="groups",
        description="The ID token claim (a string or a list) whose values `oidc_role_map` reads.",
    )
    oidc_role_map: str = Field(
        default="",
        description="Comma-separated `value=role` pairs, e.g. `prism-admins=admin,"
        "product-marketing=editor,sales=contributor`; the most powerful match wins.",
    )
    oidc_default_role: str = Field(
        default="viewer",
        description="The role of someone whose claims match no entry of `oidc_role_map`.",
    )
    oidc_team_claim: str = Field(
        default="",
        description="The ID token claim naming the person's team (created if Prism has none "
        "of that name); empty leaves teams to Prism.",
    )
    sso_only: bool = Field(
        default=False,
        description="With company sign-in on, refuse Prism's own passwords, except for the "
        "break-glass admin.",
    )
    break_glass_email: str = Field(
        default="",
        description="The one admin who may still sign in with a password when `sso_only` is "
        "on, for when the provider is down.",
    )

    @field_validator("oidc_issuer")
    @classmethod
    def _issuer_url(cls, value: str) -> str:
        if value and not value.startswith(("https://", "http://")):
            raise ValueError("must be an https:// URL")
        return value.rstrip("/")

    @field_validator("oidc_role_map")
    @classmethod
    def _role_pairs(cls, value: str) -> str:
        for part in _parts(value):
            claim, sep, role = part.rpartition("=")
            if not sep or not claim.strip() or role.strip() not in _ROLES:
                raise ValueError(f"{part!r} is not `value=role` with a role of {sorted(_ROLES)}")
        return ",".join(_parts(value))

    @field_validator("oidc_default_role")
    @classmethod
    def _a_role(cls, value: str) -> str:
        if value not in _ROLES:
            raise ValueError(f"must be one of {sorted(_ROLES)}")
        return value

    @field_validator("database_url")
    @classmethod
    def _known_backend(cls, value: str) -> str:
        if value and not value.startswith(("sqlite", "postgresql")):
            raise ValueError("must be a sqlite:/// or postgresql:// URL")
        return value

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")

    @field_validator("trusted_proxies")
    @classmethod
    def _addresses(cls, value: str) -> str:
        for part in _parts(value):
            try:
                ipaddress.ip_network(part, strict=False)
            except ValueError:
                raise ValueError(f"{part!r} is not an address or network") from None
        return ",".join(_parts(value))

    @property
    def model_cache_dir(self) -> Path:
        if self.model_cache is not None:
            return self.model_cache
        return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "prism"

    @property
    def sso_enabled(self) -> bool:
        return bool(self.oidc_issuer and self.oidc_client_id)

    @property
    def allowed_domains(self) -> list[str]:
        return [d.lower().lstrip("@") for d in _parts(self.oidc_allowed_domains)]

    @property
    def role_map(self) -> list[tuple[str, str]]:
        """(claim value, role) pairs, in the order given."""
        return [
            (claim.strip(), role.strip())
            for claim, _, role in (p.rpartition("=") for p in _parts(self.oidc_role_map))
        ]

    @property
    def proxies(self) -> list[str]:
        """The trusted proxies' addresses and networks, one per entry."""
        return _parts(self.trusted_proxies)

    def public_base(self, reached_at: str) -> str:
        """The address people reach Prism at, for links it hands out: `base_url` when it is set,
        otherwise `reached_at`, where this request came (so a link works wherever Prism is
        served)."""
        if "base_url" in self.model_fields_set:
            return self.base_url
        return reached_at.rstrip("/")

    @property
    def resolved_database_url(self) -> str:
        """The database URL to connect to, defaulting to the SQLite file in the data directory."""
        if self.database_url:
            return normalise_database_url(self.database_url)
        return f"sqlite:///{(self.data_dir / 'prism.db').resolve()}"

    @property
    def is_sqlite(self) -> bool:
        return self.resolved_database_url.startswith("sqlite")

    @property
    def jobs_in_process(self) -> bool:
        if self.run_jobs_in_process is None:
            return self.is_sqlite
        return self.run_jobs_in_process

    @property
    def session_lifetime(self) -> timedelta:
        return timedelta(hours=self.session_hours)

    @property
    def login_window(self) -> timedelta:
        return timedelta(minutes=self.login_window_minutes)

    @property
    def files_dir(self) -> Path:
        return self.data_dir / "files"

    @property
    def max_body_bytes(self) -> int:
        return self.max_upload_mb * 1024 * 1024

    def prepare(self) -> Settings:
        """Create the data directory and fill in a persistent secret key if none was given."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if not self.secret_key:
            key_file = self.data_dir / SECRET_KEY_FILE
            if not key_file.exists():
                key_file.write_text(secrets.token_urlsafe(48))
                key_file.chmod(0o600)
            self.secret_key = key_file.read_text().strip()
        return self


def _parts(value: str) -> list[str]:
    return [p.strip() for p in value.split(",") if p.strip()]


def normalise_database_url(url: str) -> str:
    """Point plain `postgresql://` URLs at the psycopg 3 driver that Prism ships with."""
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


class SettingsError(Exception):
    """A setting has a bad value; the message names it in one line."""


def load_settings(**overrides: object) -> Settings:
    """Read settings from the environment and overrides; a bad value fails in one line."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        name = "PRISM_" + str(first["loc"][0]).upper() if first["loc"] else "settings"
        raise SettingsError(f"{name}: {first['msg']}") from None
