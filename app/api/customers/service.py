"""Customers: pages of them, one profile, lookup by address, outcomes set by the CRM."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy.orm import Session

from app.api.customers.schemas import (
    ContactOut,
    CustomerOut,
    CustomerSummary,
    EvidenceOut,
    LookalikeBrief,
    LookalikeOut,
    MessageCounts,
    NearestWonOut,
    OutcomeIn,
    OutcomeOut,
    ProfileTagOut,
    SharedTagOut,
    StageAwareOut,
    StageOut,
    ValidInquiryOut,
)
from app.api.pagination import decode_cursor, encode_cursor
from app.db.repositories.customer_views import (
    CustomerFilter,
    CustomerViewRepository,
    SortKey,
    sort_value,
)
from app.db.tables import Customer
from app.db.types import utcnow
from app.errors import NotFoundError
from ingest.identity import customer_key

_CURSOR_KEY = re.compile(r"[0-9eE.+:T-]{1,40}\|[a-z]{1,8}_[0-9a-z]{26}")
_EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s]{1,255}")


def _cursor_value(text: str, sort: SortKey) -> float | int | datetime:
    if sort == "lookalike":
        return float(text)
    if sort == "last_contact":
        return datetime.fromisoformat(text)
    return int(text)


def _decode(cursor: str, sort: SortKey) -> tuple[float | int | datetime, str]:
    key = decode_cursor(cursor, f"customers-{sort}", _CURSOR_KEY)
    value, _, last_id = key.partition("|")
    return _cursor_value(value, sort), last_id


def _encode(customer: Customer, sort: SortKey) -> str:
    value = sort_value(customer, sort)
    text = value.isoformat() if isinstance(value, datetime) else repr(value)
    return encode_cursor(f"customers-{sort}", f"{text}|{customer.id}")


def summary(customer: Customer) -> CustomerSummary:
    """A customer as lists show it."""
    return CustomerSummary(
        id=customer.id,
        key=customer.key,
        name=customer.name,
        kind=customer.kind,  # type: ignore[arg-type]
        country=customer.country,
        stage=customer.stage,  # type: ignore[arg-type]
        outcome=customer.outcome,  # type: ignore[arg-type]
        messages=MessageCounts(inbound=customer.inbound, outbound=customer.outbound),
        first_contact_at=customer.first_contact_at,
        last_contact_at=customer.last_contact_at,
        lookalike=None
        if customer.lookalike_score is None
        else LookalikeBrief(
            score=customer.lookalike_score, percentile=customer.lookalike_percentile or 0.0
        ),
    )


def list_customers(
    session: Session, where: CustomerFilter, sort: SortKey, limit: int, cursor: str | None
) -> tuple[list[CustomerSummary], str | None]:
    """One page of customers matching ``where``, best first by ``sort``."""
    after = None if cursor is None else _decode(cursor, sort)
    rows = CustomerViewRepository(session).page(where, sort, limit + 1, after)
    page = list(rows[:limit])
    more = len(rows) > limit
    return [summary(c) for c in page], _encode(page[-1], sort) if more and page else None


def _lookalike(customer: Customer) -> LookalikeOut | None:
    explained = customer.lookalike_explanation
    if customer.lookalike_score is None or explained is None or customer.lookalike_version is None:
        return None
    return LookalikeOut(
        score=customer.lookalike_score,
        percentile=customer.lookalike_percentile or 0.0,
        nearest_won=[NearestWonOut(**n) for n in explained["nearest_won"]],
        shared_tags=[SharedTagOut(**t) for t in explained["shared_tags"]],
        model_version=customer.lookalike_version,
        stage_aware=None
        if explained.get("stage_aware") is None
        else StageAwareOut(**explained["stage_aware"]),
    )


def profile(session: Session, customer: Customer) -> CustomerOut:
    """The whole profile of ``customer``."""
    repository = CustomerViewRepository(session)
    inquiry = customer.valid_inquiry
    return CustomerOut(
        id=customer.id,
        key=customer.key,
        name=customer.name,
        kind=customer.kind,  # type: ignore[arg-type]
        country=customer.country,
        languages=list(customer.languages),
        contacts=[
            ContactOut(email=c.email, name=c.name, title=c.title, phone=c.phone)
            for c in repository.contacts(customer.id)
        ],
        first_contact_at=customer.first_contact_at,
        last_contact_at=customer.last_contact_at,
        messages=MessageCounts(inbound=customer.inbound, outbound=customer.outbound),
        stage=StageOut(
            current=customer.stage,  # type: ignore[arg-type]
            reached={k: datetime.fromisoformat(v) for k, v in customer.stage_reached.items()},
            valid_inquiry=None if inquiry is None else ValidInquiryOut(**inquiry),
        ),
        outcome=OutcomeOut(
            value=customer.outcome,  # type: ignore[arg-type]
            source=customer.outcome_source,  # type: ignore[arg-type]
            at=customer.outcome_at,
            reason=None if customer.outcome_source == "api" else customer.outcome_reason,
        ),
        tags=[
            ProfileTagOut(
                id=t.tag_id,
                kind=t.kind,  # type: ignore[arg-type]
                name=t.name,
                value=t.value,
                score=t.score,
                evidence=[EvidenceOut(**e) for e in t.evidence],
            )
            for t in repository.tags(customer.id)
        ],
        lookalike=_lookalike(customer),
    )


def get_customer(session: Session, customer_id: str) -> Customer:
    """The customer with this id; NotFoundError when there is none."""
    customer = CustomerViewRepository(session).get(customer_id)
    if customer is None:
        raise NotFoundError(f"no customer {customer_id!r}")
    return customer


def find_by_email(session: Session, email: str) -> Customer:
    """The customer an address belongs to: its contact's, else the customer keyed by the
    address's organisation (or, for freemail, the address); NotFoundError otherwise."""
    address = email.strip().lower()
    if not _EMAIL.fullmatch(address):
        raise NotFoundError(f"no customer for {email!r}: not an email address")
    repository = CustomerViewRepository(session)
    customer = repository.by_contact_email(address) or repository.by_key(customer_key(address)[0])
    if customer is None:
        raise NotFoundError(f"no customer for {email!r}")
    return customer


def set_outcome(session: Session, customer_id: str, body: OutcomeIn) -> Customer:
    """Set the outcome (it wins over the inferred one from now on); returns the customer."""
    customer = get_customer(session, customer_id)
    at = body.at or utcnow()
    customer.outcome_set = body.outcome
    customer.outcome_set_at = at
    customer.outcome = body.outcome
    customer.outcome_source = "api"
    customer.outcome_at = at
    return customer
