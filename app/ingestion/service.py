"""Store a batch of raw messages: dedupe, parse or quarantine, identify, thread, insert.

The service never commits: the caller (an import run, an IMAP folder sync) commits the
batch together with whatever position it tracks, so a kill loses or doubles nothing.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from app.db.repositories.customers import CustomerRepository
from app.db.repositories.messages import MessageRepository
from app.db.tables import Contact, Customer, Mailbox
from app.db.types import new_id, utcnow
from app.ingestion.threading import ThreadAssigner, ThreadInput
from ingest.identity import IdentityResolver, Party, signature_details
from ingest.message import Address, ParsedMessage
from ingest.mime import ParseError, parse_message
from ingest.sources import RawMessage
from ingest.threads import subject_key


@dataclass(slots=True)
class BatchResult:
    """What storing one batch did: counts, and each quarantined input with its reason."""

    imported: int = 0
    duplicates: int = 0
    quarantined: list[tuple[str, str]] = field(default_factory=list)

    def add(self, other: BatchResult) -> None:
        """Accumulate another batch's result into this one."""
        self.imported += other.imported
        self.duplicates += other.duplicates
        self.quarantined.extend(other.quarantined)


@dataclass(frozen=True, slots=True)
class _Accepted:
    raw: RawMessage
    sha256: str
    message: ParsedMessage
    party: Party | None


def _addresses(values: Sequence[Address]) -> list[dict[str, str | None]]:
    return [{"email": a.email, "name": a.name} for a in values]


def _new_raws(
    repository: MessageRepository, mailbox: Mailbox, raws: Sequence[RawMessage]
) -> tuple[list[tuple[RawMessage, str]], int]:
    hashed = [(raw, hashlib.sha256(raw.data).hexdigest()) for raw in raws]
    seen = repository.known_hashes(mailbox.id, {sha for _, sha in hashed})
    fresh: list[tuple[RawMessage, str]] = []
    for raw, sha in hashed:
        if sha not in seen:
            seen.add(sha)
            fresh.append((raw, sha))
    return fresh, len(raws) - len(fresh)


def _update_customers(session: Session, accepted: Sequence[_Accepted]) -> dict[str, Customer]:
    repository = CustomerRepository(session)
    rows = {
        a.party.customer_key: {
            "id": new_id("cus"),
            "key": a.party.customer_key,
            "kind": a.party.customer_kind,
            "name": a.party.contact.name if a.party.customer_kind == "person" else None,
        }
        for a in accepted
        if a.party
    }
    customers = repository.ensure_customers(list(rows.values()))
    for a in accepted:
        if a.party is None or a.message.date is None:
            continue
        customer = customers[a.party.customer_key]
        when = a.message.date
        if customer.first_contact_at is None or when < customer.first_contact_at:
            customer.first_contact_at = when
        if customer.last_contact_at is None or when > customer.last_contact_at:
            customer.last_contact_at = when
    return customers


def _update_contacts(
    session: Session, accepted: Sequence[_Accepted], customers: dict[str, Customer]
) -> dict[str, Contact]:
    repository = CustomerRepository(session)
    rows = {
        a.party.contact.email: {
            "id": new_id("con"),
            "email": a.party.contact.email,
            "customer_id": customers[a.party.customer_key].id,
        }
        for a in accepted
        if a.party
    }
    contacts = repository.ensure_contacts(list(rows.values()))
    for a in accepted:
        if a.party is None:
            continue
        contact = contacts[a.party.contact.email]
        contact.name = a.party.contact.name or contact.name
        contact.last_seen_at = max(
            filter(None, (contact.last_seen_at, a.message.date)), default=None
        )
        sender = a.message.sender
        if sender is not None and sender.email == contact.email and a.message.parts.signature:
            details = signature_details(a.message.parts.signature, contact.name)
            contact.title = details.title or contact.title
            contact.phone = details.phone or contact.phone
            contact.company = details.company or contact.company
            customer = customers[a.party.customer_key]
            if customer.kind == "organization" and details.company and not customer.name:
                customer.name = details.company
    return contacts


