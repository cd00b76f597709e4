"""Reading buyers' files and writing them back: the columns and questions are found in each
layout (instructions and section rows are not questions), and the round trip changes nothing
but answer cells — compared cell by cell with styles, drop-downs, merged ranges and widths."""

from __future__ import annotations

import io
import zipfile
from copy import copy
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from prism.answers import files
from prism.answers.files import Answer
from prism.errors import Invalid
from tests.answers.buyer_files import (
    caiq_xlsx,
    paragraph_rfp_docx,
    plain_csv,
    sig_lite_xlsx,
    tender_docx,
)
from tests.extract import open_in_libreoffice


def test_a_caiq_workbook_is_read_past_its_cover_instructions_and_sections() -> None:
    raw = caiq_xlsx()
    found = files.parts(raw, "xlsx")
    layout = files.find_layout(found, "xlsx")
    assert layout.ignored == ["Cover"]
    (cols,) = layout.columns
    assert (cols.part, cols.header_row, cols.ref, cols.question) == ("CAIQ", 3, 0, 1)
    assert (cols.yes_no, cols.answer) == (2, 3)
    asked = files.questions(found, layout)
    assert [q.ref for q in asked] == ["A&A-01.1", "A&A-02.1", "CEK-03.1", "CEK-03.2", "IAM-14.1",
                                      "IAM-16.1"]  # fmt: skip
    assert asked[2].section == "Cryptography, Encryption & Key Management"
    assert asked[2].text == "Is customer data encrypted at rest?"
    assert "Answered Yes" not in [q.text for q in asked]  # a summary row under the questions


def test_the_caiq_round_trip_changes_only_answer_cells() -> None:
    raw = caiq_xlsx()
    found = files.parts(raw, "xlsx")
    layout = files.find_layout(found, "xlsx")
    asked = files.questions(found, layout)
    answers = [
        Answer("CAIQ", asked[2].row, "Yes: AES-256 in every region.", "yes"),
        Answer("CAIQ", asked[4].row, "Yes: SAML 2.0 and OpenID Connect.", "yes"),
        Answer("CAIQ", asked[5].row, "", ""),  # left for an expert: nothing written
    ]
    out = files.write(raw, layout, answers)
    before, after = load_workbook(io.BytesIO(raw)), load_workbook(io.BytesIO(out))
    written = {(asked[2].row + 1, 3), (asked[2].row + 1, 4), (asked[4].row + 1, 3),
               (asked[4].row + 1, 4)}  # fmt: skip
    assert before.sheetnames == after.sheetnames
    for name in before.sheetnames:
        old, new = before[name], after[name]
        assert old.max_row == new.max_row and old.max_column == new.max_column
        for row in old.iter_rows():
            for cell in row:
                twin = new.cell(row=cell.row, column=cell.column)
                if name == "CAIQ" and (cell.row, cell.column) in written:
                    continue
                assert twin.value == cell.value, (name, cell.coordinate)
                assert copy(twin.font) == copy(cell.font), (name, cell.coordinate)
                assert copy(twin.fill) == copy(cell.fill), (name, cell.coordinate)
        assert {str(r) for r in old.merged_cells.ranges} == {
            str(r) for r in new.merged_cells.ranges
        }
        assert [(v.formula1, str(v.sqref)) for v in old.data_validations.dataValidation] == [
            (v.formula1, str(v.sqref)) for v in new.data_validations.dataValidation
        ]
        widths = {k: d.width for k, d in old.column_dimensions.items()}
        assert widths == {k: d.width for k, d in new.column_dimensions.items()}
    sheet = after["CAIQ"]
    assert sheet.cell(row=asked[2].row + 1, column=3).value == "Yes"  # the drop-down's own word
    assert sheet.cell(row=asked[2].row + 1, column=4).value == "Yes: AES-256 in every region."
    assert sheet.cell(row=asked[5].row + 1, column=3).value is None
    assert str(sheet.cell(row=sheet.max_row, column=3).value).startswith("=COUNTIF(")


