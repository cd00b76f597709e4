"""The audience invariant on the questionnaire path, as a property: whatever mix of answers the
library holds — for our team, for partners, unpublished, answered for our team only, or
customer-shareable — a buyer's file given back holds words only from the shareable ones. Each
question is the very title of an answer, so an answer the filter let through would be drafted."""

from __future__ import annotations

import itertools
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from prism.answers import service
from prism.answers.models import QuestionState
from prism.answers.schemas import QuestionnaireIn, ReviewIn
from prism.auth.policy import SYSTEM
from prism.db import utcnow
from prism.filestore import LocalFileStore
from tests.knowledge.factories import make_item

MARK = "Qzleak"
KINDS = ("internal", "partner", "draft", "team_answer", "safe")
SUBJECTS = ("single sign-on", "encryption at rest", "penetration tests", "data residency",
            "backup retention", "incident notification")  # fmt: skip
_counter = itertools.count()


def _answer(session: Session, kind: str, subject: str) -> str:
    n = next(_counter)
    word = "Safeword" if kind == "safe" else MARK
    fields = {"answered_for": ["sales"] if kind == "team_answer" else ["sales", "customers"],
              "short_answer": f"{word}{n}: about {subject}."}  # fmt: skip
    audience = {"internal": "internal", "partner": "partner"}.get(kind, "customer")
    title = f"How do you handle {subject} for tenant {n}?"
    make_item(session, "faq", title=title, body=f"{word}{n} {subject} body.", audience=audience,
              fields=fields, publish=kind != "draft")  # fmt: skip
    return title


@settings(max_examples=8, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])  # fmt: skip
@given(library=st.lists(st.tuples(st.sampled_from(KINDS), st.sampled_from(SUBJECTS)),
                        min_size=1, max_size=5))  # fmt: skip
def test_no_buyers_file_holds_a_word_from_an_answer_customers_may_not_read(
    session: Session, tmp_path: Path, library: list[tuple[str, str]]
) -> None:
    titles = [_answer(session, kind, subject) for kind, subject in library]
    raw = ("Question,Answer\r\n" + "".join(f'"{t}",\r\n' for t in titles)).encode()
    store = LocalFileStore(tmp_path)
    made = service.start(session, SYSTEM, filename="q.csv", raw=raw, data=QuestionnaireIn(),
                         store=store, now=utcnow())  # fmt: skip
    for question in made.questions:
        if question.state == QuestionState.DRAFTED:
            service.review(session, SYSTEM, made.id, question.id,
                           ReviewIn(version=question.version, decision="accept"))  # fmt: skip
    text = service.export(session, SYSTEM, made.id, store=store, drafts=True).data.decode()
    assert MARK not in text
    safe = [t for t, (kind, _) in zip(titles, library, strict=True) if kind == "safe"]
    drafted = {q.text for q in made.questions if q.state != QuestionState.FOR_EXPERT}
    assert set(safe) <= drafted  # the shareable ones do get drafted: the filter is what stops
