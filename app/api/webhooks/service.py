"""Webhook endpoints: add (a new signing secret, shown once), show, change, remove; their
delivery log; replay of one delivery. The functions run inside the caller's transaction."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import cast

from sqlalchemy.orm import Session

from app.api.pagination import decode_cursor, encode_cursor
from app.api.webhooks.schemas import (
    AttemptOut,
    DeliveryOut,
    DeliveryPage,
    DeliveryStatus,
    WebhookCreate,
    WebhookCreated,
    WebhookOut,
    WebhookPage,
    WebhookUpdate,
)
from app.db.repositories.webhooks import WebhookRepository
from app.db.tables import WebhookDelivery, WebhookEndpoint, WebhookEvent
from app.db.types import new_id, utcnow
from app.errors import ConflictError, NotFoundError
from app.secret_box import SecretBox
from app.webhooks.events import EventType
from app.webhooks.signing import new_secret

WEBHOOK_ID = re.compile(r"whk_[0-9a-z]{26}")
DELIVERY_ID = re.compile(r"dlv_([0-9]{1,18})")
_SEQ = re.compile(r"[0-9]{1,18}")


class WebhookDisabledError(ConflictError):
    """The endpoint is disabled: nothing is sent to it until it is enabled again."""

    code = "webhook_disabled"


def create_webhook(session: Session, secrets: SecretBox, data: WebhookCreate) -> WebhookCreated:
    """Store a new endpoint with a fresh signing secret (encrypted); the answer is the only
    place the secret is ever shown."""
    secret = new_secret()
    endpoint = WebhookEndpoint(
        id=new_id("whk"),
        url=data.url,
        events=list(data.events),
        secret_ciphertext=secrets.encrypt(secret),
        enabled=data.enabled,
        created_at=utcnow(),
    )
    session.add(endpoint)
    session.flush()
    return WebhookCreated(**describe(session, [endpoint])[0].model_dump(), secret=secret)


def list_webhooks(session: Session, limit: int, cursor: str | None) -> WebhookPage:
    """One page of endpoints in the order they were added."""
    after = None if cursor is None else decode_cursor(cursor, "webhooks", WEBHOOK_ID)
    rows = list(WebhookRepository(session).endpoints_after(after, limit + 1))
    more = len(rows) > limit
    rows = rows[:limit]
    return WebhookPage(
        items=describe(session, rows),
        next_cursor=encode_cursor("webhooks", rows[-1].id) if more else None,
    )


def endpoint_of(session: Session, webhook_id: str) -> WebhookEndpoint:
    """The endpoint ``webhook_id``; ``404 not_found`` when there is none."""
    known = WEBHOOK_ID.fullmatch(webhook_id)
    endpoint = WebhookRepository(session).endpoint(webhook_id) if known else None
    if endpoint is None:
        raise NotFoundError(f"no webhook with id {webhook_id!r}")
    return endpoint


def get_webhook(session: Session, webhook_id: str) -> WebhookOut:
    """The endpoint ``webhook_id`` with its delivery health."""
    return describe(session, [endpoint_of(session, webhook_id)])[0]


def update_webhook(
    session: Session, webhook_id: str, data: WebhookUpdate
) -> tuple[WebhookOut, bool]:
    """Apply ``data``; returns the endpoint and whether deliveries may be due now (it was
    enabled). Enabling clears a failure the service disabled it for, and makes what waits
    for it due at once."""
    endpoint = endpoint_of(session, webhook_id)
    if data.url is not None:
        endpoint.url = data.url
    if data.events is not None:
        endpoint.events = list(data.events)
    enabled_now = data.enabled is True and not endpoint.enabled
    if data.enabled is not None:
        endpoint.enabled = data.enabled
        endpoint.disabled_at = None if data.enabled else utcnow()
        endpoint.disabled_reason = None
    if enabled_now:
        endpoint.failing_since = None
        WebhookRepository(session).resume(endpoint.id, utcnow())
    session.flush()
    return describe(session, [endpoint])[0], enabled_now


def delete_webhook(session: Session, webhook_id: str) -> None:
    """Remove the endpoint with its deliveries, and the events no other endpoint has."""
    session.delete(endpoint_of(session, webhook_id))
    session.flush()
    WebhookRepository(session).delete_undelivered_events()


def describe(session: Session, endpoints: Sequence[WebhookEndpoint]) -> list[WebhookOut]:
    """The API view of each endpoint, with how many deliveries wait for it (no secret)."""
    pending = WebhookRepository(session).pending_counts([e.id for e in endpoints])
    return [
        WebhookOut(
            id=e.id,
            url=e.url,
            events=cast(list[EventType], list(e.events)),
            enabled=e.enabled,
            created_at=e.created_at,
            failing_since=e.failing_since,
            disabled_at=e.disabled_at,
            disabled_reason=e.disabled_reason,
            last_attempt_at=e.last_attempt_at,
            last_status_code=e.last_status_code,
            last_error=e.last_error,
            pending=pending.get(e.id, 0),
        )
        for e in endpoints
    ]


def delivery_view(delivery: WebhookDelivery, event: WebhookEvent) -> DeliveryOut:
    """The API view of one delivery with its event's body."""
    return DeliveryOut(
        id=f"dlv_{delivery.seq}",
        event_id=event.id,
        event_type=cast(EventType, event.type),
        status=cast(DeliveryStatus, delivery.status),
        attempts=delivery.attempts,
        created_at=delivery.created_at,
        next_attempt_at=delivery.next_attempt_at if delivery.status == "pending" else None,
        last_attempt_at=delivery.last_attempt_at,
        last_status_code=delivery.last_status_code,
        last_error=delivery.last_error,
        delivered_at=delivery.delivered_at,
        attempt_log=[AttemptOut(**entry) for entry in delivery.history],
        payload=json.loads(event.body),
    )


def list_deliveries(
    session: Session,
    webhook_id: str,
    limit: int,
    cursor: str | None,
    status: DeliveryStatus | None,
) -> DeliveryPage:
    """One page of the endpoint's deliveries, newest first (optionally of one status)."""
    endpoint = endpoint_of(session, webhook_id)
    before = None if cursor is None else int(decode_cursor(cursor, "deliveries", _SEQ))
    rows = WebhookRepository(session).deliveries_before(endpoint.id, before, limit + 1, status)
    more = len(rows) > limit
    rows = rows[:limit]
    return DeliveryPage(
        items=[delivery_view(d, e) for d, e in rows],
        next_cursor=encode_cursor("deliveries", str(rows[-1][0].seq)) if more else None,
    )


def replay_delivery(session: Session, webhook_id: str, delivery_id: str) -> DeliveryOut:
    """Send this delivery again, with the same ``webhook-id``, as soon as the events of
    its customer before it are delivered; its retry schedule starts over. ``409
    webhook_disabled`` while the endpoint is disabled."""
    endpoint = endpoint_of(session, webhook_id)
    match = DELIVERY_ID.fullmatch(delivery_id)
    repository = WebhookRepository(session)
    found = None if match is None else repository.delivery(endpoint.id, int(match[1]))
    if found is None:
        raise NotFoundError(f"no delivery {delivery_id!r} of webhook {webhook_id}")
    if not endpoint.enabled:
        raise WebhookDisabledError(
            f"webhook {webhook_id} is disabled; PATCH it with enabled: true first"
        )
    delivery, event = found
    delivery.status, delivery.attempts, delivery.next_attempt_at = "pending", 0, utcnow()
    delivery.delivered_at = None
    session.flush()
    return delivery_view(delivery, event)
