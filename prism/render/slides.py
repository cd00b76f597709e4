"""Decks with python-pptx: the sales deck (title, problem, solution, value, proof, customer story,
next steps) and the event talk (a narrative, few words per slide, everything else in the notes).

Every text box is measured with the theme's font before it is written (see `fit`), so text
shrinks to fit or continues on the next slide instead of running off the page.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from lxml import etree
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.slide import Slide
from pptx.text.text import TextFrame
from pptx.util import Emu, Pt

from prism.render.brand import Look, rgb
from prism.render.brief import Brief, StoryPoint
from prism.render.fit import clip, fit, headline

WIDTH, HEIGHT = 960, 540  # points: 13.333 by 7.5 inches, 16:9
MARGIN = 48
BODY_TOP, BODY_BOTTOM = 132, 486
BULLET_INDENT = 20
GREY = "#6B7480"
RED = "#B42318"
INTERNAL = "INTERNAL — for our team only, not for customers"


class Deck:
    """A presentation in the brand, built slide by slide."""

    def __init__(self, look: Look, footer: str) -> None:
        self.look, self.footer = look, footer
        self.prs = Presentation()
        self.prs.slide_width, self.prs.slide_height = Pt(WIDTH), Pt(HEIGHT)

    def save(self) -> bytes:
        out = io.BytesIO()
        self.prs.save(out)
        return out.getvalue()

    def slide(self, title: str, notes: str) -> Slide:
        """A blank slide with the brand's chrome: title, accent rule, logo, footer, number."""
        slide: Slide = self.prs.slides.add_slide(self.prs.slide_layouts[6])
        number = len(self.prs.slides)
        if title:
            box = (WIDTH - 2 * MARGIN - 120, 72)
            size = fit([title], self.look.heading_font, box, (30, 26, 22), bold=True).size
            self.text(
                slide,
                (MARGIN, 40, *box),
                [clip(title, self.look.heading_font, size, box, bold=True)],
                size,
                font=self.look.heading_font,
                bold=True,
                colour=self.look.primary,
                anchor=MSO_ANCHOR.BOTTOM,
            )
            self.rule(slide, MARGIN, 118, 64, 4)
        self.logo(slide, WIDTH - MARGIN - 110, 36, 110, 44)
        marked = RED if self.footer == INTERNAL else GREY
        self.text(slide, (MARGIN, HEIGHT - 36, 600, 18), [self.footer], 10, colour=marked)
        self.text(
            slide,
            (WIDTH - MARGIN - 60, HEIGHT - 36, 60, 18),
            [str(number)],
            10,
            colour=GREY,
            align=PP_ALIGN.RIGHT,
        )
        _notes(slide, notes)
        return slide

    def bullets(self, title: str, paragraphs: Sequence[str], notes: str) -> None:
        """A titled slide of bullets; what does not fit continues on the next slide."""
        box = (WIDTH - 2 * MARGIN - BULLET_INDENT, BODY_BOTTOM - BODY_TOP)
        rest, heading = list(paragraphs), title
        while rest:
            fitted = fit(rest, self.look.body_font, box)
            slide = self.slide(heading, notes)
            self.text(
                slide,
                (MARGIN, BODY_TOP, WIDTH - 2 * MARGIN, box[1]),
                fitted.shown,
                fitted.size,
                bullet=len(paragraphs) > 1,
            )
            rest, heading = fitted.rest, f"{title} (continued)"

    def statement(self, words: str, notes: str, *, caption: str = "") -> None:
        """A talk slide: one line in large type, the story told in the speaker notes."""
        slide = self.slide("", notes)
        box = (WIDTH - 2 * MARGIN, 230)
        size = fit([words], self.look.heading_font, box, (48, 44, 40, 36, 32), bold=True).size
        self.text(
            slide,
            (MARGIN, 130, *box),
            [clip(words, self.look.heading_font, size, box, bold=True)],
            size,
            font=self.look.heading_font,
            bold=True,
            colour=self.look.primary,
            anchor=MSO_ANCHOR.MIDDLE,
        )
        if caption:
            self.rule(slide, MARGIN, 380, 64, 4)
            self.text(slide, (MARGIN, 396, WIDTH - 2 * MARGIN, 60), [caption], 18, colour=GREY)

    def story(self, story: StoryPoint, notes: str, *, title: str = "Customer story") -> None:
        """Challenge and solution on the left, results as big numbers on the right, the quote."""
        slide = self.slide(f"{title}: {story.customer}", notes)
        left = (560, 250)
        text = [f"Challenge: {story.challenge}", f"What they did: {story.solution}"]
        fitted = fit(
            [t for t in text if not t.endswith(": ")], self.look.body_font, left, (18, 16, 14)
        )
        self.text(slide, (MARGIN, BODY_TOP, *left), fitted.shown, fitted.size)
        for row, (metric, result) in enumerate(story.results[:3]):
            top = BODY_TOP + row * 84
            self.text(
                slide,
                (MARGIN + 600, top, 264, 44),
                [clip(result, self.look.heading_font, 30, (264, 44), bold=True)],
                30,
                font=self.look.heading_font,
                bold=True,
                colour=self.look.accent,
            )
            self.text(
                slide,
                (MARGIN + 600, top + 44, 264, 30),
                [clip(metric, self.look.body_font, 12, (264, 30))],
                12,
                colour=GREY,
            )
        if story.quote:
            quote = f"“{story.quote}”" + (f" — {story.quote_by}" if story.quote_by else "")
            box = (WIDTH - 2 * MARGIN, 80)
            self.text(
                slide,
                (MARGIN, 396, *box),
                [clip(quote, self.look.body_font, 16, box)],
                16,
                italic=True,
                colour=self.look.ink,
            )

    def title_slide(self, title: str, subtitle: str, prepared_for: str, notes: str) -> None:
        slide = self.prs.slides.add_slide(self.prs.slide_layouts[6])
        band = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, 0, 0, Pt(WIDTH), Pt(HEIGHT))
        self._fill(band, self.look.primary)
        self.rule(slide, MARGIN, 300, 96, 6)
        box = (WIDTH - 2 * MARGIN, 150)
        size = fit([title], self.look.heading_font, box, (44, 40, 36, 32, 28), bold=True).size
        self.text(
            slide,
            (MARGIN, 140, *box),
            [clip(title, self.look.heading_font, size, box, bold=True)],
            size,
            font=self.look.heading_font,
            bold=True,
            colour="#FFFFFF",
            anchor=MSO_ANCHOR.BOTTOM,
        )
        sub = (WIDTH - 2 * MARGIN, 90)
        self.text(
            slide,
            (MARGIN, 320, *sub),
            [clip(subtitle, self.look.body_font, 20, sub)],
            20,
            colour="#FFFFFF",
        )
        line = f"Prepared for {prepared_for}" if prepared_for else self.look.company
        self.text(slide, (MARGIN, 450, 600, 24), [line], 14, colour="#FFFFFF")
        if self.look.logo:
            # A white plate, so a dark logo stays visible on the brand colour.
            plate = slide.shapes.add_shape(
                MSO_SHAPE.ROUNDED_RECTANGLE, Pt(WIDTH - MARGIN - 156), Pt(432), Pt(156), Pt(72)
            )
            self._fill(plate, "#FFFFFF")
            self.logo(slide, WIDTH - MARGIN - 148, 440, 140, 56)
        _notes(slide, notes)

    def text(
        self,
        slide: Slide,
        box: tuple[float, float, float, float],
        paragraphs: Sequence[str],
        size: float,
        *,
        font: str = "",
        bold: bool = False,
        italic: bool = False,
        colour: str = "",
        bullet: bool = False,
        align: PP_ALIGN = PP_ALIGN.LEFT,
        anchor: MSO_ANCHOR = MSO_ANCHOR.TOP,
    ) -> None:
        left, top, width, tall = box
        frame = slide.shapes.add_textbox(Pt(left), Pt(top), Pt(width), Pt(tall)).text_frame
        _plain_frame(frame, anchor)
        for index, text in enumerate(paragraphs):
            para = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
            para.alignment = align
            para.space_after = Pt(size * 0.45)
            para.line_spacing = 1.1
            if bullet:
                _bullet(para._p, self.look.accent)
            run = para.add_run()
            run.text = text
            run.font.size = Pt(size)
            run.font.name = font or self.look.body_font
            run.font.bold, run.font.italic = bold, italic
            run.font.color.rgb = _colour(colour or self.look.ink)

    def rule(self, slide: Slide, left: float, top: float, width: float, tall: float) -> None:
        bar = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, Pt(left), Pt(top), Pt(width), Pt(tall))
        self._fill(bar, self.look.accent)

    def logo(self, slide: Slide, left: float, top: float, width: float, tall: float) -> None:
        if not self.look.logo:
            return
        picture = slide.shapes.add_picture(io.BytesIO(self.look.logo), Pt(left), Pt(top))
        scale = min(Pt(width) / picture.width, Pt(tall) / picture.height)
        picture.width = Emu(int(picture.width * scale))
        picture.height = Emu(int(picture.height * scale))
        picture.left = Emu(Pt(left + width) - picture.width)

    @staticmethod
    def _fill(shape: object, colour: str) -> None:
        shape.fill.solid()  # type: ignore[attr-defined]
        shape.fill.fore_color.rgb = _colour(colour)  # type: ignore[attr-defined]
        shape.line.fill.background()  # type: ignore[attr-defined]


