"""Questionnaire projects: take in a buyer's file, draft every question from the approved
library, let people accept, edit or reject each answer, and give the buyer's own file back with
the accepted answers in place.

The people who work deals run them (`toolkits.build`: sellers, editors, admins). The file is
kept exactly as it came; the questions are read from it by `files`, and what Prism found can be
corrected while nothing has been accepted yet. An answer goes out only accepted (or, when asked,
also as an unreviewed draft) and, unless a person wrote it, only while its source is still a
published, customer-shareable item.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime
from pathlib import PurePath
from typing import Any, cast

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, selectinload

from prism.answers import book, drafting, files
from prism.answers.models import (
    Questionnaire,
    QuestionnaireQuestion,
    QuestionState,
)
from prism.answers.schemas import AssignIn, ColumnsIn, QuestionnaireIn, ReviewIn
from prism.auth.policy import Action, Principal, require
from prism.deals import service as deals
from prism.errors import Conflict, Invalid, NotFound, check_version
from prism.filestore import FileStore
from prism.i18n import N_, _
from prism.knowledge import service as knowledge
from prism.knowledge.freshness import stale_reasons
from prism.knowledge.models import Item, Status
from prism.knowledge.schemas import ItemIn, LinkIn
from prism.knowledge.service import ItemFilter, filtered, get_item
from prism.notifications import service as notifications
from prism.people.service import active_person
from prism.render.service import house_theme

MEDIA_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "csv": "text/csv; charset=utf-8",
}
MAX_QUESTIONS = 2_000
LOADED = (
    selectinload(Questionnaire.products),
    selectinload(Questionnaire.owner),
    selectinload(Questionnaire.deal),
    selectinload(Questionnaire.questions).selectinload(QuestionnaireQuestion.source),
    selectinload(Questionnaire.questions).selectinload(QuestionnaireQuestion.assignee),
    selectinload(Questionnaire.questions).selectinload(QuestionnaireQuestion.proposed),
)
# A list shows each questionnaire's progress: its questions' states, not the questions.
LISTED = (
    selectinload(Questionnaire.products),
    selectinload(Questionnaire.owner),
    selectinload(Questionnaire.deal),
    selectinload(Questionnaire.questions).load_only(
        QuestionnaireQuestion.questionnaire_id, QuestionnaireQuestion.state
    ),
)


@dataclass(frozen=True)
class Progress:
    total: int
    accepted: int
    drafted: int
    for_expert: int
    rejected: int

    @property
    def percent(self) -> int:
        return round(100 * self.accepted / self.total) if self.total else 0


def progress(questionnaire: Questionnaire) -> Progress:
    states = [q.state for q in questionnaire.questions]
    return Progress(
        len(states),
        states.count(QuestionState.ACCEPTED),
        states.count(QuestionState.DRAFTED),
        states.count(QuestionState.FOR_EXPERT),
        states.count(QuestionState.REJECTED),
    )


def layout_of(questionnaire: Questionnaire) -> files.Layout:
    data = questionnaire.layout
    return files.Layout(
        data["format"], [files.Columns(**c) for c in data["columns"]], list(data["ignored"])
    )


def _stored(layout: files.Layout) -> dict[str, Any]:
    return {
        "format": layout.format,
        "columns": [asdict(c) for c in layout.columns],
        "ignored": layout.ignored,
    }


def list_questionnaires(
    session: Session, actor: Principal, *, deal_id: int | None = None
) -> list[Questionnaire]:
    """The questionnaires being answered (for one deal, with `deal_id`), soonest due first."""
    require(actor, Action.BUILD_KITS)
    stmt = select(Questionnaire).options(*LISTED)
    if deal_id is not None:
        stmt = stmt.where(Questionnaire.deal_id == deal_id)
    found = list(session.scalars(stmt))
    return sorted(found, key=lambda q: (q.due_on is None, q.due_on, -q.id))


def of_deal(session: Session, actor: Principal, deal_id: int) -> list[Questionnaire]:
    """The questionnaires being answered for one deal, for its page."""
    return list_questionnaires(session, actor, deal_id=deal_id)


def get_questionnaire(session: Session, actor: Principal, questionnaire_id: int) -> Questionnaire:
    require(actor, Action.BUILD_KITS)
    found = session.scalar(
        select(Questionnaire).where(Questionnaire.id == questionnaire_id).options(*LOADED)
    )
    if found is None:
        raise NotFound(_("No questionnaire {id}.", id=questionnaire_id))
    return found


def start(
    session: Session,
    actor: Principal,
    *,
    filename: str,
    raw: bytes,
    data: QuestionnaireIn,
    store: FileStore,
    now: datetime,
) -> Questionnaire:
    """Take in the buyer's file and draft an answer for every question in it."""
    require(actor, Action.BUILD_KITS)
    if not raw:
        raise Invalid.about("file", _("Choose the buyer's file to upload."))
    fmt = files.format_of(filename)
    found = files.parts(raw, fmt)
    layout = files.find_layout(found, fmt)
    asked = _questions(found, layout)
    products = products_of(session, actor, data.product_ids)
    if data.deal_id is not None:
        deals.get_deal(session, actor, data.deal_id)
    questionnaire = Questionnaire(
        title=data.title or PurePath(filename).stem[:200] or filename,
        filename=PurePath(filename).name[:300],
        format=fmt,
        file_key=store.put(raw),
        layout=_stored(layout),
        deal_id=data.deal_id,
        owner_id=actor.id,
        due_on=data.due_on,
    )
    questionnaire.products = products
    session.add(questionnaire)
    session.flush()
    _draft(session, actor, questionnaire, asked, now)
    return get_questionnaire(session, actor, questionnaire.id)


