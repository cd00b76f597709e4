"""Fitting text into a fixed box: Prism measures every line with the font's metrics, so a slide
never overflows; what does not fit at the smallest readable size moves to a continuation slide.
Chinese text, which has no spaces, may break after any character (never before its punctuation),
and is measured with the Chinese font."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from prism.cjk import IDEOGRAPHS, PUNCTUATION, has_cjk
from prism.render.brand import measuring_font

LEADING = 1.25  # line height as a multiple of the font size
GAP = 0.45  # space after a paragraph, as a multiple of the font size
SPLIT_SIZE = 18  # the size a paragraph too long for one slide is carried over at


# A breakable piece of text, with the space before it: a Chinese character and the punctuation
# that must stay with it, a run of such punctuation, or a word of any other script.
_PIECE = re.compile(
    rf"(\s*)([{IDEOGRAPHS}][{PUNCTUATION}]*|[{PUNCTUATION}]+|[^\s{IDEOGRAPHS}{PUNCTUATION}]+)"
)
_SCRIPT = re.compile(rf"([{IDEOGRAPHS}{PUNCTUATION}]+)")


def width(text: str, family: str, size: float, *, bold: bool = False) -> float:
    """How wide `text` is, in points, at `size` points (Chinese runs in the Chinese font)."""
    total = 0.0
    for n, run in enumerate(_SCRIPT.split(text)):
        if run:
            total += measuring_font(family, bold, size, n % 2 == 1).getlength(run)
    return total


def wrap(text: str, family: str, size: float, room: float, *, bold: bool = False) -> list[str]:
    """`text` broken into lines no wider than `room` points at `size` points."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for space, piece in _PIECE.findall(paragraph):
            candidate = f"{line}{' ' if space and line else ''}{piece}"
            if line and width(candidate, family, size, bold=bold) > room:
                lines.append(line)
                line = piece
            else:
                line = candidate
        lines.append(line)
    return lines


def height(
    paragraphs: Sequence[str], family: str, size: float, wide: float, *, bold: bool = False
) -> float:
    """The height, in points, that `paragraphs` take at `size` in a box `wide` points wide."""
    lines = sum(len(wrap(p, family, size, wide, bold=bold)) for p in paragraphs)
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
    wide, room = box
    for size in sizes:
        if height(paragraphs, family, size, wide, bold=bold) <= room:
            return Fitted(size, list(paragraphs), [])
    smallest = sizes[-1]
    shown: list[str] = []
    for paragraph in paragraphs:
        if shown and height([*shown, paragraph], family, smallest, wide, bold=bold) > room:
            break
        shown.append(paragraph)
    if height(shown, family, smallest, wide, bold=bold) > room:
        # Text this long reads better carried over at a comfortable size than squeezed small.
        size = SPLIT_SIZE if SPLIT_SIZE in sizes else smallest
        return _split_first(paragraphs, family, size, box, bold=bold)
    return Fitted(smallest, shown, list(paragraphs[len(shown) :]))


def _split_first(
    paragraphs: Sequence[str], family: str, size: float, box: tuple[float, float], *, bold: bool
) -> Fitted:
    """The first paragraph alone is taller than the box: show the sentences that fit and carry
    the rest over (a single sentence too long even for that is cut with an ellipsis)."""
    sentences = [s for s in re.split(r"(?<=[.!?])\s+|(?<=[。！？])", paragraphs[0]) if s]
    joiner = "" if has_cjk(paragraphs[0]) else " "
    taken = 0
    while (
        taken < len(sentences)
        and height([joiner.join(sentences[: taken + 1])], family, size, box[0], bold=bold) <= box[1]
    ):
        taken += 1
    if taken == 0:
        cut = clip(paragraphs[0], family, size, box, bold=bold)
        return Fitted(size, [cut], list(paragraphs[1:]))
    rest = joiner.join(sentences[taken:])
    return Fitted(size, [joiner.join(sentences[:taken])], [rest, *paragraphs[1:]])


def clip(
    text: str, family: str, size: float, box: tuple[float, float], *, bold: bool = False
) -> str:
    """`text` cut at a word so it fits the box, ending with an ellipsis."""
    wide, room = box
    lines = wrap(text, family, size, wide, bold=bold)
    keep = max(int(room // (size * LEADING)), 1)
    if len(lines) <= keep:
        return text
    shown = " ".join(lines[:keep])
    cut = shown.rsplit(" ", 1)[0] if " " in lines[keep - 1] else shown[:-1]
    return cut.rstrip(",;:.，。； ") + "…"


def headline(text: str, words: int = 12) -> str:
    """The first sentence of `text`, at most `words` words: a talk's slide says little."""
    sentence = text.strip().split(". ")[0].rstrip(".")
    parts = sentence.split()
    return " ".join(parts[:words]) + ("…" if len(parts) > words else "")
