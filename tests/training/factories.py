"""Factories for training tests: a published module with a quiz, and answers to it."""

from __future__ import annotations

import random
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from prism.auth.policy import SYSTEM, Principal
from prism.db import utcnow
from prism.training import attempts, service
from prism.training.models import Attempt, Module, ModuleStatus, Question
from prism.training.quiz import parse_text
from prism.training.schemas import AnswersIn, AssignmentIn, ModuleIn, ModuleUpdate, QuizIn

QUIZ = """Q: What does DSAR stand for?
* Data subject access request
- Data storage and retention
Why: GDPR article 15.

Q: Vault needs agents.
- True
* False
Why: Discovery is agentless.

Q (multiple): What does the export include?
* The person's records
* Proof of the answer date
- Their credit score

Q: Who buys it?
* The DPO
- The CFO
- The CMO

Q: How long to answer?
- A week
* A month
"""


def make_module(
    session: Session, *, quiz: str = QUIZ, publish: bool = True, **fields: Any
) -> Module:
    fields.setdefault("title", f"Module {uuid.uuid4().hex[:6]}")
    module = service.create_module(session, SYSTEM, ModuleIn(**fields))
    questions = [d.fields() for d in parse_text(quiz)]
    service.set_quiz(
        session, SYSTEM, module.id, QuizIn(version=module.version, questions=questions)
    )
    session.refresh(module)
    if publish:
        update = ModuleUpdate(version=module.version, status=ModuleStatus.PUBLISHED)
        service.update_module(session, SYSTEM, module.id, update)
    return module


def assign(
    session: Session,
    module: Module,
    *,
    team_ids: Sequence[int] = (),
    user_ids: Sequence[int] = (),
    due_in: int = 7,
    **extra: Any,
) -> None:
    today = utcnow().date()
    data = AssignmentIn(
        module_id=module.id,
        team_ids=list(team_ids),
        user_ids=list(user_ids),
        due_on=today + timedelta(days=due_in),
        **extra,
    )
    service.assign(session, SYSTEM, data, today=today - timedelta(days=30))


def right_answers(session: Session, attempt: Attempt, wrong: int = 0) -> AnswersIn:
    """Answers to `attempt`, the first `wrong` of them wrong."""
    answers = {}
    for n, (qid, _) in enumerate(attempt.layout):
        q = session.get_one(Question, qid)
        wrong_choice = next(c for c in range(len(q.choices)) if c not in q.correct)
        answers[qid] = [wrong_choice] if n < wrong else list(q.correct)
    return AnswersIn(answers=answers)


def take(
    session: Session,
    learner: Principal,
    module: Module,
    *,
    wrong: int = 0,
    now: datetime | None = None,
) -> Attempt:
    when = now or utcnow()
    attempt = attempts.start(session, learner, module.id, now=when, rng=random.Random(1))
    return attempts.submit(
        session, learner, attempt.id, right_answers(session, attempt, wrong), now=when
    )
