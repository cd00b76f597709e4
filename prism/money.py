"""Amounts as people say them in a pipeline review."""

from __future__ import annotations


def short_money(value: int) -> str:
    """420000 → 420k, 1250000 → 1.25M: how people say deal sizes."""
    if value >= 1_000_000:
        return f"{value / 1_000_000:.3g}M"
    if value >= 1_000:
        return f"{value / 1_000:.3g}k"
    return str(value)
