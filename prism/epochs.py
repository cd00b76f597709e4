"""Epochs: values that move when committed data of some kind changes, in every process working
on the database, so that what a process remembers about that data is forgotten at once.

A kind of data is *watched* by name (`watch`): which tables count, and which attributes are
bookkeeping whose change does not. A change is noticed where it is written, not where it is
called from: every unit of work that flushes such a change (or runs an ORM bulk statement on
such a table) moves the epoch when it commits. The epoch is a number in this process, moved at
once, plus a signal the other processes read:

- SQLite: a file beside the database that grows by a byte with every change; reading its size
  is one `stat`, cheap enough to do on every request.
- PostgreSQL: `NOTIFY prism_<name>` inside the changing transaction (delivered when it commits),
  heard by one listening connection per epoch in each web process (`start`). While that
  connection is down, `read()` says None: nothing may be remembered.

A remembered answer is good only while the epoch is the one read *before* it was computed.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar
from weakref import WeakKeyDictionary

from sqlalchemy import event, inspect
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

from prism.db import Database

log = logging.getLogger(__name__)

# A statement with this execution option changes only bookkeeping (a token's last use).
ONLY_BOOKKEEPING = "prism_only_bookkeeping"
# How often a listening thread looks up from waiting, to notice it should stop.
LISTEN_WAKE_S = 0.1
# A file epoch is started afresh (a new file, so a new inode) when it grows past this.
EPOCH_FILE_LIMIT = 1 << 20
CHANGED = "prism_epochs_changed"

V = TypeVar("V")


@dataclass(frozen=True)
class Watch:
    """What moves the epoch `name`: a change to a row of `tables` (every table when None)
    other than those `ignoring`, unless only its `bookkeeping` attributes changed; new rows
    count only with `new_rows`."""

    name: str
    tables: frozenset[str] | None
    ignoring: frozenset[str]
    bookkeeping: frozenset[str]
    new_rows: bool

    def covers(self, table: str) -> bool:
        return (self.tables is None or table in self.tables) and table not in self.ignoring


_watches: dict[str, Watch] = {}


def watch(
    name: str,
    *,
    tables: Iterable[str] | None = None,
    ignoring: Iterable[str] = (),
    bookkeeping: Iterable[str] = (),
    new_rows: bool = True,
) -> None:
    """Keep an epoch called `name` (see `Watch`); each name is watched once per process."""
    _watches[name] = Watch(
        name,
        frozenset(tables) if tables is not None else None,
        frozenset(ignoring),
        frozenset(bookkeeping),
        new_rows,
    )


class Epoch:
    """A value that differs after any committed change to what `name` watches."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.local = 0
        self.lock = threading.Lock()

    def read(self) -> object | None:
        """The current value, or None when other processes' changes cannot be seen."""
        return self.local

    def moved(self, session: Session) -> None:
        """`session` changed what is watched (inside its transaction)."""

    def committed(self) -> None:
        """A change was committed: everything remembered before it is stale."""
        with self.lock:
            self.local += 1

    def start(self) -> None: ...

    def stop(self) -> None: ...


class FileEpoch(Epoch):
    """SQLite: the size (and inode) of a file beside the database, grown by every change."""

    def __init__(self, name: str, path: Path) -> None:
        super().__init__(name)
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
            log.warning("could not move the %s epoch at %s", self.name, self.path, exc_info=True)


class NotifiedEpoch(Epoch):
    """PostgreSQL: a count of `NOTIFY prism_<name>` heard on a listening connection."""

    def __init__(self, name: str, database: Database) -> None:
        super().__init__(name)
        self.database = database
        self.channel = f"prism_{name}"
        self.heard = 0
        self.listening = False
        self.stopping = threading.Event()
        self.thread: threading.Thread | None = None

    def read(self) -> object | None:
        return (self.local, self.heard) if self.listening else None

    def moved(self, session: Session) -> None:
        session.connection().exec_driver_sql(f"NOTIFY {self.channel}")

    def start(self) -> None:
        if self.thread is None:
            self.stopping.clear()
            self.thread = threading.Thread(target=self._listen, name=self.channel, daemon=True)
            self.thread.start()

    def stop(self) -> None:
        self.stopping.set()
        if self.thread is not None:
            self.thread.join(timeout=5)
            self.thread = None

    def _listen(self) -> None:
        while not self.stopping.is_set():
            try:
                raw = self.database.engine.raw_connection()
            except Exception:
                log.warning("%s: cannot listen for changes; retrying", self.name, exc_info=True)
                self.stopping.wait(1)
                continue
            try:
                connection: Any = raw.driver_connection
                connection.autocommit = True
                connection.execute(f"LISTEN {self.channel}")
                self.heard += 1  # whatever was missed while not listening counts as a change
                self.listening = True
                while not self.stopping.is_set():
                    for _ in connection.notifies(timeout=LISTEN_WAKE_S):
                        self.heard += 1
            except Exception:
                log.warning("%s: listening connection lost; retrying", self.name, exc_info=True)
            finally:
                self.listening = False
                raw.invalidate()
                raw.close()


