"""Decks with python-pptx: the sales deck and the event talk.

The sales deck tells the customer's story in slides worth presenting: a title slide signed by the
seller; the problem with the pains of the people it hurts; the solution as a grid of capabilities;
why it matters; proof as stat callouts; a customer story (challenge, what they did, results, the
quote) under the customer's initials; a comparison when a competitor is in the deal; and next
steps beside the seller's name and contact. The talk says one idea per slide in large type, the
story in the speaker notes. Every slide carries notes for the presenter.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from datetime import date

from pptx.enum.text import MSO_ANCHOR
from pptx.slide import Slide

from prism.render.brand import Look
from prism.render.brief import Brief, StoryPoint, initials
from prism.render.deck import (
    BODY_BOTTOM,
    BODY_TOP,
    GREY,
    HEIGHT,
    MARGIN,
    ON_DARK,
    PAPER,
    WHITE,
    WIDTH,
    Box,
    Deck,
    Style,
)
from prism.render.fit import fit, headline, height
from prism.render.prices import PriceTable

INTERNAL = "INTERNAL — for our team only, not for customers"
INNER = WIDTH - 2 * MARGIN
GUTTER = 20


def sales_deck(brief: Brief, look: Look) -> bytes:
    """Title, problem, solution, value, proof, story, comparison, next steps; notes on each."""
    deck = Deck(look, _footer(look, brief), internal=brief.internal)
    _title(deck, brief, f"Open: why we are here. {brief.subtitle}")
    _problem(deck, brief)
    _capabilities(deck, brief)
    _value(deck, brief)
    _proof(deck, brief)
    if brief.stories:
        _story(deck, brief, brief.stories[0])
    else:
        missing = brief.need("", "a customer story")
        slide = deck.slide(brief.say("Customer story"), "")
        deck.fitted(slide, _body(), missing, Style(20, colour=GREY), sizes=(20,))
    if brief.against and brief.messages:
        _comparison(deck, brief)
    if brief.pricing is not None and brief.pricing.priced:
        _pricing(deck, brief, brief.pricing, name=brief.product, add_ons=False)
    _next_steps(deck, brief)
    return deck.save()


def pricing_sheet(brief: Brief, look: Look) -> bytes:
    """The product's editions and list prices on a slide (and its add-ons on a second)."""
    deck = Deck(look, _footer(look, brief), internal=brief.internal)
    if brief.pricing is None:
        missing = brief.need("", "published, customer-shareable editions")
        slide = deck.slide(brief.say("{product}: editions and pricing", product=brief.title), "")
        deck.fitted(slide, _body(), missing, Style(20, colour=GREY), sizes=(20,))
    else:
        _pricing(deck, brief, brief.pricing, name=brief.title, add_ons=True)
    return deck.save()


def _pricing(deck: Deck, brief: Brief, table: PriceTable, *, name: str, add_ons: bool) -> None:
    """Features by edition with the price under each; add-ons, when there are any, after."""
    title = brief.say("{product}: editions and pricing", product=name)
    note = brief.price_note
    slide = deck.slide(title, note)
    label = brief.say("Price") + (f" ({table.currency})" if table.currency else "")
    rows = [
        ["", *(c.title for c in table.editions)],
        *([feature, *cells] for feature, cells in table.rows),
        [label, *(c.price or brief.say("Contact us") for c in table.editions)],
    ]
    deck.table(slide, (MARGIN, BODY_TOP, INNER, BODY_BOTTOM - BODY_TOP - 24), rows)
    deck.text(slide, (MARGIN, BODY_BOTTOM - 16, INNER, 16), [note], Style(10, colour=GREY))
    if table.add_ons:
        slide = deck.slide(brief.say("Add-ons"), note)
        extras = [
            ["", brief.say("Add-ons"), label],
            *(
                [c.title, carries, c.price or brief.say("Contact us")]
                for c, carries in table.add_ons
            ),
        ]
        deck.table(slide, (MARGIN, BODY_TOP, INNER, 40 * len(extras)), extras)


