"""Sync one IMAP folder into the store, committing each batch with the folder position.

Per folder (RFC 3501 §2.3.1.1): while UIDVALIDITY holds, fetch the UIDs above the last
committed one in batches; each batch's messages and the new position are committed in one
transaction, so a kill at any instant loses nothing and doubles nothing. A UIDVALIDITY
change restarts the folder from UID 0; what is stored already is recognised by content
(raw sha256 per mailbox) and counted as a duplicate.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from app.db.repositories.sync import SyncRepository
from app.ingestion.batches import BatchWriter, by_bytes
from app.ingestion.preparer import Preparer
from app.ingestion.service import BatchResult
from app.metrics import Metrics
from ingest.imap import ImapSession, StoredFolderState, batched, plan_folder_sync
from ingest.sources import DEFAULT_MAX_MESSAGE_BYTES, KEPT_BYTES, RawMessage

log = logging.getLogger("leadlens.sync")


@dataclass(slots=True)
class FolderResult:
    """What one folder sync did."""

    folder: str
    action: str
    stored: BatchResult
    complete: bool = True


def sync_folder(
    sessions: sessionmaker[Session],
    mailbox_id: str,
    imap: ImapSession,
    folder: str,
    batch_size: int,
    preparer: Preparer,
    stop: threading.Event | None = None,
    metrics: Metrics | None = None,
    *,
    max_batches: int | None = None,
    max_message_bytes: int = DEFAULT_MAX_MESSAGE_BYTES,
) -> FolderResult:
    """Bring the store up to date with ``folder``; returns early (safely) when ``stop`` is set
    or after ``max_batches`` batches, with ``complete`` False: a later call goes on from the
    committed position.

    A batch holds ``batch_size`` messages, fewer when they are big (``BATCH_MAX_BYTES``, by
    their RFC822.SIZE). A message over ``max_message_bytes`` is never downloaded whole:
    only its first ``KEPT_BYTES`` are fetched, and it is quarantined with its size and the
    reason."""
    status = imap.select(folder)
    with sessions.begin() as session:
        row = SyncRepository(session).ensure_folder_state(mailbox_id, folder)
        stored = StoredFolderState(row.uidvalidity, row.last_uid, row.highestmodseq)
        plan = plan_folder_sync(stored, status)
        if plan.action in {"initial", "resync"}:
            if plan.action == "resync":
                log.warning(
                    "mailbox %s folder %r: UIDVALIDITY changed %s -> %s, reading it again",
                    mailbox_id,
                    folder,
                    row.uidvalidity,
                    status.uidvalidity,
                )
            row.uidvalidity, row.last_uid, row.highestmodseq = status.uidvalidity, 0, None
    result = FolderResult(folder, plan.action, BatchResult())
    if plan.action == "up_to_date":
        return result

    def advance(session: Session, stored: BatchResult, last_uid: int | None) -> None:
        row = SyncRepository(session).ensure_folder_state(mailbox_id, folder)
        row.last_uid = max(row.last_uid, last_uid or 0)
        row.messages += stored.imported
        for source, reason in stored.quarantined:
            log.warning("mailbox %s: quarantined %s: %s", mailbox_id, source, reason)

    writer: BatchWriter[int] = BatchWriter(sessions, mailbox_id, preparer, advance, metrics)
    uids = imap.uids_after(plan.from_uid)
    for batches, (group, sizes) in enumerate(_batches(imap, uids, batch_size, max_message_bytes)):
        if (stop is not None and stop.is_set()) or batches == max_batches:
            result.complete = False
            break
        writer.write(_fetch(imap, folder, group, sizes, max_message_bytes), max(group))
    result.stored = writer.close()
    if not result.complete or (stop is not None and stop.is_set()):
        result.complete = False
        return result
    with sessions.begin() as session:
        row = SyncRepository(session).ensure_folder_state(mailbox_id, folder)
        row.highestmodseq = status.highestmodseq
        if status.uidnext is not None:
            # every UID below UIDNEXT at SELECT time has been fetched (or was expunged)
            row.last_uid = max(row.last_uid, status.uidnext - 1)
    return result


def _batches(
    imap: ImapSession, uids: Sequence[int], batch_size: int, max_message_bytes: int
) -> Iterator[tuple[list[int], dict[int, int]]]:
    """The UIDs in batches of ``batch_size``, cut where their bytes pass ``BATCH_MAX_BYTES``,
    each with the sizes of its messages (asked for ``batch_size`` UIDs at a time)."""
    for chunk in batched(uids, batch_size):
        sizes = imap.sizes(chunk)

        def held(uid: int, sizes: dict[int, int] = sizes) -> int:
            size = sizes.get(uid, 0)
            return size if size <= max_message_bytes else KEPT_BYTES

        for group in by_bytes(chunk, held, batch_size):
            yield group, sizes


def _fetch(
    imap: ImapSession, folder: str, uids: list[int], sizes: dict[int, int], max_bytes: int
) -> list[RawMessage]:
    """The messages of ``uids`` that still exist, in order: whole when within ``max_bytes``,
    else their first ``KEPT_BYTES`` with their size (also when the server's RFC822.SIZE
    understated one)."""
    big = [uid for uid in uids if sizes.get(uid, 0) > max_bytes]
    heads = imap.fetch_heads(big, KEPT_BYTES)
    fetched = imap.fetch_raw([uid for uid in uids if sizes.get(uid, 0) <= max_bytes])
    raws: list[RawMessage] = []
    for uid in uids:
        source = f"imap:{folder}/{uid}"
        if uid in heads:
            raws.append(RawMessage(source, heads[uid], folder, uid, whole_size=sizes[uid]))
        elif uid in fetched and len(fetched[uid]) > max_bytes:
            data = fetched[uid]
            raws.append(RawMessage(source, data[:KEPT_BYTES], folder, uid, len(data)))
        elif uid in fetched:
            raws.append(RawMessage(source, fetched[uid], folder, uid))
    return raws
