"""The interface in the reader's language: English, or Simplified Chinese.

Every sentence a person reads goes through `_` (or `{{ _("…") }}` in a template), whole, with
its values named in it — `_("No deal {deal}.", deal=7)` — never pieced together from parts, so a
translation can order the sentence as its language does. The Chinese catalog is
`prism/locale/zh/LC_MESSAGES/messages.po` (`make messages` extracts new sentences into it); a
sentence it lacks stays English, and a test fails until it is translated.

The language of the work being done is a context variable: a web request speaks the signed-in
person's chosen language, else the one their browser asks for (`Accept-Language`); the command
line and background jobs speak English. Dates, numbers and money are written the same way (万
and 亿 for large Chinese amounts)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Literal

from babel import Locale, dates, lists, numbers
from babel.messages.pofile import read_po

ENGLISH, CHINESE = "en", "zh"
Language = Literal["en", "zh"]  # a language Prism speaks, as settings and schemas name it
LANGUAGES = {ENGLISH: "English", CHINESE: "简体中文"}
# How Babel names each language's conventions (dates, numbers, currency signs).
_BABEL = {ENGLISH: "en_US", CHINESE: "zh_Hans_CN"}
CATALOGS = Path(__file__).parent / "locale"

_speaking: ContextVar[str] = ContextVar("speaking", default=ENGLISH)


def language() -> str:
    """The language of the work being done now."""
    return _speaking.get()


def speak(lang: str | None) -> None:
    """Speak `lang` (when it is one Prism has) for the rest of this context."""
    if lang in LANGUAGES:
        _speaking.set(lang)


@contextmanager
def speaking(lang: str | None) -> Iterator[None]:
    """Speak `lang` inside the block (English when it is not one Prism has)."""
    token = _speaking.set(lang if lang in LANGUAGES else ENGLISH)
    try:
        yield
    finally:
        _speaking.reset(token)


def _(message: str, /, **values: object) -> str:
    """`message` in the current language, its `{name}` places filled with `values`."""
    translated = translate(message)
    return translated.format(**values) if values else translated


def translate(message: str) -> str:
    """`message` in the current language, as it is (its places left unfilled)."""
    return _catalog(language()).get(message) or message


def term(value: object) -> str:
    """A word a record stores (a status, a stage, a role: `in_review`) as the reader says it."""
    return translate(str(value).replace("_", " "))


def ngettext(singular: str, plural: str, count: int, /, **values: object) -> str:
    """The singular or plural sentence for `count`, translated (`{count}` is filled too)."""
    return plural_form(singular, plural, count).format(count=count, **values)


def plural_form(singular: str, plural: str, count: int) -> str:
    """The translated sentence `count` asks for, its places unfilled (Chinese has one form)."""
    forms = _plurals(language()).get(singular)
    if forms:
        return forms[0] if count == 1 or len(forms) == 1 else forms[1]
    return singular if count == 1 else plural


def N_(message: str) -> str:  # noqa: N802 (the name gettext tools look for)
    """Mark `message` for translation where it is defined (a label in a table); it is
    translated with `_` where it is shown."""
    return message


@cache
def _entries(lang: str) -> tuple[dict[str, str], dict[str, tuple[str, ...]]]:
    if lang == ENGLISH:
        return {}, {}
    path = CATALOGS / lang / "LC_MESSAGES" / "messages.po"
    if not path.exists():
        return {}, {}
    with path.open("rb") as handle:
        catalog = read_po(handle)
    singular: dict[str, str] = {}
    plural: dict[str, tuple[str, ...]] = {}
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        if isinstance(message.id, tuple):
            if isinstance(message.string, tuple) and all(message.string):
                plural[message.id[0]] = tuple(message.string)
        elif isinstance(message.id, str) and message.string:
            singular[message.id] = str(message.string)
    return singular, plural


def _catalog(lang: str) -> dict[str, str]:
    return _entries(lang)[0]


def _plurals(lang: str) -> dict[str, tuple[str, ...]]:
    return _entries(lang)[1]


def negotiate(accept_language: str) -> str:
    """The language an `Accept-Language` header prefers among Prism's (English by default)."""
    wanted: list[tuple[float, str]] = []
    for part in accept_language.split(","):
        tag, _sep, params = part.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                weight = 0.0
        if tag:
            wanted.append((weight, tag.strip().lower()))
    for _weight, tag in sorted(wanted, key=lambda pair: -pair[0]):
        base = tag.split("-")[0]
        if base in LANGUAGES:
            return base
    return ENGLISH


def locale() -> Locale:
    return Locale.parse(_BABEL[language()])


# Prism's English date formats, and how Chinese writes the same thing.
_CHINESE_DATES = {
    "%d %b %Y": "y年M月d日",
    "%d %B %Y": "y年M月d日",
    "%a %d %b %Y": "y年M月d日 EEE",
    "%d %b": "M月d日",
    "%B %Y": "y年M月",
    "%b %Y": "y年M月",
    "%d %b %Y %H:%M": "y年M月d日 HH:mm",
    "%d %b %Y %H:%M UTC": "y年M月d日 HH:mm 'UTC'",
    "%d %b %H:%M": "M月d日 HH:mm",
}


def when(value: date | datetime | None, form: str = "%d %b %Y") -> str:
    """A day or a moment in one of Prism's formats (`form`, as strftime writes it in English),
    written as the reader's language writes it ("07 Dec 2026" / "2026年12月7日")."""
    if value is None:
        return ""
    pattern = _CHINESE_DATES.get(form) if language() == CHINESE else None
    if pattern is None:
        return value.strftime(form)
    if isinstance(value, datetime):
        return dates.format_datetime(value, pattern, locale=locale())
    return dates.format_date(value, pattern, locale=locale())


def either(words: list[str]) -> str:
    """Alternatives as the reader's language lists them: "A, B or C" / "A、B或C"."""
    return lists.format_list(words, style="or", locale=locale()) if words else ""


def format_number(value: int | float | Decimal) -> str:
    return numbers.format_decimal(value, locale=locale())


def short_money(value: int | float | Decimal) -> str:
    """An amount as people say it in a pipeline review: 420k, 1.25M; in Chinese 42万, 1.25亿."""
    amount = float(value)
    units = (
        ((100_000_000, "亿"), (10_000, "万"))
        if language() == CHINESE
        else ((1_000_000_000, "B"), (1_000_000, "M"), (1_000, "k"))
    )
    for size, unit in units:
        if amount >= size:
            return f"{_three(amount / size)}{unit}"
    return f"{amount:.0f}"


def _three(number: float) -> str:
    """About three significant digits, never in e-notation: 1.25, 42.5, 1690."""
    return f"{number:.0f}" if number >= 100 else f"{number:.3g}"
