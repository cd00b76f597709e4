"""Amounts as exports write them (how people say them is `prism.i18n.short_money`)."""

from __future__ import annotations

from prism.i18n import _

SYMBOLS = {"$": "USD", "US$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR", "CHF": "CHF"}


def parse_amount(text: str) -> tuple[int, str | None]:
    """An amount as exports write it, in whole units, with the currency it names if any:
    "$1,234.50" → (1235, "USD"), "EUR 1.234,50" → (1235, "EUR"), "1 200" → (1200, None).
    `ValueError` saying why otherwise (a negative amount is refused too)."""
    value = text.strip().replace("\u00a0", " ")
    currency = None
    for sign, code in sorted(SYMBOLS.items(), key=lambda kv: -len(kv[0])):
        if value.startswith(sign) or value.endswith(sign):
            currency, value = code, value.removeprefix(sign).removesuffix(sign).strip()
            break
    head, tail = value[:3], value[-3:]
    if currency is None and head.isalpha() and head.isupper():
        currency, value = head, value[3:].strip()
    elif currency is None and tail.isalpha() and tail.isupper():
        currency, value = tail, value[:-3].strip()
    digits = value.replace(" ", "").replace("'", "")
    if "," in digits and "." in digits:
        # The separator written last is the decimal one: 1,234.50 and 1.234,50 alike.
        thousands = "," if digits.rfind(",") < digits.rfind(".") else "."
        digits = digits.replace(thousands, "").replace(",", ".")
    elif "." in digits and all(len(g) == 3 for g in digits.split(".")[1:]):
        digits = digits.replace(".", "")  # 9.500 and 1.234.567: thousands (amounts have cents)
    elif "," in digits:
        whole, _sep, part = digits.rpartition(",")
        digits = digits.replace(",", "") if len(part) == 3 else f"{whole.replace(',', '')}.{part}"
    try:
        amount = float(digits)
    except ValueError:
        raise ValueError(_("{text} is not an amount", text=repr(text.strip()))) from None
    if amount < 0 or amount != amount or amount > 10**12:
        raise ValueError(
            _("{text} is not an amount between 0 and 1,000,000,000,000", text=repr(text.strip()))
        )
    return int(amount + 0.5), currency  # half up, as accountants round
