"""The dashboards page: content influence, battlecards per competitor, content health, win/loss,
launch standings and readiness, over one period, product and team, every table with its CSV;
and the win/loss page, with the reasons given and a form to record a churned account."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated
from urllib.parse import urlencode

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from prism.accounts import service as accounts
from prism.accounts.schemas import ChurnIn
from prism.analytics import dashboards, winloss
from prism.analytics.influence import Rate, Scope, battlecards, deals_touched, influence
from prism.analytics.winloss import Tally
from prism.auth.policy import Action, Principal, require
from prism.errors import Invalid
from prism.feedback.models import REASONS, Kind
from prism.i18n import _, short_money, translate
from prism.knowledge.service import choices
from prism.people.service import all_teams
from prism.render.charts import Bar, interactive_bars
from prism.schemas import as_id
from prism.training import readiness
from prism.web.deps import DbSession, Now, PageUser
from prism.web.forms import Outcome as FormOutcome
from prism.web.forms import Posted, attempt, day_field, parse, pick
from prism.web.routing import IdPath, page_router
from prism.web.templating import render, settle

router = page_router()

CHART_ROWS = 8


def _percent(rate: float | None) -> str:
    return "n/a" if rate is None else f"{rate * 100:.0f}%"


def _rate_bar(label: str, rate: Rate, *, muted: bool = False) -> Bar:
    value = rate.value or 0.0
    closed = _("of {count} closed", count=rate.closed)
    return Bar(label, value * 100, _percent(rate.value), closed, muted)


def _tally_bars(tallies: list[Tally]) -> list[Bar]:
    return [
        Bar(t.name, t.win_rate * 100, _percent(t.win_rate), _("of {count} closed", count=t.deals))
        for t in tallies[:CHART_ROWS]
    ]


@dataclass(frozen=True)
class Filters:
    """The dashboards' filter fields as a page's query string has them."""

    since: str | None = None  # absent: the last twelve months; empty: all time
    until: str = ""
    product_id: str = ""
    team_id: str = ""


def _scope(filters: Annotated[Filters, Depends()], now: Now) -> tuple[Scope, str | None]:
    """The filters as a scope, and what is wrong with them, if anything (then the period is
    dropped)."""
    default = str(now.date() - timedelta(days=365))
    start, bad_start = day_field(filters.since if filters.since is not None else default)
    end, bad_end = day_field(filters.until)
    scope = Scope(start, end, as_id(filters.product_id), as_id(filters.team_id))
    try:
        scope.checked()
    except Invalid as exc:
        return Scope(product_id=scope.product_id, team_id=scope.team_id), exc.message
    return scope, bad_start or bad_end


Scoped = Annotated[tuple[Scope, str | None], Depends(_scope)]


def _query(scope: Scope) -> dict[str, object]:
    return {
        "since": scope.since or "",
        "until": scope.until or "",
        "product_id": scope.product_id or "",
        "team_id": scope.team_id or "",
    }


@router.get("/analytics", response_class=HTMLResponse)
def dashboards_page(
    request: Request,
    session: DbSession,
    user: PageUser,
    now: Now,
    scoped: Scoped,
) -> HTMLResponse:
    require(user, Action.READ_ANALYTICS)
    today = now.date()
    scope, error = scoped
    found = influence(session, user, scope, limit=20)
    cards = battlecards(session, user, scope)
    health = dashboards.content_health(session, user, scope, now=now)
    wins = winloss.view_in(session, user, scope)
    teams = readiness.by_team(session, user, today, every_team=True)
    query = _query(scope)
    charts = {
        "influence": interactive_bars(
            [
                Bar(
                    a.title,
                    a.won_revenue,
                    short_money(a.won_revenue),
                    _("{count} won", count=a.won_deals),
                )
                for a in found.assets[:CHART_ROWS]
                if a.won_revenue
            ],
            title=_("Won revenue each asset was in front of"),
        ),
        "battlecards": interactive_bars(
            [
                bar
                for c in cards[:CHART_ROWS]
                for bar in (
                    _rate_bar(_("{name}, with a card", name=c.competitor), c.with_card),
                    _rate_bar(_("{name}, without", name=c.competitor), c.without_card, muted=True),
                )
            ],
            title=_("Win rate against each competitor, with and without its battlecard"),
            top=100,
        ),
        "health": interactive_bars(
            [Bar(translate(name), count, str(count)) for name, count in health.quadrants],
            title=_("Published content by freshness and use"),
        ),
        "competitors": interactive_bars(
            _tally_bars(wins.by_competitor), title=_("Win rate by competitor"), top=100
        ),
        "segments": interactive_bars(
            _tally_bars(wins.by_segment), title=_("Win rate by segment"), top=100
        ),
        "products": interactive_bars(
            _tally_bars(wins.by_product), title=_("Win rate by product"), top=100
        ),
        "readiness": interactive_bars(
            [
                Bar(
                    r.label,
                    100 * r.certified / r.people,
                    _("{certified} of {people}", certified=r.certified, people=r.people),
                )
                for r in teams
                if r.people
            ],
            title=_("People certified, by team"),
            top=100,
        ),
    }
    context = {
        "title": _("Dashboards"),
        "scope": scope,
        "error": error,
        "influence": found,
        "cards": cards,
        "health": health,
        "wins": wins,
        "launches": dashboards.launch_standings(session, user, scope, today=today),
        "teams_readiness": teams,
        "charts": charts,
        # The API reads a missing filter as none; an empty one would be an invalid value.
        "query": urlencode({name: value for name, value in query.items() if value}),
        "chosen": query,
        "products": choices(session, user, "product"),
        "teams": all_teams(session, user),
    }
    return render(request, "analytics/dashboards.html", context, status_code=422 if error else 200)


@router.get("/analytics/influence/{item_id}", response_class=HTMLResponse)
def asset_deals_page(
    request: Request,
    session: DbSession,
    user: PageUser,
    item_id: IdPath,
    scoped: Scoped,
) -> HTMLResponse:
    scope, error = scoped
    item, touched = deals_touched(session, user, item_id, scope)
    query = _query(scope)
    context = {
        "title": _("Deals {title} was in front of", title=item.title),
        "item": item,
        "touched": touched,
        "error": error,
        "back": urlencode(query),
    }
    return render(request, "analytics/asset.html", context, status_code=422 if error else 200)


# --- win/loss: the reasons and churn -------------------------------------------------------


def _winloss_page(
    request: Request,
    session: Session,
    user: Principal,
    filters: dict[str, str],
    outcome: FormOutcome | None = None,
) -> HTMLResponse:
    since, bad_since = day_field(filters.get("since", ""))
    until, bad_until = day_field(filters.get("until", ""))
    product = as_id(filters.get("product_id", ""))
    explained_only = filters.get("explained") == "1"
    view = winloss.view(
        session, user, since=since, until=until, product_id=product, explained_only=explained_only
    )
    context = {
        "title": _("Win/loss"),
        "view": view,
        "products": choices(session, user, "product"),
        "competitors": choices(session, user, "competitor"),
        "accounts": accounts.all_accounts(session, user, current_only=True),
        "churn_reasons": REASONS[Kind.CHURN_REASON],
        "chosen": {
            "since": since or "",
            "until": until or "",
            "product_id": product,
            "explained": "1" if explained_only else "",
        },
        "error": bad_since or bad_until,
        **(outcome.context if outcome else {}),
    }
    status_code = outcome.status_code if outcome and outcome.error else 200
    return render(request, "analytics/winloss.html", context, status_code=status_code)


@router.get("/win-loss", response_class=HTMLResponse)
def winloss_page(
    request: Request,
    session: DbSession,
    user: PageUser,
    since: str = "",
    until: str = "",
    product_id: str = "",
    explained: str = "",
) -> HTMLResponse:
    filters = {"since": since, "until": until, "product_id": product_id, "explained": explained}
    return _winloss_page(request, session, user, filters)


@router.post("/win-loss/churn", response_class=HTMLResponse)
def record_churn(
    request: Request, session: DbSession, user: PageUser, form: Posted, now: Now
) -> Response:
    account = as_id(form.get("account_id") or "") or 0
    values = pick(form, "reason", "text", "churned_on", "product_id", "competitor_id")
    outcome = attempt(
        session,
        lambda: accounts.record_churn(
            session, user, account, parse(ChurnIn, values), today=now.date()
        ),
        success=_("Churn recorded; the reason joined the feedback themes."),
    )
    return settle(
        request, outcome, "/win-loss", lambda: _winloss_page(request, session, user, {}, outcome)
    )
