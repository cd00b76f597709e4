"""Pictures of a file's pages, so a buyer sees what they would download without opening it: a
PDF's pages drawn with PDFium, an image as it is. Other files (a deck, a spreadsheet) have no
preview; the buyer downloads them. Pictures are kept beside the file they were drawn from, so
each page is drawn once."""

from __future__ import annotations

import hashlib
import io

import pypdfium2 as pdfium

from prism.filestore import FileStore

MAX_PAGES = 12
WIDTH = 1100  # pixels: sharp on a laptop's screen, light on a phone's connection
IMAGES = ("image/png", "image/jpeg")


def previewable(media_type: str) -> bool:
    return media_type == "application/pdf" or media_type in IMAGES


def page_count(data: bytes, media_type: str) -> int:
    """How many pages of the file have a picture (none for a file that cannot be previewed)."""
    if media_type in IMAGES:
        return 1
    if media_type != "application/pdf":
        return 0
    return min(len(pdfium.PdfDocument(data)), MAX_PAGES)


def page(data: bytes, media_type: str, number: int, *, store: FileStore) -> bytes | None:
    """Page `number` (from 1) as a PNG, or None when the file has no such page."""
    if not 1 <= number <= page_count(data, media_type):
        return None
    if media_type in IMAGES:
        return data
    key = hashlib.sha256(data).hexdigest()
    name = f"page-{number}-{WIDTH}.png"
    kept = store.derived(key, name)
    if kept is not None:
        return kept
    drawn = _draw(data, number)
    store.keep_derived(key, name, drawn)
    return drawn


def _draw(data: bytes, number: int) -> bytes:
    document = pdfium.PdfDocument(data)
    sheet = document[number - 1]
    image = sheet.render(scale=WIDTH / sheet.get_width()).to_pil()
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()
