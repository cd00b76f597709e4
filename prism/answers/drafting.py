"""Drafting an answer to a buyer's question from the library, extractive and honest.

The library's answers are published FAQ and security items a customer may read. For a question
the hybrid search (keyword and meaning, Chinese glossed) proposes candidates within the
question's product scope — the products of the questionnaire, or no product at all for an
answer that holds for the whole company. Each is scored by meaning (how close the question
comes to the ways the answer is asked, its title and "asked as" lines, and to the answer
itself) and by the rare words they share (an acronym shares the words it spells out), and made
surer the further it leads the others. The best one is offered as a draft only at or above
`DRAFT_AT`; below it the question goes to an expert. Nothing is written or made up: the draft
is the source's own short or long answer, with the source's id and version, and a Yes/No cell
takes only what the source says to yes/no.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from prism import chinese
from prism.auth.policy import Action, Principal, require
from prism.knowledge.audience import customer_problem
from prism.knowledge.models import Item, Status
from prism.knowledge.service import ItemFilter, filtered
from prism.markdown import to_text
from prism.search import service as search
from prism.search.text import content_words, word_base

ANSWER_KINDS = ("faq", "security")
# How many of the search's best items are scored closely.
POOL = 30
# The confidence at or above which a draft is offered; chosen on the dev half of
# bench/answers/questions.json (bench/answers_bench.py prints the sweep), reported on the test
# half.
DRAFT_AT = 0.42
# How far shared rare words count beside meaning, and how the meaning is split between the
# ways an answer is asked and the answer itself (see `Drafter.score`).
WORDS_WEIGHT = 0.3
ASKED_WEIGHT = 0.5
# How far a candidate's lead over the best of the others moves its confidence (`sureness`).
MARGIN = 0.5
# How much of the long answer the model reads: its opening says what it is about.
OPENING = 300


@dataclass(frozen=True)
class Candidate:
    item: Item
    version: int
    confidence: float  # 0 to 1: how surely this answers the question

    @property
    def text(self) -> str:
        """The answer as a cell takes it: the short answer, else the long one."""
        short = str(self.item.fields.get("short_answer", "")).strip()
        return short or self.long_text

    @property
    def long_text(self) -> str:
        return to_text(self.item.body).strip() or self.item.summary

    @property
    def yes_or_no(self) -> str:
        """What the source says to a yes/no question ("" when it says neither)."""
        return str(self.item.fields.get("yes_or_no", ""))


@dataclass(frozen=True)
class Draft:
    question: str
    candidates: list[Candidate]  # best first

    @property
    def chosen(self) -> Candidate | None:
        """The answer offered, or None: the question goes to an expert."""
        best = self.candidates[0] if self.candidates else None
        return best if best is not None and best.confidence >= DRAFT_AT else None

    @property
    def for_expert(self) -> bool:
        return self.chosen is None


class Drafter:
    """Drafts answers for one questionnaire: reads how common each word is across the library
    `actor` may draw on once, then answers question after question."""

    def __init__(self, session: Session, actor: Principal, *, now: datetime) -> None:
        require(actor, Action.READ_PUBLISHED)
        self.session, self.actor, self.now = session, actor, now
        spec = ItemFilter(kinds=ANSWER_KINDS, status=Status.PUBLISHED)
        library = list(session.scalars(filtered(select(Item), actor, spec)))
        self.words = {item.id: _words(_said(item)) for item in library}
        self.spelled = {item.id: Spelled.of(_said(item)) for item in library}
        frequency = Counter(w for words in self.words.values() for w in words)
        size = len(library)
        self.rarity = {w: math.log((size + 1) / (n + 0.5)) for w, n in frequency.items()}
        self.default_rarity = math.log((size + 1) / 0.5)

    def draft(self, question: str, *, product_ids: Sequence[int] = ()) -> Draft:
        """The library's best answers to `question` within `product_ids` (any product if
        none), best first; the best is offered as a draft if it is sure enough."""
        text = " ".join(question.split())
        if not text:
            return Draft(question, [])
        spec = ItemFilter(kinds=ANSWER_KINDS, status=Status.PUBLISHED)
        found = search.search(
            self.session, self.actor, text, spec, limit=POOL, now=self.now, remember_miss=False
        ).hits
        ids = [h.item.id for h in found]
        stmt = select(Item).where(Item.id.in_(ids)).options(selectinload(Item.links))
        items = sorted(self.session.scalars(stmt), key=lambda i: ids.index(i.id))
        usable = [
            i for i in items if in_scope(i, product_ids) and shareable(i) and readable(i, text)
        ]
        confidences = sureness([self.score(text, i) for i in usable])
        scored = [Candidate(i, i.version, c) for i, c in zip(usable, confidences, strict=True)]
        scored.sort(key=lambda c: (-c.confidence, c.item.id))
        return Draft(question, scored)

    def score(self, question: str, item: Item) -> float:
        """How well `item` answers `question`, from 0 to 1: how close the question comes in
        meaning to the ways the item is asked (`ASKED_WEIGHT`) and to its answer (the rest),
        plus the share of the question's words (weighted by rarity in the library, acronyms
        matched to what they spell out) that the item uses."""
        asked = _vector(question)
        like_question = max(float(asked @ _vector(form)) for form in forms(item))
        answers = [str(item.fields.get("short_answer", "")), to_text(item.body)[:OPENING]]
        like_answer = max((float(asked @ _vector(a)) for a in answers if a.strip()), default=0.0)
        words = _words(question)
        weight = sum(self.rarity.get(w, self.default_rarity) for w in words)
        said = self.spelled.get(item.id) or Spelled.of(_said(item))
        shared = (self.words.get(item.id) or _words(_said(item))) | said.matching(
            Spelled.of(question)
        )
        overlap = (
            sum(self.rarity.get(w, self.default_rarity) for w in words if w in shared) / weight
            if weight
            else 0.0
        )
        meaning = ASKED_WEIGHT * like_question + (1 - ASKED_WEIGHT) * like_answer
        return (meaning + WORDS_WEIGHT * overlap) / (1 + WORDS_WEIGHT)


def sureness(scores: Sequence[float]) -> list[float]:
    """Each candidate's confidence from 0 to 1: its score, moved by `MARGIN` times how far it
    stands above (or below) the best of the others. An answer that clearly beats every other
    is surer than one level with a near neighbour; the order stays the order of the scores."""
    made = []
    for n, score in enumerate(scores):
        others = [s for m, s in enumerate(scores) if m != n]
        rival = max(others, default=0.0)
        made.append(round(min(max(score + MARGIN * (score - rival), 0.0), 1.0), 4))
    return made


def draft(
    session: Session,
    actor: Principal,
    question: str,
    *,
    product_ids: Sequence[int] = (),
    now: datetime,
) -> Draft:
    """One question's draft (a questionnaire uses one `Drafter` for all of its questions)."""
    return Drafter(session, actor, now=now).draft(question, product_ids=product_ids)


