"""The dashboards' remembered answers equal the plain computation, before and after the data
changes, and are never kept from a unit of work that changed the data itself."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session

from prism import epochs
from prism.analytics import answers
from prism.analytics.influence import (
    Scope,
    _battlecards,
    _influence,
    battlecards,
    influence,
)
from prism.analytics.models import Use
from prism.analytics.usage import Event, write
from prism.auth.policy import SYSTEM
from prism.db import Database
from prism.deals.models import Outcome
from tests.analytics.conftest import CLOSED, Pipeline
from tests.conftest import Cast


@pytest.fixture(autouse=True)
def listening(database: Database) -> Iterator[None]:
    """As in a web process: on PostgreSQL, other processes' changes are heard (or nothing is
    remembered)."""
    epochs.start(database)
    deadline = time.monotonic() + 10
    while epochs.epoch_of(database, answers.EPOCH).read() is None:
        assert time.monotonic() < deadline, "the listening connection did not open"
        time.sleep(0.01)
    yield
    epochs.stop(database)


def test_a_second_look_asks_the_database_nothing(
    session: Session, pipeline: Pipeline, cast: Cast, statements: list[str]
) -> None:
    first = influence(session, cast.editor, Scope(), limit=20)
    cards = battlecards(session, cast.editor, Scope())
    statements.clear()
    assert influence(session, cast.editor, Scope(), limit=20) == first
    assert battlecards(session, cast.editor, Scope()) == cards
    assert statements == []


@pytest.mark.parametrize("scope", [Scope(), Scope(since=CLOSED.date()), Scope(product_id=-1)])
def test_remembered_answers_equal_the_plain_query_before_and_after_a_change(
    session: Session, pipeline: Pipeline, cast: Cast, scope: Scope
) -> None:
    if scope.product_id == -1:
        scope = Scope(product_id=pipeline.product.id)
    for who in (SYSTEM, cast.editor, cast.seller):
        assert influence(session, who, scope) == _influence(session, who, scope, 50)
        assert battlecards(session, who, scope) == _battlecards(session, who, scope)
    # The open 70k deal is won, and the lost one was in fact won: committed, so forgotten.
    pipeline.open.outcome = Outcome.WON
    pipeline.open.closed_at = CLOSED
    pipeline.lost.outcome = Outcome.WON
    session.commit()
    for who in (SYSTEM, cast.editor, cast.seller):
        fresh = influence(session, who, scope)
        assert fresh == _influence(session, who, scope, 50)
        assert battlecards(session, who, scope) == _battlecards(session, who, scope)
    assert influence(session, SYSTEM, Scope()).overall.won == 4


def test_a_unit_that_changed_the_data_keeps_nothing(
    session: Session, pipeline: Pipeline, statements: list[str]
) -> None:
    pipeline.quiet.outcome = Outcome.LOST  # flushed by the query below, never committed
    changed = influence(session, SYSTEM, Scope())
    assert changed.overall.won == 1
    session.rollback()
    statements.clear()
    assert influence(session, SYSTEM, Scope()).overall.won == 2
    assert statements, "the rolled-back answer was remembered"


def test_usage_reaches_the_dashboards_within_the_remembering(
    session: Session, pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Usage events and deal touches arrive every couple of seconds under any traffic: they do
    not clear the remembered answers, which show them once `REMEMBER_S` has passed."""
    before = influence(session, SYSTEM, Scope())
    write(session, [Event(Use.VIEW, pipeline.card.id, pipeline.quiet.id, at=CLOSED)])
    session.commit()
    assert influence(session, SYSTEM, Scope()) == before
    later = time.monotonic() + answers.REMEMBER_S + 1
    monkeypatch.setattr(epochs.time, "monotonic", lambda: later)
    after = influence(session, SYSTEM, Scope())
    assert after == _influence(session, SYSTEM, Scope(), 50) and after != before
