"""Themes: where each new item goes, what people do with themes (rename, pin, merge, split, move
items), their status with the note every contributor is told, and re-clustering that keeps all
of that."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import numpy as np
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, selectinload

from prism.auth.policy import Action, Principal, require
from prism.db import get_or_404, get_or_invalid
from prism.embeddings import Vectors, from_bytes, to_bytes
from prism.errors import Invalid, check_version
from prism.feedback.models import FeedbackItem, FeedbackTheme, StatusChange, ThemeStatus
from prism.feedback.schemas import FeedbackThemeUpdate, MergeIn, SplitIn, StatusIn
from prism.feedback.weights import Weight, weights
from prism.grouping import centres, clustering
from prism.notifications.service import announce_status

SORTS = ("impact", "items", "recent")


def place(placer: centres.Placer, vector: Vectors, text: str) -> int:
    """The theme a new item joins, or a new one labelled from its words."""
    joined = placer.join(vector)
    if joined is not None:
        return joined
    label = clustering.label_themes([text], np.zeros(1, dtype=np.int64))[0]
    theme = FeedbackTheme(label=label, vector_sum=to_bytes(vector))
    placer.session.add(theme)
    placer.session.flush()
    placer.started(theme.id, vector)
    return theme.id


def list_themes(
    session: Session,
    actor: Principal,
    *,
    status: ThemeStatus | None = None,
    product_id: int | None = None,
    since: date | None = None,
    sort: str = "impact",
) -> list[tuple[FeedbackTheme, Weight]]:
    """Themes with their weight, pinned first, then by revenue impact (or item count, or the
    latest item). With `product_id` or `since`, themes none of whose items match are left out."""
    require(actor, Action.READ_FEEDBACK)
    if sort not in SORTS:
        raise Invalid.about("sort", f"Sort by one of: {', '.join(SORTS)}.")
    stmt = select(FeedbackTheme)
    if status is not None:
        stmt = stmt.where(FeedbackTheme.status == status)
    themes = list(session.scalars(stmt))
    weighed = weights(session, [t.id for t in themes], product_id=product_id, since=since)
    everything = product_id is None and since is None
    pairs = [(t, weighed.get(t.id, Weight())) for t in themes if everything or t.id in weighed]
    keys = {
        "impact": lambda p: (p[1].impact, p[1].items),
        "items": lambda p: (p[1].items, p[1].impact),
        "recent": lambda p: (p[1].last_said or date.min, p[1].items),
    }
    pairs.sort(key=keys[sort], reverse=True)
    pairs.sort(key=lambda p: not p[0].pinned)  # stable: pinned first, each group in order
    return pairs


def get_theme(session: Session, actor: Principal, theme_id: int) -> FeedbackTheme:
    require(actor, Action.READ_FEEDBACK)
    return get_or_404(session, FeedbackTheme, theme_id, "theme")


def weight_of(session: Session, theme: FeedbackTheme) -> Weight:
    return weights(session, [theme.id]).get(theme.id, Weight())


def representative_ids(session: Session, theme_id: int, count: int = 5) -> list[int]:
    """The theme's most typical items (closest to its centre), most typical first."""
    rows = session.execute(
        select(FeedbackItem.id, FeedbackItem.vector)
        .where(FeedbackItem.theme_id == theme_id)
        .order_by(FeedbackItem.id)
    ).all()
    if not rows:
        return []
    order = clustering.representatives(np.stack([from_bytes(r.vector) for r in rows]), count)
    return [int(rows[i].id) for i in order]


def history(session: Session, theme_id: int) -> list[StatusChange]:
    return list(
        session.scalars(
            select(StatusChange)
            .where(StatusChange.theme_id == theme_id)
            .options(selectinload(StatusChange.actor))
            .order_by(StatusChange.id)
        )
    )


def update_theme(
    session: Session, actor: Principal, theme_id: int, data: FeedbackThemeUpdate
) -> FeedbackTheme:
    """Rename (the name then stays through re-clustering) or pin / unpin a theme."""
    require(actor, Action.TRIAGE_FEEDBACK)
    theme = get_or_404(session, FeedbackTheme, theme_id, "theme")
    check_version("theme", data.version, theme.version)
    if data.label is not None and data.label != theme.label:
        theme.label, theme.named = data.label, True
    if data.pinned is not None:
        theme.pinned = data.pinned
    session.flush()
    return theme


