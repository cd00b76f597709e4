"""Reading CSV files as people export them: a byte-order mark, quoted commas and line breaks,
blank lines, another encoding said out loud, dates in the common formats. Every row keeps the
line it starts on, so a problem can be reported where the user will look for it."""

from __future__ import annotations

import codecs
import csv
import functools
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Literal, get_args

from prism.errors import Invalid
from prism.i18n import _

# The encodings an export is likely to be in; anything else is refused by name.
Encoding = Literal["utf-8", "utf-16", "cp1252", "latin-1", "gb18030", "shift_jis"]
ENCODINGS: tuple[str, ...] = get_args(Encoding)


@dataclass(frozen=True)
class Row:
    line: int  # the line of the file the row starts on (the header is line 1)
    values: dict[str, str]

    def get(self, column: str | None) -> str:
        """The row's value in `column`, trimmed ("" for no column or a short row)."""
        return (self.values.get(column) or "").strip() if column else ""


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[Row]

    def require(self, columns: Iterable[str | None]) -> None:
        """`Invalid` naming the first wanted column the header lacks, and the ones it has."""
        missing = next((c for c in columns if c and c not in self.header), None)
        if missing is not None:
            found = ", ".join(self.header)
            raise Invalid(
                _(
                    "No column {missing!r} in the header; the columns are: {found}.",
                    missing=missing,
                    found=found,
                )
            )


def decode(raw: bytes, encoding: str = "utf-8") -> str:
    """The file's text; a file that is not in `encoding` is refused, saying where it breaks."""
    if encoding not in ENCODINGS:
        raise Invalid(
            _(
                "Unknown encoding {encoding!r}; use one of: {join}.",
                encoding=encoding,
                join=", ".join(ENCODINGS),
            )
        )
    if encoding == "utf-8":
        encoding = "utf-8-sig"  # Excel starts its UTF-8 exports with a byte-order mark
    try:
        text = codecs.decode(raw, encoding)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        others = ", ".join(e for e in ENCODINGS if e != "utf-8")
        raise Invalid(
            _(
                "The file is not {upper} text (line {line}, byte {start}); save it as "
                "UTF-8 CSV, or name its encoding ({others}).",
                upper=encoding.removesuffix("-sig").upper(),
                line=line,
                start=exc.start,
                others=others,
            )
        ) from None
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise Invalid(
            _(
                "Line {line} holds a NUL character (\\u0000), which is not text: is "
                "this a spreadsheet saved in another format? Save it as CSV and import "
                "again.",
                line=line,
            )
        )
    return text


def read_table(raw: bytes, *, encoding: str = "utf-8") -> Table:
    """The header and the rows (empty lines are not rows), each with the line it starts on.

    A quoted field that is never closed is refused, naming the line it opens on: the lenient
    reader would otherwise take the rest of the file as one value and import it silently.
    """
    text = decode(raw, encoding)
    lines = io.StringIO(text, newline="").readlines()
    reader = csv.reader(lines)
    start = 1
    try:
        header = [h.strip() for h in next(reader, [])]
        _closed(lines, 1, reader.line_num)
        if not any(header):
            raise Invalid(_("The file is empty: it needs a header row naming its columns."))
        rows = []
        start = reader.line_num + 1
        for cells in reader:
            _closed(lines, start, reader.line_num)
            # Only an empty line is no row: `""` or `,,` is a row whose values are empty.
            if cells:
                rows.append(Row(start, dict(zip(header, cells, strict=False))))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise Invalid(
            _("Line {value} is not valid CSV: {exc}.", value=reader.line_num + 1, exc=exc)
        ) from None
    return Table(header, rows)


# A quoted value may hold line breaks (a long comment), but not more than this many.
MAX_LINES_PER_ROW = 100


def _closed(lines: list[str], first: int, last: int) -> None:
    """`Invalid` if the row on lines `first`..`last` opens a quote it never closes: it runs to
    the end of the file, or over more lines than any real value."""
    spans = last - first + 1
    unclosed = last == len(lines) and _opens_quote(lines[first - 1 : last])
    if unclosed or spans > MAX_LINES_PER_ROW:
        where = "to the end of the file" if unclosed else f"over {spans} lines"
        raise Invalid(
            _(
                "Line {first} opens a quoted value that runs {where}: a closing quote "
                '(") is probably missing. Fix that line and import again; nothing was '
                "imported.",
                first=first,
                where=where,
            )
        )


def _opens_quote(lines: list[str]) -> bool:
    """Whether a strict reader finds the row's text ends inside a quoted value."""
    try:
        for _unused in csv.reader(lines, strict=True):
            pass
    except csv.Error as exc:
        return "unexpected end of data" in str(exc)
    return False


# Unambiguous formats first; slashed dates are month first (as US CRMs export them) unless
# the caller says the file is day first.
_FORMATS = ("%d %b %Y", "%d %B %Y", "%b %d, %Y", "%B %d, %Y", "%d.%m.%Y", "%Y/%m/%d")


@functools.lru_cache(maxsize=4096)  # an export repeats its days; strptime is slow
def parse_day(text: str, *, day_first: bool = False) -> date:
    """A date as exports write it: 2026-11-03, 2026-11-03T10:00:00Z, 3 Nov 2026, Nov 3, 2026,
    03.11.2026, 11/03/2026 (or 03/11/2026 with `day_first`). `ValueError` otherwise."""
    value = text.strip()
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).date()
    except ValueError:
        pass
    slashed = ("%d/%m/%Y", "%d/%m/%y") if day_first else ("%m/%d/%Y", "%m/%d/%y")
    for fmt in (*_FORMATS, *slashed):
        try:
            return datetime.strptime(value.split(" ")[0] if "/" in value else value, fmt).date()
        except ValueError:
            continue
    order = "DD/MM/YYYY" if day_first else "MM/DD/YYYY"
    raise ValueError(
        _(
            "{value} is not a date (write it as YYYY-MM-DD, 3 Nov 2026 or {order})",
            value=repr(value),
            order=order,
        )
    )


class OnError(StrEnum):
    """What an import does when some rows are bad."""

    REJECT = "reject"  # import nothing, report every bad row
    SKIP = "skip"  # import the good rows, report the bad ones


@dataclass(frozen=True)
class Problem:
    """What is wrong with one row: its line (or, for records sent to an API, its number)."""

    line: int
    column: str
    message: str
    unit: str = "line"

    def as_error(self) -> dict[str, object]:
        return {"field": f"{self.unit} {self.line}", "column": self.column, "message": self.message}


class Names:
    """Ids by any of their names, ignoring case: an account by its name or CRM id, a deal by
    its name or number, a team, product or competitor by its name."""

    def __init__(self, rows: Iterable[Sequence[object]]) -> None:
        self.ids: dict[str, set[int]] = {}
        for ident, *labels in rows:
            for label in labels:
                if label:
                    self.ids.setdefault(str(label).strip().lower(), set()).add(int(str(ident)))

    def find(self, value: str, what: str) -> int:
        """The one id called `value`; `LookupError` saying why when none or several are."""
        found = self.ids.get(value.strip().lower(), set())
        if len(found) > 1:
            raise LookupError(f"{len(found)} {what}s are called {value!r}; use its id")
        if not found:
            raise LookupError(f"no {what} {value!r}")
        return next(iter(found))


def write_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A table as CSV for a spreadsheet: a header row, empty cells for None, and any text a
    spreadsheet would run as a formula (=, +, -, @) written as text."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(value) for value in row])
    return out.getvalue()


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value
