"""Success metrics: definitions with targets, measurements over time (typed in, pushed by API,
imported from CSV or computed from Prism's own data) and the 30/60/90-day checkpoints."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session, selectinload

from prism.auth.policy import Action, Principal, require
from prism.deals.models import Deal, DealFocus, Outcome
from prism.errors import Conflict, Invalid, NotFound, check_version
from prism.i18n import N_, _
from prism.launches.models import (
    BomItem,
    Checkpoint,
    CheckpointResult,
    Direction,
    Health,
    Launch,
    LaunchFeature,
    Measurement,
    Metric,
    MetricSource,
)
from prism.launches.schemas import MeasurementIn, MetricIn, ReviewIn
from prism.shares.models import ShareView

# Within this share of the expected value a metric is at risk rather than off track.
AT_RISK_MARGIN = 0.2
LAST_DAY = 90


def _moment(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _over_deals(
    total: ColumnElement[Any], at: InstrumentedAttribute[Any], *where: ColumnElement[bool]
) -> Callable[[Session, Launch, date, date], float]:
    """A count or sum over the deals for the launch's product dated (by `at`) in the period."""

    def measure(session: Session, launch: Launch, since: date, until: date) -> float:
        product_deals = select(DealFocus.deal_id).where(DealFocus.item_id == launch.product_id)
        stmt = select(func.coalesce(total, 0)).where(
            Deal.id.in_(product_deals), at >= _moment(since), at < _moment(until), *where
        )
        return float(session.scalar(stmt) or 0)

    return measure


def _buyer_views(session: Session, launch: Launch, since: date, until: date) -> float:
    items = (
        select(BomItem.item_id)
        .where(BomItem.launch_id == launch.id, BomItem.item_id.is_not(None))
        .union(select(LaunchFeature.item_id).where(LaunchFeature.launch_id == launch.id))
    )
    ids = set(session.scalars(items)) | ({launch.product_id} if launch.product_id else set())
    stmt = select(func.count(ShareView.id)).where(
        ShareView.item_id.in_(ids),
        ShareView.action.in_(("view", "download")),
        ShareView.at >= _moment(since),
        ShareView.at < _moment(until),
    )
    return float(session.scalar(stmt) or 0)


@dataclass(frozen=True)
class Computation:
    label: str
    measure: Callable[[Session, Launch, date, date], float]


# What Prism can count from its own data, from GA up to the day measured.
COMPUTATIONS: dict[str, Computation] = {
    "deals_opened": Computation(
        N_("Deals opened for the product"), _over_deals(func.count(Deal.id), Deal.created_at)
    ),
    "pipeline": Computation(
        N_("Open and won pipeline for the product"),
        _over_deals(func.sum(Deal.value), Deal.created_at, Deal.outcome != Outcome.LOST),
    ),
    "won_revenue": Computation(
        N_("Revenue won for the product"),
        _over_deals(func.sum(Deal.value), Deal.closed_at, Deal.outcome == Outcome.WON),
    ),
    "buyer_views": Computation(N_("Buyer views of the launch's assets"), _buyer_views),
}


def list_metrics(session: Session, actor: Principal, launch: Launch) -> list[Metric]:
    require(actor, Action.READ_LAUNCHES)
    return list(
        session.scalars(select(Metric).where(Metric.launch_id == launch.id).order_by(Metric.id))
    )


def get_metric(session: Session, launch: Launch, metric_id: int) -> Metric:
    metric = session.get(Metric, metric_id)
    if metric is None or metric.launch_id != launch.id:
        raise NotFound(_("No metric {metric_id} in this launch.", metric_id=metric_id))
    return metric


def define(session: Session, actor: Principal, launch: Launch, data: MetricIn) -> Metric:
    """A success metric with its target; a computed one must name what Prism counts."""
    require(actor, Action.RUN_LAUNCHES)
    if data.source is MetricSource.COMPUTED and data.computation not in COMPUTATIONS:
        known = ", ".join(COMPUTATIONS)
        raise Invalid.about(
            "computation",
            _("A computed metric names what Prism counts: one of {known}.", known=known),
        )
    if data.source is not MetricSource.COMPUTED and data.computation is not None:
        raise Invalid.about("computation", _("Only computed metrics name a computation."))
    metric = Metric(launch_id=launch.id, **data.model_dump())
    session.add(metric)
    session.flush()
    return metric


