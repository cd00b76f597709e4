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
from prism.db import get_or_404, get_or_invalid, holds_words
from prism.embeddings import Vectors, from_bytes, to_bytes
from prism.errors import Invalid, check_version
from prism.feedback.models import (
    FeedbackItem,
    FeedbackSettings,
    FeedbackTheme,
    Signal,
    StatusChange,
    ThemeStatus,
    signal_of,
)
from prism.feedback.schemas import FeedbackThemeUpdate, MergeIn, SplitIn, StatusIn
from prism.feedback.weights import Weight, weights
from prism.grouping import centres, clustering, naming
from prism.i18n import _
from prism.notifications.service import announce_status

SORTS = ("impact", "items", "recent")
# Re-clustering fewer items than this leaves the placement rule as it was: too few to measure.
PLACEMENT_SAMPLE = 20
ONE_SIGNAL = "a theme keeps to one signal, so praise or a rival's claim never weighs a request."


def settings(session: Session) -> FeedbackSettings:
    """The inbox's settings (made on first use)."""
    found = session.get(FeedbackSettings, 1)
    if found is None:
        found = FeedbackSettings(id=1, granularity=0)
        session.add(found)
        session.flush()
    return found


def join_at(session: Session) -> float:
    """How close to the closest theme's centre a new item must be to join it: as close as nine
    members in ten were at the last re-clustering (before the first, `clustering.JOIN`)."""
    found = session.get(FeedbackSettings, 1)
    return found.join_at if found and found.join_at is not None else clustering.JOIN


def granularity_of(session: Session) -> int:
    found = session.get(FeedbackSettings, 1)
    return found.granularity if found else 0


def check_granularity(value: int) -> None:
    """`Invalid` about the granularity unless it is one of `clustering.GRANULARITY`."""
    if value not in clustering.GRANULARITY:
        raise Invalid.about(
            "granularity",
            _(
                "Choose from {BROADEST} (broadest themes) to {NARROWEST} (narrowest).",
                BROADEST=clustering.BROADEST,
                NARROWEST=clustering.NARROWEST,
            ),
        )


def set_granularity(session: Session, actor: Principal, value: int) -> FeedbackSettings:
    """Broader (negative) or narrower (positive) themes from the next re-clustering on; new
    items are placed by the same rule."""
    require(actor, Action.TRIAGE_FEEDBACK)
    check_granularity(value)
    found = settings(session)
    found.granularity = value
    session.flush()
    return found


