"""Looking at a rendered page as a reader would: where every line of text landed (from
`pdftotext -bbox-layout`), and whether any of it runs off the page or over another line."""

from __future__ import annotations

import io
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

from pptx import Presentation
from pptx.util import Emu

from prism.render.deck import BULLET_INDENT
from prism.render.fit import height

NS = {"x": "http://www.w3.org/1999/xhtml"}
# A line's box runs from its font's ascender to its descender; its ink sits in the middle. Two
# lines whose middles cross are drawn over each other.
CORE = 0.25


@dataclass(frozen=True)
class Line:
    page: int
    text: str
    left: float
    top: float
    right: float
    bottom: float

    def core(self) -> tuple[float, float]:
        trim = (self.bottom - self.top) * CORE
        return self.top + trim, self.bottom - trim

    def crosses(self, other: Line) -> bool:
        top, bottom = self.core()
        other_top, other_bottom = other.core()
        across = min(self.right, other.right) - max(self.left, other.left)
        down = min(bottom, other_bottom) - max(top, other_top)
        return across > 1 and down > 1


@dataclass(frozen=True)
class Page:
    number: int
    width: float
    height: float
    lines: list[Line]


def pages(pdf: Path) -> list[Page]:
    """Every page of `pdf` with the box of each line of text on it."""
    tool = shutil.which("pdftotext")
    assert tool, "poppler-utils is not installed; `make test` installs it"
    out = pdf.with_suffix(".bbox.html")
    subprocess.run([tool, "-bbox-layout", str(pdf), str(out)], check=True, timeout=120)
    found = []
    root = ElementTree.parse(out).getroot()  # noqa: S314 (pdftotext's own output)
    for number, page in enumerate(root.iter(f"{{{NS['x']}}}page"), 1):
        lines = [
            Line(
                number,
                " ".join(w.text or "" for w in line.iter(f"{{{NS['x']}}}word")),
                float(line.get("xMin", 0)),
                float(line.get("yMin", 0)),
                float(line.get("xMax", 0)),
                float(line.get("yMax", 0)),
            )
            for line in page.iter(f"{{{NS['x']}}}line")
        ]
        found.append(Page(number, float(page.get("width", 0)), float(page.get("height", 0)), lines))
    return found


def problems(pdf: Path) -> list[str]:
    """Text that runs off its page, and lines drawn over one another."""
    found = []
    for page in pages(pdf):
        for line in page.lines:
            if line.left < -0.5 or line.top < -0.5 or line.right > page.width + 0.5 \
                    or line.bottom > page.height + 0.5:  # fmt: skip
                found.append(f"page {page.number}: “{line.text}” runs off the page")
        for n, line in enumerate(page.lines):
            for other in page.lines[n + 1 :]:
                if line.crosses(other):
                    found.append(f"page {page.number}: “{line.text}” overlaps “{other.text}”")
    return found


def slide_overflows(data: bytes) -> list[str]:
    """Text boxes of a deck whose text, measured as Prism measures it, is taller than the box."""
    found = []
    deck = Presentation(io.BytesIO(data))
    for number, slide in enumerate(deck.slides, 1):
        for shape in slide.shapes:
            if not shape.has_text_frame or not shape.text_frame.text:
                continue
            frame = shape.text_frame
            runs = [r for p in frame.paragraphs for r in p.runs]
            paragraphs = [p.text for p in frame.paragraphs]
            first = frame.paragraphs[0]._p.pPr
            indent = BULLET_INDENT if first is not None and first.get("marL") else 0
            wide, tall = Emu(shape.width).pt - indent, Emu(shape.height).pt
            needed = height(
                paragraphs,
                runs[0].font.name,
                runs[0].font.size.pt,
                wide,
                bold=bool(runs[0].font.bold),
            )
            if needed > tall + 0.5:
                found.append(
                    f"slide {number}: “{paragraphs[0][:40]}” needs {needed:.0f} pt of {tall:.0f}"
                )
    return found