def remove(session: Session, actor: Principal, launch: Launch, metric_id: int) -> None:
    require(actor, Action.RUN_LAUNCHES)
    session.delete(get_metric(session, launch, metric_id))
    session.flush()


def record(
    session: Session,
    actor: Principal,
    metric: Metric,
    data: MeasurementIn,
    *,
    source: MetricSource,
) -> Measurement:
    """Record a value for a day, replacing any earlier value for that day."""
    require(actor, Action.RUN_LAUNCHES)
    _refuse_computed(metric, "entered")
    return _store(session, metric, data.measured_on, data.value, source, actor.id)


def _refuse_computed(metric: Metric, how: str) -> None:
    if metric.source is MetricSource.COMPUTED:
        raise Conflict(
            _("{name} is computed by Prism; its values cannot be {how}.", name=metric.name, how=how)
        )


def _store(
    session: Session,
    metric: Metric,
    day: date,
    value: float,
    source: MetricSource,
    actor_id: int | None,
) -> Measurement:
    found = session.scalar(
        select(Measurement).where(
            Measurement.metric_id == metric.id, Measurement.measured_on == day
        )
    )
    if found is None:
        found = Measurement(metric_id=metric.id, measured_on=day)
        session.add(found)
    found.value, found.source, found.recorded_by_id = value, source, actor_id
    session.flush()
    return found


def import_csv(session: Session, actor: Principal, metric: Metric, raw: bytes) -> int:
    """Import `date,value` rows; every bad row is reported with its line and nothing is kept
    unless all rows are good. Importing the same file twice changes nothing."""
    require(actor, Action.RUN_LAUNCHES)
    _refuse_computed(metric, "imported")
    rows, errors = _parse_csv(raw)
    if errors:
        raise Invalid(
            _("{len} rows could not be read; nothing was imported.", len=len(errors)), errors=errors
        )
    if not rows:
        raise Invalid(_("The file has no rows under its date,value header."))
    for day, value in rows:
        _store(session, metric, day, value, MetricSource.CSV, actor.id)
    return len(rows)


def _parse_csv(raw: bytes) -> tuple[list[tuple[date, float]], list[dict[str, object]]]:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Invalid(_("The file is not UTF-8 text; export it as CSV (UTF-8).")) from None
    reader = csv.reader(io.StringIO(text))
    header = [h.strip().lower() for h in next(reader, [])]
    if "value" not in header or not ({"date", "measured_on"} & set(header)):
        raise Invalid(_("The first line must name the columns date and value."))
    at_date = header.index("date") if "date" in header else header.index("measured_on")
    at_value = header.index("value")
    rows: list[tuple[date, float]] = []
    errors: list[dict[str, object]] = []
    for line, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        try:
            day = date.fromisoformat(row[at_date].strip())
            value = float(row[at_value].strip().replace(",", ""))
        except (IndexError, ValueError):
            errors.append(
                {"field": f"line {line}", "message": "needs a YYYY-MM-DD date and a number"}
            )
            continue
        rows.append((day, value))
    return rows, errors


def measurements(session: Session, metric_ids: list[int]) -> dict[int, list[Measurement]]:
    """Each metric's measurements, oldest first."""
    found: dict[int, list[Measurement]] = {i: [] for i in metric_ids}
    stmt = (
        select(Measurement)
        .where(Measurement.metric_id.in_(metric_ids))
        .order_by(Measurement.measured_on)
    )
    for m in session.scalars(stmt):
        found[m.metric_id].append(m)
    return found


def measure_now(session: Session, actor: Principal, launch: Launch, *, today: date) -> int:
    """Measure the launch's computed metrics now rather than wait for the nightly run."""
    require(actor, Action.RUN_LAUNCHES)
    if launch.ga_on is None:
        raise Conflict(
            _("Computed metrics count from GA; {name} has not reached GA yet.", name=launch.name)
        )
    return measure_computed(session, launch, today)


def measure_computed(session: Session, launch: Launch, today: date) -> int:
    """Count, from GA up to today, every computed metric of a launch past GA."""
    if launch.ga_on is None:
        return 0
    stmt = select(Metric).where(
        Metric.launch_id == launch.id, Metric.source == MetricSource.COMPUTED
    )
    count = 0
    for metric in session.scalars(stmt):
        computation = COMPUTATIONS[metric.computation or ""]
        until = date.fromordinal(today.toordinal() + 1)
        value = computation.measure(session, launch, launch.ga_on, until)
        _store(session, metric, today, value, MetricSource.COMPUTED, None)
        count += 1
    return count


