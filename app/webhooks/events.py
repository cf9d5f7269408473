"""Webhook events, written to the outbox in the caller's transaction.

Every writer of what an event reports calls in here inside the transaction that writes the
change, so the change and its events commit together or not at all: a process killed after
the commit loses no event (the sender finds them in the store), and one killed before it
leaves neither. When no enabled endpoint subscribes to an event type, nothing is written
for it; when none is enabled at all, the writers skip the comparison too.

Events (body ``{"type", "timestamp", "data"}``; ``data.customer`` is the customer as
``GET /v1/customers`` lists it, after the change; ``data.changes`` what changed):

- ``customer.created``: the customer's first profile was stored (its stage, outcome, tags
  and score are in the summary; no change events accompany it);
- ``customer.stage_changed``, ``customer.outcome_changed`` (inferred or set through the
  API), ``customer.tags_changed`` (a tag added or removed; score changes alone are not);
- ``customer.lookalike_changed``: the score's label band (weak < 0.3 ≤ moderate < 0.6 ≤
  strong) changed, the customer was scored for the first time or lost its score, or the
  score moved by at least :data:`LOOKALIKE_MARGIN` since the stored one;
- ``mailbox.error``: a mailbox shows a new error (the same error again is not an event).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, get_args

from sqlalchemy.orm import Session

from app.api.customers.service import summary
from app.db.repositories.webhooks import WebhookRepository
from app.db.tables import Customer, Mailbox
from app.db.types import utcnow
from models.lookalike import label_of

EventType = Literal[
    "customer.created",
    "customer.stage_changed",
    "customer.outcome_changed",
    "customer.tags_changed",
    "customer.lookalike_changed",
    "mailbox.error",
]
EVENT_TYPES: tuple[EventType, ...] = get_args(EventType)
LOOKALIKE_MARGIN = 0.1


class Outbox:
    """Writes events for the endpoints subscribed to them, in the caller's transaction."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.subscribed = WebhookRepository(session).subscriptions()

    @property
    def active(self) -> bool:
        """Whether any enabled endpoint subscribes to anything."""
        return bool(self.subscribed)

    def emit(self, event_type: str, subject: str, data: Mapping[str, Any]) -> str | None:
        """Write one event about ``subject`` (``customer:<id>`` or ``mailbox:<id>``: what
        orders deliveries) for every endpoint subscribed to ``event_type``; its id, or
        None when no endpoint wants it."""
        endpoints = self.subscribed.get(event_type)
        if not endpoints:
            return None
        at = utcnow()
        body = json.dumps(
            {"type": event_type, "timestamp": at.isoformat(), "data": data},
            separators=(",", ":"),
            sort_keys=True,
            ensure_ascii=False,  # an address is stored as written: erasure finds it
        )
        return WebhookRepository(self.session).add_event(event_type, subject, body, endpoints, at)


def _customer(customer: Customer) -> dict[str, Any]:
    return summary(customer).model_dump(mode="json")


def _brief(score: float | None, percentile: float | None) -> dict[str, Any] | None:
    if score is None:
        return None
    return {"score": score, "percentile": percentile, "label": label_of(score)}


def lookalike_moved(before: float | None, after: float | None) -> bool:
    """Whether a score change is worth an event: first score or score gone, another
    label band, or a move of at least :data:`LOOKALIKE_MARGIN`."""
    if before is None or after is None:
        return before is not after
    moved = round(abs(after - before), 6)  # scores are stored to 4 decimals
    return label_of(before) != label_of(after) or moved >= LOOKALIKE_MARGIN


@dataclass(frozen=True, slots=True)
class _Seen:
    profiled: bool
    stage: str
    outcome: str
    score: float | None
    percentile: float | None
    tags: dict[str, dict[str, Any]]


def _tags(session: Session, ids: Collection[str]) -> dict[str, dict[str, dict[str, Any]]]:
    found: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    for customer_id, tag_id, kind, name, value in WebhookRepository(session).tag_rows(ids):
        found[customer_id][tag_id] = {"id": tag_id, "kind": kind, "name": name, "value": value}
    return found


