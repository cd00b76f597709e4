"""Debian's Chromium as every browser test, benchmark and screenshot drives it: headless, with
nothing fetched from the network (no sandbox: it runs as root in CI)."""

from __future__ import annotations

import shutil

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
