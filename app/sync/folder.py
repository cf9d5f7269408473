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
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from app.db.repositories.sync import SyncRepository
from app.ingestion.batches import BatchWriter
from app.ingestion.preparer import Preparer
from app.ingestion.service import BatchResult
from app.metrics import Metrics
from ingest.imap import ImapSession, StoredFolderState, batched, plan_folder_sync
from ingest.sources import RawMessage

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
) -> FolderResult:
    """Bring the store up to date with ``folder``; returns early (safely) when ``stop`` is set
    or after ``max_batches`` batches, with ``complete`` False: a later call goes on from the
    committed position."""
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
    for batches, uids in enumerate(batched(imap.uids_after(plan.from_uid), batch_size)):
        if (stop is not None and stop.is_set()) or batches == max_batches:
            result.complete = False
            break
        fetched = imap.fetch_raw(uids)
        raws = [
            RawMessage(f"imap:{folder}/{uid}", fetched[uid], folder=folder, uid=uid)
            for uid in uids
            if uid in fetched
        ]
        writer.write(raws, max(uids))
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
