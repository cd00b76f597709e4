"""The webhooks API: administrators subscribe addresses to events and watch the deliveries."""

from __future__ import annotations

from fastapi import Response, status

from prism.pagination import Page
from prism.web.deps import CurrentUser, DbSession, Now
from prism.web.routing import Cursor, IdPath, Limit, Paged, api_router, to_page
from prism.webhooks import service
from prism.webhooks.schemas import DeliveryOut, WebhookCreated, WebhookIn

router = api_router("webhooks")


@router.get("/webhooks", response_model=Page[WebhookCreated], summary="Webhooks (administrators)")
def list_webhooks(session: DbSession, user: CurrentUser, paged: Paged) -> Page[WebhookCreated]:
    return paged.page(service.list_webhooks(session, user), WebhookCreated)


@router.post(
    "/webhooks",
    response_model=WebhookCreated,
    status_code=status.HTTP_201_CREATED,
    summary="Subscribe an address to events; the answer holds its signing secret",
)
def create_webhook(data: WebhookIn, session: DbSession, user: CurrentUser) -> WebhookCreated:
    return WebhookCreated.model_validate(service.create_webhook(session, user, data))


@router.delete("/webhooks/{webhook_id}", status_code=204, summary="Remove a webhook")
def delete_webhook(webhook_id: IdPath, session: DbSession, user: CurrentUser) -> Response:
    service.delete_webhook(session, user, webhook_id)
    return Response(status_code=204)


@router.post(
    "/webhooks/{webhook_id}/test",
    response_model=DeliveryOut,
    status_code=status.HTTP_202_ACCEPTED,
    summary="Send a test message to a webhook (as any delivery, with retries)",
)
def send_test(webhook_id: IdPath, session: DbSession, user: CurrentUser, now: Now) -> DeliveryOut:
    return DeliveryOut.model_validate(service.send_test(session, user, webhook_id, now=now))


@router.get(
    "/webhook-deliveries",
    response_model=Page[DeliveryOut],
    summary="Deliveries, newest first, with attempts and errors",
)
def list_deliveries(
    session: DbSession, user: CurrentUser, limit: int = Limit, cursor: str | None = Cursor
) -> Page[DeliveryOut]:
    return to_page(service.list_deliveries(session, user, limit=limit, cursor=cursor), DeliveryOut)
