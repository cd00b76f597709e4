"""API shapes for rendering: what to render, the outputs, and the brand theme."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints

from prism.i18n import Language
from prism.render.brand import DEFAULT_LOOK
from prism.render.layouts import Format, LayoutName
from prism.schemas import Id, Input, Output

Colour = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^#[0-9A-Fa-f]{6}$")]
FontName = Literal["Inter", "Source Serif 4"]
Context = Annotated[str, StringConstraints(strip_whitespace=True, max_length=120)]


class RenderIn(Input):
    """Render an item; the layout defaults to the usual one for the item's kind and format."""

    format: Format
    layout: LayoutName | None = Field(
        default=None, description="sales_deck or talk (pptx); whitepaper (pdf, docx); …"
    )
    customer: Context = Field(default="", description="Who it is for: shown on the output.")
    industry: Context = Field(default="", description="Stories from this industry come first.")
    against: Context = Field(
        default="", description="A competitor in the deal: a sales deck adds a comparison."
    )
    seller_id: Id | None = Field(
        default=None, description="Whose name and contact close a sales deck (a person's id)."
    )
    language: Language | None = Field(
        default=None, description="The output's language; by default the one its source is in."
    )
    currency: Annotated[str, StringConstraints(pattern=r"^([A-Z]{3})?$")] = Field(
        default="",
        description="The price book a pricing sheet (or a deck's pricing slide) quotes: USD, "
        "EUR, CNY…; by default the product's own currency.",
    )
    launch_id: Id | None = Field(
        default=None,
        description="Preview a launch's packaging change: a pricing sheet (or pricing slide) "
        "shows the line-up and prices as they will stand once that launch goes GA.",
    )
    audience: Literal["customer", "internal"] | None = Field(
        default=None,
        description="Who reads it. Every layout but the battlecard is for customers: it holds "
        "only published, customer-shareable content and no internal field. `internal` renders "
        "it for our own team (marked internal), from any published item.",
    )

    def options(self) -> dict[str, Any]:
        """What the output is made for, as it is stored (unset choices left out)."""
        internal = "internal" if self.audience == "internal" else None
        chosen = {
            "customer": self.customer,
            "industry": self.industry,
            "against": self.against,
            "seller_id": self.seller_id,
            "language": self.language,
            "currency": self.currency,
            "audience": internal,
            "launch_id": self.launch_id,
        }
        return {k: v for k, v in chosen.items() if v}


class RenditionOut(Output):
    id: int
    item_id: int
    layout: str
    format: str
    options: dict[str, Any]
    filename: str
    media_type: str
    size: int
    gaps: list[str]
    omitted: list[str] = Field(description="What a customer output left out, and why.")
    chosen: list[str] = Field(description="Why each customer story shown was chosen.")
    rendered_at: datetime
    outdated: bool = False
    download_url: str = ""


class ThemeIn(Input):
    company: Annotated[str, StringConstraints(strip_whitespace=True, max_length=120)] = ""
    primary: Colour = DEFAULT_LOOK.primary
    accent: Colour = DEFAULT_LOOK.accent
    ink: Colour = DEFAULT_LOOK.ink
    heading_font: FontName = "Inter"
    body_font: FontName = "Inter"


class ThemeUpdate(ThemeIn):
    version: Annotated[int, Field(ge=0, description="The version you read; 0 before any save.")]


class ThemeOut(Output):
    company: str
    primary: str
    accent: str
    ink: str
    heading_font: str
    body_font: str
    has_logo: bool
    version: int
