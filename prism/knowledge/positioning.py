"""Moore's positioning statement as a sentence people can read aloud: "For [target] who [need],
[product] is a [category] that [key benefit]. Unlike [alternative], we [differentiator]." The
category takes the article English needs ("a platform", "an audit tool", "an SDK") unless it
brings its own, and a statement written in Chinese reads as Chinese. A part not yet written shows
as a visible gap."""

from __future__ import annotations

import re
from dataclasses import dataclass

from prism.cjk import has_cjk

# Words that already determine a noun phrase: no article goes before them.
_DETERMINERS = frozenset(
    [
        "a",
        "an",
        "the",
        "one",
        "our",
        "your",
        "their",
        "its",
        "this",
        "that",
        "every",
        "each",
        "any",
        "another",
        "some",
        "two",
        "three",
    ]
)
# Letters whose names start with a vowel sound, for acronyms: "an SDK", "an HR suite".
_VOWEL_LETTERS = frozenset("AEFHILMNORSX")
# Words that start with a vowel letter but a consonant sound, and the reverse.
_CONSONANT_SOUND = re.compile(r"^(uni|use|usa|usu|uti|eu|one|once|ubiq)", re.IGNORECASE)
_VOWEL_SOUND = re.compile(r"^(hour|honest|honou?r|heir)", re.IGNORECASE)


@dataclass(frozen=True)
class Parts:
    product: str
    target: str = ""
    need: str = ""
    category: str = ""
    benefit: str = ""
    alternative: str = ""
    differentiator: str = ""


def with_article(phrase: str) -> str:
    """`phrase` with "a" or "an" in front, unless it has a determiner of its own."""
    words = phrase.split()
    if not words or words[0].lower() in _DETERMINERS or has_cjk(phrase):
        return phrase
    first = words[0]
    if len(first) > 1 and first.isupper():
        vowel = first[0] in _VOWEL_LETTERS
    elif _VOWEL_SOUND.match(first):
        vowel = True
    else:
        vowel = first[0].lower() in "aeiou" and not _CONSONANT_SOUND.match(first)
    return f"{'an' if vowel else 'a'} {phrase}"


def statement(parts: Parts) -> str:
    """The statement as one or two sentences, in Chinese when the parts are written in it."""
    if any(has_cjk(text) for text in vars(parts).values()):
        return _chinese(parts)

    def part(value: str, what: str) -> str:
        return value.strip().rstrip(".") or f"[{what}]"

    category = with_article(parts.category.strip()) if parts.category.strip() else "[a category]"
    benefit = part(parts.benefit, "key benefit")
    return (
        f"For {part(parts.target, 'target')} who {part(parts.need, 'need')}, "
        f"{part(parts.product, 'product')} is {category} that {benefit}. "
        f"Unlike {part(parts.alternative, 'the alternative')}, we "
        f"{part(parts.differentiator, 'differentiator')}."
    )


def _chinese(parts: Parts) -> str:
    def part(value: str, what: str) -> str:
        return value.strip().rstrip("。.") or f"[{what}]"

    return (
        f"对于{part(parts.need, '需求')}的{part(parts.target, '目标客户')}，"
        f"{part(parts.product, '产品')}是一款{part(parts.category, '品类')}，"
        f"{part(parts.benefit, '关键收益')}。"
        f"与{part(parts.alternative, '替代方案')}不同，我们{part(parts.differentiator, '差异化')}。"
    )
