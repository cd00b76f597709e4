"""Text as the search index sees it: English words and Chinese characters alike.

Neither SQLite's unicode61 tokenizer nor PostgreSQL's parser splits Chinese, which is written
without spaces. Every CJK character is indexed as its own token; a Chinese query is split into
its words (`prism.chinese.words`, grammar words dropped) and each word becomes a phrase of
consecutive characters, so "数据安全" finds exactly that run, and "Vault 支持哪些数据驻留区域"
finds an item holding 支持, 数据, 驻留 and 区域 in any order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markupsafe import Markup, escape

from prism import chinese

_CJK = (
    "\u3040-\u30ff"  # hiragana, katakana
    "\u3400-\u4dbf"  # CJK extension A
    "\u4e00-\u9fff"  # CJK unified ideographs
    "\uac00-\ud7af"  # hangul syllables
    "\uf900-\ufaff"  # compatibility ideographs
)
_CJK_CHAR = re.compile(f"[{_CJK}]")
_TOKEN = re.compile(f"[{_CJK}]+|[^\\W_]+", re.UNICODE)
_CJK_RUN = re.compile(f"^[{_CJK}]+$")

STOP_WORDS = frozenset({
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "can", "do", "does", "for", "from",
    "has", "have", "how", "i", "if", "in", "into", "is", "it", "its", "me", "my", "of", "on",
    "or", "our", "so", "than", "that", "the", "their", "them", "then", "there", "these", "they",
    "this", "to", "us", "was", "we", "what", "when", "where", "which", "who", "why", "will",
    "with", "you", "your",
})  # fmt: skip


def spaced(text: str) -> str:
    """The text with a space around every CJK character, as it is handed to the indexer."""
    return _CJK_CHAR.sub(lambda m: f" {m.group(0)} ", text)


@dataclass(frozen=True)
class QueryTerms:
    """A query split into English-like words (stop words dropped) and CJK phrases."""

    words: tuple[str, ...]
    phrases: tuple[str, ...]

    @property
    def empty(self) -> bool:
        return not self.words and not self.phrases


def query_terms(query: str) -> QueryTerms:
    """The searchable parts of what someone typed, lower-cased, without duplicates."""
    phrases: list[str] = []
    for token in _TOKEN.findall(query.lower()):
        if _CJK_RUN.match(token):
            for phrase in _cjk_phrases(token):
                if phrase not in phrases:
                    phrases.append(phrase)
    return QueryTerms(tuple(content_words(query)[:12]), tuple(phrases[:12]))


def content_words(text: str) -> list[str]:
    """Every English-like word of `text` that carries meaning, lower-cased, in order, once;
    `query_terms` keeps the first twelve of them."""
    words = (t for t in _TOKEN.findall(text.lower()) if not _CJK_RUN.match(t))
    return list(dict.fromkeys(t for t in words if t not in STOP_WORDS and len(t) <= 60))


def _cjk_phrases(run: str) -> list[str]:
    """A run of CJK characters as the phrases a query looks for: its Chinese words without
    grammar words (the whole run when nothing else is left, or for Japanese and Korean)."""
    if not chinese.has_han(run):
        return [run]
    kept = [w for w in chinese.words(run) if w not in chinese.STOP_WORDS]
    return kept or [run]


def vocabulary(text: str) -> set[str]:
    """The alphabetic words of a text worth remembering for typo correction."""
    return {
        token
        for token in _TOKEN.findall(text.lower())
        if 3 <= len(token) <= 40 and token.isalpha() and not _CJK_RUN.match(token)
    }


_ENDINGS = ("ies", "ing", "es", "ed", "ly", "s")


def word_base(word: str) -> str:
    """A word without its commonest English ending (records, recorded → record), for telling
    another form of a known word from a typo."""
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            stem = word[: -len(ending)]
            return stem + "y" if ending == "ies" else stem
    return word


def highlight(text: str, terms: QueryTerms, *, width: int = 220) -> Markup:
    """A snippet of `text` around the first match, each match wrapped in <mark>, HTML-escaped."""
    pattern = _match_pattern(terms)
    flat = " ".join(text.split())
    found = pattern.search(flat) if pattern else None
    start = max(0, found.start() - width // 3) if found else 0
    snippet = flat[start : start + width]
    if start:
        snippet = "…" + snippet
    if start + width < len(flat):
        snippet += "…"
    if pattern is None:
        return escape(snippet)
    pieces: list[Markup] = []
    last = 0
    for match in pattern.finditer(snippet):
        pieces += [escape(snippet[last : match.start()]), Markup("<mark>%s</mark>") % match[0]]
        last = match.end()
    pieces.append(escape(snippet[last:]))
    return Markup("").join(pieces)


def _match_pattern(terms: QueryTerms) -> re.Pattern[str] | None:
    # Words match by their stem-like start ("secur" finds security and secure), as the index does.
    alternatives = [re.escape(word[: max(4, len(word) - 2)]) + r"\w*" for word in terms.words]
    alternatives += [re.escape(phrase) for phrase in terms.phrases]
    if not alternatives:
        return None
    return re.compile("|".join(sorted(alternatives, key=len, reverse=True)), re.IGNORECASE)
