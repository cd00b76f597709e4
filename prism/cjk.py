"""Chinese text as rendering and writing see it: its characters and its full-width punctuation,
which the Latin fonts lack and which English rules (spaces between words, "a" or "an") do not
fit. (Search has its own, wider set in `search/text.py`: it also splits Japanese and Korean.)"""

from __future__ import annotations

import re

IDEOGRAPHS = "\u2e80-\u2fff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
PUNCTUATION = "\u3000-\u303f\uff00-\uffef"
# Any character a Chinese font has to draw.
CJK = re.compile(f"[{IDEOGRAPHS}{PUNCTUATION}]")


def has_cjk(text: str) -> bool:
    return CJK.search(text) is not None
