"""Customers and contacts of a batch: created when new, updated with what the batch tells.

Set-based: a few reads and at most one insert and one update per table and batch, whatever
its size. A contact's title, phone and company come from the signature of its latest
message in the batch; a customer's first and last contact span its messages' dates. A
contact already stored keeps its customer (a freemail contact attached to its company,
see :mod:`app.ingestion.affiliation`, stays there); a new one goes to the customer of its
key (SPEC §4), created when new.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
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
    """Ids of the contacts a batch touched and of their customers, by address."""

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


def _key_customers(
    repository: CustomerRepository, items: Sequence[PartyMessage], known: Collection[str]
) -> dict[str, str]:
    """The customer id of each address of ``items`` not in ``known``: that of the
    customer of its key, created when new."""
    by_key: dict[str, PartyMessage] = {}
    for item in items:
        if item.party.contact.email not in known:
            by_key.setdefault(item.party.customer_key, item)
    stored = repository.customer_rows(by_key)
    repository.insert_customers(
        [
            {
                "id": new_id("cus"),
                "key": key,
                "kind": item.party.customer_kind,
                "name": None,
                "first_contact_at": None,
                "last_contact_at": None,
            }
            for key, item in by_key.items()
            if key not in stored
        ]
    )
    stored = repository.customer_rows(by_key)
    return {
        item.party.contact.email: stored[item.party.customer_key].id
        for item in items
        if item.party.contact.email not in known
    }


def _update_customers(
    repository: CustomerRepository,
    items: Sequence[PartyMessage],
    owner: dict[str, str],
    companies: dict[str, str],
) -> None:
    """Each customer's name (when it has none) and first and last contact."""
    groups: dict[str, list[PartyMessage]] = {}
    for item in items:
        groups.setdefault(owner[item.party.contact.email], []).append(item)
    rows = repository.customer_rows_by_id(groups)
    updates = []
    for customer_id, group in groups.items():
        row = rows[customer_id]
        first, last = _span([item.message.date for item in group])
        person = row.kind == "person"
        name = group[-1].party.contact.name if person else companies.get(row.key)
        wanted = {
            "name": None if row.name else name,
            "first_contact_at": _earlier(first, row.first_contact_at),
            "last_contact_at": _later(last, row.last_contact_at),
        }
        if change := _changes(row, wanted):
            updates.append(change)
    repository.update_customers(updates)


def _sync_contacts(
    repository: CustomerRepository,
    items: Sequence[PartyMessage],
    owner: dict[str, str],
    details: dict[str, ContactDetails],
) -> dict[str, Any]:
    """Insert the new contacts (with the customer in ``owner``) and update them all;
    return the stored rows by address."""
    by_email: dict[str, list[PartyMessage]] = {}
    for item in items:
        by_email.setdefault(item.party.contact.email, []).append(item)
    stored = repository.contact_rows(by_email)
    repository.insert_contacts(
        [
            {"id": new_id("con"), "email": email, "customer_id": owner[email]}
            for email in by_email
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
    return stored


def store_parties(session: Session, items: Sequence[PartyMessage]) -> PartyIds:
    """Create or update the customers and contacts of ``items``; return their ids.

    Each message goes to its contact's customer as stored once the contacts are written:
    when another batch stored the same new contact first, its choice holds, and a
    customer this batch made for nothing is deleted again."""
    repository = CustomerRepository(session)
    details = _latest_details(items)
    companies = {
        item.party.customer_key: found.company
        for item in items
        if (found := details.get(item.party.contact.email)) is not None and found.company
    }
    known = repository.contact_rows({item.party.contact.email for item in items})
    by_key = _key_customers(repository, items, known)
    owner = {email: row.customer_id for email, row in known.items()} | by_key
    contacts = _sync_contacts(repository, items, owner, details)
    stored_owner = {email: row.customer_id for email, row in contacts.items()}
    repository.delete_customers_without_contacts(set(by_key.values()) - set(stored_owner.values()))
    _update_customers(repository, items, stored_owner, companies)
    return PartyIds(stored_owner, {email: row.id for email, row in contacts.items()})
