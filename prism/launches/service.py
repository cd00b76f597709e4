"""Launches: create one from its tier's template, change it, and move it stage by stage through
its readiness gates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from prism.audit import service as audit
from prism.auth.policy import Action, Principal, can, require
from prism.db import add_unique, utcnow
from prism.errors import Conflict, Invalid, NotFound, check_version
from prism.i18n import _
from prism.knowledge.service import items_of_kind
from prism.launches import bom as bom_service
from prism.launches import gates, packaging, reminders, tiers
from prism.launches.models import (
    ROAD,
    BetaCustomer,
    BomItem,
    Checkpoint,
    Launch,
    Metric,
    Stage,
    StageChange,
)
from prism.launches.schemas import LaunchIn, LaunchUpdate, MoveIn
from prism.pagination import PageOf, paginate
from prism.people.service import active_person, teams_by_ids
from prism.schemas import as_id
from prism.training import readiness as training_readiness
from prism.webhooks import service as webhooks

CHECKPOINT_DAYS = (30, 60, 90)
LOADED = (
    selectinload(Launch.owner),
    selectinload(Launch.product),
    selectinload(Launch.features),
    selectinload(Launch.teams),
    selectinload(Launch.bom).selectinload(BomItem.owner),
    selectinload(Launch.bom).selectinload(BomItem.item),
)


@dataclass(frozen=True)
class LaunchFilter:
    stage: Stage | None = None
    tier: int | None = None
    owner_id: int | None = None


def list_launches(
    session: Session,
    actor: Principal,
    spec: LaunchFilter = LaunchFilter(),
    *,
    limit: int = 50,
    cursor: str | None = None,
) -> PageOf[Launch]:
    """Launches, newest first, narrowed by `spec`; everyone at the company may read them."""
    require(actor, Action.READ_LAUNCHES)
    stmt = select(Launch).options(*LOADED)
    if spec.stage is not None:
        stmt = stmt.where(Launch.stage == spec.stage)
    if spec.tier is not None:
        stmt = stmt.where(Launch.tier == spec.tier)
    if spec.owner_id is not None:
        stmt = stmt.where(Launch.owner_id == spec.owner_id)
    return paginate(session, stmt, key=Launch.id, limit=limit, cursor=cursor, newest_first=True)


def board(session: Session, actor: Principal) -> dict[Stage, list[Launch]]:
    """Every launch in a column per stage, soonest date first (cancelled ones last)."""
    require(actor, Action.READ_LAUNCHES)
    columns: dict[Stage, list[Launch]] = {stage: [] for stage in Stage}
    for launch in session.scalars(select(Launch).options(*LOADED).order_by(Launch.target_date)):
        columns[launch.stage].append(launch)
    return columns


def get_launch(session: Session, actor: Principal, launch_id: int) -> Launch:
    require(actor, Action.READ_LAUNCHES)
    launch = session.scalar(select(Launch).where(Launch.id == launch_id).options(*LOADED))
    if launch is None:
        raise NotFound(_("No launch {launch_id}.", launch_id=launch_id))
    return launch


def find_launch(session: Session, actor: Principal, name_or_id: str) -> Launch:
    """A launch by its id or its exact name (ignoring case), for the command line."""
    require(actor, Action.READ_LAUNCHES)
    if (launch_id := as_id(name_or_id)) is not None:
        return get_launch(session, actor, launch_id)
    found = session.scalars(select(Launch.id).where(Launch.name.ilike(name_or_id))).all()
    if not found:
        raise NotFound(_("No launch called {name_or_id!r}.", name_or_id=name_or_id))
    return get_launch(session, actor, found[0])


def create_launch(session: Session, actor: Principal, data: LaunchIn, *, today: date) -> Launch:
    """A launch in planning, with its bill of materials generated from its tier's template."""
    require(actor, Action.RUN_LAUNCHES)
    _check_date(data.target_date, today)
    values = data.model_dump(exclude={"feature_ids", "team_ids"})
    values["owner_id"] = data.owner_id or actor.id
    launch = Launch(features=[], teams=[], bom=[], **values)
    _check_references(session, actor, launch, data.feature_ids, data.team_ids)
    _save(session, launch)
    bom_service.generate(session, launch, tiers.deliverables_of(session, launch.tier))
    return get_launch(session, actor, launch.id)


