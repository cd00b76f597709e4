"""Quizzes without a database: the plain-text form editors write them in, the order a learner
sees them in, and how an answer is marked.

The text form, one question per block separated by a blank line::

    Q: What does DSAR stand for?
    * Data subject access request
    - Data storage and retrieval
    Why: GDPR article 15 gives people the right to see their data.
    Product: Helio Vault

`*` marks a right choice and `-` a wrong one. The kind is read from the choices (True/False,
several right answers, or one) unless the question says it: `Q (multiple): ...`. `Why:` and
`Product:` (surveys spanning products) are optional.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from prism.errors import Invalid
from prism.i18n import _, translate
from prism.training.models import Question, QuestionKind

TRUE_FALSE = ["True", "False"]
_KINDS = {kind.keyword: kind for kind in QuestionKind}
_HEAD = re.compile(r"^Q(?:\s*\(([^)]*)\))?\s*:\s*(.*)$", re.IGNORECASE)


def question_problem(
    kind: QuestionKind, choices: Sequence[str], correct: Sequence[int]
) -> str | None:
    """Why these choices and right answers do not make a question of `kind`, or None."""
    if kind is QuestionKind.TRUE_FALSE and list(choices) != TRUE_FALSE:
        return _("a true/false question has exactly the choices True and False")
    if len(choices) < 2:
        return _("a question needs at least two choices")
    if len({c.casefold() for c in choices}) != len(choices):
        return _("two choices are the same")
    if not correct:
        return _("mark at least one right choice")
    if any(not 0 <= i < len(choices) for i in correct) or len(set(correct)) != len(correct):
        return _("the right choices must be distinct positions among the choices")
    if kind is not QuestionKind.MULTIPLE and len(correct) != 1:
        return _("a {kind} question has exactly one right choice", kind=translate(kind.label))
    return None


@dataclass
class Draft:
    """A question read from the text form, before its product is looked up."""

    line: int
    prompt: str
    kind: QuestionKind | None = None
    choices: list[str] = field(default_factory=list)
    correct: list[int] = field(default_factory=list)
    explanation: str = ""
    product: str = ""

    def fields(self) -> dict[str, Any]:
        return {
            "kind": self.kind or _inferred(self.choices, self.correct),
            "prompt": self.prompt,
            "choices": self.choices,
            "correct": self.correct,
            "explanation": self.explanation,
        }


def _inferred(choices: list[str], correct: list[int]) -> QuestionKind:
    if [c.title() for c in choices] == TRUE_FALSE:
        return QuestionKind.TRUE_FALSE
    return QuestionKind.MULTIPLE if len(correct) > 1 else QuestionKind.SINGLE


def parse_text(text: str) -> list[Draft]:
    """The questions in `text`, or `Invalid` naming the line of the first mistake."""
    drafts: list[Draft] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        head = _HEAD.match(line)
        if head:
            drafts.append(_start(number, head.group(1), head.group(2)))
        elif not drafts:
            raise _at(number, "a quiz starts with a question line, 'Q: ...'")
        else:
            _continue(drafts[-1], number, line)
    if not drafts:
        raise Invalid.about("quiz", _("Write at least one question ('Q: ...')."))
    for draft in drafts:
        if draft.kind is QuestionKind.TRUE_FALSE:
            draft.choices = [c.title() for c in draft.choices]
        problem = question_problem(draft.fields()["kind"], draft.choices, draft.correct)
        if problem:
            raise _at(draft.line, problem)
    return drafts


def _start(number: int, kind: str | None, prompt: str) -> Draft:
    if not prompt:
        raise _at(number, "the question has no text")
    if kind is None:
        return Draft(number, prompt)
    if kind.strip().lower() not in _KINDS:
        raise _at(number, f"unknown kind {kind!r}; use single, multiple or true/false")
    return Draft(number, prompt, _KINDS[kind.strip().lower()])


def _continue(draft: Draft, number: int, line: str) -> None:
    marker, rest = line[0], line[1:].strip()
    lowered = line.lower()
    if marker in "*-" and rest:
        if marker == "*":
            draft.correct.append(len(draft.choices))
        draft.choices.append(rest)
    elif lowered.startswith("why:"):
        draft.explanation = line[4:].strip()
    elif lowered.startswith("product:"):
        draft.product = line[8:].strip()
    else:
        raise _at(
            number, "expected '* right choice', '- wrong choice', 'Why: ...' or 'Product: ...'"
        )


def _at(number: int, problem: str) -> Invalid:
    return Invalid.about("quiz", _("Line {number}: {problem}.", number=number, problem=problem))


def as_text(questions: Iterable[Question], products: dict[int, str] | None = None) -> str:
    """Questions in the text form, to edit them again."""
    blocks = []
    for q in questions:
        lines = [f"Q ({q.kind.keyword}): {q.prompt}"]
        lines += [f"{'*' if i in q.correct else '-'} {c}" for i, c in enumerate(q.choices)]
        if q.explanation:
            lines.append(f"Why: {q.explanation}")
        if products and q.product_id in products:
            lines.append(f"Product: {products[q.product_id]}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def shuffled(questions: Sequence[Question], rng: random.Random) -> list[list[Any]]:
    """A learner's order: questions shuffled, and the choices of each (True stays before False)."""
    layout = []
    for q in rng.sample(list(questions), len(questions)):
        order = list(range(len(q.choices)))
        if q.kind is not QuestionKind.TRUE_FALSE:
            rng.shuffle(order)
        layout.append([q.id, order])
    return layout


def in_order(questions: Iterable[Question]) -> list[tuple[Question, list[int]]]:
    """Questions with their choices as written (a survey is not shuffled)."""
    return [(q, list(range(len(q.choices)))) for q in questions]


def is_right(question: Question, chosen: Iterable[int]) -> bool:
    """Exactly the right choices, no more and no fewer."""
    return sorted(set(chosen)) == sorted(question.correct)


def _chosen_problem(question: Question, chosen: Sequence[int]) -> str | None:
    if any(not 0 <= i < len(question.choices) for i in chosen):
        return _("names a choice the question does not have")
    if question.kind is not QuestionKind.MULTIPLE and len(set(chosen)) > 1:
        return _("takes one choice ({kind})", kind=translate(question.kind.label))
    return None


@dataclass(frozen=True)
class Mark:
    """One question answered: what was chosen and whether it was right."""

    question: Question
    chosen: list[int]
    right: bool

    @property
    def chosen_text(self) -> list[str]:
        return [self.question.choices[i] for i in self.chosen]

    @property
    def right_text(self) -> list[str]:
        return [self.question.choices[i] for i in self.question.correct]

    def answer(self) -> dict[str, Any]:
        return {"question_id": self.question.id, "chosen": self.chosen, "correct": self.right}


def mark(questions: dict[int, Question], answers: dict[int, list[int]]) -> list[Mark]:
    """Every question marked (one left unanswered is wrong); `Invalid` for an answer to a
    question not asked or naming a choice the question does not have."""
    strangers = sorted(set(answers) - set(questions))
    if strangers:
        listed = ", ".join(str(i) for i in strangers)
        raise Invalid.about("answers", _("Question {listed} is not in this quiz.", listed=listed))
    for qid, chosen in answers.items():
        problem = _chosen_problem(questions[qid], chosen)
        if problem:
            raise Invalid.about(
                f"answers.{qid}",
                _("The answer to question {qid} {problem}.", qid=qid, problem=problem),
            )
    marked = []
    for question in questions.values():
        chosen = sorted(set(answers.get(question.id, [])))
        marked.append(Mark(question, chosen, is_right(question, chosen)))
    return marked
