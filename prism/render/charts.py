"""Charts drawn as inline SVG on the server: no script, no external service, readable in a page
and in a PDF alike."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from html import escape

from markupsafe import Markup

from prism.i18n import CHINESE, _, language, short_money

WIDTH, HEIGHT = 560, 200
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 56, 16, 14, 28


@dataclass(frozen=True)
class Marker:
    """A dated vertical line on the chart, such as a checkpoint."""

    on: date
    label: str


def line_chart(
    points: list[tuple[date, float]],
    *,
    title: str,
    start: date,
    end: date,
    target: float | None = None,
    markers: list[Marker] | None = None,
) -> Markup:
    """A line of `points` over [start, end] with an optional dashed target and dated markers."""
    values = [v for _, v in points] + ([target] if target is not None else [])
    top = max([*values, 0.0]) * 1.1 or 1.0
    bottom = min([*values, 0.0])
    span_days = max((end - start).days, 1)

    def x(day: date) -> float:
        return PAD_LEFT + (day - start).days / span_days * (WIDTH - PAD_LEFT - PAD_RIGHT)

    def y(value: float) -> float:
        return PAD_TOP + (top - value) / (top - bottom) * (HEIGHT - PAD_TOP - PAD_BOTTOM)

    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>',
        f'<line x1="{PAD_LEFT}" y1="{y(bottom):.1f}" x2="{WIDTH - PAD_RIGHT}" y2="{y(bottom):.1f}" '
        'stroke="#a3a9b8"/>',
        f'<text x="{PAD_LEFT - 6}" y="{y(top):.1f}" text-anchor="end" font-size="11" '
        f'fill="#5b6275">{_short(top)}</text>',
        f'<text x="{PAD_LEFT - 6}" y="{y(bottom):.1f}" text-anchor="end" font-size="11" '
        f'fill="#5b6275">{_short(bottom)}</text>',
        f'<text x="{PAD_LEFT}" y="{HEIGHT - 8}" font-size="11" fill="#5b6275">{start:%d %b}</text>',
        f'<text x="{WIDTH - PAD_RIGHT}" y="{HEIGHT - 8}" text-anchor="end" font-size="11" '
        f'fill="#5b6275">{end:%d %b %Y}</text>',
    ]
    for marker in markers or []:
        if start <= marker.on <= end:
            parts.append(
                f'<line x1="{x(marker.on):.1f}" y1="{PAD_TOP}" x2="{x(marker.on):.1f}" '
                f'y2="{y(bottom):.1f}" stroke="#d9dce5"/><text x="{x(marker.on) + 3:.1f}" '
                f'y="{PAD_TOP + 10}" font-size="10" fill="#5b6275">{escape(marker.label)}</text>'
            )
    if target is not None:
        # Above its line, or below it when the line runs near the top; a white halo keeps the
        # words readable over the grid and the data line.
        said = escape(_("Target: {value}", value=_short(target)))
        label_y = y(target) - 5 if y(target) - 5 >= PAD_TOP + 12 else y(target) + 14
        parts.append(
            f'<line x1="{PAD_LEFT}" y1="{y(target):.1f}" x2="{WIDTH - PAD_RIGHT}" '
            f'y2="{y(target):.1f}" stroke="#b54708" stroke-dasharray="6 4"/>'
            f'<text x="{WIDTH - PAD_RIGHT - 4}" y="{label_y:.1f}" text-anchor="end" '
            f'font-size="11" fill="#b54708" stroke="#fff" stroke-width="3" '
            f'paint-order="stroke">{said}</text>'
        )
    shown = [(d, v) for d, v in points if start <= d <= end]
    if shown:
        path = " ".join(f"{x(d):.1f},{y(v):.1f}" for d, v in shown)
        parts.append(f'<polyline points="{path}" fill="none" stroke="#4338ca" stroke-width="2"/>')
        parts += [
            f'<circle cx="{x(d):.1f}" cy="{y(v):.1f}" r="3" fill="#4338ca"/>' for d, v in shown
        ]
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 (every text in it is escaped above)


@dataclass(frozen=True)
class Bar:
    """One bar: its label, its length, the text shown at its end, and an optional note; a
    muted bar (a comparison, the "without") is drawn lighter."""

    label: str
    value: float
    shown: str = ""
    note: str = ""
    muted: bool = False


BAR_HEIGHT, BAR_GAP, LABEL_WIDTH = 18, 8, 236


def bar_chart(bars: list[Bar], *, title: str, top: float | None = None) -> Markup:
    """Horizontal bars, longest first as given, scaled to `top` (the longest bar by default);
    each label and figure is written beside its bar, so the chart reads without colour."""
    most = top if top is not None else max([b.value for b in bars] + [0.0])
    most = most or 1.0
    height = PAD_TOP + max(len(bars), 1) * (BAR_HEIGHT + BAR_GAP)
    span = WIDTH - LABEL_WIDTH - PAD_RIGHT - 90
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
    ]
    if not bars:
        parts.append(
            f'<text x="{PAD_LEFT}" y="{PAD_TOP + BAR_HEIGHT}" font-size="12" fill="#5b6275">'
            "Nothing to show yet.</text>"
        )
    for n, bar in enumerate(bars):
        y = PAD_TOP + n * (BAR_HEIGHT + BAR_GAP)
        length = max(bar.value, 0.0) / most * span
        label = bar.label if len(bar.label) <= 32 else bar.label[:31] + "…"
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + 13}" text-anchor="end" font-size="12" '
            f'fill="#1f2430">{escape(label)}<title>{escape(bar.label)}</title></text>'
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length:.1f}" height="{BAR_HEIGHT}" '
            f'rx="2" fill="{"#a5b4fc" if bar.muted else "#4338ca"}"/>'
            f'<text x="{LABEL_WIDTH + length + 6:.1f}" y="{y + 13}" font-size="12" '
            f'fill="#1f2430">{escape(bar.shown or _short(bar.value))}'
            + (f' <tspan fill="#5b6275">{escape(bar.note)}</tspan>' if bar.note else "")
            + "</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 (every text in it is escaped above)


def interactive_bars(bars: list[Bar], *, title: str, top: float | None = None) -> Markup:
    """The same bars for a page: the server-drawn chart (what prints, and what a reader without
    scripts sees) inside a figure carrying the bars as data, which the page's charts.js draws
    with ECharts (values on hover, labels that never collide, a colour-blind-safe palette)."""
    data = {
        "kind": "bars",
        "title": title,
        "top": top,
        "bars": [
            {
                "label": b.label,
                "value": round(b.value, 4),
                "shown": b.shown or _short(b.value),
                "note": b.note,
                "muted": b.muted,
            }
            for b in bars
        ],
    }
    return Markup('<figure class="chart-box" data-chart="{}">{}</figure>').format(
        json.dumps(data, ensure_ascii=False), bar_chart(bars, title=title, top=top)
    )


def interactive_line(
    points: list[tuple[date, float]],
    *,
    title: str,
    start: date,
    end: date,
    target: float | None = None,
    markers: list[Marker] | None = None,
) -> Markup:
    """`line_chart` for a page: the server's SVG inside a figure carrying the points, target and
    markers as data, which charts.js draws with ECharts (the date and value on hover)."""
    data = {
        "kind": "line",
        "title": title,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "target": target,
        "target_label": None if target is None else _("Target: {value}", value=_short(target)),
        "points": [[d.isoformat(), v] for d, v in points if start <= d <= end],
        "markers": [
            {"on": m.on.isoformat(), "label": m.label}
            for m in markers or []
            if start <= m.on <= end
        ],
    }
    drawn = line_chart(points, title=title, start=start, end=end, target=target, markers=markers)
    return Markup('<figure class="chart-box" data-chart="{}">{}</figure>').format(
        json.dumps(data, ensure_ascii=False), drawn
    )


def _short(value: float) -> str:
    """A number as a reader scans it: 1.2M, 350k, 42, 0.35 (in Chinese 120万)."""
    if language() == CHINESE and abs(value) >= 10_000:
        return short_money(value)
    for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= size:
            return f"{value / size:.1f}".rstrip("0").rstrip(".") + suffix
    return f"{value:.2f}".rstrip("0").rstrip(".") if value % 1 else f"{value:.0f}"
