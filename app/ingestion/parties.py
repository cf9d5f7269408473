"""Customers and contacts of a batch: created when new, updated with what the batch tells.

Set-based: one read and at most one insert and one update per table and batch, whatever
its size. A contact's title, phone and company come from the signature of its latest
message in the batch; a customer's first and last contact span its messages' dates.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from app.db.repositories.customers import CustomerRepository
from app.db.types import new_id
from ingest.identity import ContactDetails, Party, signature_details
from ingest.message import ParsedMessage


@dataclass(frozen=True, slots=True)
class PartyMessage:
    """A stored message and the external party it belongs to."""

    message: ParsedMessage
    party: Party


@dataclass(frozen=True, slots=True)
class PartyIds:
    """Ids of the customers (by key) and contacts (by address) a batch touched."""

    customers: dict[str, str]
    contacts: dict[str, str]


_NEVER = datetime.min.replace(tzinfo=UTC)


def _span(dates: Sequence[datetime | None]) -> tuple[datetime | None, datetime | None]:
    known = [d for d in dates if d is not None]
    return (min(known), max(known)) if known else (None, None)


def _earlier(new: datetime | None, old: datetime | None) -> datetime | None:
    """``new`` when it moves the stored ``old`` earlier, else None (no change)."""
    return new if new is not None and (old is None or new < old) else None


def _later(new: datetime | None, old: datetime | None) -> datetime | None:
    """``new`` when it moves the stored ``old`` later, else None (no change)."""
    return new if new is not None and (old is None or new > old) else None


def _changes(row: Any, wanted: dict[str, Any]) -> dict[str, Any] | None:
    """The full update of ``row`` (every wanted column: new value, else the stored one) when
    any wanted value differs; one column set for all rows makes one executemany."""
    if all(v is None or getattr(row, k) == v for k, v in wanted.items()):
        return None
    return {"id": row.id, **{k: getattr(row, k) if v is None else v for k, v in wanted.items()}}


def _latest_details(items: Sequence[PartyMessage]) -> dict[str, ContactDetails]:
    """What each contact's latest message says about them: the fields of a marketplace or
    web-form notification, or else the signature of a message they sent."""
    latest: dict[str, PartyMessage] = {}
    for item in items:
        sender, email = item.message.sender, item.party.contact.email
        signed = sender is not None and sender.email == email and item.message.parts.signature
        if not (item.party.details or signed):
            continue
        seen = latest.get(email)
        if seen is None or (item.message.date or _NEVER) >= (seen.message.date or _NEVER):
            latest[email] = item
    return {
        email: item.party.details
        or signature_details(item.message.parts.signature, item.party.contact.name)
        for email, item in latest.items()
    }


def _sync_customers(
    repository: CustomerRepository, items: Sequence[PartyMessage], companies: dict[str, str]
) -> dict[str, str]:
    by_key: dict[str, list[PartyMessage]] = {}
    for item in items:
        by_key.setdefault(item.party.customer_key, []).append(item)
    stored = repository.customer_rows(by_key)
    repository.insert_customers(
        [
            {
                "id": new_id("cus"),
                "key": key,
                "kind": group[0].party.customer_kind,
                "name": None,
                "first_contact_at": None,
                "last_contact_at": None,
            }
            for key, group in by_key.items()
            if key not in stored
        ]
    )
    stored = repository.customer_rows(by_key)
    updates = []
    for key, group in by_key.items():
        row = stored[key]
        first, last = _span([item.message.date for item in group])
        person = row.kind == "person"
        name = group[-1].party.contact.name if person else companies.get(key)
        wanted = {
            "name": None if row.name else name,
            "first_contact_at": _earlier(first, row.first_contact_at),
            "last_contact_at": _later(last, row.last_contact_at),
        }
        if change := _changes(row, wanted):
            updates.append(change)
    repository.update_customers(updates)
    return {key: row.id for key, row in stored.items()}


def _sync_contacts(
    repository: CustomerRepository,
    items: Sequence[PartyMessage],
    customer_ids: dict[str, str],
    details: dict[str, ContactDetails],
) -> dict[str, str]:
    by_email: dict[str, list[PartyMessage]] = {}
    for item in items:
        by_email.setdefault(item.party.contact.email, []).append(item)
    stored = repository.contact_rows(by_email)
    repository.insert_contacts(
        [
            {
                "id": new_id("con"),
                "email": email,
                "customer_id": customer_ids[group[0].party.customer_key],
            }
            for email, group in by_email.items()
            if email not in stored
        ]
    )
    stored = repository.contact_rows(by_email)
    updates = []
    for email, group in by_email.items():
        row = stored[email]
        found = details.get(email, ContactDetails())
        _, last = _span([item.message.date for item in group])
        names = [item.party.contact.name for item in group if item.party.contact.name]
        wanted = {
            "name": names[-1] if names else None,
            "title": found.title,
            "phone": found.phone,
            "company": found.company,
            "last_seen_at": _later(last, row.last_seen_at),
        }
        if change := _changes(row, wanted):
            updates.append(change)
    repository.update_contacts(updates)
    return {email: row.id for email, row in stored.items()}


def store_parties(session: Session, items: Sequence[PartyMessage]) -> PartyIds:
    """Create or update the customers and contacts of ``items``; return their ids."""
    repository = CustomerRepository(session)
    details = _latest_details(items)
    companies = {
        item.party.customer_key: found.company
        for item in items
        if (found := details.get(item.party.contact.email)) is not None and found.company
    }
    customers = _sync_customers(repository, items, companies)
    contacts = _sync_contacts(repository, items, customers, details)
    return PartyIds(customers, contacts)