def relayout(
    session: Session,
    actor: Principal,
    questionnaire_id: int,
    columns: list[ColumnsIn],
    *,
    version: int,
    store: FileStore,
    now: datetime,
) -> Questionnaire:
    """Read the questions again with the columns a person corrected, and draft them again.
    Refused once an answer has been accepted: re-reading would throw the review away."""
    questionnaire = get_questionnaire(session, actor, questionnaire_id)
    check_version("questionnaire", version, questionnaire.version)
    if any(q.state == QuestionState.ACCEPTED for q in questionnaire.questions):
        raise Conflict(
            _("Answers have been accepted: the columns can no longer change without losing them.")
        )
    found = parts_of(questionnaire, store)
    widths = {p.name: max((len(r) for r in p.rows), default=0) for p in found}
    layout = files.Layout(questionnaire.format, [], [])  # type: ignore[arg-type]
    for n, cols in enumerate(columns):
        if cols.part not in widths:
            problem = _("There is no part “{part}” in the file.", part=cols.part)
            raise Invalid.about(f"columns.{n}.part", problem)
        chosen = [cols.question, cols.answer, cols.yes_no, cols.ref]
        if any(c is not None and c >= widths[cols.part] for c in chosen):
            problem = _("“{part}” has only {count} columns.", part=cols.part,
                        count=widths[cols.part])  # fmt: skip
            raise Invalid.about(f"columns.{n}", problem)
        if cols.answer is None and cols.yes_no is None:
            raise Invalid.about(f"columns.{n}.answer", _("Choose where the answers go."))
        layout.columns.append(files.Columns(**cols.model_dump()))
    layout.ignored.extend(name for name in widths if name not in {c.part for c in columns})
    asked = _questions(found, layout)
    for question in list(questionnaire.questions):
        session.delete(question)
    session.flush()
    questionnaire.layout = _stored(layout)
    questionnaire.updated_at = now
    session.flush()
    session.expire(questionnaire, ["questions"])
    _draft(session, actor, questionnaire, asked, now)
    return get_questionnaire(session, actor, questionnaire.id)


def review(
    session: Session,
    actor: Principal,
    questionnaire_id: int,
    question_id: int,
    data: ReviewIn,
) -> QuestionnaireQuestion:
    """Accept an answer (as drafted, or as the reviewer edited it) or reject it."""
    questionnaire = get_questionnaire(session, actor, questionnaire_id)
    question = _question(questionnaire, question_id)
    check_version("question", data.version, question.version)
    if data.decision == "reject":
        question.state = QuestionState.REJECTED
        session.flush()
        return question
    if data.answer is not None and data.answer != question.answer:
        question.answer, question.edited = data.answer, True
    if data.yes_or_no is not None and data.yes_or_no != question.yes_or_no:
        question.yes_or_no, question.edited = data.yes_or_no, True
    if not question.answer.strip() and not question.yes_or_no:
        raise Invalid.about("answer", _("Write an answer before accepting it."))
    question.state = QuestionState.ACCEPTED
    session.flush()
    return question


