"""A buyer's questionnaire file: where its questions are, where their answers go, and the same
file back with the answers written in and everything else as the buyer sent it.

Every format is read as parts of rows and columns — an XLSX's sheets, a DOCX's tables and its
paragraphs (see `PARAGRAPHS`), a CSV —
so one reading finds the header row (the row naming the columns: "Question", "Response",
"Yes/No", "问题", "答复"…), the question, answer, yes/no and id columns, and which rows are
questions: not the instructions above the header, not section rows (merged across the row, or a
heading alone in it), not a total or note under them. What was found is a `Layout` a person may
correct before the questions are taken in. Writing back touches only answer and yes/no cells:
an XLSX has those cells patched into its sheets' XML and every other part of the file copied
byte for byte (styles, merged ranges, drop-downs, formulas, widths, other sheets, pictures,
charts, comments), a DOCX is edited in place by python-docx, a CSV keeps its rows.

A buyer's file is untrusted: openpyxl parses it through defusedxml (a dependency for that
alone), and the sheets Prism patches are parsed by lxml without entities or the network, so
XML entities are refused, not expanded; python-docx never resolves them; at most `MAX_ROWS`
rows of a part are read.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from prism.csvfile import decode
from prism.errors import Invalid
from prism.i18n import _

Format = Literal["xlsx", "docx", "csv"]
FORMATS: tuple[Format, ...] = ("xlsx", "docx", "csv")
MAX_ROWS = 5_000  # rows read per part: questionnaires run to hundreds
HEADER_ROWS = 30  # how far down a part its header row may be

_QUESTION = re.compile(
    r"\b(question|questions|requirement|requirements|control question|query|item)\b"
    r"|问题|要求|需求|内容",
    re.I,
)
# How a file names where answers go: a column's header, or a label before an answer's line.
_ANSWER_WORDS = r"answer|answers|response|responses|reply|vendor response|supplier response"
_ANSWER_WORDS_ZH = r"答复|回答|应答|响应|回复"
_ANSWER = re.compile(
    rf"\b({_ANSWER_WORDS}|implementation description|description of implementation)\b"
    rf"|{_ANSWER_WORDS_ZH}",
    re.I,
)
_YES_NO = re.compile(
    r"\b(yes\s*/\s*no|y\s*/\s*n|yes\s*/\s*no\s*/\s*n/?a|caiq answer|compliant|compliance)\b"
    r"|是否|符合",
    re.I,
)
_ID = re.compile(r"^\s*(#|no\.?|id|ref|question id|control id|ques\.? num|序号|编号)\s*$", re.I)
_COMMENT = re.compile(
    r"\b(comment|comments|notes|remarks|evidence|additional information)\b|备注|说明|证明", re.I
)
YES_WORDS = {"yes", "y", "是", "符合"}
NO_WORDS = {"no", "n", "否", "不符合"}
NA_WORDS = {"n/a", "na", "not applicable", "不适用"}


@dataclass
class Part:
    """One sheet, table or CSV as rows of text, with what the reading needs besides."""

    name: str
    rows: list[list[str]]
    merged_rows: set[int] = field(default_factory=set)  # rows (0-based) merged across
    choices: dict[int, list[str]] = field(default_factory=dict)  # column → drop-down options
    kinds: dict[int, str] | None = None  # row → kind, where the file's form says it (paragraphs)

    def text(self, row: int, column: int | None) -> str:
        if column is None or row >= len(self.rows) or column >= len(self.rows[row]):
            return ""
        return self.rows[row][column].strip()


@dataclass(frozen=True)
class Columns:
    """Where one part's questions and answers are (0-based rows and columns)."""

    part: str
    header_row: int
    question: int
    answer: int | None
    yes_no: int | None = None
    ref: int | None = None


@dataclass(frozen=True)
class Question:
    part: str
    row: int  # 0-based within the part
    ref: str  # the buyer's id for it ("AIS-01.1"), if the file has an id column
    section: str  # the section row above it
    text: str


@dataclass(frozen=True)
class Layout:
    format: Format
    columns: list[Columns]
    ignored: list[str]  # parts holding no questions (instructions, a cover sheet)


