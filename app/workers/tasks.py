"""The units of background work, as plain functions that any runner calls.

The Celery tasks of `leadlens worker` (app/workers/celery_app.py) are thin wrappers around
these; the in-process runners of `leadlens serve` run the same sync and enrichment code
(`sync_folder`, `enrich_messages`, `cluster_profile_score`). Each function is
idempotent: it starts from what is committed (a folder's position, a message's
``enriched_at``), so running it again after a kill, or twice, loses and doubles nothing.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from app.db.repositories.sync import SyncRepository
from app.db.session import open_store
from app.db.tables import Mailbox
from app.enrichment.service import enrich_messages, pending_ids
from app.ingestion.preparer import Preparer
from app.loaded_models import LoadedModels
from app.metrics import Metrics, broker_metrics
from app.pipeline import ScoringResult, cluster_profile_score
from app.secret_box import SecretBox
from app.settings import Settings
from app.sync.folder import sync_folder
from app.sync.login import open_imap
from app.sync.mailbox import record_failure, set_sync_state
from app.webhooks.sender import SendReport, http_client, send_due
from ingest.imap import ImapError
from models.embedder import Embedder

log = logging.getLogger("leadlens.tasks")


class WorkerContext:
    """What the task functions of one process share: settings, store, secrets, the parser
    pool, the models (the sentence model loaded on first use) and the metrics they record
    into."""

    def __init__(
        self,
        settings: Settings,
        sessions: sessionmaker[Session],
        embedder: Embedder | None = None,
        metrics: Metrics | None = None,
    ) -> None:
        """``embedder``: a sentence model loaded already (default: the configured one,
        loaded on first use); ``metrics``: where the task functions record (default: the
        cluster's totals in the broker's Redis when ``settings.broker_url`` is set, else
        a registry of this process)."""
        self.settings = settings
        self.sessions = sessions
        self.secrets = SecretBox.from_settings(settings)
        self.metrics = metrics or (broker_metrics(settings) if settings.broker_url else Metrics())
        self.preparer = Preparer(settings.resolved_parse_workers())
        self.models = LoadedModels(settings, embedder)

    @classmethod
    def open(cls, settings: Settings, metrics: Metrics | None = None) -> WorkerContext:
        """A context on the store at ``settings.database_url``, recording into ``metrics``
        (default as in the constructor); raises DatabaseNotMigratedError when its schema is
        not this version's."""
        return cls(settings, open_store(settings.database_url).sessions, metrics=metrics)

    def close(self) -> None:
        """Stop the parser processes; close the connections of shared metrics."""
        self.preparer.close()
        if self.metrics.shared is not None:
            self.metrics.shared.close()


@dataclass(frozen=True, slots=True)
class FolderStep:
    """What one `sync_folder_step` did: messages stored, whether the folder is now up to
    date (False: call again to go on), the error recorded on the mailbox, if any, and
    whether it may pass by itself (a network error, not refused credentials)."""

    imported: int
    complete: bool
    error: str | None = None
    transient: bool = False


def syncable_mailboxes(context: WorkerContext) -> list[str]:
    """Ids of the mailboxes to sync: IMAP, enabled, credentials not known to fail."""
    with context.sessions() as session:
        return list(SyncRepository(session).syncable_mailbox_ids())


def _syncable(context: WorkerContext, mailbox_id: str) -> Mailbox | None:
    with context.sessions() as session:
        mailbox = session.get(Mailbox, mailbox_id)
        if mailbox is None or mailbox.state == "disabled" or mailbox.auth_failed_at:
            return None
        session.expunge(mailbox)
        return mailbox