def _question(questionnaire: Questionnaire, question_id: int) -> QuestionnaireQuestion:
    found = next((q for q in questionnaire.questions if q.id == question_id), None)
    if found is None:
        raise NotFound(_("No question {id} in this questionnaire.", id=question_id))
    return found


def accept_drafts(
    session: Session, actor: Principal, questionnaire_id: int, *, at_least: float
) -> list[QuestionnaireQuestion]:
    """Accept, as drafted, every draft at least `at_least` sure (0 to 1) that no one has
    touched: the sure ones in one step, so review time goes to the rest."""
    questionnaire = get_questionnaire(session, actor, questionnaire_id)
    chosen = [
        q
        for q in questionnaire.questions
        if q.state == QuestionState.DRAFTED and not q.edited and (q.confidence or 0) >= at_least
    ]
    for question in chosen:
        question.state = QuestionState.ACCEPTED
    session.flush()
    return chosen


def assign(
    session: Session, actor: Principal, questionnaire_id: int, data: AssignIn
) -> list[QuestionnaireQuestion]:
    """Ask someone (security, legal, product) to answer questions by a day; they are told."""
    questionnaire = get_questionnaire(session, actor, questionnaire_id)
    person = active_person(session, data.assignee_id, field="assignee_id")
    wanted = set(data.question_ids)
    chosen = [q for q in questionnaire.questions if q.id in wanted]
    if len(chosen) != len(wanted):
        raise Invalid.about(
            "question_ids", _("Some of these questions are not in this questionnaire.")
        )
    for question in chosen:
        question.assignee_id, question.due_on = person.id, data.due_on
    session.flush()
    if person.id != actor.id:
        notifications.notify(
            session, [person.id], N_("Questions of “{title}” for you to answer"),
            body=N_("{count} to answer by {day}.") if data.due_on else N_("{count} to answer."),
            link=f"/answers/{questionnaire.id}",
            places={"title": questionnaire.title, "count": len(chosen),
                    "day": notifications.day(data.due_on) if data.due_on else ""},
        )  # fmt: skip
    return chosen


OPEN = tuple(s for s in QuestionState if s.open)


def late(question: QuestionnaireQuestion, today: date) -> bool:
    """Assigned, due before `today` and not yet settled."""
    return (
        question.assignee_id is not None
        and question.due_on is not None
        and question.due_on < today
        and question.state in OPEN
    )


def remind(session: Session, *, today: date) -> int:
    """Tell each assignee, and the questionnaire's owner, of the questions assigned to them that
    are late: once per due date (a question given a new day is reminded again when that day
    passes). Returns how many people were told."""
    q = QuestionnaireQuestion
    stmt = (
        select(q)
        .where(q.assignee_id.is_not(None), q.due_on < today, q.state.in_(OPEN))
        .where((q.reminded_on.is_(None)) | (q.reminded_on <= q.due_on))
        .options(selectinload(q.questionnaire), selectinload(q.assignee))
        .order_by(q.questionnaire_id, q.assignee_id, q.due_on)
        .execution_options(populate_existing=True)
    )
    grouped: dict[tuple[int, int | None], list[QuestionnaireQuestion]] = {}
    for question in session.scalars(stmt):
        grouped.setdefault((question.questionnaire_id, question.assignee_id), []).append(question)
    told = 0
    for questions in grouped.values():
        first = questions[0]
        questionnaire, assignee = first.questionnaire, first.assignee
        people = [p for p in (first.assignee_id, questionnaire.owner_id) if p is not None]
        told += notifications.notify(
            session, people, N_("Questions of “{title}” are late"),
            body=N_("Due {day} for {name}; still open: {count}."),
            link=f"/answers/{questionnaire.id}",
            places={"title": questionnaire.title, "count": len(questions),
                    "name": assignee.name if assignee else "",
                    "day": notifications.day(first.due_on or today)},
        )  # fmt: skip
    # Bookkeeping, not a change of the question: the version a reviewer holds stays good.
    ids = [x.id for questions in grouped.values() for x in questions]
    if ids:
        session.execute(
            update(q).where(q.id.in_(ids)).values(reminded_on=today),
            execution_options={"synchronize_session": False},
        )
    return told