@dataclass(frozen=True)
class Answer:
    part: str
    row: int
    text: str
    yes_no: str = ""  # "yes", "no", "n/a" or "" (leave the cell alone)


def format_of(filename: str) -> Format:
    ending = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if ending not in FORMATS:
        raise Invalid.about(
            "file", _("Upload the questionnaire as XLSX, DOCX or CSV, not “{name}”.", name=filename)
        )
    return ending


def parts(raw: bytes, fmt: Format) -> list[Part]:
    """The file as parts of rows; a file that does not open is refused with why."""
    try:
        return {"xlsx": _xlsx_parts, "docx": _docx_parts, "csv": _csv_parts}[fmt](raw)
    except Invalid:
        raise
    except Exception as exc:  # a broken upload: whatever the reader raised, say it plainly
        raise Invalid.about(
            "file", _("This is not a readable {format} file.", format=fmt.upper())
        ) from exc


def find_layout(found: list[Part], fmt: Format) -> Layout:
    """Where each part's questions and answers are, as Prism reads the file."""
    columns, ignored = [], []
    for part in found:
        seen = _columns(part)
        if seen is None:
            ignored.append(part.name)
        else:
            columns.append(seen)
    if not columns:
        raise Invalid.about(
            "file",
            _("No questions found: name the question column in a header row "
              "(“Question”, “Requirement”, “问题”)."),
        )  # fmt: skip
    return Layout(fmt, columns, ignored)


def questions(found: list[Part], layout: Layout) -> list[Question]:
    """The questions the layout points at, in the file's order, each with its section."""
    by_name = {p.name: p for p in found}
    made: list[Question] = []
    for cols in layout.columns:
        part = by_name.get(cols.part)
        if part is None:
            continue
        section = ""
        for row in range(cols.header_row + 1, min(len(part.rows), MAX_ROWS)):
            text = part.text(row, cols.question)
            kind = _row_kind(part, row, cols)
            if kind == "section":
                section = next(c.strip() for c in part.rows[row] if c.strip())
            elif kind == "question":
                ref = part.text(row, cols.ref)
                made.append(Question(part.name, row, ref, section, " ".join(text.split())))
    return made


def _columns(part: Part) -> Columns | None:
    header = _header_row(part)
    if header is None:
        return None
    names = part.rows[header]
    found: dict[str, int] = {}
    for column, name in enumerate(names):
        name = name.strip()
        if not name:
            continue
        if "ref" not in found and _ID.match(name):
            found["ref"] = column
        elif "yes_no" not in found and (_YES_NO.search(name) or _yes_no_choices(part, column)):
            found["yes_no"] = column
        elif "answer" not in found and _ANSWER.search(name):
            found["answer"] = column
        elif "question" not in found and _QUESTION.search(name):
            found["question"] = column
        elif "comment" not in found and _COMMENT.search(name):
            found["comment"] = column
    if "question" not in found:
        return None
    if part.kinds is not None and list(part.kinds.values()).count("question") < 2:
        return None  # a cover letter's stray question is not a questionnaire
    answer = found.get("answer", found.get("comment"))
    return Columns(part.name, header, found["question"], answer, found.get("yes_no"),
                   found.get("ref"))  # fmt: skip


def _header_row(part: Part) -> int | None:
    for row in range(min(len(part.rows), HEADER_ROWS)):
        cells = [c.strip() for c in part.rows[row] if c.strip()]
        if len(cells) < 2 or any(len(c) > 60 for c in cells):
            continue
        if any(_QUESTION.search(c) for c in cells) and any(
            _ANSWER.search(c) or _YES_NO.search(c) or _COMMENT.search(c) for c in cells
        ):
            return row
    return None


def _yes_no_choices(part: Part, column: int) -> bool:
    options = {o.strip().lower() for o in part.choices.get(column, [])}
    return bool(options & YES_WORDS) and bool(options & NO_WORDS)


