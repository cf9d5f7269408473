"""The in-process sync runner: one thread per mailbox, IDLE while waiting, backoff on errors.

Used by `leadlens sync` and inside `leadlens serve` (the embedded default). Each mailbox
worker syncs, then waits for news (IMAP IDLE on INBOX where offered, NOOP polling
otherwise) or for a `request_sync` (which ends the wait at once), and re-checks every
folder at least every ``sync_poll_seconds``. Network trouble is retried with exponential
backoff and jitter; an authentication failure parks the mailbox until its credentials change.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy.orm import Session, sessionmaker

from app.db.repositories.sync import SyncRepository
from app.db.tables import Mailbox
from app.ingestion.preparer import Preparer
from app.metrics import Metrics
from app.secret_box import SecretBox
from app.settings import Settings
from app.sync.login import open_imap
from app.sync.mailbox import MailboxResult, set_sync_state, sync_mailbox
from ingest.imap import ImapError, ImapSession

log = logging.getLogger("leadlens.sync")


def backoff_delay(attempt: int, base: float, cap: float) -> float:
    """Seconds to wait before retry number ``attempt`` (1, 2, …): doubling, capped, jittered."""
    ceiling = min(cap, base * 2 ** max(0, attempt - 1))
    return random.uniform(ceiling / 2, ceiling)  # noqa: S311 - jitter, not cryptography


class _MailboxWorker:
    def __init__(self, runner: SyncRunner, mailbox_id: str) -> None:
        self.runner = runner
        self.mailbox_id = mailbox_id
        self.wake = threading.Event()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, name=f"sync-{mailbox_id}", daemon=True)
        self._waiting_on: ImapSession | None = None

    def interrupt(self, *, stop: bool = False) -> None:
        """Wake the worker now: end its wait (cutting an IDLE connection), or stop it."""
        if stop:
            self.stop.set()
        self.wake.set()
        waiting = self._waiting_on
        if waiting is not None:
            waiting.abort()

    def _run(self) -> None:
        failures = 0
        settings = self.runner.settings
        while not self.stop.is_set():
            self.wake.clear()
            try:
                result = self.runner.sync_one(self.mailbox_id, self.stop)
            except Exception as exc:
                log.exception("mailbox %s: sync failed", self.mailbox_id)
                self.runner.sync_failed(self.mailbox_id, exc)
                failed = True
            else:
                if result is None or result.auth_failed:
                    break
                failed = result.error is not None
            if failed:
                failures += 1
                delay = backoff_delay(
                    failures, settings.sync_backoff_seconds, settings.sync_backoff_max_seconds
                )
                log.info("mailbox %s: retrying in %.1f s", self.mailbox_id, delay)
                self._sleep(delay)
            else:
                failures = 0
                self._wait_for_news(settings.sync_poll_seconds)
        self.runner.worker_ended(self)

    def _sleep(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while not (self.stop.is_set() or self.wake.is_set()):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            self.wake.wait(min(remaining, 1.0))

    def _inbox_has_news(self, imap: ImapSession) -> bool:
        """Whether INBOX changed since the last committed sync (mail that came in meanwhile)."""
        status = imap.select("INBOX")
        with self.runner.sessions() as session:
            state = SyncRepository(session).folder_state(self.mailbox_id, "INBOX")
        if state is None or state.uidvalidity != status.uidvalidity:
            return True
        return bool(imap.uids_after(state.last_uid))

    def _wait_for_news(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        try:
            with self.runner.sessions() as session:
                if session.get(Mailbox, self.mailbox_id) is None:
                    return
            runner = self.runner
            with open_imap(
                runner.sessions, runner.secrets, self.mailbox_id, runner.settings.imap_timeout
            ) as imap:
                if self._inbox_has_news(imap):
                    return
                self._waiting_on = imap
                while not (self.stop.is_set() or self.wake.is_set()):
                    remaining = deadline - time.monotonic()
                    if remaining <= 0 or imap.idle(remaining):
                        return
        except ImapError as exc:
            if not (self.stop.is_set() or self.wake.is_set()):
                log.info("mailbox %s: waiting for news failed (%s)", self.mailbox_id, exc)
                self._sleep(min(seconds, self.runner.settings.sync_backoff_seconds))
        finally:
            self._waiting_on = None


class SyncRunner:
    """Keeps every IMAP mailbox of the store in sync from inside this process."""

    def __init__(
        self,
        settings: Settings,
        sessions: sessionmaker[Session],
        secrets: SecretBox,
        after_sync: Callable[[], None] | None = None,
        metrics: Metrics | None = None,
    ) -> None:
        self.after_sync = after_sync
        self.metrics = metrics
        self.settings = settings
        self.sessions = sessions
        self.secrets = secrets
        self.preparer = Preparer(settings.resolved_parse_workers())
        self._workers: dict[str, _MailboxWorker] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._supervisor: threading.Thread | None = None

    def sync_one(
        self, mailbox_id: str, stop: threading.Event | None = None
    ) -> MailboxResult | None:
        """Sync one mailbox now (blocking); None when it is gone, disabled or parked."""
        with self.sessions() as session:
            mailbox = session.get(Mailbox, mailbox_id)
            if mailbox is None or mailbox.state == "disabled" or mailbox.auth_failed_at:
                return None
        result = sync_mailbox(
            self.sessions,
            self.secrets,
            mailbox_id,
            batch_size=self.settings.sync_batch_size,
            timeout=self.settings.imap_timeout,
            preparer=self.preparer,
            stop=stop,
            metrics=self.metrics,
            max_message_bytes=self.settings.max_message_bytes,
        )
        if result.stored.imported and self.after_sync is not None:
            self.after_sync()
        return result

    def sync_failed(self, mailbox_id: str, exc: Exception) -> None:
        """A sync of this mailbox raised ``exc`` (IMAP trouble never does: it is a result):
        count it (``leadlens_task_failures_total{task="sync_mailbox"}``) and show it on the
        mailbox (state ``error``, ``last_error`` saying what failed)."""
        if self.metrics is not None:
            self.metrics.task_failed("sync_mailbox")
        try:
            set_sync_state(
                self.sessions, mailbox_id, "error", f"sync failed: {type(exc).__name__}: {exc}"
            )
        except Exception:  # the store itself may be what failed: the log must say it all
            log.exception("mailbox %s: could not record that its sync failed", mailbox_id)

    def mailbox_ids(self) -> list[str]:
        """The mailboxes this runner keeps in sync right now."""
        with self.sessions() as session:
            return list(SyncRepository(session).syncable_mailbox_ids())

    def run_once(self, mailbox_ids: Iterable[str] | None = None) -> list[MailboxResult]:
        """Sync each mailbox once, several at a time; results in mailbox order. `stop()`
        ends it after the batches in flight (the folders it did not finish are incomplete)."""
        ids = list(self.mailbox_ids() if mailbox_ids is None else mailbox_ids)
        if not ids:
            return []
        with ThreadPoolExecutor(max_workers=self.settings.sync_concurrency) as pool:
            results = list(pool.map(lambda mailbox_id: self.sync_one(mailbox_id, self._stop), ids))
        return [r for r in results if r is not None]

    def start(self) -> None:
        """Start syncing in background threads until `stop()`."""
        if self._supervisor is not None:
            return
        self._stop.clear()
        self._supervisor = threading.Thread(target=self._supervise, name="sync", daemon=True)
        self._supervisor.start()

    def _supervise(self) -> None:
        while not self._stop.is_set():
            try:
                for mailbox_id in self.mailbox_ids():
                    self._worker(mailbox_id)
            except Exception:
                log.exception("sync supervisor: could not list mailboxes")
            self._stop.wait(self.settings.sync_poll_seconds)

    def _worker(self, mailbox_id: str) -> _MailboxWorker:
        with self._lock:
            worker = self._workers.get(mailbox_id)
            if worker is None and not self._stop.is_set():
                worker = _MailboxWorker(self, mailbox_id)
                self._workers[mailbox_id] = worker
                worker.thread.start()
            assert worker is not None
            return worker

    def worker_ended(self, worker: _MailboxWorker) -> None:
        """Forget a worker whose thread is ending."""
        with self._lock:
            if self._workers.get(worker.mailbox_id) is worker:
                del self._workers[worker.mailbox_id]

    def request_sync(self, mailbox_id: str) -> None:
        """Sync this mailbox as soon as possible (returns at once)."""
        if self._supervisor is None or self._stop.is_set():
            return
        self._worker(mailbox_id).interrupt()

    def forget(self, mailbox_id: str) -> None:
        """Stop syncing this mailbox (it was disabled or deleted)."""
        with self._lock:
            worker = self._workers.pop(mailbox_id, None)
        if worker is not None:
            worker.interrupt(stop=True)

    def stop(self, timeout: float = 10.0) -> None:
        """Stop every worker, waiting up to ``timeout`` seconds for batches in flight."""
        self._stop.set()
        with self._lock:
            workers = list(self._workers.values())
        for worker in workers:
            worker.interrupt(stop=True)
        deadline = time.monotonic() + timeout
        for worker in workers:
            worker.thread.join(max(0.0, deadline - time.monotonic()))
        if self._supervisor is not None:
            self._supervisor.join(max(0.0, deadline - time.monotonic()))
            self._supervisor = None
        self.preparer.close()
