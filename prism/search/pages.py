"""The search page behind the box at the top of every page, and the content backlog."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse

from prism.analytics.usage import searched
from prism.i18n import _
from prism.knowledge import facets
from prism.knowledge.kinds import KINDS
from prism.knowledge.models import Audience, Status
from prism.search import service
from prism.search.api import SearchFilter
from prism.web.deps import DbSession, Now, PageUser, Usage
from prism.web.routing import page_router
from prism.web.templating import render

router = page_router()


@router.get("/search", response_class=HTMLResponse)
def search(
    request: Request,
    session: DbSession,
    user: PageUser,
    now: Now,
    usage: Usage,
    spec: SearchFilter,
    q: str = "",
) -> HTMLResponse:
    results = service.search(session, user, q[:200], spec, now=now) if q.strip() else None
    if results is not None:
        usage.add(searched(results.query, results.total, user.id, now))
    context = {
        "title": f"Search: {q}" if q else "Search",
        "q": q,
        "results": results,
        "spec": spec,
        "kinds": KINDS,
        "facets": facets.list_facets(session, user),
        "statuses": list(Status),
        "audiences": list(Audience),
    }
    return render(request, "search.html", context)


@router.get("/search/misses", response_class=HTMLResponse)
def misses(
    request: Request, session: DbSession, user: PageUser, cursor: str | None = None
) -> HTMLResponse:
    page = service.list_misses(session, user, limit=100, cursor=cursor)
    return render(
        request, "search_misses.html", {"title": _("Searches that found nothing"), "page": page}
    )