def _row_kind(part: Part, row: int, cols: Columns) -> str:
    """A question, a section heading ("Audit & Assurance", "一、数据安全": merged across the
    row, or alone in it without an id), or neither (a note or a total under the questions, in
    a file whose questions have ids)."""
    if part.kinds is not None and cols.question == PARAGRAPH_COLUMNS["question"]:
        return part.kinds.get(row, "blank")
    filled = [i for i, c in enumerate(part.rows[row]) if c.strip()]
    if not filled:
        return "blank"
    if row in part.merged_rows or (len(filled) == 1 and filled[0] != cols.question):
        return "section"
    text = part.text(row, cols.question)
    if not text:
        return "other"
    if cols.ref is None or part.text(row, cols.ref) or text.rstrip().endswith(("?", "？")):
        return "question"
    return "section" if filled == [cols.question] else "other"


def yes_no_cell(said: str, options: Iterable[str]) -> str:
    """The buyer's own word for `said` (yes, no, n/a) among a drop-down's options ("Yes",
    "N/A", "是"), or the plain word if the cell offers none; "" if `said` is neither."""
    words = {"yes": YES_WORDS, "no": NO_WORDS, "n/a": NA_WORDS}.get(said)
    if not words:
        return ""
    listed = list(options)
    chosen = next((o for o in listed if o.strip().lower() in words), None)
    if chosen is not None:
        return chosen
    return {"yes": "Yes", "no": "No", "n/a": "N/A"}[said] if not listed else ""


def write(raw: bytes, layout: Layout, answers: list[Answer]) -> bytes:
    """The buyer's file with `answers` written into their cells and nothing else changed."""
    writer = {"xlsx": _xlsx_write, "docx": _docx_write, "csv": _csv_write}[layout.format]
    return writer(raw, layout, answers)


def with_columns(layout: Layout, part: str, **changes: int | None) -> Layout:
    """The layout with one part's columns corrected by a person."""
    columns = [replace(c, **changes) if c.part == part else c for c in layout.columns]  # type: ignore[arg-type]
    return replace(layout, columns=columns)


# --- XLSX -----------------------------------------------------------------------------------


def _xlsx_parts(raw: bytes) -> list[Part]:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(raw), data_only=False)
    made = []
    for sheet in book.worksheets:
        rows = [
            ["" if v is None else str(v) for v in values]
            for values in sheet.iter_rows(max_row=MAX_ROWS, values_only=True)
        ]
        merged = {
            r.min_row - 1
            for r in sheet.merged_cells.ranges
            if r.max_col > r.min_col and r.min_row == r.max_row
        }
        choices: dict[int, list[str]] = {}
        for rule in sheet.data_validations.dataValidation:
            if rule.type != "list" or not rule.formula1 or not rule.formula1.startswith('"'):
                continue
            options = [o.strip() for o in rule.formula1.strip('"').split(",")]
            for cells in rule.sqref.ranges:
                for column in range(cells.min_col, cells.max_col + 1):
                    choices[column - 1] = options
        made.append(Part(sheet.title, rows, merged, choices))
    return made


def _xlsx_write(raw: bytes, layout: Layout, answers: list[Answer]) -> bytes:
    """The workbook with each answer patched into its sheet's XML and every other part of the
    file copied byte for byte: pictures, charts, comments, macros and whatever else the buyer's
    tool wrote stay, which a rewrite by openpyxl would drop."""
    columns = {c.part: c for c in layout.columns}
    options = {p.name: p.choices for p in _xlsx_parts(raw)}
    cells: dict[str, dict[tuple[int, int], str]] = {}  # sheet → (row, column), 1-based → text
    for answer in answers:
        cols = columns.get(answer.part)
        if cols is None:
            continue
        wanted = cells.setdefault(answer.part, {})
        if cols.answer is not None and answer.text:
            wanted[(answer.row + 1, cols.answer + 1)] = answer.text
        if cols.yes_no is not None and answer.yes_no:
            word = yes_no_cell(answer.yes_no, options.get(answer.part, {}).get(cols.yes_no, []))
            if word:
                wanted[(answer.row + 1, cols.yes_no + 1)] = word
    paths = _sheet_paths(raw)
    patched = {paths[name]: text for name, text in cells.items() if name in paths and text}
    source = zipfile.ZipFile(io.BytesIO(raw))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for entry in source.infolist():
            data = source.read(entry)
            if entry.filename in patched:
                data = _patched_sheet(data, patched[entry.filename])
            target.writestr(entry, data, compress_type=entry.compress_type)
    return out.getvalue()


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_CELL_REF = re.compile(r"^([A-Z]+)(\d+)$")