def _message_row(
    mailbox: Mailbox,
    item: _Accepted,
    resolver: IdentityResolver,
    thread_id: str,
    key: str | None,
    customers: dict[str, Customer],
    contacts: dict[str, Contact],
) -> dict[str, Any]:
    msg, party = item.message, item.party
    return {
        "id": new_id("msg"),
        "mailbox_id": mailbox.id,
        "folder": item.raw.folder,
        "uid": item.raw.uid,
        "source": item.raw.source,
        "message_id": msg.message_id,
        "in_reply_to": msg.in_reply_to,
        "references": list(msg.references),
        "thread_id": thread_id,
        "subject_key": key,
        "sent_at": msg.date,
        "subject": msg.subject,
        "from_email": msg.sender.email if msg.sender else None,
        "from_name": msg.sender.name if msg.sender else None,
        "to": _addresses(msg.to),
        "cc": _addresses(msg.cc),
        "reply_to": _addresses(msg.reply_to),
        "direction": resolver.direction(msg),
        "customer_id": customers[party.customer_key].id if party else None,
        "contact_id": contacts[party.contact.email].id if party else None,
        "language": None,
        "body_format": msg.body_format,
        "new_text": msg.parts.new_text,
        "quoted_text": msg.parts.quoted_text,
        "signature_text": msg.parts.signature,
        "attachments": [
            {"name": a.filename, "type": a.content_type, "size": a.size, "sha256": a.sha256}
            for a in msg.attachments
        ],
        "is_bulk": msg.is_bulk,
        "is_auto": msg.is_auto,
        "defects": list(msg.defects),
        "raw_zlib": zlib.compress(item.raw.data, 3),
        "raw_sha256": item.sha256,
        "raw_size": len(item.raw.data),
        "created_at": utcnow(),
    }


def store_batch(session: Session, mailbox: Mailbox, raws: Sequence[RawMessage]) -> BatchResult:
    """Store the new messages among ``raws`` for ``mailbox``; quarantine what cannot parse.

    Input already stored or quarantined for this mailbox (same raw sha256) counts as a
    duplicate. Bulk and automatic mail is stored but attached to no customer.
    """
    repository = MessageRepository(session)
    result = BatchResult()
    fresh, result.duplicates = _new_raws(repository, mailbox, raws)
    resolver = IdentityResolver(mailbox.own_domains)
    accepted: list[_Accepted] = []
    quarantine_rows: list[dict[str, Any]] = []
    for raw, sha in fresh:
        try:
            msg = parse_message(raw.data)
        except ParseError as exc:
            result.quarantined.append((raw.source, exc.reason))
            quarantine_rows.append(
                {
                    "id": new_id("qua"),
                    "mailbox_id": mailbox.id,
                    "source": raw.source,
                    "reason": exc.reason,
                    "raw_zlib": zlib.compress(raw.data, 3),
                    "raw_sha256": sha,
                    "raw_size": len(raw.data),
                    "created_at": utcnow(),
                }
            )
            continue
        is_profile_mail = resolver.is_notification(msg) or not (msg.is_bulk or msg.is_auto)
        party = resolver.counterparty(msg) if is_profile_mail else None
        accepted.append(_Accepted(raw, sha, msg, party))
    customers = _update_customers(session, accepted)
    contacts = _update_contacts(session, accepted, customers)
    keys = [subject_key(a.message, resolver.participants(a.message)) for a in accepted]
    threads = ThreadAssigner(repository).assign(
        [ThreadInput(a.message, key) for a, key in zip(accepted, keys, strict=True)]
    )
    repository.insert_many(
        [
            _message_row(mailbox, item, resolver, thread, key, customers, contacts)
            for item, thread, key in zip(accepted, threads, keys, strict=True)
        ]
    )
    repository.quarantine_many(quarantine_rows)
    result.imported = len(accepted)
    return result
