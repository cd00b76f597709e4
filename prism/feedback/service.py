"""The feedback loop's intake: take items in (form, API, CSV, beta programmes, deals), place each
in a theme as it arrives, find what already says the same thing, and read items back.

Prism informs the roadmap; the product team decides. Nothing here changes a product or a plan.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from prism.accounts.models import Account
from prism.auth.policy import Action, Principal, require
from prism.db import utcnow
from prism.deals.models import Deal
from prism.embeddings import default_embedder, from_bytes, to_bytes
from prism.errors import Invalid, NotFound
from prism.feedback import themes
from prism.feedback.models import (
    FeedbackItem,
    FeedbackTheme,
    Kind,
    Origin,
    Reason,
    StatusChange,
    signal_of,
)
from prism.feedback.schemas import FeedbackIn
from prism.feedback.weights import Weight
from prism.grouping import centres, clustering
from prism.i18n import N_, _
from prism.knowledge.service import items_of_kind
from prism.launches.models import Launch
from prism.pagination import PageOf, paginate
from prism.people.service import team_of, teams_by_ids

ITEM_DETAIL = (
    selectinload(FeedbackItem.submitter),
    selectinload(FeedbackItem.team),
    selectinload(FeedbackItem.product),
    selectinload(FeedbackItem.feature),
    selectinload(FeedbackItem.competitor),
    selectinload(FeedbackItem.launch),
    selectinload(FeedbackItem.account),
    selectinload(FeedbackItem.deal),
    selectinload(FeedbackItem.theme),
)
ONE_DAY = timedelta(days=1)
# Themes this close to what is being typed are offered (looser than joining one).
SUGGEST = clustering.FIT - 0.15


def submit(
    session: Session,
    actor: Principal,
    data: FeedbackIn,
    *,
    origin: Origin = Origin.API,
    today: date | None = None,
) -> FeedbackItem:
    """Take one item in and place it: it joins the closest theme or starts its own."""
    return submit_many(session, actor, [data], origin=origin, today=today)[0]


def submit_many(
    session: Session,
    actor: Principal,
    rows: Sequence[FeedbackIn],
    *,
    origin: Origin,
    external_ids: Sequence[str | None] | None = None,
    today: date | None = None,
) -> list[FeedbackItem]:
    """Take several items in at once (one embedding batch), placing each in turn."""
    require(actor, Action.SUBMIT_FEEDBACK)
    today = today or utcnow().date()
    # A day's grace: "today" where the field is may be tomorrow in UTC.
    late = next(
        (row.said_on for row in rows if row.said_on and row.said_on > today + ONE_DAY), None
    )
    if late is not None:
        raise Invalid.about("said_on", _("{late} is in the future.", late=late))
    check_references(session, actor, rows)
    vectors = default_embedder().embed([row.text for row in rows])
    own_team = team_of(session, actor)
    placing = themes.Placing(session)
    items = []
    for n, (row, vector) in enumerate(zip(rows, vectors, strict=True)):
        item = FeedbackItem(
            **row.model_dump(exclude={"said_on", "team_id"}),
            origin=origin,
            said_on=row.said_on or today,
            team_id=row.team_id or own_team,
            submitter_id=actor.id,
            vector=to_bytes(vector),
            theme_id=placing.place(vector, row.text, signal_of(row.kind, row.reason)),
            external_id=external_ids[n] if external_ids else None,
        )
        session.add(item)
        items.append(item)
    placing.save()
    session.flush()
    return load_items(session, [item.id for item in items])


def check_references(session: Session, actor: Principal, rows: Sequence[FeedbackIn]) -> None:
    """Every id the items name exists (and their library items are readable and of their kind);
    otherwise `Invalid` about the field, naming the first that does not."""
    for kind in ("product", "feature", "competitor"):
        ids = _named(rows, f"{kind}_id")
        if ids:
            items_of_kind(session, actor, ids, kind, field=f"{kind}_id")
    teams = _named(rows, "team_id")
    if teams:
        teams_by_ids(session, teams, field="team_id")
    for field_name, model, what in (
        ("launch_id", Launch, N_("launch")),
        ("account_id", Account, N_("account")),
        ("deal_id", Deal, N_("deal")),
    ):
        ids = _named(rows, field_name)
        found = set(session.scalars(select(model.id).where(model.id.in_(ids)))) if ids else set()
        missing = next((i for i in ids if i not in found), None)
        if missing is not None:
            raise Invalid.about(
                field_name, _("No {what} {missing}.", what=_(what), missing=missing)
            )


def _named(rows: Sequence[FeedbackIn], field_name: str) -> list[int]:
    return list(dict.fromkeys(v for row in rows if (v := getattr(row, field_name)) is not None))


def load_items(session: Session, ids: Sequence[int]) -> list[FeedbackItem]:
    """The items `ids` with everything a page shows of them, in the order given."""
    found = {
        item.id: item
        for item in session.scalars(
            select(FeedbackItem)
            .where(FeedbackItem.id.in_(ids))
            .options(*ITEM_DETAIL)
            .execution_options(populate_existing=True)
        )
    }
    return [found[i] for i in ids if i in found]


def get_item(session: Session, actor: Principal, item_id: int) -> FeedbackItem:
    require(actor, Action.READ_FEEDBACK)
    found = load_items(session, [item_id])
    if not found:
        raise NotFound(_("No feedback item {item_id}.", item_id=item_id))
    return found[0]


def list_items(
    session: Session,
    actor: Principal,
    *,
    theme_id: int | None = None,
    submitter_id: int | None = None,
    kind: Kind | None = None,
    limit: int = 50,
    cursor: str | None = None,
) -> PageOf[FeedbackItem]:
    """Items newest first."""
    require(actor, Action.READ_FEEDBACK)
    stmt = select(FeedbackItem).options(*ITEM_DETAIL)
    if theme_id is not None:
        stmt = stmt.where(FeedbackItem.theme_id == theme_id)
    if submitter_id is not None:
        stmt = stmt.where(FeedbackItem.submitter_id == submitter_id)
    if kind is not None:
        stmt = stmt.where(FeedbackItem.kind == kind)
    return paginate(
        session, stmt, key=FeedbackItem.id, limit=limit, cursor=cursor, newest_first=True
    )


@dataclass(frozen=True)
class ThemeDetail:
    """What a theme's page and its JSON show: the theme, its weight, its most typical items
    and its status history."""

    theme: FeedbackTheme
    weight: Weight
    representatives: list[FeedbackItem]
    history: list[StatusChange]


def theme_detail(session: Session, theme: FeedbackTheme) -> ThemeDetail:
    return ThemeDetail(
        theme=theme,
        weight=themes.weight_of(session, theme),
        representatives=typical_items(session, theme.id),
        history=themes.history(session, theme.id),
    )


def typical_items(session: Session, theme_id: int, count: int = 5) -> list[FeedbackItem]:
    """The theme's items closest to its centre, most typical first, ready to show."""
    return load_items(session, themes.representative_ids(session, theme_id, count))