_epochs: WeakKeyDictionary[Database, dict[str, Epoch]] = WeakKeyDictionary()
_epochs_lock = threading.Lock()


def epoch_of(database: Database, name: str) -> Epoch:
    """The epoch `name` of `database`, one per database object in this process."""
    with _epochs_lock:
        named = _epochs.setdefault(database, {})
        found = named.get(name)
        if found is None:
            found = named[name] = _make_epoch(database, name)
        return found


def start(database: Database) -> None:
    """Listen for other processes' changes to everything watched (a web process's start-up)."""
    for name in _watches:
        epoch_of(database, name).start()


def stop(database: Database) -> None:
    for name in _watches:
        epoch_of(database, name).stop()


def changed_here(session: Session) -> bool:
    """Has `session`'s transaction changed anything watched (not yet committed)?"""
    return bool(session.info.get(CHANGED))


@dataclass(frozen=True)
class _Kept(Generic[V]):
    value: V
    epoch: object
    until: float  # on the monotonic clock


class Memory(Generic[V]):
    """Answers about the data the epoch `name` watches, each good while that epoch is the one
    read before it was computed and for at most `keep_s` seconds; the oldest are forgotten
    past `most`."""

    def __init__(self, database: Database, name: str, *, keep_s: float, most: int) -> None:
        self.epoch = epoch_of(database, name)
        self.keep_s = keep_s
        self.most = most
        self.kept: OrderedDict[Hashable, _Kept[V]] = OrderedDict()
        self.lock = threading.Lock()

    def recall(self, key: Hashable) -> V | None:
        found = self.kept.get(key)
        if found is None:
            return None
        if found.until < time.monotonic() or found.epoch != self.epoch.read():
            self.kept.pop(key, None)
            return None
        return found.value

    def keep(self, key: Hashable, value: V, *, epoch: object | None) -> None:
        """Keep `value`; `epoch` is the one read before it was computed (None: keep nothing)."""
        if epoch is None:
            return
        with self.lock:
            self.kept[key] = _Kept(value, epoch, time.monotonic() + self.keep_s)
            self.kept.move_to_end(key)
            while len(self.kept) > self.most:
                self.kept.popitem(last=False)


def _make_epoch(database: Database, name: str) -> Epoch:
    if database.engine.dialect.name == "postgresql":
        return NotifiedEpoch(name, database)
    path = database.engine.url.database
    if database.is_sqlite and path and path != ":memory:":
        return FileEpoch(name, Path(f"{path}.{name}"))
    return Epoch(name)  # an in-memory database has no other process to hear from


def _changed(session: Session, watched: Watch) -> None:
    marked: set[str] = session.info.setdefault(CHANGED, set())
    if watched.name in marked:
        return
    marked.add(watched.name)
    database = session.info.get("database")
    if isinstance(database, Database):
        epoch_of(database, watched.name).moved(session)


@event.listens_for(Session, "after_flush")
def _track_flush(session: Session, _flush: UOWTransaction) -> None:
    marked = session.info.get(CHANGED, set())
    for watched in _watches.values():
        if watched.name not in marked and _flushed_change(session, watched):
            _changed(session, watched)


def _flushed_change(session: Session, watched: Watch) -> bool:
    new = session.new if watched.new_rows else ()
    for obj in (*new, *session.deleted, *session.dirty):
        table = getattr(type(obj), "__tablename__", None)
        if table is None or not watched.covers(table):
            continue
        state = inspect(obj)
        if obj in session.new or obj in session.deleted:
            return True
        if any(
            attr.history.has_changes() and attr.key not in watched.bookkeeping
            for attr in state.attrs
        ):
            return True
    return False


@event.listens_for(Session, "do_orm_execute")
def _track_statement(state: ORMExecuteState) -> None:
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    if state.execution_options.get(ONLY_BOOKKEEPING) or state.bind_mapper is None:
        return
    table = getattr(state.bind_mapper.class_, "__tablename__", None)
    for watched in _watches.values():
        if (
            table is not None
            and watched.covers(table)
            and (watched.new_rows or not state.is_insert)
        ):
            _changed(state.session, watched)


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    marked = session.info.pop(CHANGED, None)
    database = session.info.get("database")
    if marked and isinstance(database, Database):
        for name in marked:
            epoch_of(database, name).committed()


@event.listens_for(Session, "after_soft_rollback")
def _rolled_back(session: Session, previous: Any) -> None:
    if previous.parent is None:
        session.info.pop(CHANGED, None)
