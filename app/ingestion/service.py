"""Store a batch of prepared messages: quarantine failures, identify, thread, insert.

The service never commits: the caller (`BatchWriter`, for an import run or an IMAP folder
sync) commits the batch together with whatever position it tracks, so a kill loses or
doubles nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from app.db.repositories.messages import MessageRepository
from app.db.tables import Mailbox
from app.db.types import new_id, utcnow
from app.ingestion.affiliation import attach_freemail_contacts
from app.ingestion.parties import PartyIds, PartyMessage, store_parties
from app.ingestion.thread_assignment import ThreadAssigner, ThreadInput
from ingest.identity import IdentityResolver, Party, Resolution
from ingest.message import Address, ParsedMessage
from ingest.prepare import Prepared
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
    prepared: Prepared
    message: ParsedMessage
    identity: Resolution

    @property
    def party(self) -> Party | None:
        """The customer side, unless the message is bulk or automatic (not profile mail)."""
        msg = self.message
        if self.identity.is_notification or not (msg.is_bulk or msg.is_auto):
            return self.identity.party
        return None


def _addresses(values: Sequence[Address]) -> list[dict[str, str | None]]:
    return [{"email": a.email, "name": a.name} for a in values]


def _message_row(
    mailbox: Mailbox,
    item: _Accepted,
    thread_id: str,
    key: str | None,
    parties: PartyIds,
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
        "direction": item.identity.direction,
        "customer_id": parties.customers[party.contact.email] if party else None,
        "contact_id": parties.contacts[party.contact.email] if party else None,
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
        "raw_zlib": item.prepared.compressed,
        "raw_sha256": item.prepared.sha256,
        "raw_size": item.raw.size,
        "created_at": utcnow(),
    }


def store_batch(
    session: Session,
    mailbox: Mailbox,
    batch: Sequence[tuple[RawMessage, Prepared]],
) -> BatchResult:
    """Store prepared new messages for ``mailbox``; quarantine those that could not parse.

    The caller has left out what is stored already (see `BatchWriter`). Bulk and automatic
    mail is stored but attached to no customer. Freemail contacts the batch touches are
    then attached to their organization where the stored mail shows one (SPEC §4).
    """
    repository = MessageRepository(session)
    result = BatchResult()
    resolver = IdentityResolver(mailbox.own_domains)
    accepted: list[_Accepted] = []
    quarantine_rows: list[dict[str, Any]] = []
    for raw, prepared in batch:
        if prepared.message is None:
            reason = prepared.error or "unparseable"
            result.quarantined.append((raw.source, reason))
            quarantine_rows.append(
                {
                    "id": new_id("qua"),
                    "mailbox_id": mailbox.id,
                    "source": raw.source,
                    "reason": reason,
                    "raw_zlib": prepared.compressed,
                    "raw_sha256": prepared.sha256,
                    "raw_size": raw.size,
                    "created_at": utcnow(),
                }
            )
            continue
        message = prepared.message
        accepted.append(_Accepted(raw, prepared, message, resolver.resolve(message)))
    parties = store_parties(
        session, [PartyMessage(a.message, a.party) for a in accepted if a.party is not None]
    )
    keys = [subject_key(a.message, a.identity.participants) for a in accepted]
    threads = ThreadAssigner(repository).assign(
        [ThreadInput(a.message, key) for a, key in zip(accepted, keys, strict=True)]
    )
    repository.insert_many(
        [
            _message_row(mailbox, item, thread, key, parties)
            for item, thread, key in zip(accepted, threads, keys, strict=True)
        ]
    )
    repository.quarantine_many(quarantine_rows)
    attach_freemail_contacts(
        session,
        [a.message for a in accepted],
        [a.party.contact for a in accepted if a.party is not None],
        threads,
    )
    result.imported = len(accepted)
    return result