def test_pictures_comments_and_every_other_part_of_a_workbook_come_back_byte_for_byte() -> None:
    from openpyxl.comments import Comment
    from openpyxl.drawing.image import Image as Picture
    from PIL import Image

    book = load_workbook(io.BytesIO(caiq_xlsx()))
    logo = io.BytesIO()
    Image.new("RGB", (40, 20), (31, 56, 100)).save(logo, "PNG")
    book["Cover"].add_image(Picture(logo), "C1")  # the buyer's logo, as a CAIQ's cover has
    book["CAIQ"]["B6"].comment = Comment("Asked of every cloud vendor.", "Buyer")
    book["CAIQ"]["D7"] = '="See "&A7'  # the buyer's own formula in an answer cell
    raw = io.BytesIO()
    book.save(raw)
    found = files.parts(raw.getvalue(), "xlsx")
    layout = files.find_layout(found, "xlsx")
    asked = files.questions(found, layout)
    out = files.write(raw.getvalue(), layout, [Answer("CAIQ", asked[0].row, "Yes, yearly.", "yes"),
                                               Answer("CAIQ", asked[1].row, "Overwritten?", "")])  # fmt: skip
    before, after = zipfile.ZipFile(raw), zipfile.ZipFile(io.BytesIO(out))
    assert before.namelist() == after.namelist()
    assert any(name.startswith("xl/media/") for name in before.namelist())
    changed = [n for n in before.namelist() if before.read(n) != after.read(n)]
    assert changed == ["xl/worksheets/sheet2.xml"]  # the CAIQ sheet, and nothing else
    sheet = load_workbook(io.BytesIO(out))["CAIQ"]
    assert sheet.cell(row=asked[0].row + 1, column=4).value == "Yes, yearly."
    assert sheet["B6"].comment is not None
    assert sheet["D7"].value == '="See "&A7'  # never overwritten


def test_libreoffice_opens_the_answered_workbook_and_document(tmp_path: Path) -> None:
    made = {}
    for name, raw, fmt in (
        ("caiq.xlsx", caiq_xlsx(), "xlsx"),
        ("rfp.docx", paragraph_rfp_docx(), "docx"),
    ):
        found = files.parts(raw, fmt)
        layout = files.find_layout(found, fmt)
        asked = files.questions(found, layout)
        made[name] = files.write(raw, layout, [Answer(q.part, q.row, f"Answered {n} & <kept>", "yes")
                                               for n, q in enumerate(asked)])  # fmt: skip
        (tmp_path / name).write_bytes(made[name])
    for name, converted in open_in_libreoffice(tmp_path, list(made)).items():
        text = " ".join(page.extract_text() for page in PdfReader(converted).pages)
        assert "Answered 0 & <kept>" in text and "Answered 5 & <kept>" in text, name


def test_a_sig_lite_sheet_answers_in_its_drop_down_and_additional_information() -> None:
    raw = sig_lite_xlsx()
    found = files.parts(raw, "xlsx")
    layout = files.find_layout(found, "xlsx")
    (cols,) = layout.columns
    assert (cols.ref, cols.question, cols.yes_no, cols.answer) == (0, 1, 2, 3)
    asked = files.questions(found, layout)
    assert [q.ref for q in asked] == ["A.1", "A.2", "B.1"]
    out = files.write(raw, layout, [Answer("SIG Lite", asked[1].row, "Tested yearly.", "n/a")])
    sheet = load_workbook(io.BytesIO(out))["SIG Lite"]
    assert sheet["C3"].value == "N/A" and sheet["D3"].value == "Tested yearly."


def test_a_chinese_tender_table_is_read_and_filled() -> None:
    raw = tender_docx()
    found = files.parts(raw, "docx")
    layout = files.find_layout(found, "docx")
    (cols,) = layout.columns
    assert (cols.part, cols.ref, cols.question, cols.yes_no, cols.answer) == ("Table 1", 0, 1, 2, 3)
    asked = files.questions(found, layout)
    assert [(q.ref, q.section, q.text) for q in asked] == [
        ("1", "一、数据安全", "客户数据是否加密存储？"),
        ("2", "一、数据安全", "是否支持单点登录（SAML）？"),
    ]
    out = files.write(
        raw, layout, [Answer("Table 1", asked[0].row, "是：每个区域均使用 AES-256。", "yes")]
    )
    document = Document(io.BytesIO(out))
    row = document.tables[0].rows[asked[0].row].cells
    # No drop-down to take the buyer's word from: the yes/no column is headed in Chinese.
    assert (row[2].text, row[3].text) == ("是", "是：每个区域均使用 AES-256。")
    assert [p.text for p in document.paragraphs] == [
        p.text for p in Document(io.BytesIO(raw)).paragraphs
    ]


