"""Every word a rendered file holds, as a person opening it could find it: slide text and speaker
notes, a document's body, tables, headers and footers, a PDF's pages, an HTML page's source."""

from __future__ import annotations

import io
from collections.abc import Iterator

from docx import Document
from pptx import Presentation
from pptx.shapes.base import BaseShape
from pptx.shapes.group import GroupShape
from pypdf import PdfReader


def file_text(fmt: str, data: bytes) -> str:
    """The text of a file of `fmt` (pptx, docx, pdf, html, or a name ending in one of them)."""
    kind = fmt.rsplit(".", 1)[-1]
    if kind == "pptx":
        return pptx_text(data)
    if kind == "docx":
        return docx_text(data)
    if kind == "pdf":
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return data.decode()


def pptx_text(data: bytes) -> str:
    deck = Presentation(io.BytesIO(data))
    parts: list[str] = []
    for slide in deck.slides:
        parts += [_shape_text(s) for s in _shapes(slide.shapes)]
        if slide.has_notes_slide:
            parts.append(slide.notes_slide.notes_text_frame.text)  # type: ignore[union-attr]
    return "\n".join(p for p in parts if p)


def _shapes(shapes: object) -> Iterator[BaseShape]:
    for shape in shapes:  # type: ignore[attr-defined]
        if isinstance(shape, GroupShape):
            yield from _shapes(shape.shapes)
        else:
            yield shape


def _shape_text(shape: BaseShape) -> str:
    if shape.has_text_frame:  # type: ignore[attr-defined]
        return str(shape.text_frame.text)  # type: ignore[attr-defined]
    if getattr(shape, "has_table", False):
        table = shape.table  # type: ignore[attr-defined]
        return "\n".join(cell.text for row in table.rows for cell in row.cells)
    return ""


def docx_text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    parts += [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    for section in doc.sections:
        parts += [p.text for p in section.header.paragraphs + section.footer.paragraphs]
    return "\n".join(parts)