def in_scope(item: Item, product_ids: Sequence[int]) -> bool:
    """An answer about one of the questionnaire's products, or about none (the company's)."""
    products = {lk.target_id for lk in item.links if lk.relation == "product"}
    return not products or not product_ids or bool(products & set(product_ids))


def shareable(item: Item) -> bool:
    """Only what a customer may read goes into a buyer's file."""
    return customer_problem(item) is None


def readable(item: Item, question: str) -> bool:
    """A Chinese answer is not drafted into a questionnaire asked in English: the buyer could
    not use it (an English answer to a Chinese question can be, and is offered)."""
    return chinese.has_han(question) or not chinese.has_han(f"{item.title} {_answer(item)}")


def _answer(item: Item) -> str:
    return str(item.fields.get("short_answer", "")) or to_text(item.body)[:OPENING]


def forms(item: Item) -> list[str]:
    """The ways the item's question is asked: its title and its "asked as" lines."""
    return [item.title, *(str(a) for a in item.fields.get("asked_as", []))]


def _said(item: Item) -> str:
    return " ".join([*forms(item), str(item.fields.get("short_answer", "")), to_text(item.body)])


def _words(text: str) -> frozenset[str]:
    """The content words of `text` by their base form; Chinese by its English gloss."""
    if chinese.has_han(text):
        text = f"{text} {chinese.gloss(text)}"
    return frozenset(_base(w) for w in content_words(text))


def _base(word: str) -> str:
    """`word_base`, and without a last silent e, so premise and premises, service and
    services, share one base."""
    base = word_base(word)
    return base[:-1] if len(base) > 4 and base.endswith("e") else base


_ACRONYM = re.compile(r"\b([A-Z][A-Z0-9]{2,6})s?\b")
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*")


@dataclass(frozen=True)
class Spelled:
    """A text's acronyms ("DSARs", "BAA", "MFA") and the initials of its runs of three to six
    words ("data subject access requests" → dsar), so a question that spells out what an answer
    abbreviates, or abbreviates what it spells out, shares that word with it."""

    acronyms: frozenset[str]
    initials: dict[str, tuple[str, ...]]  # initials → the words they stand for

    @classmethod
    def of(cls, text: str) -> Spelled:
        acronyms = frozenset(a.lower() for a in _ACRONYM.findall(text) if not a.isdigit())
        words = _WORD.findall(text)
        initials: dict[str, tuple[str, ...]] = {}
        for start in range(len(words)):
            for size in range(3, 7):
                run = words[start : start + size]
                if len(run) == size:
                    initials.setdefault("".join(w[0] for w in run).lower(), tuple(run))
        return cls(acronyms, initials)

    def matching(self, question: Spelled) -> frozenset[str]:
        """The question's words this text matches by abbreviation: its acronyms this text
        spells out, and the words of the runs it spells out that this text abbreviates."""
        shared = {_base(a) for a in question.acronyms if a in self.initials}
        for acronym in self.acronyms:
            shared.update(_words(" ".join(question.initials.get(acronym, ()))))
        return frozenset(shared)


@lru_cache(maxsize=4096)
def _vector(text: str) -> np.ndarray:
    vector = np.asarray(search.query_vector(text), dtype=np.float32)
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm else vector
