"""Edit forms for every kind, read off each kind's fields model: one form codec, no per-kind
templates. Lists are one entry per line; pairs are "first | second" per line."""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from enum import Enum
from typing import Any, Literal

from annotated_types import MaxLen
from pydantic.fields import FieldInfo

from prism.knowledge.kinds import Kind, Pair

Widget = Literal["line", "text", "number", "flag", "choice", "choices", "lines", "pairs"]


@dataclass(frozen=True)
class FormField:
    name: str
    label: str
    widget: Widget
    value: Any
    options: tuple[str, ...] = ()
    hint: str = ""


def _widget(info: FieldInfo) -> tuple[Widget, tuple[str, ...]]:
    annotation = info.annotation
    args = typing.get_args(annotation)
    if typing.get_origin(annotation) is list:
        inner = args[0]
        if inner is Pair:
            return "pairs", ()
        if typing.get_origin(inner) is Literal:
            return "choices", tuple(typing.get_args(inner))
        return "lines", ()
    if typing.get_origin(annotation) is Literal:
        return "choice", tuple(args)
    if annotation is bool:
        return "flag", ()
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return "choice", tuple(m.value for m in annotation)
    if annotation is int or (isinstance(annotation, types.UnionType) and int in args):
        return "number", ()
    longest = max((m.max_length for m in info.metadata if isinstance(m, MaxLen)), default=0)
    return ("text" if longest > 300 else "line"), ()


def _own(kind: Kind) -> list[tuple[str, FieldInfo]]:
    """The fields the item's form edits: all but those managed on a page of their own."""
    return [(n, info) for n, info in kind.fields.model_fields.items() if n not in kind.managed]


def form_fields(kind: Kind, values: dict[str, Any]) -> list[FormField]:
    """The kind's own fields as form controls, filled with `values`."""
    defaults = kind.fields().model_dump(mode="json")
    fields = []
    for name, info in _own(kind):
        widget, options = _widget(info)
        value = values.get(name, defaults.get(name))
        labels = kind.pair_labels.get(name)
        hint = {
            "lines": "One per line.",
            "pairs": f"One per line: {labels[0]} | {labels[1]}." if labels else "",
        }.get(widget, "")
        if widget == "lines":
            value = "\n".join(value or [])
        elif widget == "pairs":
            value = "\n".join(f"{p['first']} | {p['second']}" for p in value or [])
        fields.append(
            FormField(name, name.replace("_", " ").capitalize(), widget, value, options, hint)
        )
    return fields


def parse_fields(kind: Kind, form: dict[str, Any]) -> dict[str, Any]:
    """A posted form's `fields.*` controls as the kind's fields (validated by the service)."""
    parsed: dict[str, Any] = {}
    for name, info in _own(kind):
        widget, options = _widget(info)
        raw = form.get(f"fields.{name}")
        if widget == "choices":
            parsed[name] = [o for o in options if form.get(f"fields.{name}.{o}") == "on"]
        elif widget == "lines":
            parsed[name] = [line.strip() for line in str(raw or "").splitlines() if line.strip()]
        elif widget == "pairs":
            parsed[name] = [_pair(line) for line in str(raw or "").splitlines() if line.strip()]
        elif widget == "number":
            parsed[name] = raw or None
        elif widget == "flag":
            parsed[name] = raw == "on"
        elif raw is not None:
            parsed[name] = raw
        elif widget in ("line", "text"):
            parsed[name] = ""
    return parsed


def _pair(line: str) -> dict[str, str]:
    first, _, second = line.partition("|")
    return {"first": first.strip(), "second": second.strip() or "—"}
