"""A presentation in the brand, built from a few measured pieces: text boxes, cards, round badges
(numbers, initials, icons) and stat callouts.

Every piece of text is measured before it is written (see `fit`): it shrinks to fit its box, or
is cut at a word with an ellipsis at the smallest readable size, so nothing runs off a card or
over the label beneath it. Text is set in a font every recipient's Office has (see `brand`), with
Chinese in the East Asian slot.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from lxml import etree
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.shapes.autoshape import Shape
from pptx.slide import Slide
from pptx.text.text import TextFrame
from pptx.util import Emu, Pt

from prism.cjk import has_cjk
from prism.render.brand import CJK_FAMILY, Look, office_font, rgb
from prism.render.fit import LEADING, clip, fit, height

WIDTH, HEIGHT = 960, 540  # points: 13.333 by 7.5 inches, 16:9
MARGIN = 48
BODY_TOP, BODY_BOTTOM = 132, 486
BULLET_INDENT = 20
GREY = "#6B7480"
RED = "#B42318"
WHITE = "#FFFFFF"
PAPER = "#F4F6F9"  # a card's fill: a quiet grey-blue that any brand colour sits on
ON_DARK = "#D8E0EA"  # quiet text on the brand colour

Box = tuple[float, float, float, float]  # left, top, width, height in points


@dataclass(frozen=True)
class Style:
    """How a run of text looks."""

    size: float
    font: str = ""  # the theme's family; empty for the body font
    bold: bool = False
    italic: bool = False
    colour: str = ""
    align: PP_ALIGN = PP_ALIGN.LEFT
    anchor: MSO_ANCHOR = MSO_ANCHOR.TOP


class Deck:
    """A presentation in the brand, built slide by slide."""

    def __init__(self, look: Look, footer: str, *, internal: bool = False) -> None:
        self.look, self.footer, self.internal = look, footer, internal
        self.prs = Presentation()
        self.prs.slide_width, self.prs.slide_height = Pt(WIDTH), Pt(HEIGHT)

    def save(self) -> bytes:
        out = io.BytesIO()
        self.prs.save(out)
        return out.getvalue()

    def blank(self, notes: str) -> Slide:
        slide: Slide = self.prs.slides.add_slide(self.prs.slide_layouts[6])
        frame = slide.notes_slide.notes_text_frame
        assert frame is not None  # every notes slide made from the default master has a body
        frame.text = notes
        return slide

    def slide(self, title: str, notes: str) -> Slide:
        """A slide with the brand's chrome: title, accent rule, logo, footer, number."""
        slide = self.blank(notes)
        number = len(self.prs.slides)
        if title:
            heading = self.look.heading_font
            self.fitted(slide, (MARGIN, 40, WIDTH - 2 * MARGIN - 140, 72), title,
                        Style(30, heading, bold=True, colour=self.look.primary,
                              anchor=MSO_ANCHOR.BOTTOM), sizes=(30, 26, 22))  # fmt: skip
            self.rule(slide, MARGIN, 118, 64, 4)
        self.logo(slide, WIDTH - MARGIN - 110, 36, 110, 44)
        marked = RED if self.internal else GREY
        self.text(slide, (MARGIN, HEIGHT - 36, 640, 18), [self.footer], Style(10, colour=marked))
        self.text(slide, (WIDTH - MARGIN - 60, HEIGHT - 36, 60, 18), [str(number)],
                  Style(10, colour=GREY, align=PP_ALIGN.RIGHT))  # fmt: skip
        return slide

    def fitted(
        self,
        slide: Slide,
        box: Box,
        text: str,
        style: Style,
        *,
        sizes: Sequence[float] = (),
    ) -> float:
        """`text` at the largest of `sizes` that fits the box (cut at the smallest if none does);
        the height, in points, it takes."""
        family = style.font or self.look.body_font
        room = box[2:]
        size = fit([text], family, room, sizes or (style.size,), bold=style.bold).size
        shown = clip(text, family, size, room, bold=style.bold)
        self.text(slide, box, [shown], _resized(style, size))
        return min(height([shown], family, size, box[2], bold=style.bold), box[3])

    def text(
        self,
        slide: Slide,
        box: Box,
        paragraphs: Sequence[str],
        style: Style,
        *,
        bullet: bool = False,
    ) -> None:
        """Paragraphs in a box, as they are (callers measure them first)."""
        left, top, wide, tall = box
        frame = slide.shapes.add_textbox(Pt(left), Pt(top), Pt(wide), Pt(tall)).text_frame
        _plain_frame(frame, style.anchor)
        for index, text in enumerate(paragraphs):
            para = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
            para.alignment = style.align
            para.space_after = Pt(style.size * 0.45)
            para.line_spacing = LEADING / 1.2  # PowerPoint's single spacing is 1.2 × the size
            if bullet:
                _bullet(para._p, self.look.accent)
            run = para.add_run()
            run.text = text
            run.font.size = Pt(style.size)
            run.font.name = office_font(style.font or self.look.body_font)
            run.font.bold, run.font.italic = style.bold, style.italic
            run.font.color.rgb = _colour(style.colour or self.look.ink)
            if has_cjk(text):
                _east_asian(run._r)

    def card(self, slide: Slide, box: Box, fill: str = PAPER) -> Shape:
        left, top, wide, tall = box
        shape = slide.shapes.add_shape(
            MSO_SHAPE.ROUNDED_RECTANGLE, Pt(left), Pt(top), Pt(wide), Pt(tall)
        )
        shape.adjustments[0] = min(0.08, 8 / min(wide, tall))
        self._fill(shape, fill)
        return shape

    def behind(self, slide: Slide, shape: Shape) -> None:
        """Send `shape` behind everything on the slide (a card drawn after its content)."""
        tree = slide.shapes._spTree
        tree.remove(shape._element)
        tree.insert(2, shape._element)  # after the tree's own properties

    def badge(self, slide: Slide, box: Box, text: str, *, fill: str = "", ink: str = WHITE) -> None:
        """A round badge holding a number, initials or a one-letter icon, its text fitted."""
        left, top, wide, tall = box
        circle = slide.shapes.add_shape(MSO_SHAPE.OVAL, Pt(left), Pt(top), Pt(wide), Pt(tall))
        self._fill(circle, fill or self.look.accent)
        inner = (left + wide * 0.12, top, wide * 0.76, tall)
        style = Style(tall * 0.42, self.look.heading_font, bold=True, colour=ink,
                      align=PP_ALIGN.CENTER, anchor=MSO_ANCHOR.MIDDLE)  # fmt: skip
        self.fitted(slide, inner, text, style, sizes=(tall * 0.42, tall * 0.34, tall * 0.26))

    def stat(
        self, slide: Slide, box: Box, value: str, label: str, *, ink: str = "", label_ink: str = ""
    ) -> float:
        """A big number (or a short result) with its label beneath: the number shrinks until it
        fits its width, on two lines at most, and the label starts where the number ends; the
        height used."""
        left, top, wide, tall = box
        heading = self.look.heading_font
        number = Style(40, heading, bold=True, colour=ink or self.look.accent)
        sizes = (40, 34, 28, 24, 20, 16)
        room = (wide, min(tall * 0.6, 2 * 40 * LEADING))
        size = fit([value], heading, room, sizes, bold=True).size
        used = self.fitted(slide, (left, top, wide, room[1]), value, number, sizes=(size,))
        label_top = top + used + 4
        style = Style(12, colour=label_ink or GREY)
        used += 4 + self.fitted(slide, (left, label_top, wide, top + tall - label_top), label,
                                style, sizes=(12, 11, 10))  # fmt: skip
        return used

    def rule(self, slide: Slide, left: float, top: float, wide: float, tall: float) -> None:
        bar = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, Pt(left), Pt(top), Pt(wide), Pt(tall))
        self._fill(bar, self.look.accent)

    def band(self, slide: Slide, box: Box, colour: str) -> None:
        left, top, wide, tall = box
        bar = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, Pt(left), Pt(top), Pt(wide), Pt(tall))
        self._fill(bar, colour)

    def logo(self, slide: Slide, left: float, top: float, wide: float, tall: float) -> None:
        if not self.look.logo:
            return
        picture = slide.shapes.add_picture(io.BytesIO(self.look.logo), Pt(left), Pt(top))
        scale = min(Pt(wide) / picture.width, Pt(tall) / picture.height)
        picture.width = Emu(int(picture.width * scale))
        picture.height = Emu(int(picture.height * scale))
        picture.left = Emu(Pt(left + wide) - picture.width)

    def table(
        self, slide: Slide, box: Box, rows: Sequence[Sequence[str]], *, total: bool = True
    ) -> None:
        """A grid: the first row a header on the brand colour, the last row (with `total`: a
        price, a sum) in bold brand colour; the type shrinks until every cell fits its share of
        the box."""
        left, top, wide, tall = box
        columns = max(len(r) for r in rows)
        first = wide * 0.24 if columns > 2 else wide / columns
        widths = [first] + [(wide - first) / (columns - 1)] * (columns - 1)
        family = self.look.body_font
        pad = 6

        def heights(size: float) -> list[float]:
            return [
                max(height([c], family, size, w - 2 * pad) for c, w in zip(r, widths, strict=False))
                + pad * 1.5
                for r in rows
            ]

        # Office adds a little to every row it lays out: leave a tenth of the box for it.
        size = next((s for s in (14, 13, 12, 11, 10, 9, 8) if sum(heights(s)) <= tall * 0.9), 8)
        shape = slide.shapes.add_table(len(rows), columns, Pt(left), Pt(top), Pt(wide), Pt(tall))
        grid = shape.table
        for n, w in enumerate(widths):
            grid.columns[n].width = Pt(w)
        for n, tall_row in enumerate(heights(size)):
            grid.rows[n].height = Pt(tall_row)
        last = len(rows) - 1 if total else -1
        for r, row in enumerate(rows):
            for c, said in enumerate(row):
                cell = grid.cell(r, c)
                cell.margin_left = cell.margin_right = Pt(pad)
                cell.margin_top = cell.margin_bottom = Pt(pad / 2)
                fill = self.look.primary if r == 0 else (PAPER if r % 2 else WHITE)
                cell.fill.solid()  # type: ignore[no-untyped-call]
                cell.fill.fore_color.rgb = _colour(fill)
                frame = cell.text_frame
                frame.word_wrap = True
                run = frame.paragraphs[0].add_run()
                run.text = said
                run.font.size = Pt(size)
                run.font.name = office_font(family)
                run.font.bold = r in (0, last) or c == 0
                ink = WHITE if r == 0 else (self.look.primary if r == last else self.look.ink)
                run.font.color.rgb = _colour(ink)
                if has_cjk(said):
                    _east_asian(run._r)

    @staticmethod
    def _fill(shape: object, colour: str) -> None:
        shape.fill.solid()  # type: ignore[attr-defined]
        shape.fill.fore_color.rgb = _colour(colour)  # type: ignore[attr-defined]
        shape.line.fill.background()  # type: ignore[attr-defined]
        shape.shadow.inherit = False  # type: ignore[attr-defined]


