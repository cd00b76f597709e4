"""What protects an account: guessing its password is throttled, wherever the guess is made
(signing in, or the current password when changing it), and every way in can be ended at
once (a new password, an admin's reset, deactivation).

Below both `auth.service` and `people.service`, so each can call it without a cycle."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, delete, func, select, update
from sqlalchemy.orm import Session

from prism.auth.credentials import digest
from prism.auth.models import ApiToken, LoginFailure, WebSession
from prism.errors import TooManyRequests
from prism.i18n import _
from prism.settings import Settings

# One address may fail this many times more than a single email before it is slowed down,
# so a shared office IP is not locked out by one person's typos.
CLIENT_FAILURE_FACTOR = 4


@dataclass(frozen=True)
class Throttle:
    """How many wrong passwords an account (and an address) may send in a window."""

    max_failures: int
    window: timedelta

    @classmethod
    def of(cls, settings: Settings) -> Throttle:
        return cls(settings.login_max_failures, settings.login_window)

    def check(self, session: Session, *, email: str, client: str, now: datetime) -> None:
        """`TooManyRequests` if this account, or this address, failed too often lately."""
        since = now - self.window
        by_email = _failures(session, LoginFailure.email_key == email_key(email), since)
        by_client = _failures(session, LoginFailure.client == client[:64], since)
        if by_email >= self.max_failures or by_client >= self.max_failures * CLIENT_FAILURE_FACTOR:
            minutes = int(self.window.total_seconds() // 60)
            raise TooManyRequests(
                _(
                    "Too many wrong passwords. Wait {minutes} minutes and try again.",
                    minutes=minutes,
                ),
                retry_after=int(self.window.total_seconds()),
            )

    def fail(self, session: Session, *, email: str, client: str, now: datetime) -> None:
        """Count one wrong password (and forget failures older than the window)."""
        session.execute(delete(LoginFailure).where(LoginFailure.at < now - self.window))
        session.add(LoginFailure(email_key=email_key(email), client=client[:64], at=now))
        session.flush()

    def clear(self, session: Session, *, email: str) -> None:
        """The right password was given: the account's count starts again."""
        session.execute(delete(LoginFailure).where(LoginFailure.email_key == email_key(email)))


def email_key(email: str) -> str:
    """Failures are kept by a hash of the email, so the table names nobody."""
    return digest(email.strip().lower())


def _failures(session: Session, condition: ColumnElement[bool], since: datetime) -> int:
    stmt = select(func.count()).select_from(LoginFailure).where(condition, LoginFailure.at >= since)
    return session.scalar(stmt) or 0


def end_access(
    session: Session, user_id: int, *, now: datetime, keep_cookie: str | None = None
) -> None:
    """Sign the person out of every browser (but the one whose cookie is `keep_cookie`) and
    revoke every API token they hold; each stops working with the next request."""
    ended = delete(WebSession).where(WebSession.user_id == user_id)
    if keep_cookie:
        ended = ended.where(WebSession.token_hash != digest(keep_cookie))
    session.execute(ended)
    session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )
