"""Documents from HTML templates: the one-pager, whitepaper, battlecard and FAQ sheet as a
standalone HTML page, and as PDF through WeasyPrint (a real HTML-to-PDF engine).

Rendering never touches the network: fonts and the logo travel inside the page as data URIs, and
any other address a body might mention (an image in markdown) is refused by the fetcher. An
output with Chinese in it also carries Noto Sans SC (PDFs embed only the characters used), and
its fixed headings are in the output's language.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from prism.cjk import CJK
from prism.markdown import to_html
from prism.render.brand import CJK_FAMILY, FONTS, Look, cjk_data_uri, font_data_uri
from prism.render.brief import Brief

_TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)
SECTIONS = [
    ("summary", "Executive summary"),
    ("challenge", "The challenge"),
    ("approach", "Our approach"),
    ("value", "Why it matters"),
    ("proof", "The evidence"),
    ("references", "References"),
]


def short(text: str, limit: int) -> str:
    """`text` cut at a word to at most `limit` characters, so a one-pager stays one page."""
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:. ") + "…"


_TEMPLATES.globals["short"] = short


def html(
    layout: str, brief: Brief, look: Look, body_markdown: str = "", *, flavor: str = "woff2"
) -> str:
    """The layout as one self-contained HTML page (with the Chinese font only when needed)."""
    template = _TEMPLATES.get_template(f"{layout}.html")
    page = template.render(_context(brief, look, body_markdown, flavor, cjk=""))
    chinese = "".join(sorted(set(CJK.findall(page))))
    if not chinese:
        return page
    return template.render(_context(brief, look, body_markdown, flavor, cjk=chinese))


def pdf(layout: str, brief: Brief, look: Look, body_markdown: str = "") -> bytes:
    """The layout as a PDF with the theme's fonts embedded."""
    page = html(layout, brief, look, body_markdown, flavor="ttf")
    document = HTML(string=page, url_fetcher=URLFetcher(allowed_protocols={"data"}))
    return bytes(document.write_pdf())


def _context(
    brief: Brief, look: Look, body_markdown: str, flavor: str, *, cjk: str
) -> dict[str, Any]:
    """What the templates read; `cjk` is the Chinese the page holds (its font is cut to it)."""
    fonts = {
        family: {w: font_data_uri(family, w, flavor) for w in ("regular", "bold", "italic")}
        for family in {look.heading_font, look.body_font}
    }
    if cjk:
        faces = {w: cjk_data_uri(cjk, w, flavor) for w in ("regular", "bold")}
        fonts[CJK_FAMILY.name] = {**faces, "italic": faces["regular"]}
    footer = " · ".join(p for p in (look.company, brief.title) if p)
    sections = [(anchor, brief.say(heading)) for anchor, heading in SECTIONS]
    if brief.features:
        sections.insert(3, ("capabilities", brief.say("Capabilities")))
    fallback = FONTS.get(look.body_font, FONTS["Inter"]).fallback
    if cjk:
        fallback = f'"{CJK_FAMILY.name}", {CJK_FAMILY.fallback}, {fallback}'
    return {
        "brief": brief,
        "look": look,
        "battle": brief.battle,
        "fonts": fonts,
        "fallback": Markup(fallback),  # noqa: S704 (font names from the code, not from users)
        "footer": footer.replace("\\", "\\\\").replace('"', '\\"'),
        "body": to_html(body_markdown) if body_markdown else "",
        "sections": sections,
        "date": brief.month(date.today()),
    }
