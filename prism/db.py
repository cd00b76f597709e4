"""The database: declarative base, engine set-up for SQLite and PostgreSQL, and session scopes."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, cast

import anyio
from sqlalchemy import (
    ColumnElement,
    DateTime,
    Engine,
    Enum,
    MetaData,
    Table,
    and_,
    bindparam,
    create_engine,
    event,
    func,
    insert,
    or_,
    true,
    update,
)
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    Session,
    declared_attr,
    mapped_column,
    sessionmaker,
)
from sqlalchemy.types import TypeDecorator

from prism.errors import Conflict, Invalid, NotFound, Unavailable
from prism.i18n import N_, _

if TYPE_CHECKING:
    from prism.settings import Settings

WRITES = "prism_writes"
PATIENCE = "prism_patience_ms"
BUSY_TIMEOUT_MS = 30_000
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def text_enum(cls: type[StrEnum], length: int = 20) -> Enum:
    """An enum column stored as its values' text (no database enum type to migrate)."""
    return Enum(
        cls, native_enum=False, length=length, values_callable=lambda e: [m.value for m in e]
    )


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC (the only kind of time Prism stores)."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back timezone-aware, on SQLite as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; use prism.db.utcnow()")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """Every Prism table derives from this; constraint names are stable for migrations."""

    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime()}


class Timestamped:
    """Creation and last-change times, set by the database clock."""

    created_at: Mapped[datetime] = mapped_column(default=utcnow, server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        default=utcnow, onupdate=utcnow, server_default=func.now()
    )


class Versioned:
    """Optimistic concurrency: every update bumps `version`; a stale writer gets a conflict."""

    version: Mapped[int] = mapped_column(default=1, server_default="1")

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:  # noqa: N805
        return {"version_id_col": cls.version}


def add_unique(session: Session, row: Base, conflict: str) -> None:
    """Add `row`; if it breaks a unique constraint, `Conflict(conflict)` and nothing else of the
    unit of work is undone."""
    try:
        # Added inside the savepoint: opening one flushes what is pending.
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        raise Conflict(conflict) from None


def touch(row: Timestamped) -> None:
    """Mark a row changed when only what hangs off it changed, so its version moves on."""
    row.updated_at = utcnow()


M = TypeVar("M", bound=Base)


def table_of(model: type[Base]) -> Table:
    """A model's table, for Core statements that write many rows at once."""
    return cast(Table, model.__table__)


# Rows per statement when writing many: large enough to be quick, small enough for any driver.
BULK_CHUNK = 5_000


def insert_rows(
    session: Session, model: type[Base], rows: list[dict[str, Any]], *, now: datetime
) -> None:
    """New rows of a timestamped, versioned model, many per statement (version 1, made `now`).
    Core statements: on SQLite the ORM's bulk insert reads each id back row by row."""
    stamp = {"created_at": now, "updated_at": now, "version": 1}
    for start in range(0, len(rows), BULK_CHUNK):
        part = rows[start : start + BULK_CHUNK]
        session.execute(insert(table_of(model)), [{**row, **stamp} for row in part])


def update_rows(
    session: Session, model: type[Base], rows: list[dict[str, Any]], *, now: datetime
) -> None:
    """Rows of a timestamped, versioned model changed by `id`, many per statement: each takes
    the values given, its next version and `now` as its last change. Every row names the same
    columns."""
    if not rows:
        return
    table = table_of(model)
    columns = [c for c in rows[0] if c != "id"]
    stmt = (
        update(table)
        .where(table.c.id == bindparam("row_id"))
        .values(
            {
                **{c: bindparam(f"v_{c}") for c in columns},
                "version": table.c.version + 1,
                "updated_at": now,
            }
        )
    )
    for start in range(0, len(rows), BULK_CHUNK):
        part = rows[start : start + BULK_CHUNK]
        session.execute(
            stmt, [{"row_id": r["id"], **{f"v_{c}": r[c] for c in columns}} for r in part]
        )


def holds_words(text: str, *columns: Any) -> ColumnElement[bool]:
    """Rows where every word of `text` appears, in any case, in one of `columns` (`%` and `_`
    are characters to find, not wildcards); every row when `text` has no words."""
    return and_(
        true(),
        *(
            or_(*(func.lower(column).contains(word, autoescape=True) for column in columns))
            for word in text.lower().split()
        ),
    )


