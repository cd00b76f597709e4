"""Questionnaire projects in the service: a buyer's CAIQ workbook taken in and drafted, each
answer reviewed, the file given back with only accepted (and still shareable) answers in it;
corrections to the columns; who may do what; bad files refused with nothing written."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from prism.answers import service
from prism.answers.models import Questionnaire, QuestionState
from prism.answers.schemas import AssignIn, ColumnsIn, QuestionnaireIn, ReviewIn
from prism.auth.policy import SYSTEM
from prism.db import utcnow
from prism.errors import Conflict, Forbidden, Invalid
from prism.filestore import LocalFileStore
from prism.i18n import when
from prism.knowledge import service as knowledge
from prism.notifications import service as notifications
from tests.answers.buyer_files import caiq_xlsx, paragraph_rfp_docx, tender_docx
from tests.answers.library import Library, make_library
from tests.conftest import Cast
from tests.extract import file_text


def _start(session: Session, tmp_path: Path, lib: Library, actor: object = SYSTEM) -> Questionnaire:
    return service.start(
        session, actor, filename="Acme CAIQ.xlsx", raw=caiq_xlsx(),  # type: ignore[arg-type]
        data=QuestionnaireIn(product_ids=[lib.vault.id]), store=LocalFileStore(tmp_path),
        now=utcnow(),
    )  # fmt: skip


def test_a_caiq_is_taken_in_drafted_reviewed_and_given_back(
    session: Session, cast: Cast, tmp_path: Path
) -> None:
    lib = make_library(session)
    made = _start(session, tmp_path, lib, cast.seller)
    assert made.title == "Acme CAIQ" and [p.title for p in made.products] == ["Vault"]
    by_ref = {q.ref: q for q in made.questions}
    assert list(by_ref) == ["A&A-01.1", "A&A-02.1", "CEK-03.1", "CEK-03.2", "IAM-14.1", "IAM-16.1"]
    sso = by_ref["IAM-14.1"]
    assert (sso.state, sso.source_id, sso.source_version) == (
        QuestionState.DRAFTED, lib.sso.id, lib.sso.version)  # fmt: skip
    assert (sso.answer, sso.yes_or_no) == ("Yes: SAML 2.0 and OIDC.", "yes")
    assert by_ref["IAM-16.1"].state == QuestionState.FOR_EXPERT and not by_ref["IAM-16.1"].answer
    assert service.progress(made).accepted == 0

    store = LocalFileStore(tmp_path)
    nothing = service.export(session, cast.seller, made.id, store=store)
    assert nothing.written == 0  # nothing accepted yet
    drafted = service.export(session, cast.seller, made.id, store=store, drafts=True)
    assert drafted.written == sum(1 for q in made.questions if q.state == QuestionState.DRAFTED)

    service.review(
        session, cast.seller, made.id, sso.id, ReviewIn(version=sso.version, decision="accept")
    )
    fedramp = by_ref["IAM-16.1"]
    with pytest.raises(Invalid, match="Write an answer"):
        service.review(session, cast.seller, made.id, fedramp.id,
                       ReviewIn(version=fedramp.version, decision="accept"))  # fmt: skip
    service.review(session, cast.seller, made.id, fedramp.id, ReviewIn(
        version=fedramp.version, decision="accept", answer="Not yet: planned for 2027.", yes_or_no="no"))  # fmt: skip
    assert fedramp.edited and fedramp.state == QuestionState.ACCEPTED
    assert service.progress(service.get_questionnaire(session, cast.seller, made.id)).percent == 33
    assert service.uses(session, lib.sso.id) == 1

    filled = service.export(session, cast.seller, made.id, store=store)
    assert (filled.written, filled.withheld, filled.filename) == (
        2,
        [],
        "Acme CAIQ - answered.xlsx",
    )
    sheet = load_workbook(io.BytesIO(filled.data))["CAIQ"]
    assert (sheet.cell(row=sso.row + 1, column=3).value, sheet.cell(row=sso.row + 1, column=4).value) == (
        "Yes", "Yes: SAML 2.0 and OIDC.")  # fmt: skip
    assert sheet.cell(row=fedramp.row + 1, column=3).value == "No"

    # A source taken back from customers no longer goes out in its words; a person's answer does.
    knowledge.transition(
        session, SYSTEM, lib.sso.id, "archive", version=lib.sso.version, now=utcnow()
    )
    session.expire_all()
    later = service.export(session, cast.seller, made.id, store=store)
    assert later.written == 1 and later.withheld == ["IAM-14.1"]


def test_an_rfp_asking_in_paragraphs_is_answered_under_its_questions(
    session: Session, tmp_path: Path
) -> None:
    lib = make_library(session)
    store = LocalFileStore(tmp_path)
    made = service.start(session, SYSTEM, filename="RFP.docx", raw=paragraph_rfp_docx(),
                         data=QuestionnaireIn(product_ids=[lib.vault.id]), store=store,
                         now=utcnow())  # fmt: skip
    assert service.layout_of(made).columns[0].part == "Paragraphs"
    sso = next(q for q in made.questions if "single sign-on" in q.text)
    assert (sso.state, sso.source_id, sso.section) == (
        QuestionState.DRAFTED, lib.sso.id, "1. Security")  # fmt: skip
    service.review(
        session, SYSTEM, made.id, sso.id, ReviewIn(version=sso.version, decision="accept")
    )
    filled = service.export(session, SYSTEM, made.id, store=store)
    texts = [p.text for p in Document(io.BytesIO(filled.data)).paragraphs]
    at = texts.index("Do you support single sign-on with SAML?")
    assert filled.written == 1 and texts[at + 1] == "Yes: SAML 2.0 and OIDC."


def test_the_columns_can_be_corrected_until_an_answer_is_accepted(
    session: Session, tmp_path: Path
) -> None:
    lib = make_library(session)
    made = _start(session, tmp_path, lib)
    store = LocalFileStore(tmp_path)
    columns = [ColumnsIn(part="CAIQ", header_row=3, question=1, answer=3, yes_no=None, ref=0)]
    again = service.relayout(session, SYSTEM, made.id, columns, version=made.version, store=store,
                             now=utcnow())  # fmt: skip
    assert service.layout_of(again).columns[0].yes_no is None and len(again.questions) == 6
    for bad, said in (
        (ColumnsIn(part="Sheet9", header_row=3, question=1, answer=3), "no part"),
        (ColumnsIn(part="CAIQ", header_row=3, question=1, answer=40), "only 4 columns"),
        (ColumnsIn(part="CAIQ", header_row=3, question=1), "where the answers go"),
    ):
        with pytest.raises(Invalid, match=said):
            service.relayout(session, SYSTEM, made.id, [bad], version=again.version, store=store,
                             now=utcnow())  # fmt: skip
    first = again.questions[0]
    service.review(session, SYSTEM, made.id, first.id,
                   ReviewIn(version=first.version, decision="accept", answer="Yes, yearly."))  # fmt: skip
    with pytest.raises(Conflict, match="accepted"):
        service.relayout(session, SYSTEM, made.id, columns, version=again.version, store=store,
                         now=utcnow())  # fmt: skip


@pytest.mark.parametrize(("who", "allowed"), [("admin", True), ("editor", True), ("seller", True),
                                              ("csm", True), ("pm", False), ("outsider", False)])  # fmt: skip
def test_those_who_work_deals_run_questionnaires(
    session: Session, cast: Cast, tmp_path: Path, who: str, allowed: bool
) -> None:
    lib = make_library(session)
    actor = getattr(cast, who)
    if allowed:
        made = _start(session, tmp_path, lib, actor)
        assert service.list_questionnaires(session, actor) == [made]
    else:
        with pytest.raises(Forbidden):
            _start(session, tmp_path, lib, actor)
        with pytest.raises(Forbidden):
            service.list_questionnaires(session, actor)


@pytest.mark.parametrize(
    ("filename", "raw", "said"),
    [("q.xlsx", b"", "Choose the buyer's file"), ("q.pages", b"x", "XLSX, DOCX or CSV"),
     ("q.xlsx", b"PK broken", "not a readable XLSX"),
     ("q.csv", b"Question,Answer\r\n", "No questions found under the header row")],
)  # fmt: skip
def test_a_file_prism_cannot_read_is_refused_and_nothing_is_kept(
    session: Session, tmp_path: Path, filename: str, raw: bytes, said: str
) -> None:
    with pytest.raises(Invalid, match=said):
        service.start(session, SYSTEM, filename=filename, raw=raw, data=QuestionnaireIn(),
                      store=LocalFileStore(tmp_path), now=utcnow())  # fmt: skip
    assert session.scalar(select(func.count(Questionnaire.id))) == 0
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]


def test_questions_are_assigned_with_a_day_and_the_person_is_told(
    session: Session, cast: Cast, tmp_path: Path
) -> None:
    lib = make_library(session)
    made = _start(session, tmp_path, lib, cast.seller)
    expert = [q.id for q in made.questions if q.state == QuestionState.FOR_EXPERT]
    day = utcnow().date()
    assigned = service.assign(session, cast.seller, made.id,
                              AssignIn(question_ids=expert, assignee_id=cast.editor.id, due_on=day))  # fmt: skip
    assert {(q.assignee_id, q.due_on) for q in assigned} == {(cast.editor.id, day)}
    told = notifications.mine(session, cast.editor).items
    assert told and told[0].link == f"/answers/{made.id}"
    with pytest.raises(Invalid, match="No active person"):
        service.assign(session, cast.seller, made.id,
                       AssignIn(question_ids=expert, assignee_id=cast.outsider.id))  # fmt: skip
    with pytest.raises(Invalid, match="not in this questionnaire"):
        service.assign(session, cast.seller, made.id,
                       AssignIn(question_ids=[999_999], assignee_id=cast.editor.id))  # fmt: skip


def test_late_questions_are_reminded_once_per_day_they_were_due(
    session: Session, cast: Cast, tmp_path: Path
) -> None:
    lib = make_library(session)
    made = _start(session, tmp_path, lib, cast.seller)
    first, second = made.questions[0], made.questions[1]
    day = utcnow().date()
    service.assign(session, cast.seller, made.id, AssignIn(
        question_ids=[first.id, second.id], assignee_id=cast.editor.id, due_on=day))  # fmt: skip
    service.review(session, cast.seller, made.id, second.id,
                   ReviewIn(version=second.version, decision="accept", answer="Yes."))  # fmt: skip
    before = {n.id for n in notifications.mine(session, cast.editor).items}
    assert service.remind(session, today=day) == 0  # due today is not late yet
    version = first.version
    later = day + timedelta(days=1)
    assert service.remind(session, today=later) == 2  # the editor and the seller who owns it
    session.expire_all()
    told = [n for n in notifications.mine(session, cast.editor).items if n.id not in before]
    assert [(n.subject, n.body) for n in told] == [
        (
            "Questions of “Acme CAIQ” are late",
            f"Due {when(day)} for {cast.editor.name}; still open: 1.",
        )
    ]
    assert notifications.mine(session, cast.seller).items[0].subject.endswith("are late")
    assert service.remind(session, today=later + timedelta(days=1)) == 0  # once per due date
    again = service.get_questionnaire(session, cast.seller, made.id).questions[0]
    assert again.version == version  # a reviewer's open form is not made stale by a reminder
    assert service.late(again, later) and not service.late(again, day)
    service.assign(session, cast.seller, made.id, AssignIn(
        question_ids=[first.id], assignee_id=cast.editor.id, due_on=later))  # fmt: skip
    assert service.remind(session, today=later + timedelta(days=1)) == 2  # its new day passed


def test_an_edited_answer_is_proposed_to_the_library_for_review(
    session: Session, cast: Cast, tmp_path: Path
) -> None:
    lib = make_library(session)
    made = _start(session, tmp_path, lib, cast.seller)
    sso = next(q for q in made.questions if q.ref == "IAM-14.1")
    fedramp = next(q for q in made.questions if q.ref == "IAM-16.1")
    with pytest.raises(Conflict, match="a person wrote and accepted"):
        service.propose(session, cast.seller, made.id, fedramp.id, now=utcnow())
    service.review(
        session, cast.seller, made.id, sso.id, ReviewIn(version=sso.version, decision="accept")
    )
    with pytest.raises(Conflict, match="a person wrote"):  # the library's own answer
        service.propose(session, cast.seller, made.id, sso.id, now=utcnow())
    service.review(session, cast.seller, made.id, fedramp.id, ReviewIn(
        version=fedramp.version, decision="accept", answer="Not yet: planned for 2027.", yes_or_no="no"))  # fmt: skip
    item = service.propose(session, cast.seller, made.id, fedramp.id, now=utcnow())
    assert (item.kind, item.status.value, item.title) == ("faq", "in_review", fedramp.text)
    assert (
        item.fields["yes_or_no"] == "no"
        and item.fields["short_answer"] == "Not yet: planned for 2027."
    )
    assert [lk.target_id for lk in item.links if lk.relation == "product"] == [lib.vault.id]
    with pytest.raises(Conflict, match="already been proposed"):
        service.propose(session, cast.seller, made.id, fedramp.id, now=utcnow())


def test_the_library_counts_each_answers_uses_and_flags_stale_ones(
    session: Session, cast: Cast, tmp_path: Path
) -> None:
    lib = make_library(session)
    made = _start(session, tmp_path, lib, cast.seller)
    sso = next(q for q in made.questions if q.ref == "IAM-14.1")
    service.review(
        session, cast.seller, made.id, sso.id, ReviewIn(version=sso.version, decision="accept")
    )
    lib.soc2.review_due_at = utcnow() - timedelta(days=1)
    session.flush()
    shelf = {a.item.id: a for a in service.library(session, cast.seller, now=utcnow())}
    assert shelf[lib.sso.id].uses == 1 and not shelf[lib.sso.id].stale
    assert shelf[lib.soc2.id].stale and shelf[lib.soc2.id].uses == 0
    assert lib.keys_internal.id not in shelf and lib.pentest_draft.id not in shelf


def test_the_answer_book_holds_accepted_answers_and_says_what_is_to_follow(
    session: Session, cast: Cast, tmp_path: Path
) -> None:
    lib = make_library(session)
    made = service.start(session, cast.seller, filename="招标.docx", raw=tender_docx(),
                         data=QuestionnaireIn(product_ids=[lib.vault.id]),
                         store=LocalFileStore(tmp_path), now=utcnow())  # fmt: skip
    first = made.questions[0]
    service.review(session, cast.seller, made.id, first.id, ReviewIn(
        version=first.version, decision="accept", answer="是：每个区域均使用 AES-256 加密。", yes_or_no="yes"))  # fmt: skip
    for fmt in ("pdf", "docx"):
        book = service.answer_book(session, cast.seller, made.id, fmt=fmt, today=utcnow().date())
        # pypdf reads the Chinese subset font's characters with a NUL between them (pdftotext
        # does not): the text is there, the extraction pads it.
        text = file_text(fmt, book.data).replace("\n", " ").replace("\x00", "")
        assert "一、数据安全" in text and "客户数据是否加密存储？" in text, fmt
        assert "是：每个区域均使用 AES-256 加密。" in text and "To follow." in text, fmt
        assert book.written == 1 and book.filename == f"招标 - answers.{fmt}"
    with pytest.raises(Invalid, match="PDF or a DOCX"):
        service.answer_book(session, cast.seller, made.id, fmt="xlsx", today=utcnow().date())
