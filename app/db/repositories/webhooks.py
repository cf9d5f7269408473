"""SQL of webhooks: endpoints, the outbox (events and their deliveries), what is due."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, exists, func, select, update
from sqlalchemy.orm import Session, aliased

from app.db.repositories._chunks import chunks
from app.db.tables import Customer, CustomerTag, WebhookDelivery, WebhookEndpoint, WebhookEvent
from app.db.types import new_id


@dataclass(frozen=True, slots=True)
class DueDelivery:
    """A delivery taken for sending: where to, the event's id and body, attempts so far."""

    seq: int
    endpoint_id: str
    url: str
    secret_ciphertext: bytes
    event_id: str
    body: str
    attempts: int


class WebhookRepository:
    """Reads and writes webhook rows inside the caller's transaction (never commits)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def subscriptions(self) -> dict[str, list[str]]:
        """Event type → ids of the enabled endpoints subscribed to it (empty: none enabled)."""
        found: dict[str, list[str]] = defaultdict(list)
        query = select(WebhookEndpoint.id, WebhookEndpoint.events).where(
            WebhookEndpoint.enabled.is_(True)
        )
        for endpoint_id, events in self.session.execute(query.order_by(WebhookEndpoint.id)):
            for event_type in events:
                found[event_type].append(endpoint_id)
        return dict(found)

    def add_event(
        self, event_type: str, subject: str, body: str, endpoint_ids: Sequence[str], at: datetime
    ) -> str:
        """Store one event and a pending delivery of it to each endpoint; returns its id."""
        event_id = new_id("msg")
        self.session.add(
            WebhookEvent(id=event_id, type=event_type, subject=subject, body=body, created_at=at)
        )
        self.session.flush()
        self.session.add_all(
            WebhookDelivery(
                event_id=event_id,
                endpoint_id=endpoint_id,
                subject=subject,
                status="pending",
                attempts=0,
                next_attempt_at=at,
                history=[],
                created_at=at,
            )
            for endpoint_id in endpoint_ids
        )
        self.session.flush()
        return event_id

    def endpoint(self, endpoint_id: str) -> WebhookEndpoint | None:
        """One endpoint, or None."""
        return self.session.get(WebhookEndpoint, endpoint_id)

    def endpoints_after(self, after: str | None, limit: int) -> Sequence[WebhookEndpoint]:
        """Up to ``limit`` endpoints by id (creation order), after the id ``after``."""
        query = select(WebhookEndpoint).order_by(WebhookEndpoint.id).limit(limit)
        if after is not None:
            query = query.where(WebhookEndpoint.id > after)
        return self.session.scalars(query).all()

    def deliveries_before(
        self, endpoint_id: str, before: int | None, limit: int, status: str | None
    ) -> Sequence[tuple[WebhookDelivery, WebhookEvent]]:
        """Up to ``limit`` deliveries to the endpoint, newest first, below ``seq`` ``before``."""
        query = (
            select(WebhookDelivery, WebhookEvent)
            .join(WebhookEvent, WebhookEvent.id == WebhookDelivery.event_id)
            .where(WebhookDelivery.endpoint_id == endpoint_id)
            .order_by(WebhookDelivery.seq.desc())
            .limit(limit)
        )
        if before is not None:
            query = query.where(WebhookDelivery.seq < before)
        if status is not None:
            query = query.where(WebhookDelivery.status == status)
        return [(d, e) for d, e in self.session.execute(query)]

    def delivery(self, endpoint_id: str, seq: int) -> tuple[WebhookDelivery, WebhookEvent] | None:
        """One delivery to the endpoint with its event, or None."""
        query = (
            select(WebhookDelivery, WebhookEvent)
            .join(WebhookEvent, WebhookEvent.id == WebhookDelivery.event_id)
            .where(WebhookDelivery.endpoint_id == endpoint_id, WebhookDelivery.seq == seq)
        )
        row = self.session.execute(query).first()
        return None if row is None else (row[0], row[1])

    def take_due(self, now: datetime, lease_until: datetime, limit: int) -> list[DueDelivery]:
        """Up to ``limit`` pending deliveries due by ``now`` to enabled endpoints, each the
        oldest pending one of its (endpoint, subject), so that a subject's events go out in
        order; they are leased until ``lease_until`` (another sender skips them, and a
        sender that dies before recording the outcome leaves them due again then)."""
        earlier = aliased(WebhookDelivery)
        blocked = exists().where(
            earlier.endpoint_id == WebhookDelivery.endpoint_id,
            earlier.subject == WebhookDelivery.subject,
            earlier.status == "pending",
            earlier.seq < WebhookDelivery.seq,
        )
        query = (
            select(WebhookDelivery, WebhookEndpoint.url, WebhookEndpoint.secret_ciphertext)
            .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
            .where(
                WebhookDelivery.status == "pending",
                WebhookDelivery.next_attempt_at <= now,
                WebhookEndpoint.enabled.is_(True),
                ~blocked,
            )
            .order_by(WebhookDelivery.seq)
            .limit(limit)
            .with_for_update(of=WebhookDelivery, skip_locked=True)
        )
        rows = self.session.execute(query).all()
        if not rows:
            return []
        query_bodies = select(WebhookEvent.id, WebhookEvent.body).where(
            WebhookEvent.id.in_({d.event_id for d, _, _ in rows})
        )
        bodies = {str(i): str(body) for i, body in self.session.execute(query_bodies)}
        self.session.execute(
            update(WebhookDelivery)
            .where(WebhookDelivery.seq.in_([d.seq for d, _, _ in rows]))
            .values(next_attempt_at=lease_until)
        )
        return [
            DueDelivery(
                d.seq, d.endpoint_id, url, secret, d.event_id, bodies[d.event_id], d.attempts
            )
            for d, url, secret in rows
        ]

    def release(self, seqs: Sequence[int], at: datetime) -> None:
        """Hand leased deliveries back untried, due again at ``at``."""
        if seqs:
            self.session.execute(
                update(WebhookDelivery)
                .where(WebhookDelivery.seq.in_(list(seqs)), WebhookDelivery.status == "pending")
                .values(next_attempt_at=at)
            )

    def resume(self, endpoint_id: str, at: datetime) -> None:
        """Make every pending delivery to the endpoint due at ``at`` (it was re-enabled)."""
        self.session.execute(
            update(WebhookDelivery)
            .where(WebhookDelivery.endpoint_id == endpoint_id, WebhookDelivery.status == "pending")
            .values(next_attempt_at=at)
        )

    def pending_counts(self, endpoint_ids: Sequence[str]) -> dict[str, int]:
        """How many deliveries wait for each of ``endpoint_ids`` (those with none left out)."""
        if not endpoint_ids:
            return {}
        query = (
            select(WebhookDelivery.endpoint_id, func.count())
            .where(
                WebhookDelivery.endpoint_id.in_(list(endpoint_ids)),
                WebhookDelivery.status == "pending",
            )
            .group_by(WebhookDelivery.endpoint_id)
        )
        return {str(endpoint_id): int(count) for endpoint_id, count in self.session.execute(query)}

    def delete_undelivered_events(self) -> None:
        """Delete the events that no delivery refers to any more."""
        referred = exists().where(WebhookDelivery.event_id == WebhookEvent.id)
        self.session.execute(delete(WebhookEvent).where(~referred))

    def tag_rows(
        self, customer_ids: Collection[str]
    ) -> Iterator[tuple[str, str, str, str, str | None]]:
        """(customer id, tag id, kind, name, value) of every tag of those customers."""
        for chunk in chunks(customer_ids):
            query = select(
                CustomerTag.customer_id,
                CustomerTag.tag_id,
                CustomerTag.kind,
                CustomerTag.name,
                CustomerTag.value,
            ).where(CustomerTag.customer_id.in_(chunk))
            yield from self.session.execute(query)

    def profile_rows(
        self, customer_ids: Collection[str]
    ) -> Iterator[tuple[str, datetime | None, str, str, float | None, float | None]]:
        """(id, profiled at, stage, outcome, lookalike score and percentile) of those
        customers: what their events compare."""
        for chunk in chunks(customer_ids):
            query = select(
                Customer.id,
                Customer.profiled_at,
                Customer.stage,
                Customer.outcome,
                Customer.lookalike_score,
                Customer.lookalike_percentile,
            ).where(Customer.id.in_(chunk))
            yield from self.session.execute(query)

    def customers_now(self, customer_ids: Collection[str]) -> Iterator[Customer]:
        """Those customers in id order, read again from the store (not the session's
        copies)."""
        for chunk in chunks(sorted(customer_ids)):
            query = (
                select(Customer)
                .where(Customer.id.in_(chunk))
                .order_by(Customer.id)
                .execution_options(populate_existing=True)
            )
            yield from self.session.scalars(query)