def _resized(style: Style, size: float) -> Style:
    return Style(
        size, style.font, style.bold, style.italic, style.colour, style.align, style.anchor
    )


def _colour(hex_colour: str) -> RGBColor:
    return RGBColor(*rgb(hex_colour))  # type: ignore[no-untyped-call]


def _plain_frame(frame: TextFrame, anchor: MSO_ANCHOR) -> None:
    frame.word_wrap = True
    frame.vertical_anchor = anchor
    frame.margin_left = frame.margin_right = frame.margin_top = frame.margin_bottom = Emu(0)


def _east_asian(r: etree._Element) -> None:
    """Chinese in the run's East Asian font slot, where Office looks for it."""
    props = r.get_or_add_rPr()
    etree.SubElement(props, qn("a:ea"), typeface=CJK_FAMILY.office)


def _bullet(p: etree._Element, colour: str) -> None:
    """A hanging bullet in the accent colour (python-pptx has no API for bullets in a textbox)."""
    props = p.get_or_add_pPr()
    props.set("marL", str(int(Pt(BULLET_INDENT))))
    props.set("indent", str(-int(Pt(BULLET_INDENT))))
    clr = etree.SubElement(props, qn("a:buClr"))
    etree.SubElement(clr, qn("a:srgbClr"), val=colour.lstrip("#").upper())
    etree.SubElement(props, qn("a:buChar"), char="•")
