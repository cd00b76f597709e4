"""Markdown to safe HTML: whatever anyone writes in a body, no script ever runs in a reader's
browser. Raw HTML in the source is shown as text, and the output is sanitised again with nh3."""

from __future__ import annotations

import html

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

_PARSER = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
_SCHEMES = {"http", "https", "mailto"}
_TAGS = {
    "a", "p", "br", "hr", "strong", "em", "code", "pre", "blockquote", "ul", "ol", "li",
    "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td", "img",
}  # fmt: skip
_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "th": {"align"}}


def _allowed_link(url: str) -> bool:
    # markdown-it already refuses javascript: and data: links; this keeps anything odd out too.
    scheme = url.split(":", 1)[0].lower() if ":" in url.split("/", 1)[0] else ""
    return scheme == "" or scheme in _SCHEMES


_PARSER.validateLink = _allowed_link  # type: ignore[method-assign]


def to_html(source: str) -> Markup:
    """Render markdown as HTML that is safe to put in a page as it is."""
    html = _PARSER.render(source)
    clean = nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes=_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
    return Markup(clean)  # noqa: S704 - sanitised by nh3 just above


def to_text(source: str) -> str:
    """Markdown as plain paragraphs (one per line), for slides and documents without HTML."""
    text = nh3.clean(_PARSER.render(source), tags=set())
    lines = (html.unescape(line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)
