"""Who a credential belongs to, remembered for a few seconds, so that most requests learn who
is asking without a trip to the database; forgotten at once, in every process, when anything
about any credential or account changes.

A change is noticed where it is written, not where it is called from: every unit of work that
changes a person, an API token or a browser session (other than noting when it was last used)
moves the *credentials epoch* when it commits. The epoch is a number in this process, moved at
once, plus a signal the other processes read:

- SQLite: a file beside the database that grows by a byte with every change; reading its size
  is one `stat`, cheap enough to do on every request.
- PostgreSQL: `NOTIFY prism_credentials` inside the changing transaction (delivered when it
  commits), heard by one listening connection per web process. While that connection is down,
  nothing is remembered.

A remembered answer is used only while the epoch is the one read *before* it was looked up, and
for at most `REMEMBER_S` seconds either way (a change made by hand in SQL is caught by that).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Protocol, TypeVar
from weakref import WeakKeyDictionary

from sqlalchemy import event, inspect
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from prism.auth.models import ApiToken, WebSession
from prism.db import Database
from prism.people.models import User

log = logging.getLogger(__name__)

REMEMBER_S = 5.0
MAX_REMEMBERED = 10_000
CHANNEL = "prism_credentials"
# How often the listening thread looks up from waiting, to notice it should stop.
LISTEN_WAKE_S = 0.1
# Attributes whose change says nothing about who may do what.
BOOKKEEPING = frozenset({"last_login_at", "last_used_at"})
# A statement with this execution option changes only bookkeeping (see `auth.service`).
ONLY_BOOKKEEPING = "prism_only_bookkeeping"
WATCHED = (User, ApiToken, WebSession)
CHANGED = "prism_credentials_changed"
# The file epoch is started afresh (a new file, so a new inode) when it grows past this.
EPOCH_FILE_LIMIT = 1 << 20

Row = TypeVar("Row")


class Epoch:
    """A value that differs after any committed change to credentials, in any process."""

    def __init__(self) -> None:
        self.local = 0
        self.lock = threading.Lock()

    def read(self) -> object | None:
        """The current value, or None when other processes' changes cannot be seen."""
        return self.local

    def moved(self, session: Session) -> None:
        """`session` changed credentials (inside its transaction; see `_track`)."""

    def committed(self) -> None:
        """A change was committed: every answer remembered before it is stale."""
        with self.lock:
            self.local += 1

    def start(self) -> None: ...

    def stop(self) -> None: ...