class Placing:
    """Where new items go: each joins the closest theme of its own signal when close enough, or
    starts a theme labelled from its words. The centres are read once a signal and written back
    by `save`, so a batch costs one read and one write per theme touched."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.placers: dict[Signal, centres.Placer] = {}
        # The re-clustering's own rule: as close as nine members in ten it kept together.
        self.threshold = join_at(session)

    def place(self, vector: Vectors, text: str, signal: Signal) -> int:
        if signal not in self.placers:
            where = FeedbackTheme.signal == signal
            self.placers[signal] = centres.Placer(
                self.session, FeedbackTheme, where, threshold=self.threshold
            )
        placer = self.placers[signal]
        joined = placer.join(vector)
        if joined is not None:
            return joined
        label = naming.name_one(text)
        theme = FeedbackTheme(label=label, signal=signal, vector_sum=to_bytes(vector))
        self.session.add(theme)
        self.session.flush()
        placer.started(theme.id, vector)
        return theme.id

    def save(self) -> None:
        for placer in self.placers.values():
            placer.save()


def list_themes(
    session: Session,
    actor: Principal,
    *,
    status: ThemeStatus | None = None,
    signal: Signal | None = None,
    product_id: int | None = None,
    since: date | None = None,
    sort: str = "impact",
    q: str = "",
) -> list[tuple[FeedbackTheme, Weight]]:
    """Themes with their weight, pinned first, then by revenue impact (or item count, or the
    latest item). With `product_id` or `since`, themes none of whose items match are left out;
    with `q`, those whose label lacks one of its words."""
    require(actor, Action.READ_FEEDBACK)
    if sort not in SORTS:
        raise Invalid.about("sort", _("Sort by one of: {join}.", join=", ".join(SORTS)))
    stmt = select(FeedbackTheme).where(holds_words(q, FeedbackTheme.label))
    if status is not None:
        stmt = stmt.where(FeedbackTheme.status == status)
    if signal is not None:
        stmt = stmt.where(FeedbackTheme.signal == signal)
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
    for other in session.scalars(select(FeedbackTheme).where(FeedbackTheme.id.in_(data.theme_ids))):
        if other.signal is not target.signal:
            raise Invalid.about(
                "theme_ids",
                _(
                    "Theme {id} holds {signal} and theme {id2} holds {signal2}: {ONE_SIGNAL}",
                    id=other.id,
                    signal=other.signal.label,
                    id2=target.id,
                    signal2=target.signal.label,
                    ONE_SIGNAL=ONE_SIGNAL,
                ),
            )
    # The merged themes' status history goes with them; the target's is what counts now.
    centres.fold(
        session,
        FeedbackTheme,
        FeedbackItem.theme_id,
        FeedbackItem.vector,
        target.id,
        data.theme_ids,
        field="theme_ids",
        what=_("theme"),
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
        raise Invalid.about(
            "item_ids",
            _("Item {stray} is not in theme {theme_id}.", stray=stray, theme_id=theme_id),
        )
    if members <= set(data.item_ids):
        raise Invalid.about("item_ids", _("Leave at least one item in the theme (or rename it)."))
    created = FeedbackTheme(label=data.label, signal=source.signal, named=True, curated=True)
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
    if item.signal is not target.signal:
        raise Invalid.about(
            "theme_id",
            _(
                "This item is {one}, and theme {id} holds {signal}: {ONE_SIGNAL}",
                one=item.signal.one,
                id=target.id,
                signal=target.signal.label,
                ONE_SIGNAL=ONE_SIGNAL,
            ),
        )
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
    granularity: int


def recluster(session: Session, actor: Principal, *, granularity: int | None = None) -> Reclustered:
    """Cluster again every item people have not placed, outside the themes people hold (named,
    pinned, merged, split or given a status), one signal at a time: a theme never mixes praise
    with requests. New clusters close to a held theme of their signal join it; the rest keep the
    id (and so the links) of the old theme they overlap most."""
    require(actor, Action.TRIAGE_FEEDBACK)
    if granularity is not None:
        set_granularity(session, actor, granularity)
    level = granularity_of(session)
    themes = {t.id: t for t in session.scalars(select(FeedbackTheme))}
    held = {i for i, t in themes.items() if t.held}
    rows = session.execute(
        select(
            FeedbackItem.id,
            FeedbackItem.theme_id,
            FeedbackItem.placed,
            FeedbackItem.kind,
            FeedbackItem.reason,
            FeedbackItem.vector,
        )
    ).all()
    free = [r for r in rows if not r.placed and r.theme_id not in held]
    before = len(themes)
    if not free:
        return Reclustered(before, before, 0, len(rows), level)
    by_signal: dict[Signal, list[Any]] = defaultdict(list)
    for row in free:
        by_signal[signal_of(row.kind, row.reason)].append(row)
    taken: set[int] = set()
    used: set[int] = set()
    moved = 0
    closeness: list[Vectors] = []  # each free item's cosine to its new theme's centre
    for signal in sorted(by_signal):
        members = by_signal[signal]
        vectors = np.stack([from_bytes(r.vector) for r in members])
        labels = clustering.cluster(vectors, granularity=level)
        found = centres.unit_rows(clustering.sums(vectors, labels))
        closeness.append((vectors * found[labels]).sum(axis=1))
        own = sorted(i for i in held if themes[i].signal is signal)
        assigned = _join_held(session, found, own)
        # The rest keep the id of the free theme they overlap most (largest overlap first).
        overlap = Counter(
            (int(label), r.theme_id) for label, r in zip(labels, members, strict=True) if r.theme_id
        )
        for (cluster_no, old), _unused in overlap.most_common():
            if cluster_no in assigned or old in taken or old in held:
                continue
            assigned[cluster_no] = old
            taken.add(old)
            themes[old].signal = signal
        for cluster_no in range(len(found)):
            if cluster_no not in assigned:
                theme = FeedbackTheme(label="", signal=signal)
                session.add(theme)
                session.flush()
                assigned[cluster_no] = theme.id
                themes[theme.id] = theme
        moved += _move_free(session, members, labels, assigned)
        used.update(assigned.values())
    if sum(len(c) for c in closeness) >= PLACEMENT_SAMPLE:
        chosen = settings(session)
        chosen.join_at = round(float(np.percentile(np.concatenate(closeness), 10)), 4)
    gone = [i for i in themes if i not in held and i not in used]
    if gone:
        session.execute(delete(FeedbackTheme).where(FeedbackTheme.id.in_(gone)))
    kept = sorted(set(themes) - set(gone))
    _recentre(session, kept)
    relabel(session, kept)
    session.flush()
    return Reclustered(before, len(kept), moved, len(rows) - len(free), level)


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
    labels = naming.name_groups(
        [r.text for r in rows], np.array([numbering[r.theme_id] for r in rows], dtype=np.int64)
    )
    for theme in session.scalars(select(FeedbackTheme).where(FeedbackTheme.id.in_(theme_ids))):
        if not theme.named and theme.id in numbering:
            theme.label = labels[numbering[theme.id]][:200]
