"""The quiz text form, the learner's order and marking, without a database."""

from __future__ import annotations

import random

import pytest

from prism.errors import Invalid
from prism.training.models import Question, QuestionKind
from prism.training.quiz import as_text, mark, parse_text, shuffled
from tests.training.factories import QUIZ


def test_the_text_form_reads_kinds_answers_and_explanations() -> None:
    drafts = parse_text(QUIZ)
    kinds = [d.fields()["kind"] for d in drafts]
    assert kinds == [
        QuestionKind.SINGLE,
        QuestionKind.TRUE_FALSE,
        QuestionKind.MULTIPLE,
        QuestionKind.SINGLE,
        QuestionKind.SINGLE,
    ]
    assert drafts[0].correct == [0] and drafts[0].explanation == "GDPR article 15."
    assert drafts[2].correct == [0, 1]


@pytest.mark.parametrize(
    ("text", "line", "problem"),
    [
        ("* orphan choice", 1, "starts with a question"),
        ("Q: one\n* only choice", 1, "at least two choices"),
        ("Q: none right\n- a\n- b", 1, "at least one right choice"),
        ("Q: ok\n* a\n- b\n\nQ (single): two right\n* a\n* b", 5, "exactly one right choice"),
        ("Q: ok\n* a\n- b\nthis line means nothing", 4, "expected"),
        ("Q (essay): long\n* a\n- b", 1, "unknown kind"),
        ("Q: same\n* A\n- a", 1, "the same"),
    ],
)
def test_a_mistake_is_reported_with_its_line(text: str, line: int, problem: str) -> None:
    with pytest.raises(Invalid, match=rf"Line {line}: .*{problem}"):
        parse_text(text)


def _questions() -> dict[int, Question]:
    made = {}
    for n, d in enumerate(parse_text(QUIZ), start=1):
        made[n] = Question(id=n, **d.fields())
    return made


def test_text_form_round_trips() -> None:
    questions = list(_questions().values())
    again = parse_text(as_text(questions))
    assert [d.fields() for d in again] == [
        {k: getattr(q, k) for k in ("kind", "prompt", "choices", "correct", "explanation")}
        for q in questions
    ]


def test_each_learner_order_is_a_shuffle_of_every_question_and_choice() -> None:
    questions = list(_questions().values())
    orders = {str(shuffled(questions, random.Random(seed))) for seed in range(20)}
    assert len(orders) > 1
    layout = shuffled(questions, random.Random(3))
    assert sorted(qid for qid, _ in layout) == [q.id for q in questions]
    for qid, order in layout:
        assert sorted(order) == list(range(len(questions[qid - 1].choices)))
        if questions[qid - 1].kind is QuestionKind.TRUE_FALSE:
            assert order == [0, 1]


def test_marking_needs_exactly_the_right_choices() -> None:
    questions = _questions()
    marked = mark(questions, {1: [0], 3: [0], 4: [0]})
    assert [m.right for m in marked] == [True, False, False, True, False]
    with pytest.raises(Invalid, match="Question 99 is not in this quiz"):
        mark(questions, {99: [0]})
    with pytest.raises(Invalid, match="takes one choice"):
        mark(questions, {1: [0, 1]})
    with pytest.raises(Invalid, match="does not have"):
        mark(questions, {1: [7]})
