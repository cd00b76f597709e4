"""The brand as the renderers see it: colours, fonts shipped inside Prism, and the logo's bytes.

Fonts are files in `prism/render/fonts/` (SIL Open Font License; see its README), so every output
looks the same on an air-gapped server: PDFs embed them and HTML carries a compact WOFF2 copy.
Slides and Word documents cannot carry a font every recipient's Office will use, so they name one
that Office has everywhere (Arial for the sans theme, Times New Roman for the serif one) and Prism
measures their text with a metric-compatible twin (Arimo, Tinos) so nothing overflows a slide.
Chinese text is set in Noto Sans SC (a GB 2312 subset) in PDFs and HTML, and named as Microsoft
YaHei in Office files.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from fontTools import subset
from PIL import ImageFont

FONT_DIR = Path(__file__).parent / "fonts"


@dataclass(frozen=True)
class FontFamily:
    name: str
    regular: str
    bold: str
    italic: str
    fallback: str
    # The font Office documents name, and the shipped file prefix with the same metrics.
    office: str = "Arial"
    office_metrics: str = "Arimo"


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
            office="Times New Roman",
            office_metrics="Tinos",
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

# Chinese text: its own family (the brand's Latin fonts have no Chinese), and the name Office
# documents give it.
CJK_FAMILY = FontFamily(
    "Noto Sans SC",
    "NotoSansSC_400Regular.ttf",
    "NotoSansSC_700Bold.ttf",
    "NotoSansSC_400Regular.ttf",
    "'PingFang SC', 'Microsoft YaHei', sans-serif",
    office="Microsoft YaHei",
    office_metrics="NotoSansSC",
)


def family_of(name: str) -> FontFamily:
    """The shipped family called `name`, or named so in Office documents (Inter otherwise)."""
    known = [*FONTS.values(), CJK_FAMILY]
    return next((f for f in known if name in (f.name, f.office)), FONTS["Inter"])


def font_path(family: str, weight: str = "regular") -> Path:
    return FONT_DIR / str(getattr(family_of(family), weight))


def office_font(family: str) -> str:
    """The font an Office document names for the theme's `family`."""
    return family_of(family).office


@lru_cache(maxsize=128)
def measuring_font(
    family: str, bold: bool, size: float, cjk: bool = False
) -> ImageFont.FreeTypeFont:
    """The Office twin of `family` (or Noto Sans SC for Chinese) at `size`, where one pixel
    stands for one point, to measure a slide's lines with."""
    chosen = CJK_FAMILY if cjk else family_of(family)
    weight = "_700Bold" if bold else "_400Regular"
    return ImageFont.truetype(str(FONT_DIR / f"{chosen.office_metrics}{weight}.ttf"), size)


@lru_cache(maxsize=32)
def font_data_uri(family: str, weight: str, flavor: str) -> str:
    """The font file as a data URI: `ttf` for PDFs (quick to load), `woff2` for HTML (small)."""
    path = font_path(family, weight).with_suffix(f".{flavor}")
    return f"data:font/{flavor};base64," + base64.b64encode(path.read_bytes()).decode()


@lru_cache(maxsize=64)
def cjk_data_uri(characters: str, weight: str, flavor: str) -> str:
    """Noto Sans SC cut down to `characters` as a data URI: a page with a few lines of Chinese
    carries a few kilobytes of font, not megabytes (and renders in milliseconds, not seconds)."""
    options = subset.Options()
    options.flavor = "woff2" if flavor == "woff2" else None
    options.layout_features = ["*"]
    font = subset.load_font(str(font_path(CJK_FAMILY.name, weight)), options)
    cutter = subset.Subsetter(options)
    cutter.populate(text=characters)
    cutter.subset(font)
    out = io.BytesIO()
    subset.save_font(font, out, options)
    return f"data:font/{flavor};base64," + base64.b64encode(out.getvalue()).decode()


def rgb(hex_colour: str) -> tuple[int, int, int]:
    value = hex_colour.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)
