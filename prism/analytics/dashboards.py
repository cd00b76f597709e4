"""The dashboards' figures that are not influence: content health (fresh or stale, used or
unused) and where each launch stands on its metrics. Win/loss and readiness come from their own
capabilities (`analytics.winloss.view`, `training.readiness.by_team`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from prism.analytics.influence import Scope
from prism.analytics.models import DEAL_USES, UsageEvent
from prism.auth.policy import Action, Principal, require
from prism.i18n import N_
from prism.knowledge.freshness import stale_reasons
from prism.knowledge.models import Item, ItemLink, Status
from prism.launches import metrics
from prism.launches.models import Health, Launch, LaunchTeam
from prism.launches.models import Stage as LaunchStage
from prism.people.models import User

# What the library holds to be used; products, features, personas and competitors are what the
# content is about.
NOT_CONTENT = ("product", "feature", "persona", "competitor")


@dataclass(frozen=True)
class ContentRow:
    item_id: int
    title: str
    kind: str
    uses: int
    stale: list[str]  # why it is stale; empty when fresh


@dataclass
class ContentHealth:
    """Published content by freshness and use in the period."""

    rows: list[ContentRow] = field(default_factory=list)

    def count(self, *, stale: bool, used: bool) -> int:
        return sum(1 for r in self.rows if bool(r.stale) is stale and (r.uses > 0) is used)

    @property
    def quadrants(self) -> list[tuple[str, int]]:
        return [
            (N_("Fresh and used"), self.count(stale=False, used=True)),
            (N_("Fresh, unused"), self.count(stale=False, used=False)),
            (N_("Stale but used"), self.count(stale=True, used=True)),
            (N_("Stale and unused"), self.count(stale=True, used=False)),
        ]

    @property
    def attention(self) -> list[ContentRow]:
        """Stale content people still use first (it is misleading someone now), then the rest
        that is stale or unused; the most used first."""
        needing = [r for r in self.rows if r.stale or not r.uses]
        return sorted(needing, key=lambda r: (not (r.stale and r.uses), -r.uses, r.title))


def content_health(
    session: Session, actor: Principal, scope: Scope, *, now: datetime
) -> ContentHealth:
    """Every published piece of content (about the product, with one chosen), whether it is
    stale and why, and how often it was used in the period (by the team's people, with one)."""
    require(actor, Action.READ_ANALYTICS)
    items = select(Item.id, Item.title, Item.kind).where(
        Item.status == Status.PUBLISHED, Item.kind.not_in(NOT_CONTENT)
    )
    if scope.product_id is not None:
        items = items.where(
            Item.id.in_(
                select(ItemLink.source_id).where(
                    ItemLink.relation == "product", ItemLink.target_id == scope.product_id
                )
            )
        )
    used = select(UsageEvent.item_id, func.count()).where(
        UsageEvent.use.in_(DEAL_USES), UsageEvent.item_id.is_not(None), *scope.uses()
    )
    if scope.team_id is not None:
        used = used.where(
            UsageEvent.user_id.in_(select(User.id).where(User.team_id == scope.team_id))
        )
    uses = {
        item_id: n
        for item_id, n in session.execute(used.group_by(UsageEvent.item_id))
        if item_id is not None
    }
    stale = stale_reasons(session, now)
    return ContentHealth(
        [
            ContentRow(item_id, title, kind, uses.get(item_id, 0), stale.get(item_id, []))
            for item_id, title, kind in session.execute(items.order_by(Item.title))
        ]
    )


@dataclass(frozen=True)
class LaunchStanding:
    launch: Launch
    checkpoint_day: int | None  # the last checkpoint due (the first one, before any is due)
    health: Health | None
    on_track: int
    metrics: int


def launch_standings(
    session: Session, actor: Principal, scope: Scope, *, today: date
) -> list[LaunchStanding]:
    """Launches past planning, each at its latest checkpoint due: how many metrics are on
    track and the checkpoint's health (as reviewed, or as the metrics stand)."""
    require(actor, Action.READ_ANALYTICS)
    require(actor, Action.READ_LAUNCHES)
    stmt = select(Launch).where(Launch.stage != LaunchStage.PLANNING).order_by(Launch.target_date)
    if scope.product_id is not None:
        stmt = stmt.where(Launch.product_id == scope.product_id)
    if scope.team_id is not None:
        stmt = stmt.where(
            Launch.id.in_(select(LaunchTeam.launch_id).where(LaunchTeam.team_id == scope.team_id))
        )
    found = []
    for launch in session.scalars(stmt):
        card = metrics.scorecard(session, actor, launch)
        due = [(p, r) for p, r in card.checkpoints if p.due_on <= today] or card.checkpoints[:1]
        if not due:
            found.append(LaunchStanding(launch, None, None, 0, len(card.metrics)))
            continue
        point, results = due[-1]
        on_track = sum(1 for r in results if r.health is Health.ON_TRACK)
        health = point.health or metrics.overall(results)
        found.append(LaunchStanding(launch, point.day, health, on_track, len(results)))
    return found
