"""The share-links API for sellers: make a link, see what buyers did with it, revoke it. The
buyer's side is a page (`/s/{token}`) that needs no sign-in."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Query

from prism.pagination import Page
from prism.shares import service
from prism.shares.models import ShareLink
from prism.shares.schemas import ActivityOut, Revoke, ShareIn, ShareOut, ViewOut
from prism.web.deps import AppSettings, CurrentUser, DbSession, Now, PublicBase
from prism.web.routing import IdPath, Paged, api_router

router = api_router("share links")


async def _link_out(base: PublicBase, settings: AppSettings) -> Callable[[ShareLink], ShareOut]:
    """How this request answers with a link: with the address the buyer opens it at."""

    def out(link: ShareLink) -> ShareOut:
        path = service.path(link, settings.secret_key)
        return ShareOut.of(link, url=base + path if path else None)

    return out


LinkOut = Annotated[Callable[[ShareLink], ShareOut], Depends(_link_out)]


@router.get("/share-links", response_model=Page[ShareOut], summary="Your share links")
def list_links(
    session: DbSession,
    user: CurrentUser,
    share_out: LinkOut,
    paged: Paged,
    now: Now,
    q: Annotated[str, Query(max_length=200, description="Words the title holds.")] = "",
    state: Annotated[
        service.LinkState | None, Query(description="Only open, expired or revoked links.")
    ] = None,
) -> Page[ShareOut]:
    """Your links (everyone's for editors), newest first, by title words and state."""
    found = service.list_links(session, user, q=q, state=state, now=now)
    return paged.page(found, ShareOut, share_out)


@router.post(
    "/share-links",
    response_model=ShareOut,
    status_code=201,
    summary="Share published, customer-shareable items with a buyer",
)
def create_link(
    data: ShareIn,
    session: DbSession,
    user: CurrentUser,
    share_out: LinkOut,
    settings: AppSettings,
    now: Now,
) -> ShareOut:
    made = service.create_link(session, user, data, now=now, key=settings.secret_key)
    return share_out(made)


@router.get(
    "/share-links/{link_id}", response_model=ActivityOut, summary="A link and every buyer visit"
)
def read_link(
    link_id: IdPath, session: DbSession, user: CurrentUser, share_out: LinkOut
) -> ActivityOut:
    found = service.activity(session, user, link_id)
    return ActivityOut(
        link=share_out(found.link),
        views=[ViewOut.of(v, item_title=v.item.title if v.item else None) for v in found.views],
        visitors=found.visitors,
        opens=found.count("open"),
        downloads=found.count("download"),
        seconds_by_item=found.seconds_by_item,
    )


@router.post("/share-links/{link_id}/revoke", response_model=ShareOut, summary="Close a link now")
def revoke(
    link_id: IdPath,
    data: Revoke,
    session: DbSession,
    user: CurrentUser,
    share_out: LinkOut,
    now: Now,
) -> ShareOut:
    revoked = service.revoke(session, user, link_id, version=data.version, now=now)
    return share_out(revoked)
