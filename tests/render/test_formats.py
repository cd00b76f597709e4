"""Every layout in every format is a real file: opened by its own library, converted by
LibreOffice, with text that fits its slides, placeholders for what is missing, the brand's logo,
and no network access while rendering."""

from __future__ import annotations

import dataclasses
import http.server
import io
import threading
from pathlib import Path

import pytest
from docx import Document
from pptx import Presentation
from pypdf import PdfReader

from prism.demo.toolkits import logo
from prism.knowledge.models import Audience
from prism.render.brand import DEFAULT_LOOK, FONT_DIR, Look
from prism.render.brief import Battle, Brief, Proof, StoryPoint
from prism.render.layouts import LAYOUTS
from prism.render.prices import Column, PriceTable
from prism.render.schemas import FontName
from tests.extract import file_text, open_in_libreoffice
from tests.layout import slide_overflows

LOOK = dataclasses.replace(DEFAULT_LOOK, company="Helio", logo=logo(), logo_media_type="image/png")
PAIRS = [(name, fmt) for name, layout in LAYOUTS.items() for fmt in layout.formats]


def rich(**overrides: object) -> Brief:
    story = StoryPoint(
        "Northwind passes its audit",
        "Northwind Bank",
        "Financial services",
        "The audit took five months.",
        "Vault rolled out in six weeks.",
        [("Audit preparation", "-70%"), ("Major findings", "0")],
        "We walked into the audit calm.",
        "CISO, Northwind",
    )
    values: dict[str, object] = {
        "title": "Audit-ready in days, not months", "subtitle": "Continuous evidence for banks.",
        "kind_label": "solution", "prepared_for": "St. Mary's Health",
        "problem": "Banks spend months assembling evidence for auditors.",
        "approach": "Vault collects evidence continuously.", "value": "Audits take days.",
        "body": "Details of the **approach**.", "products": ["Vault"],
        "features": [("Evidence collector", "Pulls evidence from 40 systems")],
        "messages": [("Always audit-ready", "No more evidence sprints")],
        "proofs": [Proof("Audit prep cut by 70%", "Across 12 customers", "https://example.com/s")],
        "stories": [story], "faqs": [("Can Vault export evidence?", "Yes, as signed PDF bundles.")],
        "battle": Battle("GuardianDB", ["Agentless"], ["Price"], ["Ask about export"],
                      [("Too expensive", "Lower total cost")], "Lead with total cost."),
        "pricing": PriceTable(
            "USD", "07 December 2026",
            [Column("Vault Platform", "One data estate", "$90,000.00 a year"),
             Column("Vault Enterprise", "Regulated companies", "")],
            [("PII discovery", ["✓ 20 connected systems", "✓ 50 connected systems"]),
             ("Tokenisation", ["—", "✓"])],
            [(Column("Extra systems", "", "$1,500.00 per connected system a year"),
              "PII discovery (+1 per unit)")],
            ["EUR"], ["From 21 Jan 2027: Vault Platform, $96,000.00 a year"],
            [("Vault Platform", "up to 10%: Sales manager; never more than 30% off")],
        ),
    }  # fmt: skip
    values.update(overrides)
    return Brief(**values)  # type: ignore[arg-type]


def render(layout: str, fmt: str, brief: Brief, look: Look = LOOK) -> bytes:
    return LAYOUTS[layout].producers[fmt](brief, look, brief.body)


def text_of(fmt: str, data: bytes) -> str:
    """The file's text as its own library reads it (which also proves it opens)."""
    if fmt == "html":
        assert data.startswith(b"<!doctype html>")
    return file_text(fmt, data)


@pytest.mark.parametrize(("layout", "fmt"), PAIRS)
def test_every_layout_opens_in_its_own_library(layout: str, fmt: str) -> None:
    text = text_of(fmt, render(layout, fmt, rich()))
    assert "Audit-ready in days" in text or "Audit-ready in days".replace(" ", "") in text.replace(
        " ", ""
    )


