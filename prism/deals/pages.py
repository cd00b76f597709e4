"""Deal pages: the team's deals, recording a new one, and closing it as won or lost with the
reason (which joins the feedback themes)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from prism.answers import service as questionnaires
from prism.auth.policy import Principal
from prism.deals import service
from prism.deals.models import Outcome as DealOutcome
from prism.deals.models import Stage
from prism.deals.schemas import CloseIn, DealIn, DealUpdate
from prism.feedback import service as feedback
from prism.feedback.models import REASONS
from prism.i18n import _
from prism.knowledge import facets
from prism.knowledge.models import Dimension, Item
from prism.knowledge.service import choices
from prism.toolkits.service import kit_of_deal
from prism.web.deps import AppSettings, DbSession, Now, PageUser
from prism.web.forms import Outcome, attempt, form_data, form_with_lists, kept_filters, parse
from prism.web.routing import IdPath, page_router
from prism.web.templating import render, settle

router = page_router()
MULTI = ("product_ids", "persona_ids", "competitor_ids")


def _choices(session: Session, user: Principal) -> dict[str, Any]:
    def items(kind: str) -> list[Item]:
        return choices(session, user, kind)

    return {
        "industries": facets.list_facets(session, user, Dimension.INDUSTRY),
        "products": items("product"),
        "personas": items("persona"),
        "competitors": items("competitor"),
        "stages": list(Stage),
    }


@dataclass(frozen=True)
class Filters:
    """What the deals list is narrowed to, read from its query string."""

    q: str = ""
    mine: bool = False
    outcome: DealOutcome | None = None
    cursor: str | None = None

    @property
    def params(self) -> str:
        """The filters as query parameters, for the pager's links."""
        return kept_filters(q=self.q, mine="1" if self.mine else "", outcome=self.outcome or "")


def _filters(
    q: Annotated[str, Query(max_length=200)] = "",
    mine: bool = False,
    outcome: Annotated[str, Query(pattern="^(|open|won|lost)$")] = "",
    cursor: Annotated[str | None, Query(max_length=100)] = None,
) -> Filters:
    return Filters(q.strip(), mine, DealOutcome(outcome) if outcome else None, cursor)


DealFilters = Annotated[Filters, Depends(_filters)]


def _list_page(
    request: Request,
    session: DbSession,
    user: PageUser,
    outcome: Outcome,
    form: dict[str, Any],
    filters: Filters = Filters(),
) -> HTMLResponse:
    page = service.list_deals(
        session,
        user,
        mine=filters.mine,
        q=filters.q,
        outcome=filters.outcome,
        cursor=filters.cursor,
    )
    context = {
        "title": _("Deals"),
        "page": page,
        "filters": filters,
        "outcomes": list(DealOutcome),
        "form": form,
        **_choices(session, user),
        **outcome.context,
    }
    return render(request, "deals/list.html", context, status_code=outcome.status_code)


@router.get("/deals", response_class=HTMLResponse)
def deals(
    request: Request, session: DbSession, user: PageUser, filters: DealFilters
) -> HTMLResponse:
    return _list_page(request, session, user, Outcome(), {}, filters)


@router.post("/deals", response_class=HTMLResponse)
async def create(
    request: Request, session: DbSession, user: PageUser, settings: AppSettings, now: Now
) -> Response:
    data = await form_with_lists(request, *MULTI)
    outcome = attempt(
        session,
        lambda: service.create_deal(
            session, user, parse(DealIn, data), currency=settings.currency, now=now
        ),
        success=_("Deal recorded."),
    )
    if outcome.error:
        return _list_page(request, session, user, outcome, data)
    return RedirectResponse(f"/deals/{outcome.value.id}", status_code=303)


def _deal_page(
    request: Request, session: DbSession, user: PageUser, deal_id: int, outcome: Outcome
) -> HTMLResponse:
    deal = service.get_deal(session, user, deal_id)
    context = {
        "title": deal.name,
        "deal": deal,
        "kit": kit_of_deal(session, deal.id),
        "reasons": REASONS,
        "competitors": choices(session, user, "competitor"),
        "reasons_given": feedback.reasons_given(session, deal.id),
        "questionnaires": questionnaires.of_deal(session, user, deal.id),
        "progress": questionnaires.progress,
        **outcome.context,
    }
    return render(request, "deals/deal.html", context, status_code=outcome.status_code)


@router.get("/deals/{deal_id}", response_class=HTMLResponse)
def deal(request: Request, session: DbSession, user: PageUser, deal_id: IdPath) -> HTMLResponse:
    return _deal_page(request, session, user, deal_id, Outcome())


@router.post("/deals/{deal_id}", response_class=HTMLResponse)
async def update(
    request: Request, session: DbSession, user: PageUser, now: Now, deal_id: IdPath
) -> Response:
    data = await form_data(request)
    outcome = attempt(
        session,
        lambda: service.update_deal(session, user, deal_id, parse(DealUpdate, data), now=now),
        success=_("Deal updated."),
    )
    return settle(
        request,
        outcome,
        f"/deals/{deal_id}",
        lambda: _deal_page(request, session, user, deal_id, outcome),
    )


@router.post("/deals/{deal_id}/close", response_class=HTMLResponse)
async def close(
    request: Request, session: DbSession, user: PageUser, now: Now, deal_id: IdPath
) -> Response:
    """Close the deal as won or lost with its reason, which joins the feedback themes."""
    data = await form_data(request)
    outcome = attempt(
        session,
        lambda: service.close_deal(session, user, deal_id, parse(CloseIn, data), now=now),
        success="",
    )
    if outcome.error:
        return _deal_page(request, session, user, deal_id, outcome)
    item = outcome.value
    return RedirectResponse(f"/feedback/themes/{item.theme_id}?added={item.id}", status_code=303)