def update_launch(
    session: Session, actor: Principal, launch_id: int, data: LaunchUpdate, *, today: date
) -> Launch:
    """Change a launch's facts or positioning; a new date moves every deliverable's due date."""
    require(actor, Action.RUN_LAUNCHES)
    launch = get_launch(session, actor, launch_id)
    check_version("launch", data.version, launch.version)
    values = data.model_dump(exclude={"version", "feature_ids", "team_ids"}, exclude_unset=True)
    if "target_date" in values and launch.stage in (Stage.PLANNING, Stage.ALPHA, Stage.BETA):
        _check_date(values["target_date"], today)
    if values.get("product_id", launch.product_id) != launch.product_id:
        packaging.check_product_change(session, launch)
    for name, value in values.items():
        setattr(launch, name, value)
    _check_references(session, actor, launch, data.feature_ids, data.team_ids)
    _save(session, launch)
    return get_launch(session, actor, launch.id)


def _check_date(target: date | None, today: date) -> None:
    if target is not None and target < today:
        raise Invalid.about(
            "target_date",
            _(
                "The launch date {target:%d %b %Y} is in the past (today is {today:%d %b %Y}).",
                target=target,
                today=today,
            ),
        )


def _check_references(
    session: Session,
    actor: Principal,
    launch: Launch,
    feature_ids: list[int] | None,
    team_ids: list[int] | None,
) -> None:
    if launch.owner_id is not None:
        active_person(session, launch.owner_id, field="owner_id")
    if launch.product_id is not None:
        (launch.product,) = items_of_kind(
            session, actor, [launch.product_id], "product", field="product_id"
        )
    if feature_ids is not None:
        launch.features = items_of_kind(session, actor, feature_ids, "feature", field="feature_ids")
    if team_ids is not None:
        launch.teams = teams_by_ids(session, team_ids)


def _save(session: Session, launch: Launch) -> None:
    add_unique(session, launch, f"A launch called {launch.name!r} already exists.")


def next_stage(launch: Launch) -> Stage | None:
    """The stage a launch moves to next on its road, or None once it has landed or stopped."""
    if not launch.is_open:
        return None
    return ROAD[ROAD.index(launch.stage) + 1]


def readiness(session: Session, launch: Launch, today: date) -> gates.Readiness:
    """A snapshot of everything the gate rules read about `launch`."""
    return gates.Readiness(
        launch=launch,
        bom=list(launch.bom),
        beta_statuses=list(
            session.scalars(select(BetaCustomer.status).where(BetaCustomer.launch_id == launch.id))
        ),
        metrics=list(session.scalars(select(Metric).where(Metric.launch_id == launch.id))),
        checkpoints=list(
            session.scalars(select(Checkpoint).where(Checkpoint.launch_id == launch.id))
        ),
        certified=training_readiness.certified(session, launch, today),
        today=today,
        packaging=packaging.requirements(
            session,
            launch,
            packaging.change(session, launch),
            now=datetime.combine(today, utcnow().timetz()),
        ),
    )


def check_gate(
    session: Session, actor: Principal, launch_id: int, *, to: Stage | None = None, today: date
) -> gates.GateReport | None:
    """The report on moving the launch to `to` (default: its next stage); None if it cannot move."""
    launch = get_launch(session, actor, launch_id)
    stage = to or next_stage(launch)
    if stage is None or stage is Stage.CANCELLED:
        return None
    return _report(session, launch, stage, today)


def _report(session: Session, launch: Launch, stage: Stage, today: date) -> gates.GateReport:
    rules = tiers.gates_of(session, launch.tier, stage)
    ready = readiness(session, launch, today)
    if stage is Stage.GA and ready.packaging:
        # A packaging change adds its own rules to GA, whatever the tier asks.
        named = {name for name, _threshold in rules}
        rules = [*rules, *((p.rule, None) for p in ready.packaging if p.rule not in named)]
    return gates.evaluate(ready, stage, rules)


def move(
    session: Session, actor: Principal, launch_id: int, data: MoveIn, *, now: datetime
) -> Launch:
    """Move the launch to the next stage (or cancel it) if the gate passes, or if an admin
    overrides the failed gate with a written reason, which the audit log keeps."""
    require(actor, Action.RUN_LAUNCHES)
    launch = get_launch(session, actor, launch_id)
    check_version("launch", data.version, launch.version)
    _check_road(launch, data.to)
    report = None if data.to is Stage.CANCELLED else _report(session, launch, data.to, now.date())
    if report is not None and not report.passed:
        _override(session, actor, launch, report, data.override_reason, now=now)
    open_findings = [] if report is None else report.blockers + report.unmeasured
    session.add(
        StageChange(
            launch_id=launch.id,
            from_stage=launch.stage,
            to_stage=data.to,
            at=now,
            actor_id=actor.id,
            override_reason=data.override_reason if report and not report.passed else "",
            open_findings=[f.as_dict() for f in open_findings],
        )
    )
    packaging.on_stage(session, actor, launch, data.to, now)
    previous, launch.stage = launch.stage, data.to
    webhooks.emit(
        session,
        "launch.stage_changed",
        {
            "launch": reminders.launch_ref(launch),
            "from": previous.value,
            "to": data.to.value,
            "overridden": bool(report and not report.passed),
        },
        now=now,
    )
    if data.to is Stage.GA:
        launch.ga_on = now.date()
        _plan_checkpoints(session, launch, now.date())
    session.flush()
    return get_launch(session, actor, launch.id)


