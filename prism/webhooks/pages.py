"""The webhooks page: administrators add and remove subscriptions and watch deliveries."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from prism.auth.policy import Principal
from prism.i18n import LANGUAGES, _
from prism.web.deps import DbSession, Now, PageUser
from prism.web.forms import Outcome, attempt, form_with_lists, parse
from prism.web.routing import IdPath, page_router
from prism.web.templating import render, settle
from prism.webhooks import service
from prism.webhooks.models import EVENTS, WebhookFormat
from prism.webhooks.schemas import WebhookIn

router = page_router()


def _page(request: Request, session: Session, user: Principal, outcome: Outcome) -> HTMLResponse:
    context = {
        "title": _("Webhooks"),
        "hooks": service.list_webhooks(session, user),
        "deliveries": service.list_deliveries(session, user, limit=50),
        "events": {name: _(meaning) for name, meaning in EVENTS.items()},
        "formats": list(WebhookFormat),
        "languages": LANGUAGES,
        **outcome.context,
    }
    return render(request, "webhooks/list.html", context, status_code=outcome.status_code)


@router.get("/admin/webhooks", response_class=HTMLResponse)
def webhooks(request: Request, session: DbSession, user: PageUser) -> HTMLResponse:
    return _page(request, session, user, Outcome())


@router.post("/admin/webhooks", response_class=HTMLResponse)
async def create(request: Request, session: DbSession, user: PageUser) -> HTMLResponse:
    data = await form_with_lists(request, "events")
    outcome = attempt(
        session,
        lambda: service.create_webhook(session, user, parse(WebhookIn, data)),
        success=_("Webhook added; its signing secret is shown below."),
    )
    return _page(request, session, user, outcome)


@router.post("/admin/webhooks/{webhook_id}/test", response_class=HTMLResponse)
def send_test(
    request: Request, session: DbSession, user: PageUser, now: Now, webhook_id: IdPath
) -> Response:
    outcome = attempt(
        session,
        lambda: service.send_test(session, user, webhook_id, now=now),
        success=_("Test message queued; its delivery shows below in a moment."),
    )
    return settle(
        request, outcome, "/admin/webhooks", lambda: _page(request, session, user, outcome)
    )


@router.post("/admin/webhooks/{webhook_id}/delete", response_class=HTMLResponse)
def delete(request: Request, session: DbSession, user: PageUser, webhook_id: IdPath) -> Response:
    outcome = attempt(
        session,
        lambda: service.delete_webhook(session, user, webhook_id),
        success=_("Webhook removed."),
    )
    return settle(
        request, outcome, "/admin/webhooks", lambda: _page(request, session, user, outcome)
    )
