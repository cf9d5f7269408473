"""Import of mail files (mbox, Maildir, .eml folders) into an import mailbox, in committed
batches: what `leadlens import` and the demo run."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from app.db.repositories.mailboxes import MailboxRepository
from app.db.tables import Mailbox
from app.ingestion.batches import BatchWriter, by_bytes
from app.ingestion.preparer import Preparer
from app.ingestion.service import BatchResult
from ingest.sources import DEFAULT_MAX_MESSAGE_BYTES, RawMessage, iter_messages

Progress = Callable[[int], None]


def import_target(session: Session, name: str, own_domains: Sequence[str]) -> Mailbox:
    """The import mailbox called ``name``, created if new; ``own_domains`` are added to it."""
    repository = MailboxRepository(session)
    mailbox = repository.get_by_name(name)
    if mailbox is None:
        return repository.create_import_target(name, own_domains)
    merged = sorted({*mailbox.own_domains, *(d.lower() for d in own_domains)})
    if merged != mailbox.own_domains:
        mailbox.own_domains = merged
    return mailbox


def import_path(
    sessions: sessionmaker[Session],
    mailbox_id: str,
    path: Path,
    batch_size: int,
    preparer: Preparer,
    on_progress: Progress | None = None,
    *,
    max_message_bytes: int = DEFAULT_MAX_MESSAGE_BYTES,
) -> BatchResult:
    """Import every message under ``path`` into a mailbox, committing once per batch (of
    ``batch_size`` messages, fewer when they are big: see ``BATCH_MAX_BYTES``).

    Idempotent: input stored before counts as a duplicate. A kill loses at most the batches
    in flight, which the next run imports. A message over ``max_message_bytes`` is not read
    whole: it is quarantined with its first bytes, its size and the reason.
    """
    writer: BatchWriter[None] = BatchWriter(sessions, mailbox_id, preparer)
    raws = iter_messages(path, max_message_bytes)
    for batch in by_bytes(raws, _held, batch_size):
        writer.write(batch)
        if on_progress is not None:
            on_progress(len(batch))
    return writer.close()


def _held(raw: RawMessage) -> int:
    return len(raw.data)