def test_questions_asked_as_paragraphs_are_read_with_their_numbers_and_sections() -> None:
    found = files.parts(paragraph_rfp_docx(), "docx")
    layout = files.find_layout(found, "docx")
    assert [c.part for c in layout.columns] == [files.PARAGRAPHS]
    asked = files.questions(found, layout)
    assert [(q.ref, q.section, q.text) for q in asked] == [
        ("1.1", "1. Security", "Is customer data encrypted at rest?"),
        ("1.2", "1. Security", "Describe your incident response process."),
        ("", "1. Security", "Do you support single sign-on with SAML?"),
        ("2.1", "2. Company", "Provide three customer references in healthcare."),
        ("", "2. Company", "State your support hours and languages"),
        ("（一）", "二、数据管理", "请说明数据备份策略。"),
    ]


def test_answers_to_paragraph_questions_go_in_the_slot_left_for_them_and_nothing_else_moves() -> (
    None
):
    raw = paragraph_rfp_docx()
    found = files.parts(raw, "docx")
    layout = files.find_layout(found, "docx")
    asked = files.questions(found, layout)
    said = ["AES-256.", "We page on-call in 15 minutes.\nA report follows in 72 hours.", "",
            "Three on request.", "", "每日增量备份。"]  # fmt: skip
    out = files.write(
        raw, layout, [Answer(q.part, q.row, text, "yes" if n == 2 else "")
                      for n, (q, text) in enumerate(zip(asked, said, strict=True))],
    )  # fmt: skip
    before = [p.text for p in Document(io.BytesIO(raw)).paragraphs]
    after = [p.text for p in Document(io.BytesIO(out)).paragraphs]
    assert (
        after
        == [
            *before[:4],
            "Answer: AES-256.",  # after the label
            before[5],
            "We page on-call in 15 minutes.\nA report follows in 72 hours.",  # in the blank line
            before[7],
            "Yes",  # no room left: a new paragraph under the question, here its yes or no alone
            *before[8:10],
            before[10],  # the buyer's own text after the label is kept…
            "Three on request.",  # …and the answer goes under it
            *before[11:14],
            "每日增量备份。",
            before[14],
        ]
    )
    styles = [p.style.name for p in Document(io.BytesIO(raw)).paragraphs]
    kept = [p.style.name for p in Document(io.BytesIO(out)).paragraphs]
    assert [s for n, s in enumerate(kept) if n not in (8, 12, 16)] == styles


def test_a_csv_keeps_its_rows_and_gains_answers() -> None:
    raw = plain_csv()
    found = files.parts(raw, "csv")
    layout = files.find_layout(found, "csv")
    asked = files.questions(found, layout)
    assert [q.text for q in asked] == ["Do you support single sign-on?",
                                       "Do you run penetration tests, and how often?"]  # fmt: skip
    out = files.write(raw, layout, [Answer("CSV", asked[1].row, "Yearly, by an independent firm.")])
    assert out.decode().splitlines()[2] == '"Do you run penetration tests, and how often?",' \
        '"Yearly, by an independent firm."'  # fmt: skip


@pytest.mark.parametrize(
    ("name", "raw", "said"),
    [("q.pdf", b"%PDF", "XLSX, DOCX or CSV"), ("q.xlsx", b"not a zip", "not a readable XLSX"),
     ("q.csv", b"Name,Email\r\nAda,ada@example.com\r\n", "No questions found")],
)  # fmt: skip
def test_files_prism_cannot_use_are_refused_with_why(name: str, raw: bytes, said: str) -> None:
    def read() -> None:
        fmt = files.format_of(name)
        files.find_layout(files.parts(raw, fmt), fmt)

    with pytest.raises(Invalid, match=said):
        read()


def test_yes_no_takes_the_buyers_own_word() -> None:
    assert files.yes_no_cell("yes", ["Yes", "No", "NA"]) == "Yes"
    assert files.yes_no_cell("n/a", ["Yes", "No", "NA"]) == "NA"
    assert files.yes_no_cell("n/a", ["是", "否"]) == ""  # the cell offers no such word
    assert files.yes_no_cell("", ["Yes", "No"]) == ""


def test_a_workbook_carrying_xml_entities_is_refused() -> None:
    """A buyer's file is untrusted: an entity expansion ("billion laughs") is not read."""
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(caiq_xlsx()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as bomb:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet2.xml":
                text = data.decode()
                head, _, rest = text.partition("?>")
                doctype = '<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
                data = (head + "?>" + doctype + rest).encode()
            bomb.writestr(info, data)
    with pytest.raises(Invalid, match="not a readable XLSX"):
        files.parts(out.getvalue(), "xlsx")
