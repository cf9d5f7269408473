"""``/v1/webhooks``: endpoints that receive signed events (Standard Webhooks), their
delivery log, and replay of one delivery. Every route needs an ``admin`` key."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status

from app.api.auth import GuardedRoute, require_scope
from app.api.deps import Secrets, Sessions, Webhooks
from app.api.pagination import DEFAULT_LIMIT, Cursor, Limit
from app.api.responses import BODY_ERRORS, ERROR_RESPONSES, error_responses
from app.api.webhooks import service
from app.api.webhooks.schemas import (
    DeliveryOut,
    DeliveryPage,
    DeliveryStatus,
    WebhookCreate,
    WebhookCreated,
    WebhookOut,
    WebhookPage,
    WebhookUpdate,
)

router = APIRouter(
    route_class=GuardedRoute,
    prefix="/v1/webhooks",
    tags=["webhooks"],
    dependencies=[Depends(require_scope("admin"))],
    responses=ERROR_RESPONSES,
)


@router.post("", status_code=status.HTTP_201_CREATED, responses=BODY_ERRORS)
def add_webhook(body: WebhookCreate, sessions: Sessions, secrets: Secrets) -> WebhookCreated:
    """Add an endpoint: the events it subscribes to are POSTed to its URL, signed per the
    Standard Webhooks specification with the `secret` of this answer (shown only here):
    headers `webhook-id` (the event's id, the same on every retry), `webhook-timestamp`
    and `webhook-signature` (`v1,` + base64 HMAC-SHA256 of `{id}.{timestamp}.{body}`)."""
    with sessions.begin() as session:
        return service.create_webhook(session, secrets, body)


@router.get("")
def list_webhooks(
    sessions: Sessions, limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None
) -> WebhookPage:
    """The endpoints in the order they were added, a page at a time."""
    with sessions() as session:
        return service.list_webhooks(session, limit, cursor)


@router.get("/{webhook_id}")
def get_webhook(webhook_id: str, sessions: Sessions) -> WebhookOut:
    """One endpoint and how its deliveries go: failing since, why it was disabled, the
    last attempt's status, how many deliveries wait."""
    with sessions() as session:
        return service.get_webhook(session, webhook_id)


@router.patch("/{webhook_id}", responses=BODY_ERRORS)
def update_webhook(
    webhook_id: str, body: WebhookUpdate, sessions: Sessions, webhooks: Webhooks
) -> WebhookOut:
    """Change the URL, the events, or enable / disable it; enabling one the service
    disabled clears its failure and sends what waits for it."""
    with sessions.begin() as session:
        view, due_now = service.update_webhook(session, webhook_id, body)
    if due_now and webhooks is not None:
        webhooks.wake()
    return view


@router.delete("/{webhook_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_webhook(webhook_id: str, sessions: Sessions) -> Response:
    """Remove the endpoint and its deliveries; nothing more is sent to it."""
    with sessions.begin() as session:
        service.delete_webhook(session, webhook_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/{webhook_id}/deliveries")
def list_deliveries(
    webhook_id: str,
    sessions: Sessions,
    delivery_status: Annotated[
        DeliveryStatus | None, Query(alias="status", description="Only deliveries in this state.")
    ] = None,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> DeliveryPage:
    """The endpoint's delivery log, newest first: each event with its status, attempts,
    HTTP status codes and the body sent."""
    with sessions() as session:
        return service.list_deliveries(session, webhook_id, limit, cursor, delivery_status)


@router.post(
    "/{webhook_id}/deliveries/{delivery_id}/retry",
    status_code=status.HTTP_202_ACCEPTED,
    responses=error_responses({409: "`webhook_disabled`: enable the endpoint first"}),
)
def replay_delivery(
    webhook_id: str, delivery_id: str, sessions: Sessions, webhooks: Webhooks
) -> DeliveryOut:
    """Send this delivery again with the same `webhook-id` (a receiver that deduplicates
    by it ignores a copy it has): as soon as its customer's earlier events are delivered."""
    with sessions.begin() as session:
        view = service.replay_delivery(session, webhook_id, delivery_id)
    if webhooks is not None:
        webhooks.wake()
    return view
