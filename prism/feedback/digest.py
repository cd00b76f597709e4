"""The product digest: the top themes still waiting for a decision, by revenue impact, each with
its evidence, as a page, markdown and a PDF in the house look. Prism informs the roadmap; the
product team decides."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from prism.auth.policy import Principal
from prism.feedback import service, themes
from prism.feedback.models import FeedbackItem, FeedbackTheme, Kind, Reason, ThemeStatus
from prism.feedback.weights import Weight
from prism.filestore import FileStore
from prism.knowledge.models import Item
from prism.render import documents
from prism.render.brief import Brief
from prism.render.service import house_look

# Decided themes leave the digest: it lists what still waits for a decision.
DECIDED = frozenset({ThemeStatus.SHIPPED, ThemeStatus.DECLINED})


@dataclass(frozen=True)
class DigestLine:
    theme: FeedbackTheme
    weight: Weight
    evidence: list[FeedbackItem]


@dataclass(frozen=True)
class Digest:
    title: str
    lines: list[DigestLine]


def digest(
    session: Session,
    actor: Principal,
    *,
    product_id: int | None = None,
    since: date | None = None,
    limit: int = 10,
    evidence: int = 3,
) -> Digest:
    """The top undecided themes by revenue impact (see `ranked`), each with its most typical
    items."""
    pairs = ranked(session, actor, product_id=product_id, since=since)
    lines = [line_of(session, pair, evidence) for pair in pairs[:limit]]
    product = session.get(Item, product_id) if product_id else None
    return Digest(f"Product digest: {product.title}" if product else "Product digest", lines)


def ranked(
    session: Session, actor: Principal, *, product_id: int | None = None, since: date | None = None
) -> list[tuple[FeedbackTheme, Weight]]:
    """Every undecided theme that asks something of product (requests, bugs, pricing; a deal
    lost for want of a feature weighs its request), never praise, wins or competitor claims,
    heaviest revenue impact first."""
    pairs = [
        (t, w)
        for t, w in themes.list_themes(session, actor, product_id=product_id, since=since)
        if t.status not in DECIDED and t.signal.asks
    ]
    pairs.sort(key=lambda p: (p[1].impact, p[1].items), reverse=True)
    return pairs


def line_of(session: Session, pair: tuple[FeedbackTheme, Weight], evidence: int = 3) -> DigestLine:
    theme, weight = pair
    return DigestLine(theme, weight, service.typical_items(session, theme.id, evidence))


def _source(item: FeedbackItem) -> str:
    parts = (
        item.account.name if item.account else "",
        item.team.name if item.team else "",
        item.said_on.isoformat(),
    )
    return " · ".join(part for part in parts if part)


def body(lines: Sequence[DigestLine], *, today: date) -> str:
    """The digest below its title, in markdown."""
    out = [
        f"_{today.isoformat()}: the top themes by revenue impact (ARR of the accounts that raised "
        "them plus the open pipeline they touch). Prism informs the roadmap; the product team "
        "decides._"
    ]
    if not lines:
        out.append("No undecided themes.")
    for rank, line in enumerate(lines, start=1):
        out.append(f"## {rank}. {line.theme.label}")
        out.append(f"**{line.theme.status.label.capitalize()}**. {line.weight.sentence}.")
        out += [f"- {lost.sentence} over this." for lost in line.weight.lost]
        kinds = ", ".join(f"{Kind(k).label} {n}" for k, n in line.weight.kinds.items())
        out.append(f"Signals: {kinds}.")
        if line.weight.reasons:
            reasons = ", ".join(f"{Reason(r).label} {n}" for r, n in line.weight.reasons.items())
            out.append(f"Reasons given: {reasons}.")
        out += [f"> {item.text}\n>\n> — {_source(item)}" for item in line.evidence]
    return "\n\n".join(out) + "\n"


def markdown(found: Digest, *, today: date) -> str:
    return f"# {found.title}\n\n{body(found.lines, today=today)}"


def pdf(session: Session, found: Digest, *, store: FileStore, today: date) -> bytes:
    """The digest as a PDF in the house look."""
    page = Brief(
        title=found.title, subtitle=f"Top themes by revenue impact, {today}", kind_label="Digest"
    )
    return documents.pdf(
        "item_sheet", page, house_look(session, store), body(found.lines, today=today)
    )
