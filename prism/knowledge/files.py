"""Uploaded files: what they really are (by content, not by name), and the text inside them.

A file is accepted only when its bytes are one of the supported formats and its name agrees;
anything else (an executable renamed .pdf, a corrupt PDF, an oversized file) is refused with a
clear message before anything is stored.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from prism.errors import Invalid, PayloadTooLarge
from prism.i18n import _


@dataclass(frozen=True)
class Format:
    media_type: str
    extensions: tuple[str, ...]
    label: str


PDF = Format("application/pdf", (".pdf",), "PDF")
DOCX = Format(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",), "Word"
)
PPTX = Format(
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    (".pptx",),
    "PowerPoint",
)
XLSX = Format(
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",), "Excel"
)
PNG = Format("image/png", (".png",), "PNG image")
JPEG = Format("image/jpeg", (".jpg", ".jpeg"), "JPEG image")
GIF = Format("image/gif", (".gif",), "GIF image")
WEBP = Format("image/webp", (".webp",), "WebP image")
FORMATS = (PDF, DOCX, PPTX, XLSX, PNG, JPEG, GIF, WEBP)
ACCEPTED = ", ".join(ext for f in FORMATS for ext in f.extensions)


@dataclass(frozen=True)
class Extracted:
    format: Format
    text: str
    pages: int | None


def sniff(data: bytes) -> Format | None:
    """The format the bytes themselves say they are, whatever the file is called."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return GIF
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return WEBP
    if data.startswith(b"PK\x03\x04"):
        return _office(data)
    return None


def _office(data: bytes) -> Format | None:
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except zipfile.BadZipFile:
        return None
    if "[Content_Types].xml" not in names:
        return None
    for prefix, fmt in (("word/", DOCX), ("ppt/", PPTX), ("xl/", XLSX)):
        if any(name.startswith(prefix) for name in names):
            return fmt
    return None


def inspect(filename: str, data: bytes, *, max_bytes: int) -> Extracted:
    """Check an upload and pull out its text; raise a clear error for anything unacceptable."""
    if len(data) > max_bytes:
        raise PayloadTooLarge(
            _(
                "{filename} is {value:.1f} MiB; files may be at most {value2:.0f} MiB.",
                filename=filename,
                value=len(data) / 2**20,
                value2=max_bytes / 2**20,
            )
        )
    if not data:
        raise Invalid(_("{filename} is empty.", filename=filename))
    suffix = PurePath(filename).suffix.lower()
    fmt = sniff(data)
    if fmt is None:
        raise Invalid(
            _(
                "{filename} is not a supported file. Prism accepts {ACCEPTED}.",
                filename=filename,
                ACCEPTED=ACCEPTED,
            )
        )
    if suffix not in fmt.extensions:
        raise Invalid(
            _(
                "{filename} is really a {fmt} file, not what its name says; rename it "
                "to {value} if that is what it is.",
                filename=filename,
                fmt=fmt.label,
                value=fmt.extensions[0],
            )
        )
    text, pages = _extract(fmt, filename, data)
    return Extracted(fmt, " ".join(text.split()) if fmt is not PDF else text.strip(), pages)


def _extract(fmt: Format, filename: str, data: bytes) -> tuple[str, int | None]:
    try:
        if fmt is PDF:
            return _pdf(data)
        if fmt is DOCX:
            return _docx(data), None
        if fmt is PPTX:
            return _pptx(data)
        if fmt is XLSX:
            return _xlsx(data), None
    except Exception as exc:  # each library has its own errors for a damaged file
        raise Invalid(
            _(
                "{filename} looks like a {fmt} file but cannot be read ({name}); it may "
                "be damaged.",
                filename=filename,
                fmt=fmt.label,
                name=type(exc).__name__,
            )
        ) from None
    return "", None  # images: no text without OCR; their title and description are searched


def _pdf(data: bytes) -> tuple[str, int]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data), strict=True)
    pages = [page.extract_text() or "" for page in reader.pages]
    return "\n".join(pages), len(pages)


def _docx(data: bytes) -> str:
    import docx

    document = docx.Document(io.BytesIO(data))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def _pptx(data: bytes) -> tuple[str, int]:
    from pptx import Presentation

    deck = Presentation(io.BytesIO(data))
    texts = []
    for slide in deck.slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                texts.append(shape.text_frame.text)
        if slide.has_notes_slide:
            texts.append(slide.notes_slide.notes_text_frame.text)
    return "\n".join(texts), len(deck.slides)


def _xlsx(data: bytes) -> str:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    values = [
        str(value)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    ]
    book.close()
    return " ".join(values)
