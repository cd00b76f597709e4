"""Who a credential belongs to, remembered for a few seconds, so that most requests learn who
is asking without a trip to the database; forgotten at once, in every process, when anything
about any credential or account changes.

The *credentials epoch* (`prism.epochs`) moves with every committed change to a person, an API
token or a browser session other than noting when it was last used or signed in with (a new
token or session changes nothing remembered). A remembered answer is used only while that epoch
is the one read *before* it was looked up, and for at most `REMEMBER_S` seconds either way (a
change made by hand in SQL is caught by that).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol, TypeVar

from sqlalchemy import inspect
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from prism import epochs
from prism.auth.models import ApiToken
from prism.db import Database
from prism.people.models import User

REMEMBER_S = 5.0
MAX_REMEMBERED = 10_000
EPOCH = "credentials"
epochs.watch(
    EPOCH,
    tables=("users", "api_tokens", "web_sessions"),
    # Attributes whose change says nothing about who may do what.
    bookkeeping=("last_login_at", "last_used_at"),
    new_rows=False,
)

Row = TypeVar("Row")


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
    looked_up_at: datetime  # on the app's clock, which tests move


class CredentialMemory:
    """The remembered answers of one web process, by digest of the credential."""

    def __init__(self, database: Database, *, remember_s: float = REMEMBER_S) -> None:
        self.memory: epochs.Memory[Remembered] = epochs.Memory(
            database, EPOCH, keep_s=remember_s, most=MAX_REMEMBERED
        )
        self.epoch = self.memory.epoch
        self.lifetime = timedelta(seconds=remember_s)

    def recall(self, key: str, *, now: datetime) -> Remembered | None:
        """A remembered answer still good for `key`, or None."""
        found = self.memory.recall(key)
        if found is None or now - found.looked_up_at > self.lifetime or found.expires_at <= now:
            return None
        return found

    def remember(self, key: str, found: Found, *, epoch: object | None, now: datetime) -> None:
        """Keep what a lookup found; `epoch` is the one read before the lookup began."""
        answer = Remembered(
            user=detached_copy(found.user),
            token=detached_copy(found.token) if found.token is not None else None,
            expires_at=found.expires_at,
            looked_up_at=now,
        )
        self.memory.keep(key, answer, epoch=epoch)


def detached_copy(obj: Row) -> Row:
    """A copy of a loaded row's columns that belongs to no session (and never will: a request
    gets its own copy of it with `Session.merge(..., load=False)`)."""
    mapper = inspect(type(obj))
    copy = mapper.class_manager.new_instance()
    for attr in mapper.column_attrs:
        set_committed_value(copy, attr.key, getattr(obj, attr.key))
    make_transient_to_detached(copy)
    return copy  # type: ignore[no-any-return]
