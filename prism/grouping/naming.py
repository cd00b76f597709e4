"""Names for groups of short texts (feedback themes, roadmap requests) that a person would have
written: a phrase most members say ("EU data residency"), or, when no phrase is shared, the most
typical member trimmed to its first clause. Either way the words are the members' own, so a
theme of Chinese items gets a Chinese name.

A phrase (two words or more, never across punctuation) is scored as class-based TF-IDF scores a
word: the share of the group's members that say it, times how rare it is across groups; between
phrases said as often, the shorter names the group. One word alone ("Okta") is a tag, not a name.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from prism.cjk import IDEOGRAPHS

# Words that say nothing about what a group is about; a phrase never starts or ends with one.
_QUIET = (
    "a about above after again against all am an and any are as at be because been before "
    "being below between both but by can could did do does doing down during each few for "
    "from further had has have having he her here hers herself him himself his how i if in "
    "into is it its itself just me more most my myself no nor not now of off on once only or "
    "other our ours ourselves out over own same she should so some such than that the their "
    "theirs them themselves then there these they this those through to too under until up "
    "very was we were what when where which while who whom why will with would you your yours "
    "yourself yourselves please need needs want wants would like also get got can't cannot "
    "don't doesn't isn't it's i'm we're they're let us really still much many lot lots one "
    "two way thing things make made use using used asked asks again customer customers "
    "they've we've i've say says said tell tells told telling since last without within per "
    "every even ever yet already always never whether"
)
STOPWORDS = frozenset(_QUIET.split())
# A word as written: letters, digits and the marks inside product names (C++, .NET, sign-on).
_WORD = re.compile(
    rf"[^\W_{IDEOGRAPHS}](?:[^\W{IDEOGRAPHS}]|['+#.-](?=[^\W_{IDEOGRAPHS}]))*[+#]*|[{IDEOGRAPHS}]"
)
_CLAUSE_END = re.compile(r"[.!?;。！？；\n]")
_IDEOGRAPH = re.compile(f"[{IDEOGRAPHS}]")
_BREAK = re.compile(r"[,.;:!?()\[\]{}\"“”/|…，。；：！？、（）「」]|\s[-–—]\s")

MAX_WORDS = 5  # the longest phrase considered (ideographs count one each, so up to 8)
MAX_IDEOGRAPHS = 8
READ_TOKENS = 40  # a member's first words are where it says what it is about
SAMPLE = 100  # members read per group: enough to see what most say, bounded for big groups
COVERS = 0.5  # a phrase names a group when at least half its members say it
MAX_CHARS = 60
MAX_CJK_CHARS = 20

Labels = NDArray[np.int64]


def name_groups(texts: Sequence[str], labels: Labels) -> list[str]:
    """A name for each group (0..max(labels)) of `texts`, members taken most typical first
    when `texts` is in that order."""
    count = int(labels.max()) + 1 if len(labels) else 0
    members: list[list[str]] = [[] for _ in range(count)]
    for text, label in zip(texts, labels, strict=True):
        if len(members[int(label)]) < SAMPLE:
            members[int(label)].append(text)
    said: list[list[dict[tuple[str, ...], str]]] = [
        [_phrases(_tokens(text)) for text in group] for group in members
    ]
    coverage: list[Counter[tuple[str, ...]]] = [
        Counter(key for phrases in group for key in phrases) for group in said
    ]
    spread = Counter(key for counts in coverage for key in counts)
    return [
        _name(members[g], said[g], coverage[g], spread, count) if members[g] else ""
        for g in range(count)
    ]


def name_one(text: str) -> str:
    """The name of a group of one: its text, trimmed to its first clause."""
    return trim(text)


def _name(
    texts: list[str],
    said: list[dict[tuple[str, ...], str]],
    coverage: Counter[tuple[str, ...]],
    spread: Counter[tuple[str, ...]],
    groups: int,
) -> str:
    size = len(texts)

    def score(key: tuple[str, ...]) -> float:
        return coverage[key] / size * math.log(1 + groups / spread[key])

    # A sentence most members repeat (forwarded, or with each customer's name before it) is the
    # name: said as they said it.
    repeated = _repeated_clause(texts)
    if repeated:
        return repeated
    # A phrase of two words or more that most members say (the shorter of two unrelated ones
    # said as often).
    named = [
        k for k in coverage if len(k) > 1 and coverage[k] >= 2 and coverage[k] >= COVERS * size
    ]
    # "EU data" is said exactly as often as "EU data residency": the whole phrase names it.
    named = [
        k for k in named if not any(coverage[o] == coverage[k] and _within(k, o) for o in named)
    ]
    if named:
        best = max(named, key=lambda key: (score(key), -len(key), key))
        shown = Counter(phrases[best] for phrases in said if best in phrases)
        return _capitalised(shown.most_common(1)[0][0])

    # Else the member that says most of what the group says, for its length.
    def typical(index: int) -> tuple[float, int]:
        keys = [k for k in said[index] if len(k) == 1]
        return (sum(score(k) for k in keys) / math.sqrt(len(keys) or 1), -len(texts[index]))

    return trim(texts[max(range(size), key=typical)])


def _repeated_clause(texts: list[str]) -> str | None:
    """The first clause that the most members contain whole, if at least half of them (two or
    more) do; the shorter of two contained as often."""
    lowered = [" ".join(text.split()).lower() for text in texts]
    best: tuple[int, int, str] | None = None
    for clause in {trim(text) for text in texts}:
        whole = clause.rstrip("…").lower()
        if len(whole) < 8:
            continue
        said = sum(1 for text in lowered if whole in text)
        if said >= 2 and said >= COVERS * len(texts):
            ranked = (-said, len(clause), clause)
            best = ranked if best is None or ranked < best else best
    return best[2] if best else None


def trim(text: str) -> str:
    """`text` cut to its first clause, then to a name's length at a word (or character, for
    Chinese) boundary, with an ellipsis where it was cut."""
    text = " ".join(text.split())
    clause = _CLAUSE_END.split(text, maxsplit=1)[0].strip() or text
    limit = MAX_CJK_CHARS if _IDEOGRAPH.search(clause) else MAX_CHARS
    if len(clause) > limit:
        cut = clause[: limit + 1]
        pause = max(cut.rfind(mark) for mark in ",，、")
        space = cut.rfind(" ")
        if pause > limit // 3:
            clause = cut[:pause]  # a clause of its own: no ellipsis
        else:
            clause = (cut[:space] if space > limit // 2 else cut[:limit]).rstrip(",-–— ") + "…"
    return _capitalised(clause)


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:] if text[:1].islower() else text


def _tokens(text: str) -> list[tuple[str, str]]:
    """(lower-cased, as written) for each word of `text`, each ideograph a word of its own, and
    a break ("", "") where punctuation parts two words: no phrase runs across one."""
    found: list[tuple[str, str]] = []
    last = 0
    for match in _WORD.finditer(text[:2000]):
        if found and _BREAK.search(text, last, match.start()):
            found.append(("", ""))
        found.append((match.group().lower(), match.group()))
        last = match.end()
        if len(found) >= READ_TOKENS:
            break
    return found


def _phrases(tokens: list[tuple[str, str]]) -> dict[tuple[str, ...], str]:
    """Every run of words that starts and ends on a word that carries meaning, keyed by its
    lower-cased words, with the way it was written."""
    found: dict[tuple[str, ...], str] = {}
    for start, (first, _) in enumerate(tokens):
        if _quiet(first):
            continue
        ideographic = bool(_IDEOGRAPH.fullmatch(tokens[start][1]))
        longest = MAX_IDEOGRAPHS if ideographic else MAX_WORDS
        for end in range(start + 1, min(start + longest, len(tokens)) + 1):
            run = tokens[start:end]
            if not run[-1][0]:
                break  # punctuation: the phrase ends before it
            if _quiet(run[-1][0]):
                continue
            if ideographic and len(run) < 2:
                continue  # one character says little
            key = tuple(lower for lower, _ in run)
            found.setdefault(key, _joined([shown for _, shown in run]))
    return found


def _within(short: tuple[str, ...], long: tuple[str, ...]) -> bool:
    """Is `short` a shorter run of words inside `long`?"""
    return len(short) < len(long) and any(
        long[i : i + len(short)] == short for i in range(len(long) - len(short) + 1)
    )


def _quiet(word: str) -> bool:
    return not word or word in STOPWORDS or word.isdigit()


def _joined(words: list[str]) -> str:
    """Words as written: spaces between Latin words, none between ideographs."""
    out = words[0]
    for before, word in itertools.pairwise(words):
        both = _IDEOGRAPH.fullmatch(before[-1]) and _IDEOGRAPH.fullmatch(word[0])
        out += word if both else " " + word
    return out
