"""Clustering a CSV export without the app: for analysts with a file from a support desk or a
call-recording tool. The same code as the app's themes (`clustering.cluster`)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import numpy as np

from prism.csvfile import read_table
from prism.embeddings import default_embedder
from prism.errors import Invalid
from prism.feedback import themes
from prism.grouping import clustering, naming
from prism.i18n import _


@dataclass(frozen=True)
class Clustered:
    """One output line per input row, in order: (row number, theme id or None, label)."""

    lines: list[tuple[int, int | None, str]]
    themes: int
    empty_rows: list[int]

    def as_csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["row", "theme_id", "theme_label"])
        for row, theme, label in self.lines:
            writer.writerow([row, "" if theme is None else theme, label])
        return out.getvalue()


def read_text_column(raw: bytes, column: str, *, encoding: str = "utf-8") -> list[str]:
    """The column's value for every data row, in order (blank lines are not rows). Refuses a
    file not in `encoding` (saying where) and a header without the column (listing the ones
    there are)."""
    table = read_table(raw, encoding=encoding)
    table.require([column])
    return [row.get(column) for row in table.rows]


def cluster_texts(texts: list[str], *, k: int | None = None, granularity: int = 0) -> Clustered:
    """Themes for the non-empty texts; empty rows keep their line with no theme."""
    if k is not None and k < 1:
        raise Invalid(_("--k must be at least 1."))
    themes.check_granularity(granularity)
    kept = [i for i, t in enumerate(texts) if t.strip()]
    empty = [i + 1 for i, t in enumerate(texts) if not t.strip()]
    if not kept:
        return Clustered([(i + 1, None, "") for i in range(len(texts))], 0, empty)
    chosen = [texts[i] for i in kept]
    vectors = default_embedder().embed(chosen)
    labels = clustering.cluster(vectors, k=k, granularity=granularity)
    names = naming.name_groups(chosen, labels)
    theme_of = {i: int(label) for i, label in zip(kept, labels, strict=True)}
    lines: list[tuple[int, int | None, str]] = []
    for i in range(len(texts)):
        theme = theme_of.get(i)
        lines.append(
            (i + 1, None if theme is None else theme + 1, "" if theme is None else names[theme])
        )
    return Clustered(lines, int(np.max(labels)) + 1, empty)
