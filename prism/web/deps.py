"""Request dependencies: the unit of work, the clock, who is asking, and CSRF protection."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Annotated

import anyio
from fastapi import Depends, Request, Response
from sqlalchemy.orm import Session

from prism import i18n
from prism.analytics.usage import Recorder
from prism.audit.service import set_actor
from prism.auth import service as auth_service
from prism.auth.credentials import bearer, digest, new_secret, same, sign
from prism.auth.guard import Throttle
from prism.auth.models import ApiToken
from prism.auth.remember import CredentialMemory
from prism.db import BUSY, POOL_WAIT_S, RETRY_AFTER_S, WRITE_WAIT_S, Database, Unit, utcnow
from prism.errors import Forbidden, Invalid, Unauthorized, Unavailable
from prism.i18n import _
from prism.notifications import service as notifications
from prism.people.models import Role, User
from prism.people.service import OwnChange
from prism.schemas import NUL_MESSAGE, has_nul
from prism.settings import Settings

SESSION_COOKIE = "prism_session"
CSRF_COOKIE = "prism_csrf"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

Clock = Callable[[], datetime]


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_database(request: Request) -> Database:
    database: Database = request.app.state.database
    return database


def _writes(request: Request) -> bool:
    return request.method not in SAFE_METHODS or getattr(request.state, "writes", False)


async def write_turn(request: Request) -> AsyncIterator[None]:
    """On SQLite, a writing request's turn at the database's one writer, held until its unit of
    work has committed. It is waited for in a thread of the database's own queue, never in one
    of the threads that run requests: a full request pool waiting for the writer would leave
    the writer no thread to finish in. A full queue, or no turn within `WRITE_WAIT_S`, is 503."""
    database = get_database(request)
    if not (database.is_sqlite and _writes(request)):
        yield
        return
    waiting = database.waiting
    if waiting.borrowed_tokens >= waiting.total_tokens:
        raise Unavailable(_(BUSY), retry_after=RETRY_AFTER_S)
    gate = database.write_gate
    if not await anyio.to_thread.run_sync(gate.acquire, True, WRITE_WAIT_S, limiter=waiting):
        raise Unavailable(_(BUSY), retry_after=RETRY_AFTER_S)
    try:
        yield
    finally:
        gate.release()


# The unit of work of the request being handled, for the handler's own thread to commit
# (see `prism.web.routing.OneTripRoute`); each request runs in its own context.
REQUEST_UNIT: ContextVar[Unit | None] = ContextVar("request_unit", default=None)


async def db_session(
    request: Request, _turn: Annotated[None, Depends(write_turn, scope="function")]
) -> AsyncIterator[Session]:
    """The request's unit of work: committed when the handler succeeds, rolled back otherwise.

    Safe methods are read-only units, so concurrent reads never wait for SQLite's write lock.
    The unit opens without touching the database; it begins with its first statement and is
    committed by the handler's own thread once the handler returns (`OneTripRoute`), so a
    request that holds a row lock never needs a second thread to let it go. What is left to
    end here (a handler that raised) ends in the database's own threads. Fewer units are open
    at once than there are handler threads; past `POOL_WAIT_S` in the queue, 503.
    """
    database = get_database(request)
    holder = object()  # set-up and tear-down may run in different tasks
    try:
        with anyio.fail_after(POOL_WAIT_S):
            await database.open_units.acquire_on_behalf_of(holder)
    except TimeoutError:
        raise Unavailable(_(BUSY), retry_after=RETRY_AFTER_S) from None
    try:
        unit = database.unit(writes=_writes(request))
        REQUEST_UNIT.set(unit)
        try:
            yield unit.session
        except BaseException as exc:
            if not unit.ended:
                await anyio.to_thread.run_sync(unit.end, exc, limiter=database.committers)
            raise
        if not unit.ended:
            await anyio.to_thread.run_sync(unit.end, limiter=database.committers)
    finally:
        database.open_units.release_on_behalf_of(holder)


async def clean_address(request: Request) -> None:
    """Every route's first check: a query value holding a NUL is refused as a body field is
    (PostgreSQL cannot compare with one, and no person types one)."""
    for name, value in request.query_params.multi_items():
        if has_nul(name) or has_nul(value):
            field = f"query.{name.replace(chr(0), '')}"
            said = _("{field}: {message}", field=field, message=NUL_MESSAGE)
            raise Invalid(said, errors=[{"field": field, "message": NUL_MESSAGE}])
    if has_nul(request.url.path):
        raise Invalid(
            _("path: {NUL_MESSAGE}", NUL_MESSAGE=NUL_MESSAGE),
            errors=[{"field": "path", "message": NUL_MESSAGE}],
        )


async def _declare_writes(request: Request) -> None:
    request.state.writes = True


# For the few GET routes that write (recording a buyer's visit, setting up a kit on first
# open): listed in the route's dependencies, it runs before the session is opened, so SQLite
# takes the write lock up front (and waits for it) instead of failing to upgrade a read.
WritesOnGet = Depends(_declare_writes)


async def _settings(request: Request) -> Settings:
    return get_settings(request)


async def current_time(request: Request) -> datetime:
    """Now, from the app's clock, which tests replace to control time."""
    clock: Clock = getattr(request.app.state, "clock", utcnow)
    return clock()