def propose(
    session: Session, actor: Principal, questionnaire_id: int, question_id: int, *, now: datetime
) -> Item:
    """Propose a person's accepted answer to the library: a new FAQ, submitted for review, so
    the next questionnaire that asks it gets it drafted once it is published."""
    questionnaire = get_questionnaire(session, actor, questionnaire_id)
    question = _question(questionnaire, question_id)
    if question.state != QuestionState.ACCEPTED or not question.edited:
        raise Conflict(_("Only an answer a person wrote and accepted can be proposed."))
    if question.proposed_id is not None:
        raise Conflict(_("This answer has already been proposed to the library."))
    details = ItemIn(
        title=question.text[:300],
        body=question.answer,
        audience="customer",
        links=[LinkIn(relation="product", target_id=p.id) for p in questionnaire.products],
        fields={
            "answered_for": ["sales", "customer success", "customers"],
            "short_answer": question.answer if len(question.answer) <= 300 else "",
            "yes_or_no": question.yes_or_no,
        },
    )
    item = knowledge.create_item(session, actor, "faq", details, now=now)
    item = knowledge.transition(session, actor, item.id, "submit", version=item.version, now=now)
    question.proposed_id = item.id
    session.flush()
    return item


@dataclass(frozen=True)
class Filled:
    data: bytes
    filename: str
    media_type: str
    written: int  # answers put in the file
    withheld: list[str]  # questions whose source may no longer go to a customer


def export(
    session: Session,
    actor: Principal,
    questionnaire_id: int,
    *,
    store: FileStore,
    drafts: bool = False,
) -> Filled:
    """The buyer's file with the accepted answers (and, with `drafts`, the unreviewed drafts)
    in their cells and everything else as they sent it."""
    questionnaire = get_questionnaire(session, actor, questionnaire_id)
    going, withheld = _sendable(questionnaire, drafts=drafts)
    answers = [files.Answer(q.part, q.row, q.answer, q.yes_or_no) for q in going]
    raw = store.get(questionnaire.file_key)
    out = files.write(raw, layout_of(questionnaire), answers)
    stem = PurePath(questionnaire.filename).stem
    name = f"{stem} - answered.{questionnaire.format}"
    return Filled(out, name, MEDIA_TYPES[questionnaire.format], len(answers), withheld)


@dataclass(frozen=True)
class LibraryAnswer:
    item: Item
    uses: int  # accepted answers in questionnaires drawn from it, as it stands
    stale: list[str]  # why it is stale, if it is


def library(session: Session, actor: Principal, *, now: datetime) -> list[LibraryAnswer]:
    """The published answers drafts come from, most used first, each with why it is stale."""
    require(actor, Action.READ_PUBLISHED)
    spec = ItemFilter(kinds=drafting.ANSWER_KINDS, status=Status.PUBLISHED)
    items = session.scalars(
        filtered(select(Item), actor, spec).options(
            selectinload(Item.links), selectinload(Item.owner)
        )
    )
    counted = _use_counts(session)
    reasons = stale_reasons(session, now)
    made = [
        LibraryAnswer(item, counted.get(item.id, 0), reasons.get(item.id, []))
        for item in items
        if drafting.shareable(item)
    ]
    return sorted(made, key=lambda a: (-a.uses, a.item.title.casefold()))


def _sendable(
    questionnaire: Questionnaire, *, drafts: bool
) -> tuple[list[QuestionnaireQuestion], list[str]]:
    """The answers that may go to the buyer — accepted ones (and unreviewed drafts, with
    `drafts`) whose words are a person's or a source's that may still reach a customer — and
    the questions held back because their source may not."""
    states = {QuestionState.ACCEPTED} | ({QuestionState.DRAFTED} if drafts else set())
    going, withheld = [], []
    for q in questionnaire.questions:
        if q.state not in states or not (q.answer.strip() or q.yes_or_no):
            continue
        if not q.edited and (q.source is None or not drafting.shareable(q.source)):
            withheld.append(q.ref or q.text)
            continue
        going.append(q)
    return going, withheld


