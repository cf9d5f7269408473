"""SQL behind the analytics API: customers' journeys in a range of first contact, and the
tags (a trait's values, the interest topics) their funnel can be grouped by."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, String, cast, func, literal, select
from sqlalchemy.orm import Session

from app.db.tables import Customer, CustomerTag, Topic


@dataclass(frozen=True, slots=True)
class JourneyRow:
    """A customer's journey columns as stored (``stage_reached``: stage -> ISO 8601 text)."""

    customer_id: str
    first_contact_at: datetime
    stage_reached: dict[str, Any]
    outcome: str
    outcome_at: datetime | None


class AnalyticsRepository:
    """Reads journeys and grouping tags inside the caller's transaction.

    Every method selects the customers whose first contact is at or after ``start`` and
    before ``end`` (None: no bound); customers without a first contact are never selected.
    """

    def __init__(self, session: Session) -> None:
        self.session = session

    @staticmethod
    def _in_range(start: datetime | None, end: datetime | None) -> list[ColumnElement[bool]]:
        conditions: list[ColumnElement[bool]] = [Customer.first_contact_at.is_not(None)]
        if start is not None:
            conditions.append(Customer.first_contact_at >= start)
        if end is not None:
            conditions.append(Customer.first_contact_at < end)
        return conditions

    def journeys(self, start: datetime | None, end: datetime | None) -> list[JourneyRow]:
        """The journey columns of every customer in the range, by id."""
        query = (
            select(
                Customer.id,
                Customer.first_contact_at,
                Customer.stage_reached,
                Customer.outcome,
                Customer.outcome_at,
            )
            .where(*self._in_range(start, end))
            .order_by(Customer.id)
        )
        return [
            JourneyRow(
                customer_id=row.id,
                first_contact_at=row.first_contact_at,
                stage_reached=dict(row.stage_reached or {}),
                outcome=row.outcome,
                outcome_at=row.outcome_at,
            )
            for row in self.session.execute(query)
        ]

    def trait_values(
        self, trait: str, start: datetime | None, end: datetime | None
    ) -> list[tuple[str, str]]:
        """(customer id, value) of every ``trait:<trait>:<value>`` tag of the customers in
        the range, by customer then value."""
        prefix = f"trait:{trait}:"
        query = (
            select(CustomerTag.customer_id, CustomerTag.tag_id)
            .join(Customer, Customer.id == CustomerTag.customer_id)
            .where(
                CustomerTag.kind == "trait",
                CustomerTag.tag_id.startswith(prefix, autoescape=True),
                *self._in_range(start, end),
            )
            .order_by(CustomerTag.customer_id, CustomerTag.tag_id)
        )
        return [(c, tag_id.removeprefix(prefix)) for c, tag_id in self.session.execute(query)]

    def interests(self, start: datetime | None, end: datetime | None) -> list[tuple[str, str, str]]:
        """(customer id, tag id, topic name) of every interest tag of the customers in the
        range, by customer then tag id; the name is the topic's user-given one, else its
        own, else (topic gone) the name stored with the tag."""
        topic_tag = literal("topic:", String) + cast(Topic.id, String)
        name = func.coalesce(Topic.user_name, Topic.name, CustomerTag.name)
        query = (
            select(CustomerTag.customer_id, CustomerTag.tag_id, name)
            .join(Customer, Customer.id == CustomerTag.customer_id)
            .outerjoin(Topic, topic_tag == CustomerTag.tag_id)
            .where(
                CustomerTag.kind == "interest",
                CustomerTag.tag_id.startswith("topic:"),
                *self._in_range(start, end),
            )
            .order_by(CustomerTag.customer_id, CustomerTag.tag_id)
        )
        return [(c, tag_id, text) for c, tag_id, text in self.session.execute(query)]