def set_status(
    session: Session, actor: Principal, theme_id: int, data: StatusIn, *, now: datetime
) -> FeedbackTheme:
    """Move a theme along new → reviewed → shared with product → planned → shipped / declined,
    and tell everyone who contributed an item (in the app and by webhook)."""
    require(actor, Action.TRIAGE_FEEDBACK)
    theme = get_or_404(session, FeedbackTheme, theme_id, "theme")
    check_version("theme", data.version, theme.version)
    if data.status is theme.status and data.note == theme.status_note:
        return theme
    theme.status, theme.status_note = data.status, data.note
    session.add(
        StatusChange(theme_id=theme.id, status=data.status, note=data.note, actor_id=actor.id)
    )
    session.flush()
    contributors = session.scalars(
        select(FeedbackItem.submitter_id).where(
            FeedbackItem.theme_id == theme.id, FeedbackItem.submitter_id.is_not(None)
        )
    )
    about = {"id": theme.id, "label": theme.label, "path": theme_path(theme)}
    event = "feedback.theme_status_changed"
    announce_status(
        session, contributors, actor=actor, about=("theme", about), status=data.status,
        note=data.note, event=event, told_as="contributors_told", now=now,
    )  # fmt: skip
    return theme


def theme_path(theme: FeedbackTheme) -> str:
    return f"/feedback/themes/{theme.id}"


def merge(session: Session, actor: Principal, theme_id: int, data: MergeIn) -> FeedbackTheme:
    """Fold other themes into this one. The result is curated: re-clustering keeps it whole."""
    require(actor, Action.TRIAGE_FEEDBACK)
    target = get_or_404(session, FeedbackTheme, theme_id, "theme")
    # The merged themes' status history goes with them; the target's is what counts now.
    centres.fold(
        session,
        FeedbackTheme,
        FeedbackItem.theme_id,
        FeedbackItem.vector,
        target.id,
        data.theme_ids,
        field="theme_ids",
        what="theme",
    )
    target.curated = True
    session.flush()
    return _reload(session, target.id)


def split(session: Session, actor: Principal, theme_id: int, data: SplitIn) -> FeedbackTheme:
    """Take some items out of a theme into a new, named one; both are curated from then on."""
    require(actor, Action.TRIAGE_FEEDBACK)
    source = get_or_404(session, FeedbackTheme, theme_id, "theme")
    members = set(session.scalars(select(FeedbackItem.id).where(FeedbackItem.theme_id == theme_id)))
    stray = next((i for i in data.item_ids if i not in members), None)
    if stray is not None:
        raise Invalid.about("item_ids", f"Item {stray} is not in theme {theme_id}.")
    if members <= set(data.item_ids):
        raise Invalid.about("item_ids", "Leave at least one item in the theme (or rename it).")
    created = FeedbackTheme(label=data.label, named=True, curated=True)
    session.add(created)
    source.curated = True
    session.flush()
    session.execute(
        update(FeedbackItem)
        .where(FeedbackItem.id.in_(data.item_ids))
        .values(theme_id=created.id, placed=True)
        .execution_options(synchronize_session="evaluate")
    )
    _recentre(session, [source.id, created.id])
    return _reload(session, created.id)


def move(session: Session, actor: Principal, item_id: int, theme_id: int) -> FeedbackItem:
    """Put one item in another theme by hand; re-clustering leaves it there."""
    require(actor, Action.TRIAGE_FEEDBACK)
    item = get_or_404(session, FeedbackItem, item_id, "feedback item")
    target = get_or_invalid(session, FeedbackTheme, theme_id, "theme_id", "theme")
    old = item.theme_id
    item.theme_id, item.placed = target.id, True
    target.curated = True
    session.flush()
    touched = [target.id]
    if old is not None and old != target.id:
        touched.append(old)
    _recentre(session, touched)
    if old is not None and old != target.id:
        _drop_if_empty(session, old)
    return item


def _drop_if_empty(session: Session, theme_id: int) -> None:
    """A theme left with no items goes, unless people gave it a name, a pin or a status."""
    theme = session.get(FeedbackTheme, theme_id)
    if theme is None or theme.named or theme.pinned or theme.status is not ThemeStatus.NEW:
        return
    left = session.scalar(select(FeedbackItem.id).where(FeedbackItem.theme_id == theme_id).limit(1))
    if left is None:
        session.delete(theme)
        session.flush()


def _recentre(session: Session, theme_ids: Sequence[int]) -> None:
    centres.recentre(session, FeedbackTheme, FeedbackItem.theme_id, FeedbackItem.vector, theme_ids)


