"""Readiness: where each person stands on the modules they were asked to take, summed up per
person, per team and for the people a launch must ready (which feeds the launch's GA gate)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session, joinedload

from prism.auth.policy import Action, Principal, require
from prism.csvfile import write_csv
from prism.launches.gates import Certified
from prism.launches.models import Launch, LaunchTeam
from prism.people.models import Team, User
from prism.training.models import Assignment, Attempt, Certification, Module, ModuleStatus
from prism.training.service import led_team_ids, may_manage, may_see_progress, visible_people


class AssignmentState(StrEnum):
    """Where a person stands on one assigned module, as their training page shows it."""

    TO_DO = "to_do"
    OVERDUE = "overdue"
    CLOSED = "closed"
    DONE = "done"


@dataclass(frozen=True)
class Standing:
    """One learner on one module they were asked to take."""

    module: Module
    due_on: date
    closes_on: date | None
    attempts_used: int
    best_score: float | None
    passed: bool
    # When their current certification of the module expires; None if they hold none.
    certified_until: date | None

    @property
    def done(self) -> bool:
        # A certifying module is done while its certification holds: a lapsed one is due again.
        return self.certified_until is not None if self.module.certifying else self.passed

    @property
    def attempts_left(self) -> int | None:
        limit = self.module.max_attempts
        return None if limit is None else max(limit - self.attempts_used, 0)

    def state(self, today: date) -> AssignmentState:
        if self.done:
            return AssignmentState.DONE
        if self.closes_on is not None and today > self.closes_on:
            return AssignmentState.CLOSED
        return AssignmentState.OVERDUE if today > self.due_on else AssignmentState.TO_DO


@dataclass(frozen=True)
class Row:
    """A readiness line: one person, or a group of people added up."""

    label: str
    people: int
    assigned: int
    completed: int
    overdue: int
    certified: int
    average_score: float | None


class Progress:
    """Everything about `people`'s training, loaded in three queries."""

    def __init__(self, session: Session, people: Sequence[User], today: date) -> None:
        self.today = today
        ids = [p.id for p in people]
        teams = {p.team_id for p in people if p.team_id is not None}
        assignments = session.scalars(
            select(Assignment)
            .join(Module)
            .where(
                Module.status == ModuleStatus.PUBLISHED,
                or_(Assignment.user_id.in_(ids), Assignment.team_id.in_(teams)),
            )
            .options(joinedload(Assignment.module))
            .order_by(Assignment.due_on)
        )
        self._by_user: dict[int, list[Assignment]] = defaultdict(list)
        self._by_team: dict[int, list[Assignment]] = defaultdict(list)
        for a in assignments:
            (self._by_user[a.user_id] if a.user_id else self._by_team[a.team_id or 0]).append(a)
        self._attempts = {
            (user, module): (used, best, bool(passed))
            for user, module, used, best, passed in session.execute(
                select(
                    Attempt.user_id,
                    Attempt.module_id,
                    func.count(),
                    func.max(Attempt.score),
                    func.max(case((Attempt.passed.is_(True), 1), else_=0)),
                )
                .where(Attempt.user_id.in_(ids), Attempt.submitted_at.is_not(None))
                .group_by(Attempt.user_id, Attempt.module_id)
            )
        }
        self._certified = {
            (user, module): until
            for user, module, until in session.execute(
                select(
                    Certification.user_id,
                    Certification.module_id,
                    func.max(Certification.expires_on),
                )
                .where(Certification.user_id.in_(ids), Certification.expires_on > today)
                .group_by(Certification.user_id, Certification.module_id)
            )
        }

    def standings(self, person: User) -> list[Standing]:
        """The modules `person` was asked to take (each once, soonest due), and how they stand."""
        asked = self._by_user.get(person.id, []) + self._by_team.get(person.team_id or 0, [])
        first: dict[int, Assignment] = {}
        for a in sorted(asked, key=lambda a: a.due_on):
            first.setdefault(a.module_id, a)
        return [self.standing(person, a.module, a.due_on, a.closes_on) for a in first.values()]

    def standing(
        self, person: User, module: Module, due_on: date, closes_on: date | None
    ) -> Standing:
        used, best, passed = self._attempts.get((person.id, module.id), (0, None, False))
        until = self._certified.get((person.id, module.id))
        return Standing(module, due_on, closes_on, used, best, passed, until)

    def holds(self, person: User, module_id: int) -> bool:
        return (person.id, module_id) in self._certified

    def row(self, label: str, people: Sequence[User], modules: set[int] | None = None) -> Row:
        """`people` added up, on every module they were asked to take or only on `modules`."""
        standings = [
            s
            for p in people
            for s in self.standings(p)
            if modules is None or s.module.id in modules
        ]
        ids = {p.id for p in people}
        held = [
            key
            for key in self._certified
            if key[0] in ids and (modules is None or key[1] in modules)
        ]
        scores = [s.best_score for s in standings if s.best_score is not None]
        return Row(
            label=label,
            people=len(people),
            assigned=len(standings),
            completed=sum(1 for s in standings if s.done),
            overdue=sum(1 for s in standings if s.state(self.today) == "overdue"),
            certified=len(held),
            average_score=sum(scores) / len(scores) if scores else None,
        )


