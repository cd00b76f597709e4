"""Which layouts exist, which kinds of item each takes, in which formats, and who may see them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from prism.render import documents, slides, word
from prism.render.brand import Look
from prism.render.brief import Brief

Format = Literal["pptx", "pdf", "docx", "html"]
LayoutName = Literal[
    "sales_deck", "talk", "whitepaper", "one_pager", "battlecard", "faq_sheet", "pricing_sheet"
]

MEDIA_TYPES: dict[str, str] = {
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
}

Producer = Callable[[Brief, Look, str], bytes]


@dataclass(frozen=True)
class Layout:
    name: str
    label: str
    kinds: frozenset[str]
    producers: dict[str, Producer]
    # Customer-facing layouts draw only on published, customer-shareable items.
    external: bool = True

    @property
    def formats(self) -> tuple[str, ...]:
        return tuple(self.producers)


def _document(layout: str) -> dict[str, Producer]:
    return {
        "pdf": lambda brief, look, body: documents.pdf(layout, brief, look, body),
        "html": lambda brief, look, body: documents.html(layout, brief, look, body).encode(),
    }


_PITCHED = frozenset({"product", "solution"})
LAYOUTS: dict[str, Layout] = {
    layout.name: layout
    for layout in (
        Layout(
            "sales_deck",
            "Sales deck",
            _PITCHED | {"story"},
            {"pptx": lambda brief, look, _: slides.sales_deck(brief, look)},
        ),
        Layout(
            "talk",
            "Event talk",
            _PITCHED,
            {"pptx": lambda brief, look, _: slides.talk(brief, look)},
        ),
        Layout(
            "whitepaper",
            "Whitepaper",
            _PITCHED,
            {
                "pdf": _document("whitepaper")["pdf"],
                "docx": lambda brief, look, _: word.whitepaper(brief, look),
            },
        ),
        Layout("one_pager", "One-pager", _PITCHED | {"story"}, _document("one_pager")),
        Layout(
            "battlecard",
            "Battlecard",
            frozenset({"battlecard"}),
            _document("battlecard"),
            external=False,
        ),
        Layout("faq_sheet", "FAQ sheet", frozenset({"product"}), _document("faq_sheet")),
        Layout(
            "pricing_sheet",
            "Pricing sheet",
            frozenset({"product"}),
            {
                **_document("pricing_sheet"),
                "docx": lambda brief, look, _: word.pricing_sheet(brief, look),
                "pptx": lambda brief, look, _: slides.pricing_sheet(brief, look),
            },
        ),
    )
}

# What `--format` alone means for each kind of source.
DEFAULT_LAYOUT: dict[tuple[str, str], str] = {
    **{(kind, "pptx"): "sales_deck" for kind in ("product", "solution", "story")},
    **{(kind, "pdf"): "whitepaper" for kind in _PITCHED},
    **{(kind, "docx"): "whitepaper" for kind in _PITCHED},
    **{(kind, "html"): "one_pager" for kind in ("product", "solution", "story")},
    ("story", "pdf"): "one_pager",
    ("battlecard", "pdf"): "battlecard",
    ("battlecard", "html"): "battlecard",
}


def choose(kind: str, fmt: str, layout: str | None) -> Layout | str:
    """The layout for this kind and format, or why there is none."""
    if layout is None:
        name = DEFAULT_LAYOUT.get((kind, fmt))
        if name is None:
            return f"A {kind.replace('_', ' ')} does not render as {fmt}."
        return LAYOUTS[name]
    chosen = LAYOUTS.get(layout)
    if chosen is None:
        return f"No layout {layout!r}; choose one of {', '.join(LAYOUTS)}."
    if kind not in chosen.kinds:
        return f"A {chosen.label.lower()} is made from a {' or '.join(sorted(chosen.kinds))}."
    if fmt not in chosen.formats:
        return f"A {chosen.label.lower()} renders as {' or '.join(chosen.formats)}, not {fmt}."
    return chosen


def offered(kind: str) -> list[tuple[Layout, str]]:
    """Every (layout, format) an item of `kind` can become, for the render menu."""
    return [(lay, fmt) for lay in LAYOUTS.values() if kind in lay.kinds for fmt in lay.formats]
