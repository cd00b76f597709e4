"""Training modules, their quizzes, and who is asked to take them by when.

Who may see what about a learner is decided here: the learner, a lead of their team and the
enablement team (editors) see their progress; only the learner, their team lead and admins see
their answers.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session, joinedload, selectinload

from prism.auth.policy import Action, Principal, can, require
from prism.db import add_unique, get_or_404, touch
from prism.errors import Conflict, Invalid, NotFound, check_version
from prism.i18n import _
from prism.knowledge.service import items_of_kind
from prism.launches.models import Launch
from prism.pagination import PageOf, paginate
from prism.people.models import Team, User
from prism.people.service import active_person, teams_by_ids
from prism.training.models import Assignment, Module, ModuleStatus, Question
from prism.training.schemas import (
    AssignmentIn,
    AssignmentUpdate,
    ModuleIn,
    ModuleUpdate,
    QuestionIn,
    QuizIn,
)

MODULE = (
    joinedload(Module.product),
    joinedload(Module.launch),
    joinedload(Module.owner),
    selectinload(Module.teams),
    selectinload(Module.items),
)


def may_manage(actor: Principal) -> bool:
    """Does `actor` run enablement (write modules, assign them, see everyone's progress)?"""
    return can(actor, Action.MANAGE_TRAINING)


def led_team_ids(session: Session, actor: Principal) -> set[int]:
    """The teams `actor` leads."""
    if actor.id is None:
        return set()
    return set(session.scalars(select(Team.id).where(Team.lead_id == actor.id)))


def _leads(session: Session, actor: Principal, learner: User) -> bool:
    return learner.team_id is not None and learner.team_id in led_team_ids(session, actor)


def may_see_progress(session: Session, actor: Principal, learner: User) -> bool:
    """Learners see their own progress; their team lead and the enablement team see it too."""
    return actor.id == learner.id or may_manage(actor) or _leads(session, actor, learner)


def may_see_answers(session: Session, actor: Principal, learner: User) -> bool:
    """What a learner answered is theirs: only they, their team lead and admins see it."""
    own = actor.id == learner.id or can(actor, Action.READ_ANSWERS)
    return own or _leads(session, actor, learner)


def visible_people(session: Session, actor: Principal) -> Select[Any]:
    """The active people whose progress `actor` may see."""
    stmt = select(User).where(User.is_active).order_by(User.name)
    if may_manage(actor):
        return stmt
    led = led_team_ids(session, actor)
    return stmt.where(or_(User.id == actor.id, User.team_id.in_(led)))


def list_modules(
    session: Session,
    actor: Principal,
    *,
    product_id: int | None = None,
    launch_id: int | None = None,
    limit: int = 50,
    cursor: str | None = None,
) -> PageOf[Module]:
    """Modules by title; drafts and retired ones only for the enablement team."""
    require(actor, Action.READ_PUBLISHED)
    stmt = select(Module).options(*MODULE)
    if not may_manage(actor):
        stmt = stmt.where(Module.status == ModuleStatus.PUBLISHED)
    if product_id is not None:
        stmt = stmt.where(Module.product_id == product_id)
    if launch_id is not None:
        stmt = stmt.where(Module.launch_id == launch_id)
    return paginate(session, stmt, key=Module.id, limit=limit, cursor=cursor)


def get_module(session: Session, actor: Principal, module_id: int) -> Module:
    """One module, if `actor` may read it (a draft is the enablement team's until published)."""
    require(actor, Action.READ_PUBLISHED)
    module = session.scalar(select(Module).where(Module.id == module_id).options(*MODULE))
    if module is None or (module.status is not ModuleStatus.PUBLISHED and not may_manage(actor)):
        raise NotFound(_("No training module {module_id}.", module_id=module_id))
    return module


def create_module(session: Session, actor: Principal, data: ModuleIn) -> Module:
    """A draft module; it is published once its quiz is written."""
    require(actor, Action.MANAGE_TRAINING)
    fields = data.model_dump(exclude={"team_ids", "item_ids"})
    module = Module(**fields, status=ModuleStatus.DRAFT, owner_id=actor.id, teams=[], items=[])
    _check_links(session, actor, data.product_id, data.launch_id)
    _audience(session, actor, module, data.team_ids, data.item_ids)
    _save(session, module)
    return _loaded(session, module.id)


def _loaded(session: Session, module_id: int) -> Module:
    """The module with everything a page shows loaded, after a change."""
    stmt = select(Module).where(Module.id == module_id).options(*MODULE)
    return session.scalars(stmt.execution_options(populate_existing=True)).one()


def update_module(session: Session, actor: Principal, module_id: int, data: ModuleUpdate) -> Module:
    """Change a module's content, audience or rules, or publish or retire it."""
    require(actor, Action.MANAGE_TRAINING)
    module = get_module(session, actor, module_id)
    check_version("training module", data.version, module.version)
    changes = data.model_dump(exclude_unset=True, exclude={"version", "team_ids", "item_ids"})
    _check_links(
        session,
        actor,
        changes.get("product_id", module.product_id),
        changes.get("launch_id", module.launch_id),
    )
    if changes.get("status") is ModuleStatus.PUBLISHED and not questions(session, module_id):
        raise Conflict(_("Write the quiz of {title!r} before publishing it.", title=module.title))
    for name, value in changes.items():
        setattr(module, name, value)
    _audience(session, actor, module, data.team_ids, data.item_ids)
    _save(session, module)
    return _loaded(session, module.id)


def _check_links(
    session: Session, actor: Principal, product_id: int | None, launch_id: int | None
) -> None:
    if product_id is not None:
        items_of_kind(session, actor, [product_id], "product", field="product_id")
    if launch_id is not None and session.get(Launch, launch_id) is None:
        raise Invalid.about("launch_id", _("No launch {launch_id}.", launch_id=launch_id))


def _audience(
    session: Session,
    actor: Principal,
    module: Module,
    team_ids: Sequence[int] | None,
    item_ids: Sequence[int] | None,
) -> None:
    if team_ids is not None:
        module.teams = teams_by_ids(session, team_ids)
    if item_ids is not None:
        module.items = items_of_kind(session, actor, item_ids, None, field="item_ids")


def _save(session: Session, module: Module) -> None:
    add_unique(session, module, f"A training module called {module.title!r} already exists.")


def questions(session: Session, module_id: int) -> list[Question]:
    """The module's quiz as it stands, in the order it was written."""
    stmt = (
        select(Question)
        .where(Question.module_id == module_id, ~Question.retired)
        .order_by(Question.position, Question.id)
    )
    return list(session.scalars(stmt))


def set_quiz(session: Session, actor: Principal, module_id: int, data: QuizIn) -> list[Question]:
    """Replace the module's quiz; questions left as they were keep their history."""
    require(actor, Action.MANAGE_TRAINING)
    module = get_module(session, actor, module_id)
    check_version("training module", data.version, module.version)
    found = replace_questions(session, questions(session, module_id), data.questions)
    for question in found:
        question.module_id = module.id
    touch(module)
    session.flush()
    return found


def replace_questions(
    session: Session, current: list[Question], wanted: Sequence[QuestionIn]
) -> list[Question]:
    """`wanted` in order, reusing an unchanged current question and retiring the rest."""
    unchanged = {_fingerprint(q): q for q in current}
    result = []
    for position, data in enumerate(wanted):
        fields = data.model_dump()
        question = unchanged.pop(_fingerprint_of(fields), None) or Question(**fields)
        question.position = position
        session.add(question)
        result.append(question)
    for dropped in unchanged.values():
        dropped.retired = True
    return result


def _fingerprint(q: Question) -> tuple[object, ...]:
    return _fingerprint_of(
        {
            "kind": q.kind,
            "prompt": q.prompt,
            "choices": q.choices,
            "correct": q.correct,
            "explanation": q.explanation,
            "product_id": q.product_id,
        }
    )


def _fingerprint_of(fields: dict[str, object]) -> tuple[object, ...]:
    return tuple(tuple(v) if isinstance(v, list) else v for _unused, v in sorted(fields.items()))


def assign(
    session: Session, actor: Principal, data: AssignmentIn, *, today: date
) -> list[Assignment]:
    """Ask teams and people to take a published module by a date."""
    require(actor, Action.MANAGE_TRAINING)
    module = get_module(session, actor, data.module_id)
    if module.status is not ModuleStatus.PUBLISHED:
        raise Conflict(_("Publish {title!r} before assigning it.", title=module.title))
    if data.due_on < today:
        raise Invalid.about("due_on", _("The due date has passed; choose today or later."))
    # Both sides are set, the empty one to None, so the new assignment reads without a query.
    targets: list[dict[str, object]] = [
        {"team": t, "user": None} for t in teams_by_ids(session, data.team_ids)
    ]
    targets += [
        {"user": active_person(session, i, field="user_ids"), "team": None}
        for i in dict.fromkeys(data.user_ids)
    ]
    made = []
    for target in targets:
        assignment = Assignment(
            module=module,
            due_on=data.due_on,
            closes_on=data.closes_on,
            assigned_by_id=actor.id,
            **target,
        )
        made.append(_save_assignment(session, assignment))
    return made


def _save_assignment(session: Session, assignment: Assignment) -> Assignment:
    who = assignment.team.name if assignment.team else assignment.user.name  # type: ignore[union-attr]
    add_unique(
        session,
        assignment,
        f"{assignment.module.title!r} is already assigned to {who}; change that assignment's "
        "dates instead.",
    )
    return assignment


ASSIGNMENT = (
    joinedload(Assignment.module),
    joinedload(Assignment.team),
    joinedload(Assignment.user),
)


def list_assignments(
    session: Session, actor: Principal, *, module_id: int | None = None
) -> list[Assignment]:
    """Every assignment (the enablement team's view), soonest due first."""
    require(actor, Action.MANAGE_TRAINING)
    stmt = select(Assignment).options(*ASSIGNMENT).order_by(Assignment.due_on, Assignment.id)
    if module_id is not None:
        stmt = stmt.where(Assignment.module_id == module_id)
    return list(session.scalars(stmt))


def _assignment(session: Session, assignment_id: int) -> Assignment:
    found = session.scalar(
        select(Assignment).where(Assignment.id == assignment_id).options(*ASSIGNMENT)
    )
    if found is None:
        raise NotFound(_("No assignment {assignment_id}.", assignment_id=assignment_id))
    return found


def update_assignment(
    session: Session, actor: Principal, assignment_id: int, data: AssignmentUpdate
) -> Assignment:
    """Move an assignment's due date or closing day."""
    require(actor, Action.MANAGE_TRAINING)
    assignment = _assignment(session, assignment_id)
    check_version("assignment", data.version, assignment.version)
    due = data.due_on or assignment.due_on
    closes = data.closes_on if "closes_on" in data.model_fields_set else assignment.closes_on
    if closes is not None and closes < due:
        raise Invalid.about("closes_on", _("An assignment cannot close before it is due."))
    assignment.due_on, assignment.closes_on = due, closes
    session.flush()
    return assignment


def withdraw_assignment(session: Session, actor: Principal, assignment_id: int) -> None:
    """Take an assignment back; attempts already made stay in the learners' records."""
    require(actor, Action.MANAGE_TRAINING)
    session.delete(_assignment(session, assignment_id))
    session.flush()


def open_assignment(
    session: Session, learner: User, module_id: int, today: date
) -> Assignment | None:
    """The learner's assignment of the module that still takes answers, soonest due first."""
    stmt = (
        select(Assignment)
        .where(
            Assignment.module_id == module_id,
            or_(Assignment.user_id == learner.id, Assignment.team_id == learner.team_id),
            or_(Assignment.closes_on.is_(None), Assignment.closes_on >= today),
        )
        .order_by(Assignment.due_on)
        .limit(1)
    )
    return session.scalar(stmt)


def learner(session: Session, actor: Principal, user_id: int) -> User:
    """Someone whose progress `actor` may see."""
    user = get_or_404(session, User, user_id, "person")
    if not may_see_progress(session, actor, user):
        raise NotFound(_("No person {user_id}.", user_id=user_id))
    return user