def mailbox_folders(context: WorkerContext, mailbox_id: str) -> list[str]:
    """The folders of a mailbox to sync, read from the server (none when the mailbox is
    gone, disabled or parked, or the server fails: then the error is shown on it). With
    shared metrics, a pass over them starts: the `sync_folder_step` that brings the last of
    them up to date times it as ``sync_mailbox``."""
    mailbox = _syncable(context, mailbox_id)
    if mailbox is None:
        return []
    set_sync_state(context.sessions, mailbox_id, "syncing")
    try:
        with open_imap(
            context.sessions, context.secrets, mailbox_id, context.settings.imap_timeout
        ) as imap:
            folders = list(imap.sync_folders(mailbox.folders))
    except ImapError as exc:
        record_failure(context.sessions, mailbox_id, exc)
        return []
    if context.metrics.shared is not None and folders:
        context.metrics.shared.pass_started(mailbox_id, folders)
    return folders


def sync_folder_step(
    context: WorkerContext, mailbox_id: str, folder: str, stop: threading.Event | None = None
) -> FolderStep:
    """Store the next ``sync_task_batches`` batches of ``folder`` above its committed
    position (the caller must hold the folder's lock); a folder brought up to date marks
    the mailbox ``idle``, unless another folder's error shows on it. Never raises for IMAP
    trouble: the error is shown on the mailbox."""
    mailbox = _syncable(context, mailbox_id)
    if mailbox is None:
        return FolderStep(0, complete=True)
    settings = context.settings
    try:
        with open_imap(
            context.sessions, context.secrets, mailbox_id, settings.imap_timeout
        ) as imap:
            done = sync_folder(
                context.sessions,
                mailbox_id,
                imap,
                folder,
                settings.sync_batch_size,
                context.preparer,
                stop,
                metrics=context.metrics,
                max_batches=settings.sync_task_batches,
                max_message_bytes=settings.max_message_bytes,
            )
    except ImapError as exc:
        error, refused = record_failure(context.sessions, mailbox_id, exc)
        return FolderStep(0, complete=True, error=error, transient=not refused)
    if done.complete:
        # a pass (`mailbox_folders`) starts with `syncing`: an error shown now is this pass's
        set_sync_state(context.sessions, mailbox_id, "idle", keep_error=True)
        shared = context.metrics.shared
        seconds = None if shared is None else shared.folder_synced(mailbox_id, folder)
        if seconds is not None:
            context.metrics.observe("sync_mailbox", seconds)
    log.info(
        "mailbox %s folder %r: %d new%s",
        mailbox_id,
        folder,
        done.stored.imported,
        "" if done.complete else ", more to come",
    )
    return FolderStep(done.stored.imported, done.complete)


def enrich_batches(context: WorkerContext, limit: int = 100_000) -> list[list[str]]:
    """The ids of (up to ``limit``) messages waiting for enrichment, in batches of
    ``enrich_batch_size``."""
    ids = pending_ids(context.sessions, limit)
    size = context.settings.enrich_batch_size
    return [ids[i : i + size] for i in range(0, len(ids), size)]


def enrich_batch(context: WorkerContext, ids: list[str]) -> int:
    """Enrich those of ``ids`` not enriched yet, in one commit (timed as ``enrich_batch``
    when there was one); how many were."""
    embedder = context.models.embedder()
    return enrich_messages(context.sessions, embedder, ids, metrics=context.metrics)


def refresh(context: WorkerContext, *, rebuild: bool = False) -> ScoringResult:
    """:func:`~app.pipeline.cluster_profile_score` on the context's store: re-cluster when
    due (always with ``rebuild`` or a rebuild requested through the API), rebuild stale
    profiles, retrain the lookalike when outcomes changed."""
    return cluster_profile_score(
        context.sessions,
        context.models.lookalike,
        context.settings,
        rebuild=rebuild,
        metrics=context.metrics,
    )


def send_webhooks_now(context: WorkerContext, stop: threading.Event | None = None) -> SendReport:
    """Send every webhook delivery due now (see :func:`app.webhooks.sender.send_due`); the
    caller makes sure one sender runs at a time, which keeps each customer's events in order."""
    with http_client(context.settings) as client:
        return send_due(context.sessions, context.secrets, context.settings, client, stop)
