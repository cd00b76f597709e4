"""The answer book: a questionnaire's accepted answers as a document of their own, for a buyer
who wants them in a PDF or a Word file beside (or instead of) their spreadsheet. Sections and
question ids as the buyer wrote them; a question not yet answered says so.

The PDF is made by WeasyPrint from a page that carries its fonts (Inter, and Noto Sans SC cut to
the Chinese it holds), so nothing is fetched; the DOCX by python-docx.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from prism.cjk import CJK
from prism.i18n import _, when
from prism.render.brand import CJK_FAMILY, cjk_data_uri, font_data_uri


@dataclass(frozen=True)
class Entry:
    section: str
    ref: str
    question: str
    answer: str  # "" while there is none to send
    yes_or_no: str


@dataclass(frozen=True)
class Book:
    title: str
    company: str
    customer: str
    products: list[str]
    day: date
    entries: list[Entry]

    @property
    def subtitle(self) -> str:
        parts = [self.customer, " · ".join(self.products), when(self.day, "%d %B %Y")]
        return " — ".join(p for p in parts if p)


_PAGE = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(default=True),
    trim_blocks=True,
    lstrip_blocks=True,
).get_template("answer_book.html")


def _words() -> dict[str, str]:
    return {"yes": _("Yes"), "no": _("No"), "n/a": _("Not applicable")}


def lead(entry: Entry) -> str:
    """The yes/no word put before the answer, unless the answer already opens with it."""
    word = _words().get(entry.yes_or_no, "")
    opens = entry.answer.strip().casefold().startswith(word.casefold())
    return "" if not word or (entry.answer and opens) else word


def pdf(book: Book) -> bytes:
    page = _html(book, "")
    chinese = "".join(sorted(set(CJK.findall(page))))
    if chinese:
        page = _html(book, cjk_data_uri(chinese, "regular", "ttf"))
    document = HTML(string=page, url_fetcher=URLFetcher(allowed_protocols={"data"}))
    return bytes(document.write_pdf())


def _html(book: Book, cjk: str) -> str:
    return _PAGE.render(
        book=book,
        regular=font_data_uri("Inter", "regular", "ttf"),
        bold=font_data_uri("Inter", "bold", "ttf"),
        cjk=cjk,
        cjk_name=CJK_FAMILY.name,
        lead=lead,
        to_follow=_("To follow."),
    )


def docx(book: Book) -> bytes:
    from docx import Document

    document = Document()
    document.add_heading(book.title, level=0)
    document.add_paragraph().add_run(book.subtitle).italic = True
    section = None
    for e in book.entries:
        if e.section and e.section != section:
            section = e.section
            document.add_heading(section, level=1)
        asked = document.add_paragraph()
        if e.ref:
            asked.add_run(f"{e.ref}  ")
        asked.add_run(e.question).bold = True
        said = document.add_paragraph()
        if lead(e):
            said.add_run(f"{lead(e)}. ").bold = True
        said.add_run(e.answer if (e.answer or e.yes_or_no) else _("To follow."))
    document.add_paragraph(book.company)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