@dataclass(frozen=True)
class Similar:
    themes: list[tuple[FeedbackTheme, int, float]]  # theme, its item count, similarity
    items: list[tuple[FeedbackItem, float]]


def similar(session: Session, actor: Principal, text: str, *, limit: int = 5) -> Similar:
    """Themes and items close to `text`, for the submitter to add weight instead of a duplicate.
    Only the closest themes' items are read, so this stays quick however large the inbox."""
    require(actor, Action.READ_FEEDBACK)
    text = text.strip()
    if not text:
        return Similar([], [])
    vector = default_embedder().embed([text])[0]
    ids, unit = centres.centres(session, FeedbackTheme)
    scores = unit @ vector
    best = [int(i) for i in np.argsort(-scores)[:limit] if scores[i] >= SUGGEST]
    theme_ids = [ids[i] for i in best]
    found = {
        t.id: t
        for t in session.scalars(select(FeedbackTheme).where(FeedbackTheme.id.in_(theme_ids)))
    }
    members = session.execute(
        select(FeedbackItem.id, FeedbackItem.theme_id, FeedbackItem.vector).where(
            FeedbackItem.theme_id.in_(theme_ids)
        )
    ).all()
    counts = Counter(row.theme_id for row in members)
    close: list[tuple[int, float]] = []
    if members:
        item_scores = np.stack([from_bytes(row.vector) for row in members]) @ vector
        close = [(int(members[i].id), float(item_scores[i])) for i in np.argsort(-item_scores)]
    loaded = {item.id: item for item in load_items(session, [i for i, _unused in close[:limit]])}
    return Similar(
        themes=[(found[ids[i]], counts[ids[i]], float(scores[i])) for i in best],
        items=[(loaded[i], score) for i, score in close[:limit] if i in loaded],
    )


def reasons_given(session: Session, deal_id: int) -> list[FeedbackItem]:
    """The win or loss reasons logged on a deal, oldest first."""
    return list(
        session.scalars(
            select(FeedbackItem)
            .where(
                FeedbackItem.deal_id == deal_id,
                FeedbackItem.kind.in_([Kind.WIN_REASON, Kind.LOSS_REASON]),
            )
            .order_by(FeedbackItem.id)
        )
    )


def require_competitor(
    session: Session, actor: Principal, reason: Reason, competitor_id: int | None
) -> None:
    """A reason that names a competitor names one the actor may read; a deal or an account lost
    to a competitor says which."""
    if competitor_id is not None:
        items_of_kind(session, actor, [competitor_id], "competitor", field="competitor_id")
    elif reason is Reason.COMPETITOR:
        raise Invalid.about("competitor_id", _("Say which competitor it went to."))
