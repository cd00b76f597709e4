"""Signing in and out, and personal API tokens."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, delete, or_, select, true, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, joinedload
from sqlalchemy.orm.attributes import set_committed_value

from prism.audit import service as audit
from prism.auth.credentials import digest, new_secret
from prism.auth.guard import Throttle
from prism.auth.models import ApiToken, WebSession
from prism.auth.passwords import verify_password
from prism.auth.policy import Action, Principal, can, require
from prism.auth.schemas import TokenIn
from prism.epochs import ONLY_BOOKKEEPING
from prism.errors import Forbidden, NotFound, Unauthorized
from prism.i18n import N_, _
from prism.pagination import PageOf, paginate
from prism.people.models import User
from prism.people.service import find_user_by_email
from prism.settings import Settings

log = logging.getLogger(__name__)
TOKEN_PREFIX = "prism_"  # noqa: S105 (a label, not a secret)
WRONG_CREDENTIALS = N_("Wrong email or password.")
LAST_USED_RESOLUTION = timedelta(minutes=1)


def authenticate(
    session: Session, *, email: str, password: str, client: str, now: datetime, settings: Settings
) -> User:
    """The user these credentials belong to; the same error whether or not the email exists.
    With company sign-in only, passwords are refused but the break-glass admin's."""
    if settings.sso_enabled and settings.sso_only:
        glass = settings.break_glass_email.strip().lower()
        if not glass or email.strip().lower() != glass:
            raise Unauthorized(
                _(
                    "Sign in with {oidc_provider_name}: this Prism takes no passwords.",
                    oidc_provider_name=settings.oidc_provider_name,
                )
            )
    throttle = Throttle.of(settings)
    throttle.check(session, email=email, client=client, now=now)
    user = find_user_by_email(session, email)
    ok = verify_password(user.password_hash if user else None, password)
    if user is None or not ok or not user.is_active:
        throttle.fail(session, email=email, client=client, now=now)
        raise Unauthorized(_(WRONG_CREDENTIALS), keep_changes=True)
    user.last_login_at = now
    audit.set_actor(session, user)
    throttle.clear(session, email=email)
    audit.record(session, action="sign_in", item=user, note=f"from {client}")
    return user


def start_web_session(session: Session, *, user: User, now: datetime, lifetime: timedelta) -> str:
    """Open a browser session for `user`; returns the raw cookie value (never stored)."""
    raw = new_secret("")
    session.add(
        WebSession(
            token_hash=digest(raw), user_id=user.id, created_at=now, expires_at=now + lifetime
        )
    )
    session.flush()
    return raw


def end_web_session(session: Session, *, raw: str) -> None:
    """Sign out: the cookie's session stops working at once, in every app process."""
    session.execute(delete(WebSession).where(WebSession.token_hash == digest(raw)))


def web_session_for(session: Session, *, raw: str, now: datetime) -> WebSession | None:
    """The browser session a cookie opens, with its active user; None if it is unknown or
    expired, or its user is deactivated."""
    web_session = session.scalar(
        select(WebSession)
        .options(joinedload(WebSession.user))
        .where(WebSession.token_hash == digest(raw))
    )
    if web_session is None or web_session.expires_at <= now or not web_session.user.is_active:
        return None
    return web_session


def create_token(
    session: Session,
    actor: Principal,
    *,
    user: User,
    data: TokenIn,
    now: datetime,
    default_days: int,
) -> tuple[ApiToken, str]:
    """Issue a token for `user`; the raw token is returned once and only its hash is kept."""
    scopes = " ".join(sorted(set(data.scopes)))
    token = ApiToken(user_id=user.id, name=data.name, scopes=scopes)
    require(actor, Action.MANAGE_OWN_TOKENS, token)
    raw = new_secret(TOKEN_PREFIX)
    token.prefix = raw[: len(TOKEN_PREFIX) + 6]
    token.token_hash = digest(raw)
    token.created_at = now
    token.expires_at = now + timedelta(days=data.days or default_days)
    session.add(token)
    session.flush()
    return token, raw


