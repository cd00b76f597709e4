"""Every word a rendered file holds, as a person opening it could find it: slide text and speaker
notes, a document's body, tables, headers and footers, a PDF's pages, an HTML page's source."""

from __future__ import annotations

import io
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from docx import Document
from pptx import Presentation
from pptx.shapes.base import BaseShape
from pptx.shapes.group import GroupShape
from pypdf import PdfReader

from prism.render.brand import FONT_DIR


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


def open_in_libreoffice(folder: Path, names: list[str]) -> dict[str, Path]:
    """Convert the files `names` in `folder` to PDF as a recipient's office suite would show
    them, with the shipped fonts installed (as a recipient's machine has Arial or its metric
    twin); each name's PDF, under `folder / "office"`."""
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.fail("LibreOffice is not installed; `make test` installs it")
    home = folder / "home"
    shutil.copytree(FONT_DIR, home / ".fonts", dirs_exist_ok=True)
    done = subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation=file://{folder / 'profile'}",
         "--convert-to", "pdf", "--outdir", str(folder / "office"), *(str(folder / n) for n in names)],
        capture_output=True, text=True, timeout=300, env={"HOME": str(home), "PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return {name: folder / "office" / f"{Path(name).stem}.pdf" for name in names}