def expected(metric: Metric, day: int) -> float:
    """What the metric should read `day` days after GA: a cumulative one ramps to its target."""
    if metric.cumulative and metric.direction is Direction.HIGHER:
        return metric.target * min(day, LAST_DAY) / LAST_DAY
    return metric.target


def health(metric: Metric, actual: float | None, wanted: float) -> Health:
    if actual is None:
        return Health.AT_RISK
    if metric.direction is Direction.HIGHER:
        if actual >= wanted:
            return Health.ON_TRACK
        return Health.AT_RISK if actual >= wanted * (1 - AT_RISK_MARGIN) else Health.OFF_TRACK
    if actual <= wanted:
        return Health.ON_TRACK
    return Health.AT_RISK if actual <= wanted * (1 + AT_RISK_MARGIN) else Health.OFF_TRACK


@dataclass(frozen=True)
class Result:
    metric_id: int
    metric: str
    actual: float | None
    expected: float
    health: Health


def results(
    point: Checkpoint, metrics: list[Metric], history: dict[int, list[Measurement]]
) -> list[Result]:
    """Actual against expected for each metric: frozen once reviewed, live until then."""
    if point.reviewed_at is not None:
        names = {m.id: m.name for m in metrics}
        return [
            Result(r.metric_id, names.get(r.metric_id, "?"), r.actual, r.expected, r.health)
            for r in point.results
        ]
    out = []
    for metric in metrics:
        upto = [m.value for m in history.get(metric.id, []) if m.measured_on <= point.due_on]
        actual = upto[-1] if upto else None
        wanted = expected(metric, point.day)
        out.append(Result(metric.id, metric.name, actual, wanted, health(metric, actual, wanted)))
    return out


def overall(found: list[Result]) -> Health:
    """A checkpoint is as healthy as its weakest metric (at risk with no metric to judge by)."""
    if not found:
        return Health.AT_RISK
    order = [Health.ON_TRACK, Health.AT_RISK, Health.OFF_TRACK]
    return max((r.health for r in found), key=order.index)


@dataclass(frozen=True)
class Scorecard:
    """A launch's metrics, their measurements, and each checkpoint with its results."""

    metrics: list[Metric]
    history: dict[int, list[Measurement]]
    checkpoints: list[tuple[Checkpoint, list[Result]]]


def scorecard(session: Session, actor: Principal, launch: Launch) -> Scorecard:
    found = list_metrics(session, actor, launch)
    history = measurements(session, [m.id for m in found])
    points = [(p, results(p, found, history)) for p in checkpoints(session, launch)]
    return Scorecard(found, history, points)


def checkpoints(session: Session, launch: Launch) -> list[Checkpoint]:
    stmt = (
        select(Checkpoint)
        .where(Checkpoint.launch_id == launch.id)
        .options(selectinload(Checkpoint.results), selectinload(Checkpoint.reviewer))
        .order_by(Checkpoint.day)
    )
    return list(session.scalars(stmt))


def review(
    session: Session,
    actor: Principal,
    launch: Launch,
    checkpoint_id: int,
    data: ReviewIn,
    *,
    now: datetime,
) -> Checkpoint:
    """Review a due checkpoint: its results are frozen as they stand, with the review note."""
    require(actor, Action.RUN_LAUNCHES)
    card = scorecard(session, actor, launch)
    point, found = next(((c, r) for c, r in card.checkpoints if c.id == checkpoint_id), (None, []))
    if point is None:
        raise NotFound(
            _("No checkpoint {checkpoint_id} in this launch.", checkpoint_id=checkpoint_id)
        )
    check_version("checkpoint", data.version, point.version)
    if now.date() < point.due_on:
        raise Conflict(
            _(
                "The {day}-day checkpoint is due on {due_on:%d %b %Y}; review it then.",
                day=point.day,
                due_on=point.due_on,
            )
        )
    if point.reviewed_at is None:
        point.results = [
            CheckpointResult(
                metric_id=r.metric_id, actual=r.actual, expected=r.expected, health=r.health
            )
            for r in found
        ]
        point.health = overall(found)
        point.reviewed_at = now
        point.reviewer_id = actor.id
    point.note = data.note
    session.flush()
    return point
