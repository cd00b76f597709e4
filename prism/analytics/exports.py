"""Every dashboard table as CSV, with the same columns as its JSON."""

from __future__ import annotations

from collections.abc import Sequence

from prism.analytics.dashboards import ContentHealth, LaunchStanding
from prism.analytics.influence import CardUse, Influence, Rate
from prism.analytics.winloss import Tally
from prism.csvfile import write_csv


def _rate(rate: Rate) -> str:
    return "" if rate.value is None else f"{rate.value:.3f}"


def influence_csv(found: Influence) -> str:
    return write_csv(
        (
            "item_id", "title", "kind", "deals", "open_deals", "pipeline", "won_deals",
            "won_revenue", "win_rate_with", "closed_with", "win_rate_without", "closed_without",
        ),
        (
            (
                a.item_id, a.title, a.kind, a.deals, a.open_deals, a.pipeline, a.won_deals,
                a.won_revenue, _rate(a.with_it), a.with_it.closed, _rate(a.without_it),
                a.without_it.closed,
            )
            for a in found.assets
        ),
    )  # fmt: skip


def battlecards_csv(found: Sequence[CardUse]) -> str:
    return write_csv(
        (
            "competitor", "battlecards", "uses", "deals", "win_rate_with_card", "closed_with_card",
            "win_rate_without_card", "closed_without_card",
        ),
        (
            (
                c.competitor, c.battlecards, c.uses, c.deals, _rate(c.with_card),
                c.with_card.closed, _rate(c.without_card), c.without_card.closed,
            )
            for c in found
        ),
    )  # fmt: skip


def content_csv(found: ContentHealth) -> str:
    return write_csv(
        ("item_id", "title", "kind", "uses", "stale", "why_stale"),
        (
            (r.item_id, r.title, r.kind, r.uses, "yes" if r.stale else "no", " ".join(r.stale))
            for r in found.rows
        ),
    )


def launches_csv(found: Sequence[LaunchStanding]) -> str:
    return write_csv(
        ("launch", "tier", "stage", "checkpoint_day", "health", "on_track", "metrics"),
        (
            (
                s.launch.name,
                s.launch.tier,
                s.launch.stage.value,
                s.checkpoint_day,
                s.health.value if s.health else None,
                s.on_track,
                s.metrics,
            )
            for s in found
        ),
    )


def tallies_csv(dimension: str, found: Sequence[Tally]) -> str:
    """A win/loss table (by competitor, segment or product)."""
    return write_csv(
        (dimension, "closed", "won", "lost", "win_rate", "won_value", "lost_value", "why_lost"),
        (
            (
                t.name, t.deals, t.won, t.lost, f"{t.win_rate:.3f}", t.won_value, t.lost_value,
                "; ".join(f"{r} {n}" for r, n in t.reasons.most_common()),
            )
            for t in found
        ),
    )  # fmt: skip
