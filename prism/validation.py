"""What a person reads when a value they sent does not fit a schema: the field, and what is
wrong with it in the reader's language.

Pydantic writes its complaints in English ("String should have at most 200 characters"). In
English Prism passes them on as they are; in another language each kind of complaint is said
through the catalog with the complaint's own numbers and choices, and a kind not listed here is
said plainly ("not a valid value") rather than left in English. A check Prism writes itself
(`raise ValueError(_("…"))` in a validator) is already in the reader's language and is shown
without pydantic's "Value error, " in front."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from prism.i18n import ENGLISH, N_, _, language, ngettext, translate

# Pydantic's kinds of complaint, each as a sentence with the complaint's context in its places.
_SAID = {
    "missing": N_("Field required"),
    "extra_forbidden": N_("Extra inputs are not permitted"),
    "string_type": N_("Input should be a valid string"),
    "string_too_short": N_("String should have at least {min_length} characters"),
    "string_too_long": N_("String should have at most {max_length} characters"),
    "string_pattern_mismatch": N_("String should match pattern '{pattern}'"),
    "int_type": N_("Input should be a valid integer"),
    "int_parsing": N_("Input should be a valid integer, unable to parse string as an integer"),
    "int_from_float": N_("Input should be a valid integer, got a number with a fractional part"),
    "float_type": N_("Input should be a valid number"),
    "float_parsing": N_("Input should be a valid number, unable to parse string as a number"),
    "finite_number": N_("Input should be a finite number"),
    "decimal_parsing": N_("Input should be a valid decimal"),
    "decimal_max_digits": N_("Decimal input should have no more than {max_digits} digits in total"),
    "decimal_max_places": N_(
        "Decimal input should have no more than {decimal_places} decimal places"
    ),
    "bool_type": N_("Input should be a valid boolean"),
    "bool_parsing": N_("Input should be a valid boolean, unable to interpret input"),
    "greater_than": N_("Input should be greater than {gt}"),
    "greater_than_equal": N_("Input should be greater than or equal to {ge}"),
    "less_than": N_("Input should be less than {lt}"),
    "less_than_equal": N_("Input should be less than or equal to {le}"),
    "multiple_of": N_("Input should be a multiple of {multiple_of}"),
    "literal_error": N_("Input should be {expected}"),
    "enum": N_("Input should be {expected}"),
    "too_short": N_("List should have at least {min_length} items"),
    "too_long": N_("List should have at most {max_length} items"),
    "list_type": N_("Input should be a valid list"),
    "dict_type": N_("Input should be a valid dictionary"),
    "model_type": N_("Input should be a valid dictionary"),
    "model_attributes_type": N_("Input should be a valid dictionary"),
    "date_type": N_("Input should be a valid date (YYYY-MM-DD)"),
    "date_parsing": N_("Input should be a valid date (YYYY-MM-DD)"),
    "date_from_datetime_parsing": N_("Input should be a valid date (YYYY-MM-DD)"),
    "date_from_datetime_inexact": N_("Input should be a valid date (YYYY-MM-DD)"),
    "datetime_type": N_("Input should be a valid date and time"),
    "datetime_parsing": N_("Input should be a valid date and time"),
    "datetime_from_date_parsing": N_("Input should be a valid date and time"),
    "timezone_aware": N_("Input should have timezone info"),
    "url_type": N_("Input should be a valid URL"),
    "url_parsing": N_("Input should be a valid URL"),
    "url_scheme": N_("URL scheme should be {expected_schemes}"),
    "url_too_long": N_("URL should have at most {max_length} characters"),
    "uuid_parsing": N_("Input should be a valid UUID"),
    "json_invalid": N_("is not valid JSON"),
}
_NOT_VALID = N_("not a valid value")


def said_wrong(error: Mapping[str, Any]) -> str:
    """What is wrong with one value (an entry of pydantic's `errors()`), in the reader's
    language."""
    kind, context = str(error.get("type", "")), dict(error.get("ctx") or {})
    if kind in ("value_error", "assertion_error") and "error" in context:
        return str(context["error"])
    if language() == ENGLISH:
        return str(error.get("msg") or translate(_NOT_VALID))
    said = _SAID.get(kind)
    if said is None:
        return _(_NOT_VALID)
    for name in ("expected", "expected_schemes"):  # "'a', 'b' or 'c'"
        if name in context:
            context[name] = str(context[name]).replace(" or ", ", ")
    try:
        return _(said, **context)
    except (KeyError, IndexError):  # a context pydantic changed: say it plainly
        return _(_NOT_VALID)


def field_errors(
    errors: Iterable[Mapping[str, Any]], *, under: Sequence[str] = (), skip: Sequence[str] = ()
) -> list[dict[str, Any]]:
    """Each of pydantic's `errors()` as Prism reports it: the field (its path, dotted, below
    `under` and without the parts in `skip`), what is wrong, and the kind of complaint."""
    found = []
    for error in errors:
        path = [*under, *(str(p) for p in error.get("loc", ()) if p not in skip)]
        if error.get("type") == "json_invalid":  # its place is a character, not a field
            path = [*under]
        found.append(
            {
                "field": ".".join(path) or "body",
                "message": said_wrong(error),
                "type": str(error.get("type", "")),
            }
        )
    return found


def summary(errors: Sequence[Mapping[str, Any]]) -> str:
    """One line for a list of field errors: the first, and how many more there are."""
    if not errors:
        return _("The input is not valid.")
    first = _("{field}: {message}", field=errors[0]["field"], message=errors[0]["message"])
    more = len(errors) - 1
    if not more:
        return first
    return ngettext(
        "{first} (and {count} more problem)", "{first} (and {count} more problems)", more,
        first=first,
    )  # fmt: skip