def _notes(slide: Slide, notes: str) -> None:
    frame = slide.notes_slide.notes_text_frame
    assert frame is not None  # every notes slide made from the default master has a body
    frame.text = notes


def _colour(hex_colour: str) -> RGBColor:
    return RGBColor(*rgb(hex_colour))  # type: ignore[no-untyped-call]


def _plain_frame(frame: TextFrame, anchor: MSO_ANCHOR) -> None:
    frame.word_wrap = True
    frame.vertical_anchor = anchor
    frame.margin_left = frame.margin_right = frame.margin_top = frame.margin_bottom = Emu(0)


def _bullet(p: etree._Element, colour: str) -> None:
    """A hanging bullet in the accent colour (python-pptx has no API for bullets in a textbox)."""
    props = p.get_or_add_pPr()
    props.set("marL", str(int(Pt(BULLET_INDENT))))
    props.set("indent", str(-int(Pt(BULLET_INDENT))))
    clr = etree.SubElement(props, qn("a:buClr"))
    etree.SubElement(clr, qn("a:srgbClr"), val=colour.lstrip("#").upper())
    etree.SubElement(props, qn("a:buChar"), char="•")


def _footer(look: Look, brief: Brief) -> str:
    if brief.internal:
        return INTERNAL
    parts = [look.company, f"Prepared for {brief.prepared_for}" if brief.prepared_for else ""]
    return " · ".join(p for p in parts if p)


