"""A background task that fails for a reason retrying will not mend shows: on the mailbox
it was syncing (state ``error``, the reason in ``last_error``) and in
``leadlens_task_failures_total{task}``, with workers and in the embedded mode alike. The
failure here is a real one: a worker started with another LEADLENS_SECRET_KEY than the
API that stored the mailbox cannot decrypt its password; a model folder that is not there
cannot be loaded."""

from __future__ import annotations

import multiprocessing
import time
from multiprocessing.queues import Queue
from pathlib import Path

from pydantic import SecretStr
from sqlalchemy.orm import Session, sessionmaker

from app.db.tables import Mailbox
from app.ingestion.preparer import MIN_POOLED_BATCH, Preparer, may_start_processes
from app.metrics import FAILURES, WORKER_TASKS, Metrics, SharedMetrics
from app.secret_box import SecretBox
from app.settings import Settings
from app.workers.celery_app import LABELS, ROUTES, SYNC_FOLDER, SYNC_MAILBOX, make_celery
from app.workers.enrichment import EnrichmentRunner
from app.workers.runner import SyncRunner
from app.workers.tasks import WorkerContext, mailbox_folders, sync_folder_step
from ingest.prepare import prepare
from tests.servers.dovecot import Account, DovecotServer
from tests.sync.conftest import add_mailbox, corpus
from tests.workers.support import Samples, sample, samples


def failures(found: Samples) -> dict[str, float]:
    """``leadlens_task_failures_total`` by task."""
    return {task: sample(found, f"{FAILURES}_total", task=task) for task in WORKER_TASKS}


def settings_with_key(database_url: str, key: str, **more: object) -> Settings:
    """Settings of a process on this store whose LEADLENS_SECRET_KEY is ``key``."""
    return Settings(
        database_url=database_url,
        secret_key=SecretStr(key),
        _env_file=None,  # type: ignore[call-arg]
        **more,
    )


def test_every_worker_task_has_a_failure_series() -> None:
    assert set(LABELS) == set(ROUTES)
    assert sorted(LABELS.values()) == sorted(WORKER_TASKS)


def test_a_sync_task_failing_for_good_shows_on_the_mailbox_and_in_the_metrics(
    database_url: str,
    redis_url: str,
    sessions: sessionmaker[Session],
    dovecot: DovecotServer,
    imap_account: Account,
) -> None:
    dovecot.append(imap_account.username, "INBOX", corpus(3, "fails"))
    api = settings_with_key(database_url, "the-api-key", broker_url=redis_url)
    mailbox_id = add_mailbox(sessions, api, dovecot, imap_account)
    wrong = settings_with_key(database_url, "another-key", broker_url=redis_url)
    context = WorkerContext(wrong, sessions)
    right = WorkerContext(api, sessions)
    celery = make_celery(wrong, context)
    try:
        listing = celery.tasks[SYNC_MAILBOX].apply(args=[mailbox_id])
        assert listing.failed()
        with sessions() as session:
            mailbox = session.get_one(Mailbox, mailbox_id)
            assert mailbox.state == "error"
            assert (mailbox.last_error or "").startswith("sync task failed: SecretKeyError: ")

        assert celery.tasks[SYNC_FOLDER].apply(args=[mailbox_id, "INBOX"]).failed()
        # another folder of the same pass, synced by a worker with the right key, does
        # not hide the failure
        assert sync_folder_step(right, mailbox_id, "Sent").complete
        with sessions() as session:
            mailbox = session.get_one(Mailbox, mailbox_id)
            assert mailbox.state == "error"
            assert "(folder 'INBOX'): SecretKeyError: cannot decrypt" in (mailbox.last_error or "")
        shown = samples(Metrics(SharedMetrics.from_url(redis_url)).exposition().decode())
        assert failures(shown) == {
            task: 1 if task in {"sync_mailbox", "sync_folder"} else 0 for task in WORKER_TASKS
        }

        # the next pass, on workers with the right key, brings every folder up to date
        assert mailbox_folders(right, mailbox_id) == ["INBOX", "Sent"]
        assert sync_folder_step(right, mailbox_id, "INBOX").imported == 3
        with sessions() as session:
            mailbox = session.get_one(Mailbox, mailbox_id)
            assert (mailbox.state, mailbox.last_error) == ("idle", None)
    finally:
        context.close()
        right.close()


def test_an_enrich_task_failing_for_good_is_counted(
    database_url: str, redis_url: str, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    settings = settings_with_key(
        database_url, "enrich-key", broker_url=redis_url, embedding_model_dir=tmp_path / "none"
    )
    context = WorkerContext(settings, sessions)
    try:
        celery = make_celery(settings, context)
        assert celery.tasks["leadlens.enrich_batch"].apply(args=[["msg_1"]]).failed()
    finally:
        context.close()
    found = failures(samples(Metrics(SharedMetrics.from_url(redis_url)).exposition().decode()))
    assert found == {task: 1 if task == "enrich_batch" else 0 for task in WORKER_TASKS}


def test_in_the_embedded_mode_a_failing_sync_and_enrichment_show_too(
    database_url: str,
    sessions: sessionmaker[Session],
    dovecot: DovecotServer,
    imap_account: Account,
    tmp_path: Path,
) -> None:
    mailbox_id = add_mailbox(
        sessions, settings_with_key(database_url, "the-api-key"), dovecot, imap_account
    )
    settings = settings_with_key(
        database_url,
        "another-key",
        sync_backoff_seconds=30,
        embedding_model_dir=tmp_path / "none",
        enrich_poll_seconds=30,
    )
    metrics = Metrics()
    sync = SyncRunner(settings, sessions, SecretBox.from_settings(settings), metrics=metrics)
    enrichment = EnrichmentRunner(settings, sessions, metrics=metrics)
    sync.start()
    enrichment.start()
    try:
        deadline = time.monotonic() + 30
        while failures(samples(metrics.exposition().decode()))["enrich_pending"] < 1:
            assert time.monotonic() < deadline, "the enrichment failure was not counted"
            time.sleep(0.05)
        while failures(samples(metrics.exposition().decode()))["sync_mailbox"] < 1:
            assert time.monotonic() < deadline, "the sync failure was not counted"
            time.sleep(0.05)
    finally:
        sync.stop()
        enrichment.stop()
    # tried once each: the next try waits for the backoff or the poll
    found = failures(samples(metrics.exposition().decode()))
    assert found == {
        task: 1 if task in {"sync_mailbox", "enrich_pending"} else 0 for task in WORKER_TASKS
    }
    with sessions() as session:
        mailbox = session.get_one(Mailbox, mailbox_id)
        assert mailbox.state == "error"
        assert (mailbox.last_error or "").startswith("sync failed: SecretKeyError: cannot decrypt")


def _prepare_in_a_daemon(datas: list[bytes], answers: Queue[object]) -> None:
    with Preparer(workers=2) as preparer:
        answers.put((may_start_processes(), preparer.pooled()))
        answers.put(preparer.submit(datas)())


def test_a_daemonic_process_parses_its_batches_in_process() -> None:
    datas = corpus(MIN_POOLED_BATCH + 1, "daemon")
    context = multiprocessing.get_context("forkserver")
    answers: Queue[object] = context.Queue()
    daemon = context.Process(target=_prepare_in_a_daemon, args=(datas, answers), daemon=True)
    daemon.start()
    assert answers.get(timeout=60) == (False, False)
    assert answers.get(timeout=60) == [prepare(data) for data in datas]
    daemon.join(timeout=30)
    assert daemon.exitcode == 0
    with Preparer(workers=2) as here:
        assert may_start_processes() and here.pooled()
