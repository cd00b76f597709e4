"""Word documents (python-docx) in the theme's fonts and colours, with page numbers: the
whitepaper (a title page, contents, the sections, the evidence with numbered references) and a
product's pricing sheet (its editions and list prices on one landscape page)."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from prism.render.brand import CJK_FAMILY, Look, office_font, rgb
from prism.render.brief import Brief
from prism.render.prices import PriceTable


def whitepaper(brief: Brief, look: Look) -> bytes:
    """The whitepaper as DOCX bytes."""
    doc = Document()
    _styles(doc, look)
    _title_page(doc, brief, look)
    sections = _sections(brief)
    doc.add_heading(brief.say("Contents"), level=1)
    for heading, _ in sections:
        doc.add_paragraph(heading, style="List Number")
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    for heading, write in sections:
        doc.add_heading(heading, level=1)
        write(doc)
    _page_numbers(doc, look)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _styles(doc: DocxDocument, look: Look) -> None:
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = office_font(look.body_font), Pt(10.5)
    # Chinese text in the East Asian slot, where Word looks for it.
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), CJK_FAMILY.office)
    normal.font.color.rgb = RGBColor(*rgb(look.ink))
    for name, size in (("Title", 30), ("Heading 1", 16), ("Heading 2", 12.5)):
        style = doc.styles[name]
        style.font.name, style.font.size = office_font(look.heading_font), Pt(size)
        style.font.bold = True
        style.font.color.rgb = RGBColor(*rgb(look.primary))
    section = doc.sections[0]
    section.page_height, section.page_width = Mm(297), Mm(210)
    section.left_margin = section.right_margin = Mm(20)


def _title_page(doc: DocxDocument, brief: Brief, look: Look) -> None:
    kicker = doc.add_paragraph().add_run(
        "WHITEPAPER — INTERNAL, NOT FOR CUSTOMERS"
        if brief.internal
        else brief.say("Whitepaper").upper()
    )
    kicker.bold, kicker.font.color.rgb = True, RGBColor(*rgb(look.accent))
    doc.add_paragraph(brief.title, style="Title")
    doc.add_paragraph(brief.subtitle)
    if brief.prepared_for:
        doc.add_paragraph(brief.say("Prepared for {customer}", customer=brief.prepared_for))
    doc.add_paragraph(f"{look.company} · {brief.month(date.today())}".strip(" ·"))
    if look.logo:
        doc.add_picture(io.BytesIO(look.logo), width=Mm(50))
    doc.add_section(WD_SECTION.NEW_PAGE)


Writer = Callable[[DocxDocument], None]


def _sections(brief: Brief) -> list[tuple[str, Writer]]:
    def para(text: str, what: str) -> Writer:
        return lambda doc: _gap_or_text(doc, brief.need(text, what))

    sections: list[tuple[str, Writer]] = [
        (brief.say("Executive summary"), para(brief.summary, "a one-line summary")),
        (brief.say("The challenge"), para(brief.problem, "the problem it solves")),
        (brief.say("Our approach"), lambda doc: _approach(doc, brief)),
        (brief.say("Why it matters"), lambda doc: _value(doc, brief)),
        (brief.say("The evidence"), lambda doc: _evidence(doc, brief)),
        (brief.say("References"), lambda doc: _references(doc, brief)),
    ]
    return sections


def _gap_or_text(doc: DocxDocument, text: str) -> None:
    run = doc.add_paragraph().add_run(text)
    if text.startswith("[To come:"):
        run.italic, run.font.color.rgb = True, RGBColor(0xA0, 0x52, 0x2D)


def _bullets(doc: DocxDocument, rows: list[tuple[str, str]]) -> None:
    for title, summary in rows:
        para = doc.add_paragraph(style="List Bullet")
        para.add_run(title).bold = True
        if summary:
            para.add_run(f" — {summary}")


def _approach(doc: DocxDocument, brief: Brief) -> None:
    _gap_or_text(doc, brief.need(brief.approach, "how it solves it"))
    for line in brief.body.splitlines():
        doc.add_paragraph(line)
    if brief.features:
        doc.add_heading(brief.say("Capabilities"), level=2)
        _bullets(doc, brief.features)


def _value(doc: DocxDocument, brief: Brief) -> None:
    _gap_or_text(doc, brief.need(brief.value, "the value it brings"))
    _bullets(doc, brief.messages)


def _evidence(doc: DocxDocument, brief: Brief) -> None:
    if not brief.proofs:
        _gap_or_text(doc, brief.need("", "customer-shareable proof points"))
    for number, proof in enumerate(brief.proofs, 1):
        para = doc.add_paragraph(style="List Bullet")
        para.add_run(proof.claim).bold = True
        para.add_run(f" — {proof.evidence} [{number}]" if proof.evidence else f" [{number}]")
    for story in brief.stories[:3]:
        doc.add_heading(story.customer, level=2)
        doc.add_paragraph(story.challenge)
        if story.solution:
            doc.add_paragraph(story.solution)
        _bullets(doc, [(result, metric) for metric, result in story.results])
        if story.quote:
            quote = doc.add_paragraph().add_run(
                f"“{story.quote}”" + (f" — {story.quote_by}" if story.quote_by else "")
            )
            quote.italic = True


def _references(doc: DocxDocument, brief: Brief) -> None:
    if not brief.proofs:
        doc.add_paragraph(brief.say("No published sources yet."))
    for number, proof in enumerate(brief.proofs, 1):
        source = proof.source_url or brief.say("internal measurement")
        doc.add_paragraph(f"[{number}] {proof.claim} — {source}")


def _page_numbers(doc: DocxDocument, look: Look) -> None:
    """A footer on the body pages: the company, the title and a PAGE field."""
    footer = doc.sections[-1].footer.paragraphs[0]
    footer.add_run(f"{look.company} · page " if look.company else "Page ")
    run = footer.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def pricing_sheet(brief: Brief, look: Look) -> bytes:
    """The product's editions and list prices as DOCX: one landscape page with the grid."""
    doc = Document()
    _styles(doc, look)
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_height, section.page_width = Mm(210), Mm(297)
    if brief.internal:
        banner = doc.add_paragraph().add_run("INTERNAL — FOR OUR TEAM ONLY, NOT FOR CUSTOMERS")
        banner.bold, banner.font.color.rgb = True, RGBColor(0xB4, 0x23, 0x18)
    doc.add_heading(brief.say("{product}: editions and pricing", product=brief.title), level=1)
    if brief.lede:
        doc.add_paragraph(brief.lede)
    table = brief.pricing
    if table is None:
        _gap_or_text(doc, brief.need("", "published, customer-shareable editions"))
    else:
        _price_grid(doc, brief, table, look)
    _page_numbers(doc, look)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _price_grid(doc: DocxDocument, brief: Brief, table: PriceTable, look: Look) -> None:
    grid = doc.add_table(rows=1, cols=len(table.editions) + 1)
    grid.style = "Light Grid Accent 1"
    head = grid.rows[0].cells
    for cell, column in zip(head[1:], table.editions, strict=True):
        cell.text = ""
        cell.paragraphs[0].add_run(column.title).bold = True
        if column.for_whom:
            cell.add_paragraph(column.for_whom)
    for feature, cells in table.rows:
        row = grid.add_row().cells
        row[0].text = feature
        for cell, said in zip(row[1:], cells, strict=True):
            cell.text = said
    price = grid.add_row().cells
    label = brief.say("Price") + (f" ({table.currency})" if table.currency else "")
    price[0].paragraphs[0].add_run(label).bold = True
    for cell, column in zip(price[1:], table.editions, strict=True):
        run = cell.paragraphs[0].add_run(column.price or brief.say("Contact us"))
        run.bold, run.font.color.rgb = True, RGBColor(*rgb(look.primary))
    if table.add_ons:
        doc.add_heading(brief.say("Add-ons"), level=2)
        for column, carries in table.add_ons:
            para = doc.add_paragraph(style="List Bullet")
            para.add_run(column.title).bold = True
            para.add_run(f" — {carries}: {column.price or brief.say('Contact us')}")
    doc.add_paragraph().add_run(brief.price_note).italic = True
    if brief.internal:
        for heading, lines in (
            (brief.say("Scheduled price changes"), table.scheduled),
            (brief.say("Discount guidance"), [f"{t}: {s}" for t, s in table.guidance]),
        ):
            if lines:
                doc.add_heading(heading, level=2)
                for line in lines:
                    doc.add_paragraph(line, style="List Bullet")