def tokens_readable_by(actor: Principal) -> ColumnElement[bool]:
    """The tokens `actor` may list: their own, or everyone's for those who manage all tokens."""
    if can(actor, Action.MANAGE_ALL_TOKENS):
        return true()
    return ApiToken.user_id == actor.id


def list_tokens(
    session: Session,
    actor: Principal,
    *,
    user_id: int | None = None,
    limit: int = 50,
    cursor: str | None = None,
) -> PageOf[ApiToken]:
    """API tokens the actor may see, newest first; filter by owner with `user_id`."""
    require(actor, Action.MANAGE_OWN_TOKENS)
    stmt = select(ApiToken).options(joinedload(ApiToken.user)).where(tokens_readable_by(actor))
    if user_id is not None:
        stmt = stmt.where(ApiToken.user_id == user_id)
    return paginate(session, stmt, key=ApiToken.id, limit=limit, cursor=cursor, newest_first=True)


def revoke_token(session: Session, actor: Principal, *, token_id: int, now: datetime) -> ApiToken:
    """Revoke a token; it stops working at once. Revoking twice is harmless."""
    token = session.get(ApiToken, token_id)
    if token is None or not can(actor, Action.MANAGE_OWN_TOKENS, token):
        # A token you may not manage is reported as missing, so ids reveal nothing.
        raise NotFound(_("No API token {token_id} of yours.", token_id=token_id))
    if token.revoked_at is None:
        token.revoked_at = now
        session.flush()
    return token


def require_writes(token: ApiToken) -> None:
    """`Forbidden` unless the token has the write scope."""
    if not token.writes:
        raise Forbidden(_("This API token is read-only; create one with the write scope."))


def user_for_token(session: Session, *, raw: str, now: datetime) -> tuple[User, ApiToken]:
    """The user and token behind an `Authorization: Bearer` value, or 401 saying why not."""
    token = session.scalar(
        select(ApiToken)
        .options(joinedload(ApiToken.user))
        .where(ApiToken.token_hash == digest(raw))
    )
    if token is None:
        raise Unauthorized(_("This API token is not valid."))
    if token.revoked_at is not None:
        raise Unauthorized(_("This API token was revoked."))
    if token.expires_at <= now:
        raise Unauthorized(_("This API token has expired; create a new one."))
    if not token.user.is_active:
        raise Unauthorized(_("The account this API token belongs to is deactivated."))
    _note_use(session, token, now)
    return token.user, token


def _note_use(session: Session, token: ApiToken, now: datetime) -> None:
    # Recorded to the minute and only if the database lets us at once: a read request must
    # never fail, nor queue behind fifty others on one row, to note when a token was used.
    # SKIP LOCKED (PostgreSQL) leaves the row to whoever holds it; SQLite busy is skipped too.
    if token.last_used_at is not None and now - token.last_used_at <= LAST_USED_RESOLUTION:
        return
    stale = or_(ApiToken.last_used_at.is_(None), ApiToken.last_used_at < now - LAST_USED_RESOLUTION)
    free = (
        select(ApiToken.id)
        .where(ApiToken.id == token.id, stale)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    note = update(ApiToken).where(ApiToken.id == free).values(last_used_at=now)
    options = {"synchronize_session": False, ONLY_BOOKKEEPING: True}
    try:
        with session.begin_nested():
            noted = session.execute(note.execution_options(**options))
    except OperationalError:
        log.info("token %s: last use not recorded (database busy)", token.id)
        return
    if getattr(noted, "rowcount", 0):
        set_committed_value(token, "last_used_at", now)


def cleanup_expired(session: Session, *, now: datetime) -> int:
    """Forget expired browser sessions; run daily by the scheduler."""
    result = session.execute(delete(WebSession).where(WebSession.expires_at <= now))
    return int(getattr(result, "rowcount", 0) or 0)
