"""What needs the signed-in person now: the panels of their home page, chosen by role.

Each panel reads through the owning capability's service, so a panel can never show what its
reader may not read; the role table only decides what is worth a place on the first page."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy.orm import Session

from prism.analytics import winloss
from prism.auth.policy import Action, can
from prism.deals import service as deals
from prism.deals.models import Deal, Outcome
from prism.feedback import digest
from prism.feedback.models import FeedbackTheme
from prism.feedback.weights import Weight
from prism.i18n import _
from prism.knowledge.freshness import StaleItem, health_queue
from prism.launches import reminders
from prism.launches import service as launches
from prism.launches.models import UNDER_WAY
from prism.launches.reminders import Attention
from prism.people.models import Role, User
from prism.shares import service as shares
from prism.shares.service import Visited
from prism.training.readiness import Standing, queue

SHOWN = 5  # entries per panel; each links to the full list
VISITS_DAYS = 14
WIN_RATE_DAYS = 90


class Panel(StrEnum):
    DEALS = "deals"
    TRAINING = "training"
    VISITS = "visits"
    MY_LATE_WORK = "my_late_work"
    STALE = "stale"
    LATE_LAUNCHES = "late_launches"
    THEMES = "themes"
    HEADLINES = "headlines"


# What each role finds first: a seller their deals, training and buyers; an editor what is
# stale or late; a leader or product manager the figures and the undecided themes.
PANELS: dict[Role, tuple[Panel, ...]] = {
    Role.CONTRIBUTOR: (Panel.DEALS, Panel.TRAINING, Panel.VISITS, Panel.MY_LATE_WORK),
    Role.EDITOR: (Panel.STALE, Panel.LATE_LAUNCHES, Panel.TRAINING),
    Role.VIEWER: (Panel.HEADLINES, Panel.THEMES, Panel.TRAINING),
    Role.ADMIN: (Panel.HEADLINES, Panel.LATE_LAUNCHES, Panel.STALE, Panel.THEMES),
}


# What a panel needs of its reader: a role's panel they may not use is left out.
NEEDS: dict[Panel, Action] = {
    Panel.DEALS: Action.BUILD_KITS,
    Panel.TRAINING: Action.TAKE_TRAINING,
    Panel.VISITS: Action.SHARE_WITH_BUYERS,
    Panel.MY_LATE_WORK: Action.READ_LAUNCHES,
    Panel.STALE: Action.EDIT_CONTENT,
    Panel.LATE_LAUNCHES: Action.RUN_LAUNCHES,
    Panel.THEMES: Action.READ_FEEDBACK,
    Panel.HEADLINES: Action.READ_ANALYTICS,
}


@dataclass(frozen=True)
class Headline:
    label: str
    value: str
    detail: str
    href: str


@dataclass
class Today:
    """The home page's panels, in the order the role's table lists them: the first few entries
    of each, and (where there may be more) how many there are in all."""

    panels: list[Panel]
    deals: list[Deal] = field(default_factory=list)
    training: list[Standing] = field(default_factory=list)
    visits: list[Visited] = field(default_factory=list)
    late: list[Attention] = field(default_factory=list)
    stale: list[StaleItem] = field(default_factory=list)
    themes: list[tuple[FeedbackTheme, Weight]] = field(default_factory=list)
    headlines: list[Headline] = field(default_factory=list)
    totals: dict[Panel, int] = field(default_factory=dict)
    ranked: list[tuple[FeedbackTheme, Weight]] | None = None


def today(session: Session, user: User, now: datetime) -> Today:
    """The panels `user` sees on their home page, filled."""
    found = Today([p for p in PANELS[user.role] if can(user, NEEDS[p])])
    for panel in found.panels:
        FILL[panel](session, user, now, found)
    return found


def _deals(session: Session, user: User, now: datetime, into: Today) -> None:
    page = deals.list_deals(session, user, mine=True, outcome=Outcome.OPEN, limit=SHOWN)
    into.deals, into.totals[Panel.DEALS] = page.items, page.total


def _training(session: Session, user: User, now: datetime, into: Today) -> None:
    due = [s for s in queue(session, user, user, now.date()) if not s.done]
    into.training, into.totals[Panel.TRAINING] = due[:SHOWN], len(due)


def _visits(session: Session, user: User, now: datetime, into: Today) -> None:
    since = now - timedelta(days=VISITS_DAYS)
    into.visits = shares.recent_visits(session, user, since=since, limit=SHOWN)


def _late(everyone: bool) -> Callable[[Session, User, datetime, Today], None]:
    def fill(session: Session, user: User, now: datetime, into: Today) -> None:
        late = reminders.attention(session, user, today=now.date(), everyone=everyone)
        panel = Panel.LATE_LAUNCHES if everyone else Panel.MY_LATE_WORK
        into.late, into.totals[panel] = late[:SHOWN], len(late)

    return fill


def _stale(session: Session, user: User, now: datetime, into: Today) -> None:
    stale = health_queue(session, user, now)
    into.stale, into.totals[Panel.STALE] = stale[:SHOWN], len(stale)


def _ranked(session: Session, user: User, into: Today) -> list[tuple[FeedbackTheme, Weight]]:
    """The undecided themes, ranked once for the figures and the themes panel alike."""
    if into.ranked is None:
        into.ranked = digest.ranked(session, user)
    return into.ranked


def _themes(session: Session, user: User, now: datetime, into: Today) -> None:
    ranked = _ranked(session, user, into)
    into.themes, into.totals[Panel.THEMES] = ranked[:SHOWN], len(ranked)


def _headlines(session: Session, user: User, now: datetime, into: Today) -> None:
    since = now.date() - timedelta(days=WIN_RATE_DAYS)
    closed = winloss.view(session, user, since=since).overall
    board = launches.board(session, user)
    in_flight = sum(len(board.get(stage, [])) for stage in UNDER_WAY)
    undecided = len(_ranked(session, user, into))
    into.headlines = [
        Headline(
            _("Win rate"),
            f"{closed.win_rate * 100:.0f}%" if closed.deals else _("n/a"),
            _(
                "{won} won of {deals} closed in {days} days",
                won=closed.won,
                deals=closed.deals,
                days=WIN_RATE_DAYS,
            ),
            "/win-loss",
        ),
        Headline(_("Launches in flight"), str(in_flight), _("planning to GA"), "/launches"),
        Headline(
            _("Undecided themes"),
            str(undecided),
            _("asking something of product"),
            "/feedback/digest",
        ),
    ]


FILL: dict[Panel, Callable[[Session, User, datetime, Today], None]] = {
    Panel.DEALS: _deals,
    Panel.TRAINING: _training,
    Panel.VISITS: _visits,
    Panel.MY_LATE_WORK: _late(everyone=False),
    Panel.STALE: _stale,
    Panel.LATE_LAUNCHES: _late(everyone=True),
    Panel.THEMES: _themes,
    Panel.HEADLINES: _headlines,
}
