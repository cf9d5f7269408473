"""Sync every folder of one mailbox and record how it went on the mailbox."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field

from sqlalchemy.orm import Session, sessionmaker

from app.db.tables import Mailbox
from app.db.types import utcnow
from app.ingestion.preparer import Preparer
from app.ingestion.service import BatchResult
from app.metrics import Metrics, observe_since
from app.secret_box import SecretBox
from app.sync.folder import sync_folder
from app.sync.login import TokenEndpointDownError, open_imap
from app.webhooks.events import mailbox_failed
from ingest.imap import ImapAuthError, ImapError, ImapProtocolError, ImapUnreachableError
from ingest.sources import DEFAULT_MAX_MESSAGE_BYTES

log = logging.getLogger("leadlens.sync")

_ERROR_KINDS: dict[type[ImapError], str] = {
    ImapUnreachableError: "server unreachable",
    ImapProtocolError: "IMAP session failed",
    TokenEndpointDownError: "OAuth2 token endpoint unreachable",
}


@dataclass(slots=True)
class MailboxResult:
    """What one sync of a mailbox did; ``error`` is None when it went through."""

    mailbox_id: str
    name: str
    stored: BatchResult = field(default_factory=BatchResult)
    error: str | None = None
    auth_failed: bool = False


def set_sync_state(
    sessions: sessionmaker[Session],
    mailbox_id: str,
    state: str,
    error: str | None = None,
    *,
    keep_error: bool = False,
) -> None:
    """Show ``state`` on the mailbox (``idle`` also stamps ``last_sync_at`` and clears the
    error; ``error`` records ``error``); a disabled or deleted mailbox is left alone, and
    with ``keep_error`` so is one in state ``error``. A new error writes a ``mailbox.error``
    webhook event in the same transaction."""
    with sessions.begin() as session:
        mailbox = session.get(Mailbox, mailbox_id)
        if mailbox is None or mailbox.state == "disabled":
            return
        if keep_error and mailbox.state == "error":
            return
        mailbox.state = state
        if state == "idle":
            mailbox.last_sync_at, mailbox.last_error = utcnow(), None
        elif state == "error":
            before, mailbox.last_error = mailbox.last_error, error
            mailbox_failed(session, mailbox, before)


def record_failure(
    sessions: sessionmaker[Session], mailbox_id: str, exc: ImapError
) -> tuple[str, bool]:
    """Record a failed sync on the mailbox; returns what is shown as ``last_error`` and
    whether it was an authentication failure (then ``auth_failed_at`` is set: the mailbox is
    not tried again until its credentials change)."""
    if isinstance(exc, ImapAuthError):
        error = f"authentication failed: {exc}"
        with sessions.begin() as session:
            failed = session.get_one(Mailbox, mailbox_id)
            failed.auth_failed_at = utcnow()
        set_sync_state(sessions, mailbox_id, "error", error)
        log.error("mailbox %s: %s; not retrying until its credentials change", mailbox_id, exc)
        return error, True
    error = f"{_ERROR_KINDS.get(type(exc), 'IMAP error')}: {exc}"
    set_sync_state(sessions, mailbox_id, "error", error)
    log.warning("mailbox %s: sync failed: %s", mailbox_id, exc)
    return error, False


def sync_mailbox(
    sessions: sessionmaker[Session],
    secrets: SecretBox,
    mailbox_id: str,
    *,
    batch_size: int,
    timeout: float,
    preparer: Preparer,
    stop: threading.Event | None = None,
    metrics: Metrics | None = None,
    max_message_bytes: int = DEFAULT_MAX_MESSAGE_BYTES,
) -> MailboxResult:
    """Sync every folder of a mailbox once; never raises for IMAP trouble. A message over
    ``max_message_bytes`` is quarantined, not downloaded whole (see ``sync_folder``).

    The mailbox's ``state`` is ``syncing`` meanwhile, then ``idle`` with ``last_sync_at``,
    or ``error`` with a ``last_error`` that says what went wrong (never a secret). An
    authentication failure also sets ``auth_failed_at``: the mailbox is not tried again
    until its credentials change. With ``metrics``, a pass that went through is timed
    (``sync_mailbox``), and so is each batch stored (``sync_batch``).
    """
    started = time.perf_counter()
    with sessions() as session:
        mailbox = session.get_one(Mailbox, mailbox_id)
        result = MailboxResult(mailbox_id, mailbox.name)
        folders = mailbox.folders
    set_sync_state(sessions, mailbox_id, "syncing")
    try:
        with open_imap(sessions, secrets, mailbox_id, timeout) as imap:
            for folder in imap.sync_folders(folders):
                done = sync_folder(
                    sessions,
                    mailbox_id,
                    imap,
                    folder,
                    batch_size,
                    preparer,
                    stop,
                    metrics=metrics,
                    max_message_bytes=max_message_bytes,
                )
                result.stored.add(done.stored)
                if stop is not None and stop.is_set():
                    break
    except ImapError as exc:
        result.error, result.auth_failed = record_failure(sessions, mailbox_id, exc)
        return result
    set_sync_state(sessions, mailbox_id, "idle")
    observe_since(metrics, "sync_mailbox", started)
    log.info(
        "mailbox %s: synced, %d new, %d duplicates, %d quarantined",
        mailbox_id,
        result.stored.imported,
        result.stored.duplicates,
        len(result.stored.quarantined),
    )
    return result
