"""``/v1/customers``: filtered pages, one profile, lookup by address, outcomes."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query

from app.api.auth import GuardedRoute, require_scope
from app.api.customers import service
from app.api.customers.schemas import CustomerOut, CustomerPage, Outcome, OutcomeIn, Stage
from app.api.deps import Enrichment, Sessions
from app.api.pagination import DEFAULT_LIMIT, Cursor, Limit
from app.api.responses import BODY_ERRORS, ERROR_RESPONSES
from app.db.repositories.customer_views import CustomerFilter
from app.webhooks.events import outcome_set

router = APIRouter(
    route_class=GuardedRoute, prefix="/v1/customers", tags=["customers"], responses=ERROR_RESPONSES
)


@router.get("", dependencies=[Depends(require_scope("read"))])
def list_customers(
    sessions: Sessions,
    tag: Annotated[
        str | None,
        Query(max_length=120, description="A tag id: `topic:<n>` or `trait:<name>:<value>`."),
    ] = None,
    stage: Annotated[Stage | None, Query(description="The current stage.")] = None,
    outcome: Annotated[Outcome | None, Query(description="The outcome in force.")] = None,
    min_lookalike: Annotated[float | None, Query(ge=0, le=1)] = None,
    q: Annotated[
        str | None, Query(max_length=200, description="Part of the name, key or an address.")
    ] = None,
    sort: Annotated[
        Literal["lookalike", "last_contact", "messages"], Query(description="Highest first.")
    ] = "last_contact",
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> CustomerPage:
    """Customers matching every filter given, highest first by `sort`."""
    where = CustomerFilter(tag=tag, stage=stage, outcome=outcome, min_lookalike=min_lookalike, q=q)
    with sessions() as session:
        items, next_cursor = service.list_customers(session, where, sort, limit, cursor)
    return CustomerPage(items=items, next_cursor=next_cursor)


@router.get("/lookup", dependencies=[Depends(require_scope("read"))])
def lookup(
    sessions: Sessions, email: Annotated[str, Query(min_length=3, max_length=320)]
) -> CustomerOut:
    """The profile of the customer an address belongs to."""
    with sessions() as session:
        return service.profile(session, service.find_by_email(session, email))


@router.get("/{customer_id}", dependencies=[Depends(require_scope("read"))])
def get_customer(customer_id: str, sessions: Sessions) -> CustomerOut:
    """A customer's whole profile: tags with evidence, stage, outcome, lookalike."""
    with sessions() as session:
        return service.profile(session, service.get_customer(session, customer_id))


@router.put(
    "/{customer_id}/outcome",
    dependencies=[Depends(require_scope("write"))],
    responses=BODY_ERRORS,
)
def set_outcome(
    customer_id: str, body: OutcomeIn, sessions: Sessions, enrichment: Enrichment
) -> CustomerOut:
    """Set the outcome the CRM knows; the lookalike model retrains soon after (debounced).
    A changed value sends `customer.outcome_changed` to the webhooks subscribed to it."""
    with sessions.begin() as session:
        before = service.get_customer(session, customer_id).outcome
        customer = service.set_outcome(session, customer_id, body)
        session.flush()
        outcome_set(session, customer, before)
    enrichment.wake()
    with sessions() as session:
        return service.profile(session, customer)