def _xml(data: bytes) -> Any:
    from lxml import etree

    # Never expand an entity or reach the network: the file is the buyer's.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    return etree.fromstring(data, parser)


def _sheet_paths(raw: bytes) -> dict[str, str]:
    """Each sheet's name → the path of its XML inside the workbook's zip."""
    with zipfile.ZipFile(io.BytesIO(raw)) as book:
        workbook = _xml(book.read("xl/workbook.xml"))
        rels = _xml(book.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target") for r in rels.iter(f"{{{_PACKAGE_RELS}}}Relationship")}
    paths = {}
    for sheet in workbook.iter(f"{{{_MAIN}}}sheet"):
        target = targets.get(sheet.get(f"{{{_RELS}}}id"), "")
        if target:
            paths[sheet.get("name")] = (
                target.lstrip("/") if target.startswith("/") else "xl/" + target
            )
    return paths


def _patched_sheet(data: bytes, cells: dict[tuple[int, int], str]) -> bytes:
    """A sheet's XML with `cells` holding their text (inline strings, the cell's own style
    kept); a cell holding a formula is the buyer's and is left alone."""
    from lxml import etree
    from openpyxl.utils.cell import get_column_letter

    root = _xml(data)
    sheet_data = root.find(f"{{{_MAIN}}}sheetData")
    if sheet_data is None:
        return data
    rows = _numbered(sheet_data, "row", lambda e, n: int(e.get("r") or n))
    for (row_number, column), text in sorted(cells.items()):
        row = rows.get(row_number)
        if row is None:
            row = etree.Element(f"{{{_MAIN}}}row", r=str(row_number))
            _insert_in_order(sheet_data, row, row_number, rows)
            rows[row_number] = row
        present = _numbered(row, "c", lambda e, n: _column_of(e.get("r")) or n)
        cell = present.get(column)
        if cell is None:
            cell = etree.Element(f"{{{_MAIN}}}c", r=f"{get_column_letter(column)}{row_number}")
            _insert_in_order(row, cell, column, present)
        if cell.find(f"{{{_MAIN}}}f") is not None:
            continue
        for child in list(cell):
            cell.remove(child)
        cell.set("t", "inlineStr")
        inline = etree.SubElement(cell, f"{{{_MAIN}}}is")
        said = etree.SubElement(inline, f"{{{_MAIN}}}t")
        said.text = _xml_safe(text)
        said.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))


def _numbered(parent: Any, tag: str, number: Any) -> dict[int, Any]:
    """`parent`'s `tag` children by their number (a row's r, a cell's column); one without
    the attribute follows the one before it, as the format says."""
    found, last = {}, 0
    for element in parent.findall(f"{{{_MAIN}}}{tag}"):
        last = number(element, last + 1)
        found[last] = element
    return found


def _insert_in_order(parent: Any, element: Any, number: int, siblings: dict[int, Any]) -> None:
    later = [n for n in siblings if n > number]
    if later:
        siblings[min(later)].addprevious(element)
    else:
        parent.append(element)


def _column_of(ref: str | None) -> int | None:
    from openpyxl.utils.cell import column_index_from_string

    found = _CELL_REF.match(ref or "")
    return column_index_from_string(found.group(1)) if found else None


def _xml_safe(text: str) -> str:
    """`text` without the control characters XML cannot hold."""
    return "".join(c for c in text if c in "\t\n\r" or ord(c) >= 32)


# --- DOCX -----------------------------------------------------------------------------------


def table_name(n: int) -> str:
    """A DOCX table's name in a layout: the same whatever language the reader speaks."""
    return "Table " + str(n)