def sales_deck(brief: Brief, look: Look) -> bytes:
    """Title, problem, solution, value, proof, customer story, next steps; notes on each."""
    deck = Deck(look, _footer(look, brief))
    deck.title_slide(
        brief.title, brief.subtitle, brief.prepared_for, f"Open: why we are here. {brief.subtitle}"
    )
    problem = brief.need(brief.problem, "the problem it solves")
    deck.bullets("The problem", [problem], f"{problem}\n\n{brief.body}".strip())
    solution = [brief.need(brief.approach, "how it solves it")]
    solution += [_line(t, s) for t, s in brief.features[:6]]
    deck.bullets("Our solution", solution, "\n".join(solution))
    value = [brief.need(brief.value, "the value it brings")]
    value += [_line(t, s) for t, s in brief.messages[:5]]
    deck.bullets("The value", value, "\n".join(value))
    proofs = [f"{p.claim} — {p.evidence}" if p.evidence else p.claim for p in brief.proofs[:5]]
    proofs = proofs or [brief.need("", "customer-shareable proof points")]
    deck.bullets("Proof", proofs, "\n".join(proofs))
    if brief.stories:
        deck.story(brief.stories[0], _story_notes(brief.stories[0]))
    else:
        deck.bullets("Customer story", [brief.need("", "a customer story")], "")
    deck.bullets("Next steps", brief.next_steps, "Agree the next meeting before you leave.")
    return deck.save()


def talk(brief: Brief, look: Look) -> bytes:
    """A narrative for an event: one idea per slide in large type, the talk in the notes."""
    deck = Deck(look, _footer(look, brief))
    deck.title_slide(brief.title, brief.subtitle, "", f"Welcome. {brief.subtitle}")
    problem = brief.need(brief.problem, "the problem it solves")
    deck.statement(headline(problem), problem, caption="The problem")
    approach = brief.need(brief.approach, "how it solves it")
    features = "\n".join(f"- {t}: {s}" for t, s in brief.features)
    deck.statement(headline(approach), f"{approach}\n\n{features}".strip(), caption="What changes")
    for title, summary in brief.messages[:3]:
        deck.statement(headline(title), summary or title)
    for story in brief.stories[:2]:
        metric, result = story.results[0] if story.results else ("", story.customer)
        deck.statement(
            result, _story_notes(story), caption=f"{metric} — {story.customer}".strip(" —")
        )
    deck.statement("Questions?", "\n".join(brief.next_steps), caption=look.company)
    return deck.save()


def _line(title: str, summary: str) -> str:
    """A title with its summary, unless the summary only repeats the title."""
    return f"{title} — {summary}" if summary and title.lower() not in summary.lower() else title


def _story_notes(story: StoryPoint) -> str:
    results = "; ".join(f"{m}: {r}" for m, r in story.results)
    parts = [story.challenge, story.solution, results, story.quote and f"“{story.quote}”"]
    return "\n\n".join(p for p in parts if p)