def queue(session: Session, actor: Principal, person: User, today: date) -> list[Standing]:
    """The modules `person` was asked to take, soonest due first."""
    require(actor, Action.READ_PUBLISHED)
    return Progress(session, [person], today).standings(person)


def by_person(
    session: Session, actor: Principal, today: date, *, team_id: int | None = None
) -> list[Row]:
    """A line per person whose progress `actor` may see (optionally one team's)."""
    require(actor, Action.READ_PUBLISHED)
    stmt = visible_people(session, actor)
    if team_id is not None:
        stmt = stmt.where(User.team_id == team_id)
    people = list(session.scalars(stmt))
    progress = Progress(session, people, today)
    return [progress.row(p.name, [p]) for p in people]


def by_team(
    session: Session, actor: Principal, today: date, *, every_team: bool = False
) -> list[Row]:
    """A line per team: every team for the enablement team, a lead's own teams for a lead.
    With `every_team`, every team's totals for anyone who reads the dashboards: a team's line
    adds its people up and names nobody."""
    require(actor, Action.READ_ANALYTICS if every_team else Action.READ_PUBLISHED)
    stmt = select(Team).order_by(Team.name)
    if not (every_team or may_manage(actor)):
        stmt = stmt.where(Team.id.in_(led_team_ids(session, actor)))
    teams = list(session.scalars(stmt))
    people = list(
        session.scalars(select(User).where(User.is_active, User.team_id.in_([t.id for t in teams])))
    )
    progress = Progress(session, people, today)
    return [progress.row(t.name, [p for p in people if p.team_id == t.id]) for t in teams]


@dataclass(frozen=True)
class LaunchReadiness:
    launch: Launch
    modules: list[Module]
    people: int
    certified: Certified | None
    rows: list[Row]


def published_modules(session: Session, launch_id: int) -> list[Module]:
    """The published modules that belong to a launch, certifying or not."""
    stmt = select(Module).where(
        Module.launch_id == launch_id, Module.status == ModuleStatus.PUBLISHED
    )
    return list(session.scalars(stmt.order_by(Module.id)))


def certifying_modules(session: Session, launch_id: int) -> list[Module]:
    """The published certifying modules that belong to a launch."""
    stmt = select(Module).where(
        Module.launch_id == launch_id,
        Module.certifying,
        Module.status == ModuleStatus.PUBLISHED,
    )
    return list(session.scalars(stmt.order_by(Module.id)))


def _launch_people(session: Session, launch: Launch) -> list[User]:
    teams = select(LaunchTeam.team_id).where(LaunchTeam.launch_id == launch.id)
    stmt = select(User).where(User.is_active, User.team_id.in_(teams)).order_by(User.name)
    return list(session.scalars(stmt))


def _figure(progress: Progress, people: list[User], modules: list[Module]) -> Certified | None:
    if not modules:
        return None
    count = sum(1 for p in people if all(progress.holds(p, m.id) for m in modules))
    return Certified(count, len(people))


def certified(session: Session, launch: Launch, today: date) -> Certified | None:
    """How many people in the launch's target teams hold every certification it requires;
    None when no certifying module belongs to the launch."""
    modules = certifying_modules(session, launch.id)
    people = _launch_people(session, launch)
    return _figure(Progress(session, people, today), people, modules)


def for_launch(session: Session, actor: Principal, launch: Launch, today: date) -> LaunchReadiness:
    """The launch's certification figure, and a line per target-team member `actor` may see."""
    require(actor, Action.READ_LAUNCHES)
    modules = certifying_modules(session, launch.id)
    people = _launch_people(session, launch)
    progress = Progress(session, people, today)
    wanted = {m.id for m in modules}
    rows = [
        progress.row(p.name, [p], wanted) for p in people if may_see_progress(session, actor, p)
    ]
    return LaunchReadiness(launch, modules, len(people), _figure(progress, people, modules), rows)


COLUMNS = ("name", "people", "assigned", "completed", "overdue", "certified", "average_score")


def as_csv(rows: Iterable[Row]) -> str:
    """Readiness lines as CSV, with a header row."""
    return write_csv(
        COLUMNS,
        (
            (
                r.label,
                r.people,
                r.assigned,
                r.completed,
                r.overdue,
                r.certified,
                None if r.average_score is None else f"{r.average_score:.2f}",
            )
            for r in rows
        ),
    )