def _reload(session: Session, theme_id: int) -> FeedbackTheme:
    theme = session.scalar(
        select(FeedbackTheme)
        .where(FeedbackTheme.id == theme_id)
        .execution_options(populate_existing=True)
    )
    assert theme is not None
    return theme


# --- re-clustering --------------------------------------------------------------------------


@dataclass(frozen=True)
class Reclustered:
    themes_before: int
    themes_after: int
    items_moved: int
    items_held: int


def recluster(session: Session, actor: Principal) -> Reclustered:
    """Cluster again every item people have not placed, outside the themes people hold (named,
    pinned, merged, split or given a status). New clusters close to a held theme join it; the
    rest keep the id (and so the links) of the old theme they overlap most."""
    require(actor, Action.TRIAGE_FEEDBACK)
    themes = {t.id: t for t in session.scalars(select(FeedbackTheme))}
    held = {i for i, t in themes.items() if t.held}
    rows = session.execute(
        select(FeedbackItem.id, FeedbackItem.theme_id, FeedbackItem.placed, FeedbackItem.vector)
    ).all()
    free = [r for r in rows if not r.placed and r.theme_id not in held]
    before = len(themes)
    if not free:
        return Reclustered(before, before, 0, len(rows))
    vectors = np.stack([from_bytes(r.vector) for r in free])
    labels = clustering.cluster(vectors)
    found = centres.unit_rows(clustering.sums(vectors, labels))
    assigned = _join_held(session, found, sorted(held))
    # The rest keep the id of the free theme they overlap most (greedily, largest overlap first).
    overlap = Counter(
        (int(label), r.theme_id) for label, r in zip(labels, free, strict=True) if r.theme_id
    )
    taken: set[int] = set()
    for (cluster_no, old), _ in overlap.most_common():
        if cluster_no in assigned or old in taken or old in held:
            continue
        assigned[cluster_no] = old
        taken.add(old)
    for cluster_no in range(len(found)):
        if cluster_no not in assigned:
            theme = FeedbackTheme(label="")
            session.add(theme)
            session.flush()
            assigned[cluster_no] = theme.id
            themes[theme.id] = theme
    moved = _move_free(session, free, labels, assigned)
    used = set(assigned.values())
    gone = [i for i in themes if i not in held and i not in used]
    if gone:
        session.execute(delete(FeedbackTheme).where(FeedbackTheme.id.in_(gone)))
    kept = sorted(set(themes) - set(gone))
    _recentre(session, kept)
    relabel(session, kept)
    session.flush()
    return Reclustered(before, len(kept), moved, len(rows) - len(free))


def _join_held(session: Session, found: Vectors, held_ids: list[int]) -> dict[int, int]:
    """Clusters whose centre lies close to a held theme's join it: {cluster number: theme id}."""
    if not held_ids:
        return {}
    ids, held_centres = centres.centres(session, FeedbackTheme, FeedbackTheme.id.in_(held_ids))
    joined = {}
    for cluster_no, centre in enumerate(found):
        scores = held_centres @ centre
        best = int(scores.argmax())
        if scores[best] >= clustering.FIT:
            joined[cluster_no] = ids[best]
    return joined


def _move_free(
    session: Session, free: Sequence[Any], labels: np.ndarray, assigned: dict[int, int]
) -> int:
    """Move each free item to its cluster's theme; returns how many changed theme."""
    targets: dict[int, list[int]] = defaultdict(list)
    for label, row in zip(labels, free, strict=True):
        target = assigned[int(label)]
        if target != row.theme_id:
            targets[target].append(row.id)
    for target, ids in targets.items():
        session.execute(
            update(FeedbackItem)
            .where(FeedbackItem.id.in_(ids))
            .values(theme_id=target)
            .execution_options(synchronize_session="evaluate")
        )
    return sum(len(ids) for ids in targets.values())


def relabel(session: Session, theme_ids: Sequence[int]) -> None:
    """Label each theme people have not named from its items' most distinctive words."""
    rows = session.execute(
        select(FeedbackItem.theme_id, FeedbackItem.text).where(FeedbackItem.theme_id.is_not(None))
    ).all()
    # Distinctiveness is judged against every theme, so all items are read.
    numbering = {theme_id: n for n, theme_id in enumerate(sorted({r.theme_id for r in rows}))}
    labels = clustering.label_themes(
        [r.text for r in rows], np.array([numbering[r.theme_id] for r in rows], dtype=np.int64)
    )
    for theme in session.scalars(select(FeedbackTheme).where(FeedbackTheme.id.in_(theme_ids))):
        if not theme.named and theme.id in numbering:
            theme.label = labels[numbering[theme.id]][:200]