class FileEpoch(Epoch):
    """SQLite: the size (and inode) of a file beside the database, grown by every change."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path

    def read(self) -> object | None:
        try:
            found = os.stat(self.path)
        except FileNotFoundError:
            return (self.local, 0, 0)
        return (self.local, found.st_ino, found.st_size)

    def committed(self) -> None:
        super().committed()
        try:
            if self.path.exists() and self.path.stat().st_size >= EPOCH_FILE_LIMIT:
                fresh = self.path.with_name(self.path.name + ".new")
                fresh.write_bytes(b".")
                fresh.replace(self.path)
                return
            with open(self.path, "ab") as grown:
                grown.write(b".")
        except OSError:
            log.warning("could not move the credentials epoch at %s", self.path, exc_info=True)


class NotifiedEpoch(Epoch):
    """PostgreSQL: a count of `NOTIFY prism_credentials` heard on a listening connection."""

    def __init__(self, database: Database) -> None:
        super().__init__()
        self.database = database
        self.heard = 0
        self.listening = False
        self.stopping = threading.Event()
        self.thread: threading.Thread | None = None

    def read(self) -> object | None:
        return (self.local, self.heard) if self.listening else None

    def moved(self, session: Session) -> None:
        session.connection().exec_driver_sql(f"NOTIFY {CHANNEL}")

    def start(self) -> None:
        if self.thread is None:
            self.thread = threading.Thread(target=self._listen, name="credentials", daemon=True)
            self.thread.start()

    def stop(self) -> None:
        self.stopping.set()
        if self.thread is not None:
            self.thread.join(timeout=5)

    def _listen(self) -> None:
        while not self.stopping.is_set():
            try:
                raw = self.database.engine.raw_connection()
            except Exception:
                log.warning("credentials: cannot listen for changes; retrying", exc_info=True)
                self.stopping.wait(1)
                continue
            try:
                connection: Any = raw.driver_connection
                connection.autocommit = True
                connection.execute(f"LISTEN {CHANNEL}")
                self.heard += 1  # anything missed while not listening is treated as a change
                self.listening = True
                while not self.stopping.is_set():
                    for _ in connection.notifies(timeout=LISTEN_WAKE_S):
                        self.heard += 1
            except Exception:
                log.warning("credentials: listening connection lost; retrying", exc_info=True)
            finally:
                self.listening = False
                raw.invalidate()
                raw.close()


_epochs: WeakKeyDictionary[Database, Epoch] = WeakKeyDictionary()
_epochs_lock = threading.Lock()


def epoch_of(database: Database) -> Epoch:
    """The credentials epoch of `database`, one per database object in this process."""
    with _epochs_lock:
        found = _epochs.get(database)
        if found is None:
            found = _epochs[database] = _make_epoch(database)
        return found


def _make_epoch(database: Database) -> Epoch:
    if database.engine.dialect.name == "postgresql":
        return NotifiedEpoch(database)
    path = database.engine.url.database
    if database.is_sqlite and path and path != ":memory:":
        return FileEpoch(Path(f"{path}.credentials"))
    return Epoch()  # an in-memory database has no other process to hear from


def _epoch_of_session(session: Session) -> Epoch | None:
    database = session.info.get("database")
    return epoch_of(database) if isinstance(database, Database) else None


def _changed(session: Session) -> None:
    if session.info.get(CHANGED):
        return
    session.info[CHANGED] = True
    if (epoch := _epoch_of_session(session)) is not None:
        epoch.moved(session)


@event.listens_for(Session, "after_flush")
def _track_flush(session: Session, _flush: UOWTransaction) -> None:
    for obj in (*session.dirty, *session.deleted):
        if isinstance(obj, WATCHED) and _changes_more_than_bookkeeping(obj):
            _changed(session)
            return


@event.listens_for(Session, "do_orm_execute")
def _track_statement(state: ORMExecuteState) -> None:
    if not (state.is_update or state.is_delete) or state.execution_options.get(ONLY_BOOKKEEPING):
        return
    mapper = state.bind_mapper
    if mapper is not None and issubclass(mapper.class_, WATCHED):
        _changed(state.session)


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    if session.info.pop(CHANGED, False) and (epoch := _epoch_of_session(session)) is not None:
        epoch.committed()


@event.listens_for(Session, "after_soft_rollback")
def _rolled_back(session: Session, previous: Any) -> None:
    if previous.parent is None:
        session.info.pop(CHANGED, None)


def _changes_more_than_bookkeeping(obj: object) -> bool:
    state = inspect(obj)
    if state.deleted or state.was_deleted:
        return True
    return any(attr.history.has_changes() and attr.key not in BOOKKEEPING for attr in state.attrs)


class Found(Protocol):
    """What a lookup found: whose credential, which token (None for a browser session), and
    when it stops working."""

    user: User
    token: ApiToken | None
    expires_at: datetime


@dataclass(frozen=True)
class Remembered:
    user: User
    token: ApiToken | None
    expires_at: datetime
    epoch: object
    until: float  # on the monotonic clock
    looked_up_at: datetime  # on the app's clock, which tests move


class CredentialMemory:
    """The remembered answers of one web process, by digest of the credential."""

    def __init__(self, database: Database, *, remember_s: float = REMEMBER_S) -> None:
        self.epoch = epoch_of(database)
        self.remember_s = remember_s
        self.lifetime = timedelta(seconds=remember_s)
        self.answers: OrderedDict[str, Remembered] = OrderedDict()
        self.lock = threading.Lock()

    def recall(self, key: str, *, now: datetime) -> Remembered | None:
        """A remembered answer still good for `key`, or None."""
        found = self.answers.get(key)
        if found is None:
            return None
        stale = found.until < time.monotonic() or now - found.looked_up_at > self.lifetime
        if stale or found.epoch != self.epoch.read():
            self.answers.pop(key, None)
            return None
        if found.expires_at <= now:
            return None
        return found

    def remember(self, key: str, found: Found, *, epoch: object | None, now: datetime) -> None:
        """Keep what a lookup found; `epoch` is the one read before the lookup began."""
        if epoch is None:
            return
        answer = Remembered(
            user=detached_copy(found.user),
            token=detached_copy(found.token) if found.token is not None else None,
            expires_at=found.expires_at,
            epoch=epoch,
            until=time.monotonic() + self.remember_s,
            looked_up_at=now,
        )
        with self.lock:
            self.answers[key] = answer
            while len(self.answers) > MAX_REMEMBERED:
                self.answers.popitem(last=False)

    def start(self) -> None:
        self.epoch.start()

    def stop(self) -> None:
        self.epoch.stop()


def detached_copy(obj: Row) -> Row:
    """A copy of a loaded row's columns that belongs to no session (and never will: a request
    gets its own copy of it with `Session.merge(..., load=False)`)."""
    mapper = inspect(type(obj))
    copy = mapper.class_manager.new_instance()
    for attr in mapper.column_attrs:
        set_committed_value(copy, attr.key, getattr(obj, attr.key))
    make_transient_to_detached(copy)
    return copy  # type: ignore[no-any-return]