def answer_book(
    session: Session, actor: Principal, questionnaire_id: int, *, fmt: str, today: date
) -> Filled:
    """The accepted answers as a document of their own (PDF or DOCX), every question in the
    buyer's order; one without an answer to send says it is to follow."""
    questionnaire = get_questionnaire(session, actor, questionnaire_id)
    if fmt not in ("pdf", "docx"):
        raise Invalid.about("format", _("An answer book is a PDF or a DOCX."))
    going, withheld = _sendable(questionnaire, drafts=False)
    sent = {q.id for q in going}
    made = book.Book(
        title=questionnaire.title,
        company=house_theme(session).company,
        customer=questionnaire.deal.customer if questionnaire.deal else "",
        products=[p.title for p in questionnaire.products],
        day=today,
        entries=[
            book.Entry(
                q.section,
                q.ref,
                q.text,
                q.answer if q.id in sent else "",
                q.yes_or_no if q.id in sent else "",
            )
            for q in questionnaire.questions
        ],
    )
    data = book.pdf(made) if fmt == "pdf" else book.docx(made)
    media = "application/pdf" if fmt == "pdf" else MEDIA_TYPES["docx"]
    name = f"{questionnaire.title} - answers.{fmt}"
    return Filled(data, name, media, len(going), withheld)


def uses(session: Session, item_id: int) -> int:
    """How many accepted answers in questionnaires came from the library answer `item_id`."""
    return _use_counts(session, item_id).get(item_id, 0)


def _use_counts(session: Session, item_id: int | None = None) -> dict[int, int]:
    """Accepted answers drawn, as they stand, from each library answer (or from `item_id`)."""
    q = QuestionnaireQuestion
    stmt = select(q.source_id, func.count(q.id)).where(
        q.state == QuestionState.ACCEPTED, q.edited.is_(False), q.source_id.is_not(None)
    )
    if item_id is not None:
        stmt = stmt.where(q.source_id == item_id)
    rows = session.execute(stmt.group_by(q.source_id)).all()
    return {source: count for source, count in rows if source is not None}


def parts_of(questionnaire: Questionnaire, store: FileStore) -> list[files.Part]:
    """The buyer's file as Prism reads it, sheet by sheet or table by table."""
    fmt = cast(files.Format, questionnaire.format)
    return files.parts(store.get(questionnaire.file_key), fmt)


def _questions(found: list[files.Part], layout: files.Layout) -> list[files.Question]:
    asked = files.questions(found, layout)
    if not asked:
        raise Invalid.about("file", _("No questions found under the header row."))
    if len(asked) > MAX_QUESTIONS:
        raise Invalid.about(
            "file", _("At most {most} questions in one questionnaire.", most=MAX_QUESTIONS)
        )
    return asked


def products_of(session: Session, actor: Principal, product_ids: list[int]) -> list[Item]:
    """The products a questionnaire is about, each one `actor` may read; an unknown one is a
    bad `product_ids`."""
    made = []
    for product_id in dict.fromkeys(product_ids):
        try:
            made.append(get_item(session, actor, product_id, "product"))
        except NotFound as exc:
            raise Invalid.about("product_ids", exc.message) from exc
    return made


def _draft(
    session: Session,
    actor: Principal,
    questionnaire: Questionnaire,
    asked: list[files.Question],
    now: datetime,
) -> None:
    drafter = drafting.Drafter(session, actor, now=now)
    scope = [p.id for p in questionnaire.products]
    for position, question in enumerate(asked, start=1):
        made = drafter.draft(question.text, product_ids=scope)
        chosen = made.chosen
        best = made.candidates[0] if made.candidates else None
        session.add(
            QuestionnaireQuestion(
                questionnaire_id=questionnaire.id,
                position=position,
                part=question.part[:100],
                row=question.row,
                ref=question.ref[:100],
                section=question.section[:500],
                text=question.text,
                answer=chosen.text if chosen else "",
                yes_or_no=chosen.yes_or_no if chosen else "",
                source_id=chosen.item.id if chosen else None,
                source_version=chosen.version if chosen else None,
                confidence=best.confidence if best else None,
                state=QuestionState.DRAFTED if chosen else QuestionState.FOR_EXPERT,
            )
        )
    session.flush()
