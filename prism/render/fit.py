"""Fitting text into a fixed box: Prism measures every line with the real font, so a slide never
overflows; what does not fit at the smallest readable size moves to a continuation slide."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from prism.render.brand import measuring_font

LEADING = 1.25  # line height as a multiple of the font size
GAP = 0.45  # space after a paragraph, as a multiple of the font size
SPLIT_SIZE = 18  # the size a paragraph too long for one slide is carried over at


def wrap(text: str, family: str, size: float, width: float, *, bold: bool = False) -> list[str]:
    """`text` broken into lines no wider than `width` points at `size` points."""
    font = measuring_font(family, bold, size)
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for word in paragraph.split():
            candidate = f"{line} {word}".strip()
            if line and font.getlength(candidate) > width:
                lines.append(line)
                line = word
            else:
                line = candidate
        lines.append(line)
    return lines


def height(
    paragraphs: Sequence[str], family: str, size: float, width: float, *, bold: bool = False
) -> float:
    """The height, in points, that `paragraphs` take at `size` in a box `width` wide."""
    lines = sum(len(wrap(p, family, size, width, bold=bold)) for p in paragraphs)
    return lines * size * LEADING + max(len(paragraphs) - 1, 0) * size * GAP


@dataclass(frozen=True)
class Fitted:
    size: float
    shown: list[str]
    rest: list[str]


def fit(
    paragraphs: Sequence[str],
    family: str,
    box: tuple[float, float],
    sizes: Sequence[float] = (24, 22, 20, 18, 16, 14),
    *,
    bold: bool = False,
) -> Fitted:
    """The largest size at which all `paragraphs` fit the box (width, height); if none does, as
    many as fit at the smallest size, and the rest for the next slide."""
    width, room = box
    for size in sizes:
        if height(paragraphs, family, size, width, bold=bold) <= room:
            return Fitted(size, list(paragraphs), [])
    smallest = sizes[-1]
    shown: list[str] = []
    for paragraph in paragraphs:
        if shown and height([*shown, paragraph], family, smallest, width, bold=bold) > room:
            break
        shown.append(paragraph)
    if height(shown, family, smallest, width, bold=bold) > room:
        # Text this long reads better carried over at a comfortable size than squeezed small.
        size = SPLIT_SIZE if SPLIT_SIZE in sizes else smallest
        return _split_first(paragraphs, family, size, box, bold=bold)
    return Fitted(smallest, shown, list(paragraphs[len(shown) :]))


def _split_first(
    paragraphs: Sequence[str], family: str, size: float, box: tuple[float, float], *, bold: bool
) -> Fitted:
    """The first paragraph alone is taller than the box: show the sentences that fit and carry
    the rest over (a single sentence too long even for that is cut with an ellipsis)."""
    sentences = re.split(r"(?<=[.!?])\s+", paragraphs[0])
    taken = 0
    while (
        taken < len(sentences)
        and height([" ".join(sentences[: taken + 1])], family, size, box[0], bold=bold) <= box[1]
    ):
        taken += 1
    if taken == 0:
        cut = clip(paragraphs[0], family, size, box, bold=bold)
        return Fitted(size, [cut], list(paragraphs[1:]))
    rest = " ".join(sentences[taken:])
    return Fitted(size, [" ".join(sentences[:taken])], [rest, *paragraphs[1:]])


def clip(
    text: str, family: str, size: float, box: tuple[float, float], *, bold: bool = False
) -> str:
    """`text` cut at a word so it fits the box, ending with an ellipsis."""
    width, room = box
    lines = wrap(text, family, size, width, bold=bold)
    keep = max(int(room // (size * LEADING)), 1)
    if len(lines) <= keep:
        return text
    cut = " ".join(lines[:keep]).rsplit(" ", 1)[0]
    return cut.rstrip(",;:. ") + "…"


def headline(text: str, words: int = 12) -> str:
    """The first sentence of `text`, at most `words` words: a talk's slide says little."""
    sentence = text.strip().split(". ")[0].rstrip(".")
    parts = sentence.split()
    return " ".join(parts[:words]) + ("…" if len(parts) > words else "")
