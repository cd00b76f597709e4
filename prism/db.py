"""The database: declarative base, engine set-up for SQLite and PostgreSQL, and session scopes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, cast

from sqlalchemy import DateTime, Engine, Enum, MetaData, Table, create_engine, event, func
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    Session,
    declared_attr,
    mapped_column,
    sessionmaker,
)
from sqlalchemy.types import TypeDecorator

from prism.errors import Conflict, Invalid, NotFound

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


def get_or_404(session: Session, model: type[M], ident: int, what: str) -> M:
    """The row with this id, or a `NotFound` that names what was looked for."""
    found = session.get(model, ident)
    if found is None:
        raise NotFound(f"No {what} {ident}.")
    return found


def get_or_invalid(session: Session, model: type[M], ident: int, field: str, what: str) -> M:
    """The row a request names in `field`, or an `Invalid` about that field."""
    found = session.get(model, ident)
    if found is None:
        raise Invalid.about(field, f"No {what} {ident}.")
    return found


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """An engine with Prism's connection rules: SQLite in WAL mode with foreign keys enforced."""
    if url.startswith("sqlite"):
        engine = create_engine(
            url, echo=echo, connect_args={"check_same_thread": False, "timeout": 30}
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, echo=echo, pool_pre_ping=True, pool_size=10, max_overflow=20)


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


class JobDispatcher(Protocol):
    """Whatever runs background jobs for this database (see `prism.jobs.runners`)."""

    def dispatch(self, job_id: int) -> None: ...


class Database:
    """An engine and its session factory; the app, the CLI and jobs each hold one."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.sessions = sessionmaker(engine, expire_on_commit=False, info={"database": self})
        self.dispatcher: JobDispatcher | None = None

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

    @contextmanager
    def session_scope(
        self, *, writes: bool = True, patience_ms: int | None = None
    ) -> Iterator[Session]:
        """One unit of work: commit on success, roll back on any error, always close.

        `writes=False` declares a read-only unit (a GET request), which SQLite runs without
        taking the write lock. An error that says `keep_changes` (a refused sign-in that must
        still count) commits what was flushed before it propagates. `patience_ms` shortens how
        long SQLite waits for a busy lock (for writes that may be skipped, like progress).
        """
        session = self.sessions()
        options: dict[str, Any] = {WRITES: writes}
        if patience_ms is not None:
            options[PATIENCE] = patience_ms
        if self.is_sqlite:
            session.connection(execution_options=options)
        try:
            yield session
            session.commit()
        except BaseException as exc:
            if getattr(exc, "keep_changes", False):
                session.commit()
            else:
                session.rollback()
            raise
        finally:
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()