def _check_road(launch: Launch, to: Stage) -> None:
    if not launch.is_open:
        raise Conflict(
            _(
                "{name} is {label}; it moves no further.",
                name=launch.name,
                label=launch.stage.label.lower(),
            )
        )
    if to is Stage.CANCELLED:
        return
    expected = next_stage(launch)
    if expected is not None and to is not expected:
        raise Conflict(
            _(
                "A launch moves one stage at a time: from {stage} the next stage is "
                "{expected}, not {to}.",
                stage=launch.stage.label,
                expected=expected.label,
                to=to.label,
            )
        )


def _override(
    session: Session,
    actor: Principal,
    launch: Launch,
    report: gates.GateReport,
    reason: str,
    *,
    now: datetime,
) -> None:
    if not reason:
        # The refusal is news for the launch's channel: the event is kept though the move is not.
        webhooks.emit(
            session,
            "launch.gate_blocked",
            {
                "launch": reminders.launch_ref(launch),
                "from": launch.stage.value,
                "to": report.stage.value,
                "blockers": [f.as_dict() for f in report.blockers],
                "by": {"name": getattr(actor, "name", ""), "email": actor.email},
            },
            now=now,
        )
        raise Conflict(
            report.summary(),
            errors=[{"field": f.rule, "message": f.detail} for f in report.blockers],
            keep_changes=True,
        )
    require(actor, Action.OVERRIDE_GATES)
    if len(reason) < 10:
        raise Invalid.about(
            "override_reason", _("Write a reason of at least a sentence for the override.")
        )
    blocked = "; ".join(f"{f.label}: {f.detail}" for f in report.blockers)
    audit.record(
        session,
        action="gate_override",
        item=launch,
        note=f"Moved to {report.stage.label} despite: {blocked}. Reason: {reason}",
    )


def _plan_checkpoints(session: Session, launch: Launch, ga_on: date) -> None:
    existing = set(session.scalars(select(Checkpoint.day).where(Checkpoint.launch_id == launch.id)))
    for day in CHECKPOINT_DAYS:
        if day not in existing:
            due = ga_on + timedelta(days=day)
            session.add(Checkpoint(launch_id=launch.id, day=day, due_on=due, results=[]))


def history(session: Session, actor: Principal, launch_id: int) -> list[StageChange]:
    """The launch's stage changes, oldest first."""
    get_launch(session, actor, launch_id)
    return list(
        session.scalars(
            select(StageChange)
            .where(StageChange.launch_id == launch_id)
            .options(selectinload(StageChange.actor))
            .order_by(StageChange.id)
        )
    )


def may_run(actor: Principal) -> bool:
    return can(actor, Action.RUN_LAUNCHES)


@dataclass(frozen=True)
class Milestone:
    """A dated point on the launch calendar."""

    on: date
    what: str
    launch_id: int
    launch: str
    tier: int
    stage: Stage


def calendar(session: Session, actor: Principal, *, start: date, end: date) -> list[Milestone]:
    """Dated milestones of every launch between `start` and `end`: launch (or GA) days and the
    30/60/90-day reviews, soonest first."""
    require(actor, Action.READ_LAUNCHES)
    events = []
    for launch in session.scalars(select(Launch).where(Launch.stage != Stage.CANCELLED)):
        what = "GA" if launch.ga_on else f"launch ({launch.stage.label})"
        on = launch.ga_on or launch.target_date
        events.append(Milestone(on, what, launch.id, launch.name, launch.tier, launch.stage))
    reviews = select(Checkpoint, Launch).join(Launch, Launch.id == Checkpoint.launch_id)
    for point, launch in session.execute(reviews).all():
        events.append(
            Milestone(
                point.due_on,
                f"{point.day}-day review",
                launch.id,
                launch.name,
                launch.tier,
                launch.stage,
            )
        )
    return sorted((e for e in events if start <= e.on <= end), key=lambda e: e.on)