def get_or_404(session: Session, model: type[M], ident: int, what: str) -> M:
    """The row with this id, or a `NotFound` that names what was looked for."""
    found = session.get(model, ident)
    if found is None:
        raise NotFound(_("No {what} {ident}.", what=what, ident=ident))
    return found


def get_or_invalid(session: Session, model: type[M], ident: int, field: str, what: str) -> M:
    """The row a request names in `field`, or an `Invalid` about that field."""
    found = session.get(model, ident)
    if found is None:
        raise Invalid.about(field, _("No {what} {ident}.", what=what, ident=ident))
    return found


# How many requests the web process runs at once (AnyIO's thread pool for sync routes), plus
# the job and usage threads: each may hold one connection, so the pool has room for all of them
# and nobody queues for a connection behind a full pool.
CONCURRENCY = 40
POOL_SIZE, POOL_OVERFLOW = CONCURRENCY, 10
# Requests holding a unit of work: fewer than the request threads, so a request that finds who
# is asking, or ends a unit its handler left (an error), always finds a thread to do it in.
OPEN_UNITS = CONCURRENCY - 8
# Past these, a request is answered 503 with Retry-After instead of waiting on.
POOL_WAIT_S = 10
WRITE_WAIT_S = 10
WRITE_QUEUE = 200
RETRY_AFTER_S = 2


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """An engine with Prism's connection rules: SQLite in WAL mode with foreign keys enforced;
    on both backends, a pool as large as the work the process runs at once."""
    pool = {"pool_size": POOL_SIZE, "max_overflow": POOL_OVERFLOW, "pool_timeout": POOL_WAIT_S}
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            echo=echo,
            connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
            **pool,
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, echo=echo, pool_pre_ping=True, **pool)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # pysqlite's own transaction handling is off so that BEGIN below is the only one issued.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    # A transaction that will write takes the write lock up front: a deferred one that reads
    # first and writes later fails at once ("database is locked") when another writer committed
    # in between. Read-only units of work keep a plain BEGIN and run concurrently under WAL.
    options = connection.get_execution_options()
    connection.exec_driver_sql(f"PRAGMA busy_timeout={int(options.get(PATIENCE, BUSY_TIMEOUT_MS))}")
    connection.exec_driver_sql("BEGIN IMMEDIATE" if options.get(WRITES, True) else "BEGIN")


BUSY = N_("Prism is busy with other changes right now; nothing was saved. Try again in a moment.")
DOWN = N_("Prism cannot reach its database right now; nothing was saved. Try again in a moment.")


def _answerable(exc: BaseException) -> BaseException:
    """A database that is busy or unreachable becomes `Unavailable` (503, Retry-After): the
    unit of work was rolled back, so sending the request again is safe. Anything else, a
    mistake in a statement included, stays what it is."""
    if isinstance(exc, PoolTimeout):
        return Unavailable(_(BUSY), retry_after=RETRY_AFTER_S)
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return Unavailable(_(DOWN), retry_after=RETRY_AFTER_S)
    if isinstance(exc, OperationalError):
        said = str(exc.orig).lower()
        if "locked" in said or "busy" in said:
            return Unavailable(_(BUSY), retry_after=RETRY_AFTER_S)
        # PostgreSQL's operational errors are the server's state (down, restarting, a
        # deadlock), never a wrong statement; SQLite's also cover "no such table".
        if not isinstance(exc.orig, sqlite3.Error) or "unable to open" in said or "i/o" in said:
            return Unavailable(_(DOWN), retry_after=RETRY_AFTER_S)
    return exc