# Dependencies that do no I/O are async, so they cost no trip through the thread pool.
async def usage_recorder(request: Request) -> Recorder:
    recorder: Recorder = request.app.state.usage
    return recorder


async def public_base(request: Request) -> str:
    """The address people reach Prism at, for links it hands out (`Settings.public_base`)."""
    return get_settings(request).public_base(str(request.base_url))


DbSession = Annotated[Session, Depends(db_session, scope="function")]
Usage = Annotated[Recorder, Depends(usage_recorder)]
Now = Annotated[datetime, Depends(current_time)]
AppSettings = Annotated[Settings, Depends(_settings)]
PublicBase = Annotated[str, Depends(public_base)]


@dataclass(frozen=True)
class Viewer:
    """A snapshot of the signed-in user for templates; it outlives the request's session,
    so an error page can still say who is signed in after a rollback."""

    id: int
    name: str
    email: str
    role: Role
    is_active: bool

    @classmethod
    def of(cls, user: User) -> Viewer:
        return cls(user.id, user.name, user.email, user.role, user.is_active)


@dataclass
class Credentials:
    user: User
    token: ApiToken | None

    @property
    def by_cookie(self) -> bool:
        return self.token is None


@dataclass
class Found(Credentials):
    """Credentials as looked up, with when they stop working."""

    expires_at: datetime


async def identify(request: Request, session: DbSession, now: Now) -> Credentials | None:
    """Who is asking: a Bearer token wins over the session cookie; None for nobody. Who a
    credential belongs to is remembered for a few seconds (see `prism.auth.remember`), so most
    requests learn it without a trip to the database or to a worker thread."""
    header = request.headers.get("authorization", "")
    if header:
        given = bearer(header)
        if given is None:
            raise Unauthorized(_("Send the token as `Authorization: Bearer <token>`."))
        raw, by_token = given, True
    elif cookie := request.cookies.get(SESSION_COOKIE):
        raw, by_token = cookie, False
    else:
        return None
    memory: CredentialMemory = request.app.state.credentials
    key = ("token:" if by_token else "cookie:") + digest(raw)
    if (hit := memory.recall(key, now=now)) is not None:
        found = Credentials(session.merge(hit.user, load=False), hit.token)
    else:
        epoch = memory.epoch.read()  # before the lookup: a change during it makes it stale
        look_up = partial(_look_up, session, raw, by_token=by_token, now=now)
        if (looked_up := await anyio.to_thread.run_sync(look_up)) is None:
            return None
        memory.remember(key, looked_up, epoch=epoch, now=now)
        found = looked_up
    set_actor(session, found.user)
    request.state.user = Viewer.of(found.user)
    i18n.speak(found.user.language)  # their choice, over what their browser asks for
    return found


