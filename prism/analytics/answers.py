"""The dashboards' heaviest answers, remembered for a short while by what was asked and who
asked, and forgotten at once when the data under them changes.

Adding up every deal touch in scope costs a fifth of a second at a million usage events; a
leader's second look at the same dashboard should not pay it again. The *analytics epoch*
(`prism.epochs`) moves with every committed change to any table but the bookkeeping ones
written all the time: usage events and the deal touches made from them (the Recorder writes
them every couple of seconds under any traffic), search statistics, sign-in failures, jobs,
sessions, tokens, notifications, embeddings, the audit log. Those reach the dashboards within
`REMEMBER_S`. An answer computed by a unit of work that has itself changed watched data (not
yet committed, perhaps never) is not remembered.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Any, TypeVar
from weakref import WeakKeyDictionary

from sqlalchemy.orm import Session

from prism import epochs
from prism.db import Database

REMEMBER_S = 30.0
MAX_ANSWERS = 500
EPOCH = "analytics"
epochs.watch(
    EPOCH,
    ignoring=(
        "usage_events",
        "deal_touches",
        "search_terms",
        "search_misses",
        "item_embeddings",
        "login_failures",
        "jobs",
        "web_sessions",
        "api_tokens",
        "notifications",
        "audit_events",  # written beside every change (and at sign-ins), read by no dashboard
    ),
    bookkeeping=("last_login_at",),
)

T = TypeVar("T")

_memories: WeakKeyDictionary[Database, epochs.Memory[Any]] = WeakKeyDictionary()
_memories_lock = threading.Lock()


def remembered(session: Session, key: Hashable, compute: Callable[[], T]) -> T:
    """`compute()`, or the answer it gave for `key` since the data last changed. `key` must
    name everything the answer depends on: what was asked and whose permissions shaped it."""
    database = session.info.get("database")
    if not isinstance(database, Database):
        return compute()
    with _memories_lock:
        memory = _memories.get(database)
        if memory is None:
            memory = _memories[database] = epochs.Memory(
                database, EPOCH, keep_s=REMEMBER_S, most=MAX_ANSWERS
            )
    found = memory.recall(key)
    if found is not None:
        kept: T = found
        return kept
    epoch = memory.epoch.read()  # before computing: a change meanwhile makes it stale
    value = compute()
    if not epochs.changed_here(session):
        memory.keep(key, value, epoch=epoch)
    return value
