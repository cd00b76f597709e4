"""The brand as the renderers see it: colours, fonts shipped inside Prism, and the logo's bytes.

Fonts are files in `prism/render/fonts/` (SIL Open Font License; see its README), so every output
looks the same on an air-gapped server: PDFs embed them, HTML carries a compact WOFF2 copy, and
slides and Word documents name them (Prism measures text with them so nothing overflows a slide).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

FONT_DIR = Path(__file__).parent / "fonts"


@dataclass(frozen=True)
class FontFamily:
    name: str
    regular: str
    bold: str
    italic: str
    fallback: str


FONTS: dict[str, FontFamily] = {
    f.name: f
    for f in (
        FontFamily(
            "Inter",
            "Inter_400Regular.ttf",
            "Inter_700Bold.ttf",
            "Inter_400Regular_Italic.ttf",
            "Helvetica, Arial, sans-serif",
        ),
        FontFamily(
            "Source Serif 4",
            "SourceSerif4_400Regular.ttf",
            "SourceSerif4_700Bold.ttf",
            "SourceSerif4_400Regular_Italic.ttf",
            "Georgia, 'Times New Roman', serif",
        ),
    )
}


@dataclass(frozen=True)
class Look:
    """A theme frozen for one render: what every renderer reads, with no database behind it."""

    company: str
    primary: str
    accent: str
    ink: str
    heading_font: str
    body_font: str
    logo: bytes | None = None
    logo_media_type: str | None = None

    @property
    def logo_data_uri(self) -> str:
        if not self.logo or not self.logo_media_type:
            return ""
        return f"data:{self.logo_media_type};base64,{base64.b64encode(self.logo).decode()}"


DEFAULT_LOOK = Look("", "#1F3A5F", "#E07A2E", "#1C2430", "Inter", "Inter")


def font_path(family: str, weight: str = "regular") -> Path:
    chosen = FONTS.get(family, FONTS["Inter"])
    return FONT_DIR / str(getattr(chosen, weight))


@lru_cache(maxsize=64)
def measuring_font(family: str, bold: bool, size: float) -> ImageFont.FreeTypeFont:
    """The font at `size`, where one pixel stands for one point, to measure lines with."""
    return ImageFont.truetype(str(font_path(family, "bold" if bold else "regular")), size)


@lru_cache(maxsize=32)
def font_data_uri(family: str, weight: str, flavor: str) -> str:
    """The font file as a data URI: `ttf` for PDFs (quick to load), `woff2` for HTML (small)."""
    path = font_path(family, weight).with_suffix(f".{flavor}")
    return f"data:font/{flavor};base64," + base64.b64encode(path.read_bytes()).decode()


def rgb(hex_colour: str) -> tuple[int, int, int]:
    value = hex_colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)
