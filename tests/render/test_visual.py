"""What the demo deal's customer receives, looked at the way the customer would: every layout
rendered for St. Mary's Health, decks and Word documents opened by LibreOffice, every PDF page
drawn to PNG with pdftoppm, and no text off its page or drawn over other text. The checks
themselves are shown to catch what they look for.

Set PRISM_DOCS_IMAGES=1 to refresh the pictures in docs/images/ from this run.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.util import Pt
from reportlab.pdfgen import canvas
from sqlalchemy import select

from prism.auth.policy import SYSTEM
from prism.db import Database, utcnow
from prism.deals.models import Deal
from prism.filestore import LocalFileStore
from prism.knowledge.models import Item
from prism.render import service
from prism.render.schemas import RenderIn
from tests.extract import open_in_libreoffice
from tests.layout import pages, problems, slide_overflows
from tests.web.test_browser import load_demo

pytestmark = pytest.mark.visual
DOCS = Path(__file__).parents[2] / "docs" / "images"
# (file name, source title, layout, format, options): the demo deal's outputs, and a Chinese one.
OUTPUTS = [
    ("deck.pptx", "Patient data protection", "sales_deck", "pptx", {}),
    ("talk.pptx", "Patient data protection", "talk", "pptx", {}),
    ("whitepaper.docx", "Patient data protection", "whitepaper", "docx", {}),
    ("whitepaper.pdf", "Patient data protection", "whitepaper", "pdf", {}),
    ("one-pager.pdf", "Patient data protection", "one_pager", "pdf", {}),
    ("faq.pdf", "Helio Vault", "faq_sheet", "pdf", {}),
    ("battlecard.pdf", "Battlecard: Helio Vault vs GuardianDB", "battlecard", "pdf", {}),
    ("zh-deck.pptx", "面向银行的数据合规方案", "sales_deck", "pptx", {"audience": "internal"}),
    ("zh-one-pager.pdf", "面向银行的数据合规方案", "one_pager", "pdf", {"audience": "internal"}),
]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The outputs as files in a folder, rendered from the demo company for the demo deal."""
    settings = load_demo(tmp_path_factory.mktemp("visual"))
    folder = tmp_path_factory.mktemp("outputs")
    database = Database.from_settings(settings)
    with database.session_scope() as session:
        deal = session.scalar(select(Deal).where(Deal.customer == "St. Mary's Health"))
        assert deal is not None
        for_deal = {"customer": deal.customer, "industry": "Healthcare", "against": "GuardianDB",
                    "seller_id": deal.owner_id}  # fmt: skip
        for name, title, layout, fmt, options in OUTPUTS:
            item = session.scalar(select(Item).where(Item.title == title))
            assert item is not None, title
            wanted = RenderIn(format=fmt, layout=layout, **(options or for_deal))
            made = service.current_file(session, SYSTEM, item.id, wanted,
                                        store=LocalFileStore(settings.files_dir), now=utcnow())  # fmt: skip
            (folder / name).write_bytes(made[2])
    database.dispose()
    open_in_libreoffice(folder, [n for n, *_ in OUTPUTS if not n.endswith(".pdf")])
    return folder


def _pdf(folder: Path, name: str) -> Path:
    return folder / name if name.endswith(".pdf") else folder / "office" / f"{Path(name).stem}.pdf"


@pytest.mark.parametrize("name", [n for n, *_ in OUTPUTS])
def test_nothing_runs_off_a_page_or_over_other_text(rendered: Path, name: str) -> None:
    pdf = _pdf(rendered, name)
    assert problems(pdf) == []
    drawn = _draw(pdf, rendered / "png" / Path(name).stem)
    assert drawn and all(p.stat().st_size > 5_000 for p in drawn)  # pictures, not blank pages
    if os.environ.get("PRISM_DOCS_IMAGES") and name in ("deck.pptx", "one-pager.pdf"):
        DOCS.mkdir(parents=True, exist_ok=True)
        for picture in drawn:
            shutil.copy(picture, DOCS / f"{Path(name).stem}-{picture.stem.rsplit('-', 1)[-1]}.png")


def test_every_text_box_of_the_decks_fits_as_measured(rendered: Path) -> None:
    for name in ("deck.pptx", "talk.pptx", "zh-deck.pptx"):
        assert slide_overflows((rendered / name).read_bytes()) == [], name


def test_the_deal_deck_has_the_slides_a_seller_presents(rendered: Path) -> None:
    deck = Presentation(rendered / "deck.pptx")
    text = [
        " ".join(s.text_frame.text for s in slide.shapes if s.has_text_frame and s.text_frame.text)
        for slide in deck.slides
    ]
    assert "Prepared for St. Mary's Health" in text[0] and "Presented by Sam Carter" in text[0]
    titles = text[1:]
    for heading in ("The challenge", "Our solution", "Why it matters", "Proof", "Customer story",
                    "How Helio Vault compares", "Next steps"):  # fmt: skip
        assert any(t.startswith(heading) for t in titles), heading
    story = next(t for t in titles if t.startswith("Customer story"))
    assert "A healthcare customer" in story and "Northwind" not in story
    assert "sam.carter@helio.example" in text[-1]
    assert all(
        slide.has_notes_slide and slide.notes_slide.notes_text_frame.text for slide in deck.slides
    )


def test_a_chinese_output_speaks_chinese_in_a_shipped_font(rendered: Path) -> None:
    lines = " ".join(
        line.text for page in pages(rendered / "zh-one-pager.pdf") for line in page.lines
    )
    assert "挑战" in lines and "面向银行的数据合规方案" in lines
    assert "The challenge" not in lines
    fonts = subprocess.run(["pdffonts", str(rendered / "zh-one-pager.pdf")], capture_output=True,
                           text=True, check=True).stdout  # fmt: skip
    assert "Noto-Sans-SC" in fonts  # embedded (a subset), not found on the host


def test_the_checks_catch_overlap_overflow_and_text_off_the_page(tmp_path: Path) -> None:
    pdf = tmp_path / "bad.pdf"
    page = canvas.Canvas(str(pdf), pagesize=(400, 300))
    page.setFont("Helvetica", 30)
    page.drawString(20, 200, "from 6 weeks")
    page.setFont("Helvetica", 12)
    page.drawString(20, 204, "Audit preparation")  # drawn over the big number
    page.drawString(350, 100, "runs off the page")
    page.save()
    found = problems(pdf)
    assert any("overlaps" in p for p in found) and any("runs off" in p for p in found)
    deck = Presentation()
    slide = deck.slides.add_slide(deck.slide_layouts[6])
    box = slide.shapes.add_textbox(Pt(10), Pt(10), Pt(100), Pt(20)).text_frame
    run = box.paragraphs[0].add_run()
    run.text, run.font.size, run.font.name = (
        "A sentence far too long for its box " * 3,
        Pt(20),
        "Arial",
    )
    out = io.BytesIO()
    deck.save(out)
    assert slide_overflows(out.getvalue())


def _draw(pdf: Path, stem: Path) -> list[Path]:
    stem.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(stem)], check=True, timeout=120)
    return sorted(stem.parent.glob(f"{stem.name}-*.png"))