class ProfileChanges:
    """What a profile or score write changes, turned into events: :meth:`watch` before
    the write, :meth:`emit` after it, in the same transaction."""

    def __init__(self, outbox: Outbox, seen: dict[str, _Seen]) -> None:
        self.outbox = outbox
        self.seen = seen

    @classmethod
    def watch(cls, session: Session, ids: Collection[str]) -> ProfileChanges | None:
        """Note these customers as they are now; None (nothing to do) when no enabled
        endpoint subscribes to anything."""
        outbox = Outbox(session)
        if not outbox.active or not ids:
            return None
        tags = _tags(session, ids)
        seen = {
            customer_id: _Seen(
                profiled_at is not None, stage, outcome, score, percentile, tags[customer_id]
            )
            for customer_id, profiled_at, stage, outcome, score, percentile in WebhookRepository(
                session
            ).profile_rows(ids)
        }
        return cls(outbox, seen)

    def emit(self, session: Session) -> int:
        """Write the events of what changed since :meth:`watch`; how many were written."""
        tags = _tags(session, self.seen)
        written = 0
        for customer in WebhookRepository(session).customers_now(self.seen):
            written += self._emit_one(customer, self.seen[customer.id], tags[customer.id])
        return written

    def _emit_one(self, customer: Customer, before: _Seen, tags: dict[str, Any]) -> int:
        subject = f"customer:{customer.id}"
        view = _customer(customer)
        events: list[tuple[str, dict[str, Any]]] = []
        if not before.profiled:
            if customer.profiled_at is not None:
                events.append(("customer.created", {}))
        else:
            if customer.stage != before.stage:
                stage = {"before": before.stage, "after": customer.stage}
                events.append(("customer.stage_changed", {"stage": stage}))
            if customer.outcome != before.outcome:
                outcome = outcome_change(before.outcome, customer)
                events.append(("customer.outcome_changed", outcome))
            if set(tags) != set(before.tags):
                events.append(("customer.tags_changed", {"tags": _tag_change(before.tags, tags)}))
            if lookalike_moved(before.score, customer.lookalike_score):
                change = {
                    "before": _brief(before.score, before.percentile),
                    "after": _brief(customer.lookalike_score, customer.lookalike_percentile),
                }
                events.append(("customer.lookalike_changed", {"lookalike": change}))
        written = 0
        for event_type, changes in events:
            data = {"customer": view, "changes": changes}
            written += self.outbox.emit(event_type, subject, data) is not None
        return written


def _tag_change(
    before: Mapping[str, dict[str, Any]], after: Mapping[str, dict[str, Any]]
) -> dict[str, Any]:
    return {
        "before": sorted(before),
        "after": sorted(after),
        "added": [after[i] for i in sorted(set(after) - set(before))],
        "removed": [before[i] for i in sorted(set(before) - set(after))],
    }


def outcome_change(before: str, customer: Customer) -> dict[str, Any]:
    """The ``changes`` of an outcome event: the value before and after, and its source."""
    return {
        "outcome": {"before": before, "after": customer.outcome, "source": customer.outcome_source}
    }


def outcome_set(session: Session, customer: Customer, before: str) -> None:
    """The CRM set ``customer``'s outcome (flushed already) in this transaction: an event
    when its value changed."""
    if customer.outcome == before:
        return
    data = {"customer": _customer(customer), "changes": outcome_change(before, customer)}
    Outbox(session).emit("customer.outcome_changed", f"customer:{customer.id}", data)


def mailbox_failed(session: Session, mailbox: Mailbox, before: str | None) -> None:
    """``mailbox`` shows an error in this transaction: an event when it is a new one."""
    if mailbox.last_error == before:
        return
    data = {
        "mailbox": mailbox_view(mailbox),
        "changes": {"last_error": {"before": before, "after": mailbox.last_error}},
    }
    Outbox(session).emit("mailbox.error", f"mailbox:{mailbox.id}", data)


def mailbox_view(mailbox: Mailbox) -> dict[str, Any]:
    """What a ``mailbox.error`` event says about the mailbox (no secret)."""
    return {
        "id": mailbox.id,
        "host": mailbox.host,
        "port": mailbox.port,
        "username": mailbox.username,
        "state": mailbox.state,
        "last_error": mailbox.last_error,
        "last_sync_at": _iso(mailbox.last_sync_at),
        "auth_failed_at": _iso(mailbox.auth_failed_at),
    }


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()
