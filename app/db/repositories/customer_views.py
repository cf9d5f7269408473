"""SQL behind the customers API: filtered, sorted pages of customers and one whole profile."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import ColumnElement, and_, exists, func, literal, or_, select
from sqlalchemy.orm import Session

from app.db.tables import Contact, Customer, CustomerTag

SortKey = Literal["lookalike", "last_contact", "messages"]
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class CustomerFilter:
    """What a customers page is restricted to; None means no restriction."""

    tag: str | None = None
    stage: str | None = None
    outcome: str | None = None
    min_lookalike: float | None = None
    q: str | None = None


def _sort_expression(sort: SortKey) -> ColumnElement[Any]:
    if sort == "lookalike":
        return func.coalesce(Customer.lookalike_score, literal(-1.0))
    if sort == "last_contact":
        epoch = literal(_EPOCH, Customer.last_contact_at.type)
        return func.coalesce(Customer.last_contact_at, epoch)
    return Customer.inbound + Customer.outbound


def sort_value(customer: Customer, sort: SortKey) -> float | int | datetime:
    """The value ``customer`` is sorted by (as the query computes it), for a cursor."""
    if sort == "lookalike":
        return -1.0 if customer.lookalike_score is None else customer.lookalike_score
    if sort == "last_contact":
        return customer.last_contact_at or _EPOCH
    return customer.inbound + customer.outbound


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class CustomerViewRepository:
    """Reads customers for the API inside the caller's transaction."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def page(
        self,
        where: CustomerFilter,
        sort: SortKey,
        limit: int,
        after: tuple[float | int | datetime, str] | None,
    ) -> Sequence[Customer]:
        """Up to ``limit`` customers matching ``where``, by ``sort`` descending then id,
        starting after the (sort value, id) of the previous page's last customer."""
        key = _sort_expression(sort)
        query = select(Customer)
        if where.tag is not None:
            tagged = exists().where(
                CustomerTag.customer_id == Customer.id, CustomerTag.tag_id == where.tag
            )
            query = query.where(tagged)
        if where.stage is not None:
            query = query.where(Customer.stage == where.stage)
        if where.outcome is not None:
            query = query.where(Customer.outcome == where.outcome)
        if where.min_lookalike is not None:
            query = query.where(Customer.lookalike_score >= where.min_lookalike)
        if where.q:
            pattern = f"%{_escape_like(where.q.lower())}%"
            query = query.where(
                or_(
                    func.lower(Customer.name).like(pattern, escape="\\"),
                    Customer.key.like(pattern, escape="\\"),
                    exists().where(
                        Contact.customer_id == Customer.id,
                        or_(
                            Contact.email.like(pattern, escape="\\"),
                            func.lower(Contact.name).like(pattern, escape="\\"),
                        ),
                    ),
                )
            )
        if after is not None:
            value, last_id = after
            query = query.where(or_(key < value, and_(key == value, Customer.id > last_id)))
        query = query.order_by(key.desc(), Customer.id).limit(limit)
        return self.session.scalars(query).all()

    def get(self, customer_id: str) -> Customer | None:
        """One customer, or None."""
        return self.session.get(Customer, customer_id)

    def by_key(self, key: str) -> Customer | None:
        """The customer keyed by ``key`` (registrable domain or freemail address), or None."""
        return self.session.scalar(select(Customer).where(Customer.key == key))

    def by_contact_email(self, email: str) -> Customer | None:
        """The customer the contact with this address belongs to, or None."""
        query = select(Customer).join(Contact, Contact.customer_id == Customer.id)
        return self.session.scalar(query.where(Contact.email == email.lower()))

    def contacts(self, customer_id: str) -> Sequence[Contact]:
        """The customer's contacts, by address."""
        query = select(Contact).where(Contact.customer_id == customer_id).order_by(Contact.email)
        return self.session.scalars(query).all()

    def tags(self, customer_id: str) -> Sequence[CustomerTag]:
        """The customer's profile tags: interest tags by score, then trait tags by name."""
        query = (
            select(CustomerTag)
            .where(CustomerTag.customer_id == customer_id)
            .order_by(CustomerTag.kind, CustomerTag.score.desc(), CustomerTag.name, CustomerTag.id)
        )
        return self.session.scalars(query).all()