class Unit:
    """One unit of work on a session: `end()` commits it, `end(error)` rolls it back (or commits
    what an error that says `keep_changes` flushed, like a refused sign-in that must count),
    and either closes it. Ending twice does nothing, so whoever finishes the work first (a web
    request's handler, in its own thread) spares the rest a trip.

    A database that is busy or unreachable, at commit or before, is raised as `Unavailable`
    (503, Retry-After); anything else stays what it is."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.ended = False

    def end(self, error: BaseException | None = None) -> None:
        if self.ended:
            return
        self.ended = True
        try:
            if error is None:
                try:
                    self.session.commit()
                except BaseException as failure:
                    self.session.rollback()
                    answer = _answerable(failure)
                    if answer is failure:
                        raise
                    raise answer from failure
                return
            if getattr(error, "keep_changes", False):
                self.session.commit()
            else:
                self.session.rollback()
        finally:
            self.session.close()
        answer = _answerable(error)
        if answer is not error:
            raise answer from error


class JobDispatcher(Protocol):
    """Whatever runs background jobs for this database (see `prism.jobs.runners`)."""

    def dispatch(self, job_id: int) -> None: ...


class Database:
    """An engine and its session factory; the app, the CLI and jobs each hold one.

    On SQLite, which has one writer at a time, the process's writing units of work take turns
    at a gate before they ask SQLite for its write lock: they queue in the process, in order
    and without polling, instead of spinning in SQLite's busy handler. One that cannot get its
    turn within `WRITE_WAIT_S` is refused with `Unavailable` (503, Retry-After), having done
    nothing. Other processes (a CLI import) still meet SQLite's own busy timeout.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.sessions = sessionmaker(engine, expire_on_commit=False, info={"database": self})
        self.dispatcher: JobDispatcher | None = None
        # A plain lock, not an RLock: a request's unit of work may begin in one worker thread
        # and end in another (FastAPI runs a dependency's set-up and tear-down separately).
        self.write_gate = threading.Lock()
        # Web requests wait for their turn in threads of their own (see `prism.web.deps`), at
        # most this many; past that the queue is full and a request is answered 503 at once.
        self.waiting = anyio.CapacityLimiter(WRITE_QUEUE)
        # ...and end the units of work their handlers did not end (an error, an async handler)
        # in these, with at most `OPEN_UNITS` open at once (see `prism.web.deps.db_session`).
        self.committers = anyio.CapacityLimiter(CONCURRENCY)
        self.open_units = anyio.CapacityLimiter(OPEN_UNITS)
        # SQLite's read-only units begin with a plain BEGIN (see `_sqlite_begin`).
        self._readers = engine.execution_options(**{WRITES: False})

    def dispatch_job(self, job_id: int) -> None:
        """Hand a committed job to the runner; with none, it waits in the queue for one."""
        if self.dispatcher is not None:
            self.dispatcher.dispatch(job_id)

    @classmethod
    def from_url(cls, url: str) -> Database:
        return cls(make_engine(url))

    @classmethod
    def from_settings(cls, settings: Settings) -> Database:
        return cls.from_url(settings.resolved_database_url)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    def unit(self, *, writes: bool = True, patience_ms: int | None = None) -> Unit:
        """A unit of work, opened without touching the database: its transaction begins with
        its first statement, in whichever thread runs it (see `Unit`). On SQLite the options
        that decide how it begins travel with the engine it is bound to (a session bound to a
        connection instead, as in the tests, joins that connection's transaction)."""
        session = self.sessions()
        if (
            self.is_sqlite
            and session.bind is self.engine
            and (not writes or patience_ms is not None)
        ):
            if patience_ms is None:
                session.bind = self._readers
            else:
                session.bind = self.engine.execution_options(
                    **{WRITES: writes, PATIENCE: patience_ms}
                )
        return Unit(session)

    @contextmanager
    def session_scope(
        self, *, writes: bool = True, patience_ms: int | None = None, has_turn: bool = False
    ) -> Iterator[Session]:
        """One unit of work: commit on success, roll back on any error, always close.

        `writes=False` declares a read-only unit (a GET request), which SQLite runs without
        taking the write lock. An error that says `keep_changes` (a refused sign-in that must
        still count) commits what was flushed before it propagates. `patience_ms` shortens how
        long SQLite waits for a busy lock (for writes that may be skipped, like progress).
        `has_turn` says the caller already holds the write gate (a web request, see
        `prism.web.deps.write_turn`).
        """
        wait_s = WRITE_WAIT_S if patience_ms is None else patience_ms / 1000
        with self._turn(writes and self.is_sqlite and not has_turn, wait_s):
            unit = self.unit(writes=writes, patience_ms=patience_ms)
            try:
                yield unit.session
            except BaseException as exc:
                unit.end(exc)
                raise
            unit.end()

    @contextmanager
    def _turn(self, needed: bool, wait_s: float) -> Iterator[None]:
        """This thread's turn to write (SQLite), or `Unavailable` after `wait_s` seconds."""
        if not needed:
            yield
            return
        if not self.write_gate.acquire(timeout=wait_s):
            raise Unavailable(_(BUSY), retry_after=RETRY_AFTER_S)
        try:
            yield
        finally:
            self.write_gate.release()

    def dispose(self) -> None:
        self.engine.dispose()
