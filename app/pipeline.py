"""The orchestrator: read a source in batches, store each batch, commit each batch."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import islice
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from app.db.repositories.mailboxes import MailboxRepository
from app.db.tables import Mailbox
from app.ingestion.batches import BatchWriter
from app.ingestion.preparer import Preparer
from app.ingestion.service import BatchResult
from ingest.sources import RawMessage, iter_messages

Progress = Callable[[int], None]


def _batches(items: Iterable[RawMessage], size: int) -> Iterator[list[RawMessage]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


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
) -> BatchResult:
    """Import every message under ``path`` into a mailbox, committing once per batch.

    Idempotent: input stored before counts as a duplicate. A kill loses at most the batches
    in flight, which the next run imports.
    """
    writer: BatchWriter[None] = BatchWriter(sessions, mailbox_id, preparer)
    for batch in _batches(iter_messages(path), batch_size):
        writer.write(batch)
        if on_progress is not None:
            on_progress(len(batch))
    return writer.close()
