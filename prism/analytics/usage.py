"""Usage events, recorded without slowing the page that triggers them.

A page or API call hands its event to the app's `Recorder`, which keeps it in memory and writes
the waiting events in one statement every couple of seconds (or as soon as a few hundred are
waiting), from its own thread and its own database session. The request never waits for the
write; an event is lost only if the process dies in those seconds. Buyer views and shares are
written by the request that records them anyway (the share link's visit, the new link).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import case, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from prism.analytics.models import DEAL_USES, DealTouch, UsageEvent, Use
from prism.db import Base, Database, table_of, utcnow
from prism.deals.models import Deal
from prism.knowledge.models import Item
from prism.people.models import User
from prism.shares.models import ShareLink

log = logging.getLogger(__name__)

FLUSH_EVERY_SECONDS = 2.0
FLUSH_AT = 500


@dataclass(frozen=True)
class Event:
    use: Use
    item_id: int | None = None
    deal_id: int | None = None
    user_id: int | None = None
    link_id: int | None = None
    query: str = ""
    at: datetime = field(default_factory=utcnow)


def write(session: Session, events: Iterable[Event]) -> int:
    """Write `events` in this session's transaction, in one statement. An event about an item
    deleted meanwhile is dropped; a deal, person or link that is gone is left out of it."""
    rows = [{**asdict(e), "query": e.query[:200]} for e in events]
    known = {
        key: _existing(session, model, {r[key] for r in rows if r[key] is not None})
        for key, model in (
            ("item_id", Item),
            ("deal_id", Deal),
            ("user_id", User),
            ("link_id", ShareLink),
        )
    }
    kept = []
    for row in rows:
        if row["item_id"] is not None and row["item_id"] not in known["item_id"]:
            continue
        for key in ("deal_id", "user_id", "link_id"):
            if row[key] not in known[key]:
                row[key] = None
        kept.append(row)
    if kept:
        session.execute(insert(table_of(UsageEvent)), kept)
        _touch(session, kept)
    return len(kept)


def _touch(session: Session, rows: list[dict[str, Any]]) -> None:
    """Keep each (item, deal) pair's first touch: insert it, or move it earlier."""
    first: dict[tuple[int, int], datetime] = {}
    for row in rows:
        if row["deal_id"] is None or row["item_id"] is None or row["use"] not in DEAL_USES:
            continue
        key = (row["item_id"], row["deal_id"])
        first[key] = min(first.get(key, row["at"]), row["at"])
    if not first:
        return
    upsert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    table = table_of(DealTouch)
    pairs = [{"item_id": i, "deal_id": d, "first_at": at} for (i, d), at in first.items()]
    for start in range(0, len(pairs), 5_000):
        stmt = upsert(table).values(pairs[start : start + 5_000])
        earlier = case(
            (stmt.excluded.first_at < table.c.first_at, stmt.excluded.first_at),
            else_=table.c.first_at,
        )
        session.execute(
            stmt.on_conflict_do_update(
                index_elements=["item_id", "deal_id"], set_={"first_at": earlier}
            )
        )


def _existing(session: Session, model: type[Base], ids: set[int]) -> set[int]:
    if not ids:
        return set()
    key = model.__table__.c.id
    return set(session.scalars(select(key).where(key.in_(ids))))


def searched(query: str, found: int, user_id: int | None, at: datetime) -> Event:
    return Event(Use.SEARCH if found else Use.SEARCH_EMPTY, user_id=user_id, query=query, at=at)


class Recorder:
    """Events waiting to be written, and the thread that writes them."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self._waiting: list[Event] = []
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def add(self, event: Event) -> None:
        with self._lock:
            self._waiting.append(event)
            full = len(self._waiting) >= FLUSH_AT
        if full:
            self._wake.set()

    def flush(self) -> int:
        """Write what is waiting now; the number written."""
        with self._lock:
            events, self._waiting = self._waiting, []
        if not events:
            return 0
        try:
            with self.database.session_scope() as session:
                return write(session, events)
        except Exception:
            # Usage is not worth a failed request or a dead writer: say so and carry on.
            log.exception("Could not write %d usage events", len(events))
            return 0

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="prism-usage", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
        self.flush()

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(FLUSH_EVERY_SECONDS)
            self._wake.clear()
            self.flush()
