"""Amounts as exports write them (how people say them is `prism.i18n.short_money`)."""

from __future__ import annotations

import re
from decimal import Decimal

from babel import numbers

from prism.i18n import _, locale

SYMBOLS = {"$": "USD", "US$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR", "CHF": "CHF"}


def _currency_named(text: str) -> tuple[str | None, str]:
    """The currency an amount names by sign or code ("$", "EUR"), if any, and the rest."""
    value = text.strip().replace("\u00a0", " ")
    for sign, code in sorted(SYMBOLS.items(), key=lambda kv: -len(kv[0])):
        if value.startswith(sign) or value.endswith(sign):
            return code, value.removeprefix(sign).removesuffix(sign).strip()
    head, tail = value[:3], value[-3:]
    if head.isalpha() and head.isupper():
        return head, value[3:].strip()
    if tail.isalpha() and tail.isupper():
        return tail, value[:-3].strip()
    return None, value


def _separators_read(value: str, *, dotted_thousands: bool) -> str:
    """Digits with one decimal point: "1,234.50" and "1.234,50" → "1234.50", "45,00" → "45.00",
    "1,234" → "1234"; with `dotted_thousands`, "9.500" is nine thousand five hundred."""
    digits = value.replace(" ", "").replace("'", "")
    if "," in digits and "." in digits:
        # The separator written last is the decimal one: 1,234.50 and 1.234,50 alike.
        thousands = "," if digits.rfind(",") < digits.rfind(".") else "."
        return digits.replace(thousands, "").replace(",", ".")
    if dotted_thousands and "." in digits and all(len(g) == 3 for g in digits.split(".")[1:]):
        return digits.replace(".", "")  # 9.500 and 1.234.567: thousands (amounts have cents)
    if "," in digits:
        whole, _sep, part = digits.rpartition(",")
        return digits.replace(",", "") if len(part) == 3 else f"{whole.replace(',', '')}.{part}"
    return digits


def parse_amount(text: str) -> tuple[int, str | None]:
    """An amount as exports write it, in whole units, with the currency it names if any:
    "$1,234.50" → (1235, "USD"), "EUR 1.234,50" → (1235, "EUR"), "1 200" → (1200, None).
    `ValueError` saying why otherwise (a negative amount is refused too)."""
    currency, value = _currency_named(text)
    digits = _separators_read(value, dotted_thousands=True)
    try:
        amount = float(digits)
    except ValueError:
        raise ValueError(_("{text} is not an amount", text=repr(text.strip()))) from None
    if amount < 0 or amount != amount or amount > 10**12:
        raise ValueError(
            _("{text} is not an amount between 0 and 1,000,000,000,000", text=repr(text.strip()))
        )
    return int(amount + 0.5), currency  # half up, as accountants round


# Digits after the decimal point in each currency's smallest unit (ISO 4217); others have two.
EXPONENTS = {"JPY": 0, "KRW": 0, "CLP": 0, "ISK": 0, "VND": 0, "KWD": 3, "BHD": 3, "JOD": 3}
MOST = 10**15  # the largest amount in minor units Prism stores: ten trillion dollars and cents


def exponent(currency: str) -> int:
    return EXPONENTS.get(currency, 2)


def to_minor(text: str, currency: str) -> int:
    """A price as people type it ("49", "49.90", "1,299.00", "45,00", "$ 3,500") in `currency`'s
    smallest unit, exactly: 4990 cents for "49.90" in USD. `ValueError` saying why otherwise:
    not a number, negative, in another currency, more decimals than the currency has, or too
    large."""
    named, value = _currency_named(text)
    # "¥" is the yen's sign and the yuan's: either currency may be written with it.
    if named is not None and named != currency and not (named == "JPY" and currency == "CNY"):
        raise ValueError(
            _("{text} is not in {currency}", text=repr(text.strip()), currency=currency)
        )
    cleaned = _separators_read(value, dotted_thousands=False)
    if not re.fullmatch(r"[0-9]+(\.[0-9]+)?", cleaned):
        raise ValueError(_("{text} is not an amount", text=repr(text.strip())))
    amount = Decimal(cleaned)
    minor = amount.scaleb(exponent(currency))
    if minor != minor.to_integral_value():
        raise ValueError(
            _(
                "{text} has more decimals than {currency} has ({places})",
                text=repr(text.strip()),
                currency=currency,
                places=exponent(currency),
            )
        )
    if minor > MOST:
        raise ValueError(_("{text} is too large an amount", text=repr(text.strip())))
    return int(minor)


def from_minor(minor: int, currency: str) -> Decimal:
    """An amount in `currency`'s smallest unit as an exact decimal: 4990 → Decimal("49.90")."""
    places = exponent(currency)
    return Decimal(minor).scaleb(-places).quantize(Decimal(1).scaleb(-places))


def plain(minor: int, currency: str) -> str:
    """An amount as files write it, exact and without grouping: "49.90", "3500"."""
    return str(from_minor(minor, currency))


def shown(minor: int, currency: str) -> str:
    """An amount as the reader's language writes a price: "$49.90", "€1.299,00" stays in the
    reader's own grouping, "US$49.90" and "¥3,500.00" in Chinese."""
    return numbers.format_currency(from_minor(minor, currency), currency, locale=locale())