def _docx_parts(raw: bytes) -> list[Part]:
    from docx import Document

    document = Document(io.BytesIO(raw))
    made = [_paragraph_part(document.paragraphs[:MAX_ROWS])]
    for n, table in enumerate(document.tables, start=1):
        rows = []
        merged = set()
        for r, row in enumerate(table.rows[:MAX_ROWS]):
            cells = row.cells
            # A merged cell appears once per grid column it spans: a row of one repeated cell.
            if len(cells) > 1 and all(c._tc is cells[0]._tc for c in cells):
                merged.add(r)
            rows.append([c.text for c in cells])
        made.append(Part(table_name(n), rows, merged))
    return made


def _docx_write(raw: bytes, layout: Layout, answers: list[Answer]) -> bytes:
    from docx import Document

    document = Document(io.BytesIO(raw))
    tables = {table_name(n): t for n, t in enumerate(document.tables, start=1)}
    columns = {c.part: c for c in layout.columns}
    paragraphs = document.paragraphs[:MAX_ROWS]  # held before any answer paragraph goes in
    kinds = _paragraph_kinds(paragraphs)
    yes_no_words = _docx_yes_no_words(document, layout)
    for answer in answers:
        cols = columns.get(answer.part)
        if cols is None:
            continue
        if answer.part == PARAGRAPHS:
            text = answer.text or yes_no_cell(answer.yes_no, [])
            if text and 0 < answer.row <= len(paragraphs):
                _answer_below(paragraphs, kinds, answer.row - 1, text)
            continue
        table = tables.get(answer.part)
        if table is None:
            continue
        cells = table.rows[answer.row].cells
        if cols.answer is not None and answer.text:
            cells[cols.answer].text = answer.text
        if cols.yes_no is not None and answer.yes_no:
            cells[cols.yes_no].text = yes_no_cell(answer.yes_no, yes_no_words.get(answer.part, []))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _docx_yes_no_words(document: Any, layout: Layout) -> dict[str, list[str]]:
    """For a table whose yes/no column is headed in Chinese ("是否满足"), the Chinese words: a
    DOCX offers no drop-down to take the buyer's own word from."""
    words = {}
    for n, table in enumerate(document.tables, start=1):
        cols = next((c for c in layout.columns if c.part == table_name(n)), None)
        if cols is None or cols.yes_no is None or cols.header_row >= len(table.rows):
            continue
        header = table.rows[cols.header_row].cells
        if cols.yes_no < len(header):
            words[cols.part] = _words_under(header[cols.yes_no].text)
    return words


def _words_under(header: str) -> list[str]:
    """The yes/no words for a column under `header` that offers no drop-down: Chinese under a
    Chinese header; the plain words otherwise."""
    return ["是", "否", "不适用"] if _CJK.search(header) else []


# Questions as paragraphs: a tender's numbered requirements, a letter's questions. The body's
# paragraphs are one part, "Paragraphs", read as rows of (number, text, answer already there)
# under a header row of Prism's own, so a layout holds them as it holds a table. Which rows are
# questions is said by the paragraph's form, not by a column: one ending in a question mark, or
# a numbered one that asks ("Describe…", "Does…", "请说明…", "…是否…"); headings and chapter lines
# ("一、数据安全", "Section 3") are sections. An answer goes in the question's slot: the
# "Answer:" / "答复：" paragraph under it, or the blank paragraph left under it, or else a new
# paragraph right under it.

PARAGRAPHS = "Paragraphs"
PARAGRAPH_COLUMNS = {"ref": 0, "question": 1, "answer": 2}
_NUMBERED = re.compile(
    r"^\s*(?P<ref>(?:Q\s*)?\d{1,3}(?:\.\d{1,3})*)(?:[.)、:：]\s*|\s+)(?=\S)"
    r"|^\s*(?P<cn>[（(](?:[一二三四五六七八九十]+|\d{1,3})[)）])\s*",
    re.I,
)
_ASKING = re.compile(
    r"^(does|do|is|are|can|could|has|have|will|would|how|what|which|where|when|who|why|"
    r"describe|provide|explain|list|state|confirm|detail|outline|specify|indicate|identify|"
    r"please)\b|^请|是否|能否|可否",
    re.I,
)
_SLOT = re.compile(rf"^\s*({_ANSWER_WORDS}|{_ANSWER_WORDS_ZH})\s*[:：]\s*", re.I)
_CHAPTER = re.compile(
    r"^\s*([一二三四五六七八九十]+、|第[一二三四五六七八九十\d]+[章节部分]|"
    r"(section|part|chapter)\s+[\dIVX]+\b)",
    re.I,
)
_CJK = re.compile(r"[\u4e00-\u9fff]")