@pytest.mark.parametrize("fmt", LAYOUTS["pricing_sheet"].formats)
def test_a_pricing_sheet_shows_the_grid_and_keeps_guidance_for_our_team(fmt: str) -> None:
    for_customers = text_of(fmt, render("pricing_sheet", fmt, rich())).replace("\n", " ")
    for said in (
        "Vault Enterprise",
        "50 connected systems",
        "$90,000.00 a year",
        "Contact us",
        "Extra systems",
        "List prices in USD, before taxes, in force on 07 December 2026",
    ):
        assert said in for_customers, said
    assert "Sales manager" not in for_customers and "96,000" not in for_customers
    ours = text_of(fmt, render("pricing_sheet", fmt, rich(audience=Audience.INTERNAL)))
    if fmt != "pptx":  # a slide keeps to the grid; the price card's other formats say the rest
        assert "Sales manager" in ours and "96,000" in ours


@pytest.mark.parametrize(("layout", "fmt"), PAIRS)
def test_missing_fields_render_as_placeholders(layout: str, fmt: str) -> None:
    empty = Brief(title="Bare solution", subtitle="", kind_label="solution",
                  battle=Battle("", [], [], [], [], ""))  # fmt: skip
    text = text_of(fmt, render(layout, fmt, empty))
    assert "To come" in text.replace("\n", " ")
    assert empty.gaps


def test_text_never_overflows_a_slide_and_long_text_continues() -> None:
    sentence = "Evidence is assembled by hand from spreadsheets that go stale between audits. "
    long = rich(problem=sentence * 40, features=[(f"Capability {n}", sentence) for n in range(14)])
    short_slides = len(Presentation(io.BytesIO(render("sales_deck", "pptx", rich()))).slides)
    for layout in ("sales_deck", "talk"):
        assert slide_overflows(render(layout, "pptx", long)) == []
    assert len(Presentation(io.BytesIO(render("sales_deck", "pptx", long))).slides) > short_slides


def test_the_logo_and_fonts_reach_every_format() -> None:
    deck = Presentation(io.BytesIO(render("sales_deck", "pptx", rich())))
    assert any(s.shape_type == 13 for slide in deck.slides for s in slide.shapes)  # pictures
    # Slides name a font every recipient's Office has (measured with its metric twin, Arimo).
    assert {r.font.name for slide in deck.slides for s in slide.shapes if s.has_text_frame
            for p in s.text_frame.paragraphs for r in p.runs} == {"Arial"}  # fmt: skip
    serif_deck = Presentation(io.BytesIO(render("sales_deck", "pptx", rich(), dataclasses.replace(
        LOOK, heading_font="Source Serif 4"))))  # fmt: skip
    assert "Times New Roman" in {r.font.name for slide in serif_deck.slides for s in slide.shapes
                                 if s.has_text_frame for p in s.text_frame.paragraphs for r in p.runs}  # fmt: skip
    assert Document(io.BytesIO(render("whitepaper", "docx", rich()))).inline_shapes
    assert b"data:image/png;base64" in render("one_pager", "html", rich())
    serif = dataclasses.replace(LOOK, heading_font="Source Serif 4")
    page = PdfReader(io.BytesIO(render("one_pager", "pdf", rich(), serif))).pages[0]
    fonts = page["/Resources"]["/Font"]
    embedded = {str(fonts[name].get_object()["/BaseFont"]) for name in fonts}
    assert any("Source-Serif-4" in f for f in embedded), embedded
    assert any("Inter" in f for f in embedded), embedded


def test_the_font_choices_are_the_shipped_fonts() -> None:
    from typing import get_args

    from prism.render.brand import FONTS

    assert set(get_args(FontName)) == set(FONTS)
    assert all((FONT_DIR / f.regular).exists() for f in FONTS.values())


def test_rendering_never_reaches_the_network() -> None:
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/tracker.png"
    try:
        brief = rich(body=f"![pixel]({url})")
        render("whitepaper", "pdf", brief)
    finally:
        server.shutdown()
    assert hits == []


def test_libreoffice_opens_decks_and_documents(tmp_path: Path) -> None:
    files = {"deck.pptx": render("sales_deck", "pptx", rich()), "talk.pptx": render("talk", "pptx", rich()),
             "paper.docx": render("whitepaper", "docx", rich())}  # fmt: skip
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    for converted in open_in_libreoffice(tmp_path, list(files)).values():
        pdf = PdfReader(converted)
        assert len(pdf.pages) >= 3
        assert "Audit-ready" in pdf.pages[0].extract_text() + pdf.pages[1].extract_text()