def talk(brief: Brief, look: Look) -> bytes:
    """A narrative for an event: one idea per slide in large type, the talk in the notes."""
    deck = Deck(look, _footer(look, brief), internal=brief.internal)
    _title(deck, brief, f"Welcome. {brief.subtitle}")
    problem = brief.need(brief.problem, "the problem it solves")
    _statement(deck, headline(problem), problem, caption=brief.say("The problem"))
    approach = brief.need(brief.approach, "how it solves it")
    features = "\n".join(f"- {t}: {s}" if s else f"- {t}" for t, s in brief.features)
    _statement(deck, headline(approach), f"{approach}\n\n{features}".strip(),
               caption=brief.say("What changes"))  # fmt: skip
    for title, summary in brief.messages[:3]:
        _statement(deck, headline(title), summary or title)
    for story in brief.stories[:2]:
        metric, result = story.results[0] if story.results else ("", story.customer)
        _statement(deck, result, _story_notes(story),
                   caption=f"{metric} — {story.customer}".strip(" —"))  # fmt: skip
    _statement(deck, brief.say("Questions?"), "\n".join(brief.next_steps), caption=look.company)
    return deck.save()


def _footer(look: Look, brief: Brief) -> str:
    if brief.internal:
        return INTERNAL
    prepared = brief.say("Prepared for {customer}", customer=brief.prepared_for)
    parts = [look.company, prepared if brief.prepared_for else ""]
    return " · ".join(p for p in parts if p)


def _body() -> Box:
    return (MARGIN, BODY_TOP, INNER, BODY_BOTTOM - BODY_TOP)


def _title(deck: Deck, brief: Brief, notes: str) -> None:
    """The brand colour full bleed: title, subtitle, who it is for and who presents it."""
    look = deck.look
    slide = deck.blank(notes)
    deck.band(slide, (0, 0, WIDTH, HEIGHT), look.primary)
    heading = Style(44, look.heading_font, bold=True, colour=WHITE, anchor=MSO_ANCHOR.BOTTOM)
    deck.fitted(slide, (MARGIN, 110, INNER, 180), brief.title, heading,
                sizes=(44, 40, 36, 32, 28))  # fmt: skip
    deck.rule(slide, MARGIN, 304, 96, 6)
    deck.fitted(slide, (MARGIN, 324, INNER, 76), brief.subtitle, Style(20, colour=WHITE),
                sizes=(20, 18, 16))  # fmt: skip
    lines = [
        brief.say("Prepared for {customer}", customer=brief.prepared_for)
        if brief.prepared_for
        else look.company,
        brief.month(date.today()),
    ]
    if brief.seller:
        lines.append(brief.say("Presented by {name}", name=brief.seller.name))
    deck.text(slide, (MARGIN, 420, 600, 80), [" · ".join(lines[:2]), *lines[2:]],
              Style(14, colour=WHITE))  # fmt: skip
    if look.logo:
        # A white plate, so a dark logo stays visible on the brand colour.
        deck.card(slide, (WIDTH - MARGIN - 156, 432, 156, 72), WHITE)
        deck.logo(slide, WIDTH - MARGIN - 148, 440, 140, 56)


def _problem(deck: Deck, brief: Brief) -> None:
    """The problem in large type; beside it, the pains of the people it hurts."""
    problem = brief.need(brief.problem, "the problem it solves")
    slide = deck.slide(brief.say("The challenge"), f"{problem}\n\n{brief.body}".strip())
    pains = brief.pains[:3]
    left_width = 400 if pains else INNER
    deck.fitted(slide, (MARGIN, BODY_TOP + 8, left_width, 300), problem,
                Style(28, deck.look.heading_font, bold=True, colour=deck.look.primary),
                sizes=(30, 28, 24, 22, 20, 18))  # fmt: skip
    if not pains:
        return
    left = MARGIN + left_width + 40
    wide = WIDTH - MARGIN - left
    deck.text(slide, (left, BODY_TOP, wide, 20), [brief.say("What we hear").upper()],
              Style(11, bold=True, colour=deck.look.accent))  # fmt: skip
    tall = (BODY_BOTTOM - BODY_TOP - 30 - GUTTER * (len(pains) - 1)) / len(pains)
    tall = min(tall, 96)
    for n, pain in enumerate(pains):
        top = BODY_TOP + 28 + n * (tall + 14)
        deck.card(slide, (left, top, wide, tall))
        deck.badge(slide, (left + 14, top + tall / 2 - 16, 32, 32), str(n + 1))
        deck.fitted(slide, (left + 60, top + 10, wide - 74, tall - 20), pain,
                    Style(16, anchor=MSO_ANCHOR.MIDDLE), sizes=(16, 14, 12))  # fmt: skip