def _paragraph_kinds(paragraphs: list[Any]) -> list[str]:
    """Each paragraph's kind: question, section, slot (an answer's label), blank or other."""
    kinds = []
    for paragraph in paragraphs:
        text = paragraph.text.strip()
        style = (paragraph.style.name if paragraph.style is not None else "") or ""
        numbered = _NUMBERED.match(text)
        rest = text[numbered.end() :] if numbered else text
        listed = (
            numbered is not None
            or style.startswith("List Number")
            or (paragraph._p.pPr is not None and paragraph._p.pPr.numPr is not None)
        )
        runs = [r for r in paragraph.runs if r.text.strip()]
        if not text:
            kinds.append("blank")
        elif _SLOT.match(text):
            kinds.append("slot")
        elif style.startswith(("Heading", "Title", "标题")) or _CHAPTER.match(text):
            kinds.append("section")
        elif text.endswith(("?", "？")) or (listed and _ASKING.search(rest)):
            kinds.append("question")
        elif runs and all(r.bold for r in runs) and len(text) <= 80:
            kinds.append("section")
        else:
            kinds.append("other")
    return kinds


def _slot(kinds: list[str], at: int) -> int | None:
    """Where the answer to the question at paragraph `at` goes: its label or blank paragraph."""
    below = at + 1
    if below < len(kinds) and kinds[below] in ("slot", "blank"):
        return below
    return None


def _paragraph_part(paragraphs: list[Any]) -> Part:
    kinds = _paragraph_kinds(paragraphs)
    rows = [["No.", "Question", "Answer"]]
    for at, (paragraph, kind) in enumerate(zip(paragraphs, kinds, strict=True)):
        text = paragraph.text.strip()
        numbered = _NUMBERED.match(text) if kind == "question" else None
        ref = (numbered.group("ref") or numbered.group("cn")) if numbered else ""
        slot = _slot(kinds, at) if kind == "question" else None
        there = _SLOT.sub("", paragraphs[slot].text, count=1).strip() if slot is not None else ""
        rows.append([ref, text[numbered.end() :] if numbered else text, there])
    return Part(PARAGRAPHS, rows, kinds=dict(enumerate(kinds, start=1)))


def _answer_below(paragraphs: list[Any], kinds: list[str], at: int, text: str) -> None:
    from docx.oxml import OxmlElement
    from docx.text.paragraph import Paragraph

    slot = _slot(kinds, at)
    if slot is not None and not _SLOT.sub("", paragraphs[slot].text, count=1).strip():
        target = paragraphs[slot]
        label = target.text
        target.add_run(text if not label or label.endswith((" ", "：")) else " " + text)
        return
    made = OxmlElement("w:p")
    (paragraphs[slot] if slot is not None else paragraphs[at])._p.addnext(made)
    Paragraph(made, paragraphs[at]._parent).add_run(text)


# --- CSV ------------------------------------------------------------------------------------


def _csv_parts(raw: bytes) -> list[Part]:
    text = decode(raw)
    rows = list(csv.reader(io.StringIO(text)))[:MAX_ROWS]
    return [Part("CSV", rows)]


def _csv_write(raw: bytes, layout: Layout, answers: list[Answer]) -> bytes:
    rows = _csv_parts(raw)[0].rows
    cols = layout.columns[0]
    header = rows[cols.header_row] if cols.header_row < len(rows) else []
    named = header[cols.yes_no] if cols.yes_no is not None and cols.yes_no < len(header) else ""
    words = _words_under(named)
    for answer in answers:
        row = rows[answer.row]
        for column, value in (
            (cols.answer, answer.text),
            (cols.yes_no, yes_no_cell(answer.yes_no, words)),
        ):
            if column is None or not value:
                continue
            row.extend([""] * (column + 1 - len(row)))
            row[column] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("utf-8")