def _look_up(session: Session, raw: str, *, by_token: bool, now: datetime) -> Found | None:
    if by_token:
        user, token = auth_service.user_for_token(session, raw=raw, now=now)
        return Found(user, token, token.expires_at)
    web_session = auth_service.web_session_for(session, raw=raw, now=now)
    if web_session is None:
        return None
    return Found(web_session.user, None, web_session.expires_at)


Identified = Annotated[Credentials | None, Depends(identify)]


async def api_user(request: Request, credentials: Identified) -> User:
    """The signed-in user of an API call, with the token's scope and CSRF checked."""
    if credentials is None:
        raise Unauthorized(_("Sign in, or send an API token as `Authorization: Bearer <token>`."))
    if request.method not in SAFE_METHODS:
        if credentials.token is not None:
            auth_service.require_writes(credentials.token)
        if credentials.by_cookie:
            require_csrf_header(request)
    return credentials.user


CurrentUser = Annotated[User, Depends(api_user)]


class SignInRequiredError(Exception):
    """A page needs a signed-in user; the web layer answers with a redirect to the login page."""


def page_user(request: Request, credentials: Identified, session: DbSession) -> User:
    """The signed-in user of a page; anonymous visitors are sent to the login page. Their
    unread notifications are counted for the navigation's badge."""
    if credentials is None:
        raise SignInRequiredError
    request.state.unread = notifications.unread_count(session, credentials.user)
    return credentials.user


PageUser = Annotated[User, Depends(page_user)]


def csrf_nonce(request: Request) -> str:
    """The browser's CSRF nonce (an HttpOnly cookie), minted on first use."""
    nonce = request.cookies.get(CSRF_COOKIE) or getattr(request.state, "new_csrf_nonce", None)
    if nonce is None:
        nonce = new_secret("")
        request.state.new_csrf_nonce = nonce
    return str(nonce)


def csrf_token(request: Request) -> str:
    """The token forms and htmx send back: the browser's nonce, signed with the secret key."""
    return _signed(request, csrf_nonce(request))


def _signed(request: Request, nonce: str) -> str:
    return sign(get_settings(request).secret_key, "csrf:" + nonce)


def _csrf_valid(request: Request, submitted: str | None) -> bool:
    nonce = request.cookies.get(CSRF_COOKIE)
    return bool(nonce and submitted) and same(submitted or "", _signed(request, nonce or ""))


def require_csrf_header(request: Request) -> None:
    if not _csrf_valid(request, request.headers.get(CSRF_HEADER)):
        raise Forbidden(_("The request lacks a valid CSRF token; reload the page and try again."))


async def require_csrf(request: Request) -> None:
    """Unsafe page requests must carry the CSRF token, as a form field or an htmx header."""
    if request.method in SAFE_METHODS:
        return
    submitted = request.headers.get(CSRF_HEADER)
    if submitted is None and "form" in request.headers.get("content-type", ""):
        submitted = str((await request.form()).get(CSRF_FIELD) or "")
    if not _csrf_valid(request, submitted):
        raise Forbidden(
            _("This form has expired or did not come from Prism; reload the page and try again.")
        )


def set_private_cookie(
    response: Response, settings: Settings, name: str, value: str, *, max_age: int | None = None
) -> None:
    """A cookie scripts cannot read, sent only to this site (and only over HTTPS if configured)."""
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
        path="/",
    )


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def own_change(request: Request, current_password: str | None) -> OwnChange:
    """Someone changing their own password from this request: its address for the lockout,
    and its browser, which stays signed in while every other one is signed out."""
    return OwnChange(
        current_password=current_password or "",
        client=client_address(request),
        throttle=Throttle.of(get_settings(request)),
        keep_cookie=request.cookies.get(SESSION_COOKIE),
    )
