"""The layers of docs/architecture.md hold: a domain imports another's models only through the
pairs its table lists, and the domain-free machinery imports no domain."""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).parent.parent
PRISM = ROOT / "prism"
DOC = ROOT / "docs" / "architecture.md"
# Modules that must stay free of every domain: they take plain data or a protocol.
DOMAIN_FREE = [
    PRISM / "grouping",
    PRISM / "search" / "index.py",
    PRISM / "search" / "models.py",
    PRISM / "search" / "text.py",
]


def domains() -> set[str]:
    return {p.name for p in PRISM.iterdir() if p.is_dir() and (p / "__init__.py").exists()}


def imported(path: Path) -> set[str]:
    """Every `prism.…` module a file imports (a `from prism.x import y` counts `prism.x.y` too,
    since y may be a module)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("prism"):
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("prism"))
    return found


def model_imports() -> dict[str, set[str]]:
    """For each domain, the other domains whose `models` it imports."""
    known = domains()
    pairs: dict[str, set[str]] = defaultdict(set)
    for path in PRISM.rglob("*.py"):
        owner = path.relative_to(PRISM).parts[0]
        if owner not in known:
            continue
        for module in imported(path):
            parts = module.split(".")
            if len(parts) >= 3 and parts[1] in known and parts[1] != owner and parts[2] == "models":
                pairs[owner].add(parts[1])
    return pairs


def documented() -> dict[str, set[str]]:
    text = DOC.read_text(encoding="utf-8").split("<!-- model-imports -->", 1)[1]
    table: dict[str, set[str]] = {}
    for line in text.splitlines()[3:]:
        if not line.startswith("|"):
            break
        domain, allowed = (cell.strip() for cell in line.strip("|").split("|"))
        table[domain.strip("`")] = set(re.findall(r"`(\w+)`", allowed))
    return table


def test_a_domain_imports_another_s_models_only_through_the_documented_pairs() -> None:
    actual, allowed = model_imports(), documented()
    new = {d: sorted(o - allowed.get(d, set())) for d, o in actual.items()}
    new = {d: o for d, o in new.items() if o}
    stale = {d: sorted(o - actual.get(d, set())) for d, o in allowed.items()}
    stale = {d: o for d, o in stale.items() if o}
    assert not new, (
        f"New imports of another domain's models: {new}. Move the code to the domain that "
        "owns the table, or (if the pair is right) add it to docs/architecture.md."
    )
    assert not stale, f"docs/architecture.md lists pairs no longer used: {stale}."


def test_the_domain_free_machinery_imports_no_domain() -> None:
    known = domains()
    for place in DOMAIN_FREE:
        files = list(place.rglob("*.py")) if place.is_dir() else [place]
        own = place.name if place.is_dir() else place.parent.name
        for path in files:
            reached = {m.split(".")[1] for m in imported(path) if m.count(".") >= 1}
            assert not (reached & known) - {own}, f"{path.relative_to(ROOT)} imports {reached}"
