"""The dashboards API: content influence, battlecards per competitor, content health, launch
standings and win/loss, each as JSON and as CSV. Readiness is `/training/readiness`."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Depends, Query
from fastapi.responses import Response

from prism.analytics import dashboards, exports, winloss
from prism.analytics.influence import (
    Scope,
    battlecards,
    deals_touched,
    influence,
)
from prism.analytics.schemas import (
    AssetDealsOut,
    CardUseOut,
    ContentHealthOut,
    ContentRowOut,
    InfluenceOut,
    LaunchStandingOut,
    QuadrantOut,
    TouchedOut,
    WinLossOut,
)
from prism.pagination import Page
from prism.web.deps import CurrentUser, DbSession, Now
from prism.web.routing import CSV, IdPath, IdQuery, Paged, api_router, attachment

router = api_router("analytics")


def scope_of(
    since: Annotated[
        date | None, Query(description="Deals closed (uses made) on or after.")
    ] = None,
    until: Annotated[
        date | None, Query(description="Deals closed (uses made) on or before.")
    ] = None,
    product_id: Annotated[IdQuery, Query(description="Only deals selling this product.")] = None,
    team_id: Annotated[
        IdQuery, Query(description="Only deals owned by this team's people.")
    ] = None,
) -> Scope:
    return Scope(since, until, product_id, team_id).checked()


InScope = Annotated[Scope, Depends(scope_of)]


Top = Query(50, ge=1, le=500, description="How many assets, most won revenue first.")


@router.get(
    "/analytics/influence",
    response_model=InfluenceOut,
    summary="Assets by the won revenue and pipeline they were in front of",
)
def influence_json(
    session: DbSession, user: CurrentUser, scope: InScope, limit: int = Top
) -> InfluenceOut:
    """An asset touched a deal when it was viewed or downloaded for it, shared on its link, or
    opened there by the buyer, before the deal closed. Win rates carry their sample size."""
    found = influence(session, user, scope, limit=limit)
    return InfluenceOut.of(scope, found)


@router.get(
    "/analytics/influence.csv", summary="The same as CSV", response_class=Response, responses=CSV
)
def influence_csv(
    session: DbSession, user: CurrentUser, scope: InScope, limit: int = Top
) -> Response:
    found = influence(session, user, scope, limit=limit)
    return attachment(exports.influence_csv(found).encode(), "influence.csv", "text/csv")


@router.get(
    "/analytics/influence/{item_id}",
    response_model=AssetDealsOut,
    summary="The deals an asset was in front of before they closed",
)
def asset_deals(
    item_id: IdPath, session: DbSession, user: CurrentUser, scope: InScope
) -> AssetDealsOut:
    item, touched = deals_touched(session, user, item_id, scope)
    return AssetDealsOut(
        item_id=item.id,
        title=item.title,
        kind=item.kind,
        deals=[TouchedOut.model_validate(t) for t in touched],
    )


@router.get(
    "/analytics/battlecards",
    response_model=Page[CardUseOut],
    summary="Battlecard use per competitor and the win rate against it with and without",
)
def battlecards_json(
    session: DbSession, user: CurrentUser, scope: InScope, paged: Paged
) -> Page[CardUseOut]:
    return paged.page(battlecards(session, user, scope), CardUseOut)


@router.get(
    "/analytics/battlecards.csv", summary="The same as CSV", response_class=Response, responses=CSV
)
def battlecards_csv(session: DbSession, user: CurrentUser, scope: InScope) -> Response:
    found = battlecards(session, user, scope)
    return attachment(exports.battlecards_csv(found).encode(), "battlecards.csv", "text/csv")


@router.get(
    "/analytics/content-health",
    response_model=ContentHealthOut,
    summary="Published content: fresh or stale, used or unused in the period",
)
def content_health_json(
    session: DbSession, user: CurrentUser, scope: InScope, now: Now
) -> ContentHealthOut:
    found = dashboards.content_health(session, user, scope, now=now)
    return ContentHealthOut(
        quadrants=[QuadrantOut(name=n, items=c) for n, c in found.quadrants],
        attention=[
            ContentRowOut(item_id=r.item_id, title=r.title, kind=r.kind, uses=r.uses, stale=r.stale)
            for r in found.attention
        ],
    )


@router.get(
    "/analytics/content-health.csv",
    summary="Every published item with its use and freshness, as CSV",
    response_class=Response,
    responses=CSV,
)
def content_health_csv(session: DbSession, user: CurrentUser, scope: InScope, now: Now) -> Response:
    found = dashboards.content_health(session, user, scope, now=now)
    return attachment(exports.content_csv(found).encode(), "content-health.csv", "text/csv")


@router.get(
    "/analytics/launches",
    response_model=Page[LaunchStandingOut],
    summary="Each launch past planning at its latest checkpoint",
)
def launches_json(
    session: DbSession, user: CurrentUser, scope: InScope, now: Now, paged: Paged
) -> Page[LaunchStandingOut]:
    found = dashboards.launch_standings(session, user, scope, today=now.date())
    return paged.page(found, LaunchStandingOut, standing_out)


def standing_out(s: dashboards.LaunchStanding) -> LaunchStandingOut:
    return LaunchStandingOut(
        launch_id=s.launch.id,
        name=s.launch.name,
        tier=s.launch.tier,
        stage=s.launch.stage,
        checkpoint_day=s.checkpoint_day,
        health=s.health,
        on_track=s.on_track,
        metrics=s.metrics,
    )


@router.get(
    "/analytics/launches.csv", summary="The same as CSV", response_class=Response, responses=CSV
)
def launches_csv(session: DbSession, user: CurrentUser, scope: InScope, now: Now) -> Response:
    found = dashboards.launch_standings(session, user, scope, today=now.date())
    return attachment(exports.launches_csv(found).encode(), "launches.csv", "text/csv")


@router.get(
    "/analytics/win-loss/{dimension}.csv",
    summary="A win/loss table (by competitor, segment or product) as CSV",
    response_class=Response,
    responses=CSV,
)
def win_loss_csv(
    dimension: winloss.Dimension, session: DbSession, user: CurrentUser, scope: InScope
) -> Response:
    found = winloss.view_in(session, user, scope)
    tallies = {
        "competitor": found.by_competitor,
        "segment": found.by_segment,
        "product": found.by_product,
    }[dimension]
    body = exports.tallies_csv(dimension, tallies).encode()
    return attachment(body, f"win-loss-by-{dimension}.csv", "text/csv")


@router.get(
    "/win-loss", response_model=WinLossOut, summary="Win/loss by competitor, segment, product"
)
def win_loss(
    session: DbSession,
    user: CurrentUser,
    since: Annotated[date | None, Query(description="Closed on or after this day.")] = None,
    until: Annotated[date | None, Query(description="Closed on or before this day.")] = None,
    product_id: Annotated[
        IdQuery, Query(description="Only deals about this product, churn naming it.")
    ] = None,
    team_id: Annotated[
        IdQuery, Query(description="Only deals owned by this team's people.")
    ] = None,
    explained_only: Annotated[
        bool, Query(description="Only the deals someone gave a win or loss reason for.")
    ] = False,
) -> WinLossOut:
    found = winloss.view(
        session,
        user,
        since=since,
        until=until,
        product_id=product_id,
        team_id=team_id,
        explained_only=explained_only,
    )
    return WinLossOut.model_validate(found)
