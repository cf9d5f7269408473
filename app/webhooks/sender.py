"""Send what the outbox holds: signed POSTs, at least once, in order per subject, retried
with the backoff of ``webhook_retry_schedule``, endpoints disabled after persistent failure.

A delivery is taken (leased) in one transaction and its outcome recorded in another after
the POST, so a sender killed in between sends it again once the lease expires: at least
once, and the receiver dedups by ``webhook-id`` (the event's id, the same on every attempt
and replay). Only the oldest pending delivery of each (endpoint, customer or mailbox) is
ever taken, so a customer's later event never overtakes an earlier one that is still being
retried. 2xx is delivered; anything else (another status, a redirect, a timeout, a refused
connection) is a failed attempt. A delivery that fails its last retry fails for good and
disables its endpoint; so does an endpoint that has been failing (no success since its
first failure) for longer than ``webhook_disable_after_seconds``.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy.orm import Session, sessionmaker

from app.db.repositories.webhooks import DueDelivery, WebhookRepository
from app.db.tables import WebhookDelivery, WebhookEndpoint
from app.db.types import utcnow
from app.secret_box import SecretBox
from app.settings import Settings
from app.webhooks.signing import headers

log = logging.getLogger("leadlens.webhooks")

BATCH = 50  # deliveries taken at once
HISTORY = 20  # attempts kept in a delivery's log
_LEASE_MARGIN_S = 60.0
_ERROR_CHARS = 300


@dataclass(slots=True)
class SendReport:
    """What :func:`send_due` did: POSTs made, delivered, failed attempts, deliveries that
    failed for good, and endpoints it disabled."""

    attempts: int = 0
    delivered: int = 0
    failed_attempts: int = 0
    gave_up: int = 0
    disabled: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Attempt:
    at: datetime
    status_code: int | None
    error: str | None
    seconds: float

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def _post(client: httpx.Client, due: DueDelivery, secret: str) -> _Attempt:
    at = utcnow()
    started = time.perf_counter()
    sent_headers = headers(secret, due.event_id, int(time.time()), due.body)
    try:
        response = client.post(due.url, content=due.body.encode(), headers=sent_headers)
    except httpx.HTTPError as exc:
        failure = f"{type(exc).__name__}: {exc}"[:_ERROR_CHARS]
        return _Attempt(at, None, failure, time.perf_counter() - started)
    code = response.status_code
    return _Attempt(
        at, code, None if 200 <= code < 300 else f"HTTP {code}", time.perf_counter() - started
    )


def _disable(endpoint: WebhookEndpoint, at: datetime, reason: str) -> None:
    endpoint.enabled = False
    endpoint.disabled_at = at
    endpoint.disabled_reason = reason
    log.warning("webhook %s disabled: %s", endpoint.id, reason)


def _record(
    session: Session, due: DueDelivery, attempt: _Attempt, settings: Settings, report: SendReport
) -> None:
    delivery = session.get(WebhookDelivery, due.seq)
    endpoint = session.get(WebhookEndpoint, due.endpoint_id)
    if delivery is None or endpoint is None or delivery.status != "pending":
        return  # deleted meanwhile
    report.attempts += 1
    delivery.attempts += 1
    delivery.last_attempt_at = endpoint.last_attempt_at = attempt.at
    delivery.last_status_code = endpoint.last_status_code = attempt.status_code
    delivery.last_error = endpoint.last_error = attempt.error
    entry: dict[str, Any] = {
        "at": attempt.at.isoformat(),
        "status_code": attempt.status_code,
        "error": attempt.error,
        "duration_ms": round(attempt.seconds * 1000),
    }
    delivery.history = [*delivery.history, entry][-HISTORY:]
    if attempt.ok:
        report.delivered += 1
        delivery.status, delivery.delivered_at = "delivered", attempt.at
        endpoint.failing_since = None
        return
    report.failed_attempts += 1
    endpoint.failing_since = endpoint.failing_since or attempt.at
    schedule = settings.webhook_retry_schedule
    if delivery.attempts > len(schedule):
        report.gave_up += 1
        delivery.status = "failed"
        if endpoint.enabled:
            report.disabled.append(endpoint.id)
            _disable(
                endpoint,
                attempt.at,
                f"delivery dlv_{due.seq} failed {delivery.attempts} attempts "
                f"(last: {attempt.error})",
            )
        return
    delivery.next_attempt_at = attempt.at + timedelta(seconds=schedule[delivery.attempts - 1])
    failing = (attempt.at - endpoint.failing_since).total_seconds()
    if endpoint.enabled and failing > settings.webhook_disable_after_seconds:
        report.disabled.append(endpoint.id)
        _disable(
            endpoint,
            attempt.at,
            f"failing since {endpoint.failing_since.isoformat()} "
            f"(more than {settings.webhook_disable_after_seconds:g} s; last: {attempt.error})",
        )


def send_due(
    sessions: sessionmaker[Session],
    secrets: SecretBox,
    settings: Settings,
    client: httpx.Client,
    stop: threading.Event | None = None,
) -> SendReport:
    """Send every delivery due now, batch after batch, until none is due (or ``stop`` is
    set); each attempt's outcome is committed before the next POST. Once an endpoint fails
    an attempt, its other deliveries of the batch are handed back untried, due after the
    first retry delay (a dead receiver costs one timeout per batch, not one per event)."""
    report = SendReport()
    lease = settings.webhook_timeout_seconds * BATCH + _LEASE_MARGIN_S
    while stop is None or not stop.is_set():
        now = utcnow()
        with sessions.begin() as session:
            due = WebhookRepository(session).take_due(now, now + timedelta(seconds=lease), BATCH)
        if not due:
            return report
        failing: set[str] = set()
        postponed: list[int] = []
        for item in due:
            if item.endpoint_id in failing or (stop is not None and stop.is_set()):
                postponed.append(item.seq)
                continue
            attempt = _post(client, item, secrets.decrypt(item.secret_ciphertext))
            with sessions.begin() as session:
                _record(session, item, attempt, settings, report)
            if not attempt.ok:
                failing.add(item.endpoint_id)
        if postponed:
            later = utcnow() + timedelta(seconds=settings.webhook_retry_schedule[0])
            if stop is not None and stop.is_set():
                later = utcnow()
            with sessions.begin() as session:
                WebhookRepository(session).release(postponed, later)
    return report


def http_client(settings: Settings) -> httpx.Client:
    """The HTTP client deliveries are POSTed with: ``webhook_timeout_seconds`` for each
    POST, no redirects followed (a 3xx is a failed attempt), no proxy from the environment."""
    return httpx.Client(
        timeout=settings.webhook_timeout_seconds,
        follow_redirects=False,
        trust_env=False,
        headers={"user-agent": "leadlens-webhooks/1"},
    )