def _grid(count: int) -> tuple[int, int]:
    """Columns and rows for `count` cards: three across at most."""
    cols = min(count, 3)
    return cols, math.ceil(count / cols)


def _cards(
    deck: Deck,
    slide: Slide,
    rows: Sequence[tuple[str, str]],
    top: float,
    *,
    badges: Sequence[str],
) -> None:
    """Cards in a grid below `top`, each with a badge, a bold title and its text."""
    cols, lines = _grid(len(rows))
    wide = (INNER - GUTTER * (cols - 1)) / cols
    # Cards as tall as the fullest one needs, within the room the slide has.
    room = (BODY_BOTTOM - top - GUTTER * (lines - 1)) / lines
    tall = min(room, max(_card_height(deck, title, text, wide) for title, text in rows))
    heading = Style(16, deck.look.heading_font, bold=True, colour=deck.look.primary)
    for n, (title, text) in enumerate(rows):
        left = MARGIN + (n % cols) * (wide + GUTTER)
        y = top + (n // cols) * (tall + GUTTER)
        deck.card(slide, (left, y, wide, tall))
        deck.badge(slide, (left + 16, y + 16, 36, 36), badges[n])
        used = deck.fitted(slide, (left + 64, y + 18, wide - 80, 44), title, heading,
                           sizes=(16, 14, 12))  # fmt: skip
        if text:
            below = y + 18 + max(used, 32) + 8
            deck.fitted(slide, (left + 16, below, wide - 32, y + tall - 12 - below), text,
                        Style(13, colour=GREY), sizes=(13, 12, 11, 10))  # fmt: skip


def _card_height(deck: Deck, title: str, text: str, wide: float) -> float:
    """The height a card needs for its badge and title and, below them, its text at 13 pt."""
    head = height([title], deck.look.heading_font, 16, wide - 80, bold=True)
    below = height([text], deck.look.body_font, 13, wide - 32) if text else 0
    return 18 + max(head, 36) + (8 + below if text else 0) + 18


def _capabilities(deck: Deck, brief: Brief) -> None:
    """How it solves the problem, then what it does as a grid of capabilities, six a slide (more
    continue on the next)."""
    approach = brief.need(brief.approach, "how it solves it")
    rows = [f"- {t}: {s}" if s else f"- {t}" for t, s in brief.features]
    notes = "\n".join([approach, *rows])
    pages = [brief.features[n : n + 6] for n in range(0, len(brief.features), 6)] or [[]]
    for number, features in enumerate(pages, 1):
        title = brief.say("Our solution")
        slide = deck.slide(title if number == 1 else f"{title} ({number}/{len(pages)})", notes)
        lede = 64 if features else BODY_BOTTOM - BODY_TOP
        used = deck.fitted(slide, (MARGIN, BODY_TOP, INNER, lede), approach, Style(20),
                           sizes=(22, 20, 18, 16, 14)) if number == 1 else -20  # fmt: skip
        if features:
            icons = [_icon(title) for title, _ in features]
            _cards(deck, slide, features, BODY_TOP + used + 20, badges=icons)


def _icon(title: str) -> str:
    """A card's one-letter icon: the capability's initial."""
    letters = [w[0] for w in re.findall(r"\w+", title)]
    return letters[0].upper() if letters else "•"


def _value(deck: Deck, brief: Brief) -> None:
    """What it is worth, then the messages behind it as numbered cards."""
    value = brief.need(brief.value, "the value it brings")
    messages = brief.messages[:3]
    notes = "\n".join([value, *(f"- {t}: {s}" if s else f"- {t}" for t, s in brief.messages)])
    slide = deck.slide(brief.say("Why it matters"), notes)
    lede = 90 if messages else BODY_BOTTOM - BODY_TOP
    used = deck.fitted(slide, (MARGIN, BODY_TOP, INNER, lede), value,
                       Style(26, deck.look.heading_font, bold=True, colour=deck.look.primary),
                       sizes=(28, 26, 24, 22, 20, 18))  # fmt: skip
    if messages:
        numbers = [f"{n:02d}" for n in range(1, len(messages) + 1)]
        _cards(deck, slide, messages, BODY_TOP + used + 24, badges=numbers)


def _proof(deck: Deck, brief: Brief) -> None:
    """Up to three proof points as stat callouts, each fitted in its own card."""
    proofs = brief.proofs[:3]
    notes = "\n".join(f"{p.claim} — {p.evidence}".strip(" —") for p in brief.proofs)
    slide = deck.slide(brief.say("Proof"), notes)
    if not proofs:
        deck.fitted(slide, _body(), brief.need("", "customer-shareable proof points"),
                    Style(20, colour=GREY), sizes=(20,))  # fmt: skip
        return
    wide = (INNER - GUTTER * (len(proofs) - 1)) / len(proofs)
    used = [
        deck.stat(
            slide,
            (MARGIN + n * (wide + GUTTER) + 20, BODY_TOP + 34, wide - 40, 260),
            *proof.callout,
        )
        for n, proof in enumerate(proofs)
    ]
    for n in range(len(proofs)):
        card = deck.card(slide, (MARGIN + n * (wide + GUTTER), BODY_TOP + 10, wide, max(used) + 52))
        deck.behind(slide, card)


def _story(deck: Deck, brief: Brief, story: StoryPoint) -> None:
    """The customer under their initials; challenge, what they did and the results; the quote."""
    slide = deck.slide(brief.say("Customer story"), _story_notes(story))
    look = deck.look
    deck.badge(slide, (MARGIN, BODY_TOP, 56, 56), story.badge, fill=look.primary)
    deck.fitted(slide, (MARGIN + 72, BODY_TOP, INNER - 72, 30), story.customer,
                Style(22, look.heading_font, bold=True, colour=look.primary),
                sizes=(22, 18, 16))  # fmt: skip
    deck.text(slide, (MARGIN + 72, BODY_TOP + 32, INNER - 72, 20), [story.industry],
              Style(12, colour=GREY))  # fmt: skip
    top, tall = BODY_TOP + 76, 196.0 if story.quote else 270.0
    wide = (INNER - 2 * GUTTER) / 3
    columns = (
        (brief.say("Challenge"), story.challenge),
        (brief.say("What they did"), story.solution),
    )
    for n, (label, text) in enumerate(columns):
        left = MARGIN + n * (wide + GUTTER)
        _column(deck, slide, (left, top, wide, tall), label, text)
    results = (MARGIN + 2 * (wide + GUTTER), top, wide, tall)
    deck.card(slide, results, look.primary)
    deck.text(slide, (results[0] + 18, top + 14, wide - 36, 18), [brief.say("Results").upper()],
              Style(11, bold=True, colour=look.accent))  # fmt: skip
    y, room = top + 40.0, tall - 52
    for metric, result in story.results[:2]:
        used = deck.stat(slide, (results[0] + 18, y, wide - 36, room / 2 - 6), result, metric,
                         ink=WHITE, label_ink=ON_DARK)  # fmt: skip
        y += max(used, 40) + 12
    if story.quote:
        _quote(deck, slide, story, top + tall + 16)


def _column(deck: Deck, slide: Slide, box: Box, label: str, text: str) -> None:
    left, top, wide, tall = box
    deck.card(slide, box)
    deck.text(slide, (left + 18, top + 14, wide - 36, 18), [label.upper()],
              Style(11, bold=True, colour=deck.look.accent))  # fmt: skip
    deck.fitted(slide, (left + 18, top + 40, wide - 36, tall - 54), text or "—",
                Style(15), sizes=(16, 15, 14, 13, 12))  # fmt: skip


def _quote(deck: Deck, slide: Slide, story: StoryPoint, top: float) -> None:
    said = f"“{story.quote}”"
    room = BODY_BOTTOM - top
    deck.rule(slide, MARGIN, top + 4, 4, room - 8)
    used = deck.fitted(slide, (MARGIN + 20, top, INNER - 20, room - 20), said,
                       Style(17, italic=True), sizes=(18, 17, 16, 14))  # fmt: skip
    if story.quote_by:
        deck.text(slide, (MARGIN + 20, top + used + 2, INNER - 20, 18), [f"— {story.quote_by}"],
                  Style(12, colour=GREY))  # fmt: skip


def _comparison(deck: Deck, brief: Brief) -> None:
    """For a deal with a competitor: the usual way beside ours, in the customer's terms."""
    product = brief.product
    slide = deck.slide(brief.say("How {product} compares", product=product),
                       f"The buyer is also talking to {brief.against}: compare approaches, "
                       "never disparage.")  # fmt: skip
    wide = (INNER - GUTTER) / 2
    usual = brief.alternative or brief.need("", "the alternative customers use today")
    sides = (
        (brief.say("The usual way"), [usual, *brief.pains[:3]], PAPER, deck.look.ink, "–"),
        (brief.say("With {product}", product=product),
         [t for t, _ in brief.messages[:4]], deck.look.primary, WHITE, "✓"),
    )  # fmt: skip
    for n, (heading, lines, fill, ink, mark) in enumerate(sides):
        left = MARGIN + n * (wide + GUTTER)
        deck.card(slide, (left, BODY_TOP, wide, BODY_BOTTOM - BODY_TOP), fill)
        deck.fitted(slide, (left + 24, BODY_TOP + 20, wide - 48, 34), heading,
                    Style(20, deck.look.heading_font, bold=True, colour=ink),
                    sizes=(20, 18, 16))  # fmt: skip
        marked = [f"{mark}  {line}" for line in lines]
        box = (wide - 48, BODY_BOTTOM - BODY_TOP - 90)
        size = fit(marked, deck.look.body_font, box, (18, 16, 14, 12)).size
        deck.text(slide, (left + 24, BODY_TOP + 70, *box), fit(marked, deck.look.body_font,
                  box, (size,)).shown, Style(size, colour=ink))  # fmt: skip


def _next_steps(deck: Deck, brief: Brief) -> None:
    """Numbered next steps, and the person to call."""
    slide = deck.slide(brief.say("Next steps"), "Agree the next meeting before you leave.")
    steps = brief.next_steps[:4]
    wide = INNER - 320
    for n, step in enumerate(steps):
        top = BODY_TOP + n * 82
        deck.badge(slide, (MARGIN, top + 6, 40, 40), str(n + 1))
        deck.fitted(slide, (MARGIN + 60, top, wide - 60, 52), step,
                    Style(20, anchor=MSO_ANCHOR.MIDDLE), sizes=(20, 18, 16, 14))  # fmt: skip
    _contact(deck, slide, brief, (WIDTH - MARGIN - 280, BODY_TOP, 280, 250))


def _contact(
    deck: Deck, slide: Slide, brief: Brief, box: tuple[float, float, float, float]
) -> None:
    left, top, wide, tall = box
    look = deck.look
    deck.card(slide, box)
    deck.text(slide, (left + 24, top + 20, wide - 48, 18), [brief.say("Your contact").upper()],
              Style(11, bold=True, colour=look.accent))  # fmt: skip
    seller = brief.seller
    name = seller.name if seller else look.company or brief.product
    deck.badge(slide, (left + 24, top + 52, 64, 64), initials(name), fill=look.primary)
    deck.fitted(slide, (left + 24, top + 128, wide - 48, 30), name,
                Style(20, look.heading_font, bold=True, colour=look.primary),
                sizes=(20, 18, 16, 14))  # fmt: skip
    details = [seller.team, seller.email] if seller else [look.company]
    deck.fitted(slide, (left + 24, top + 162, wide - 48, tall - 176),
                "\n".join(d for d in details if d), Style(14, colour=GREY),
                sizes=(14, 12, 11))  # fmt: skip


def _statement(deck: Deck, words: str, notes: str, *, caption: str = "") -> None:
    """A talk slide: one line in large type, the story told in the speaker notes."""
    slide = deck.slide("", notes)
    look = deck.look
    deck.fitted(slide, (MARGIN, 130, INNER, 230), words,
                Style(48, look.heading_font, bold=True, colour=look.primary,
                      anchor=MSO_ANCHOR.MIDDLE), sizes=(48, 44, 40, 36, 32))  # fmt: skip
    if caption:
        deck.rule(slide, MARGIN, 380, 64, 4)
        deck.fitted(slide, (MARGIN, 396, INNER, 60), caption, Style(18, colour=GREY),
                    sizes=(18, 16))  # fmt: skip


def _story_notes(story: StoryPoint) -> str:
    results = "; ".join(f"{m}: {r}" for m, r in story.results)
    parts = [story.challenge, story.solution, results, story.quote and f"“{story.quote}”"]
    return "\n\n".join(p for p in parts if p)
