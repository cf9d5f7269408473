"""The task functions on a real store, dovecot and Redis: batch ranges, locks, enrichment."""

from __future__ import annotations

import os
import threading
import time

from redis import Redis
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app.cli.serve import worker_settings
from app.db.tables import Mailbox, Message, MessageEmbedding
from app.metrics import DURATIONS, Metrics, SharedMetrics
from app.settings import Settings
from app.workers._locks import renewed_lock
from app.workers.tasks import (
    WorkerContext,
    enrich_batch,
    enrich_batches,
    mailbox_folders,
    sync_folder_step,
)
from models.embedder import Embedder
from tests.servers.dovecot import Account, DovecotServer
from tests.sync.conftest import add_mailbox, corpus, server_hashes, stored_hashes
from tests.workers.support import Samples, sample, samples


def cluster_totals(redis_url: str) -> Samples:
    """What an API replica on this broker shows of the workers' metrics."""
    return samples(Metrics(SharedMetrics.from_url(redis_url)).exposition().decode())


def test_a_folder_is_synced_one_batch_range_per_step_to_exactly_the_server(
    database_url: str,
    redis_url: str,
    sessions: sessionmaker[Session],
    dovecot: DovecotServer,
    imap_account: Account,
) -> None:
    user = imap_account.username
    dovecot.append(user, "INBOX", corpus(23, "steps"))
    dovecot.append(user, "Sent", corpus(4, "steps-sent"))
    settings = Settings(
        database_url=database_url,
        broker_url=redis_url,
        secret_key="tasks-secret",
        sync_batch_size=5,
        sync_task_batches=2,
        _env_file=None,  # type: ignore[call-arg]
    )
    context = WorkerContext(settings, sessions)
    mailbox_id = add_mailbox(sessions, settings, dovecot, imap_account)
    try:
        assert mailbox_folders(context, mailbox_id) == ["INBOX", "Sent"]
        steps = []
        while not (step := sync_folder_step(context, mailbox_id, "INBOX")).complete:
            steps.append(step.imported)
            assert len(steps) < 10
        steps.append(step.imported)
        assert steps == [10, 10, 3]
        assert sync_folder_step(context, mailbox_id, "Sent").imported == 4
        again = sync_folder_step(context, mailbox_id, "INBOX")
        assert (again.imported, again.complete) == (0, True)
    finally:
        context.close()
    totals = cluster_totals(redis_url)
    assert sample(totals, "leadlens_messages_ingested_total") == 27
    assert sample(totals, f"{DURATIONS}_count", task="sync_batch") == 6  # 5 + 1 batches
    assert sample(totals, f"{DURATIONS}_count", task="sync_mailbox") == 1  # one pass
    hashes = stored_hashes(sessions, mailbox_id)
    assert sorted(hashes) == sorted(server_hashes(dovecot, user))
    with sessions() as session:
        mailbox = session.get_one(Mailbox, mailbox_id)
        assert (mailbox.state, mailbox.last_error) == ("idle", None)
        assert mailbox.last_sync_at is not None


def test_a_wrong_password_shows_on_the_mailbox_and_lists_no_folder(
    database_url: str,
    sessions: sessionmaker[Session],
    dovecot: DovecotServer,
    imap_account: Account,
) -> None:
    settings = Settings(database_url=database_url, secret_key="tasks-secret")
    context = WorkerContext(settings, sessions)
    mailbox_id = add_mailbox(sessions, settings, dovecot, imap_account)
    dovecot.set_password(imap_account.username, "changed")
    try:
        assert mailbox_folders(context, mailbox_id) == []
        step = sync_folder_step(context, mailbox_id, "INBOX")
    finally:
        context.close()
    assert (step.imported, step.complete) == (0, True)
    with sessions() as session:
        mailbox = session.get_one(Mailbox, mailbox_id)
        assert mailbox.state == "error"
        assert "authentication failed" in (mailbox.last_error or "")
        assert mailbox.auth_failed_at is not None


def test_enriching_a_batch_twice_enriches_it_once(
    database_url: str,
    redis_url: str,
    sessions: sessionmaker[Session],
    dovecot: DovecotServer,
    imap_account: Account,
    shared_embedder: Embedder,
) -> None:
    dovecot.append(imap_account.username, "INBOX", corpus(9, "enrich"))
    settings = Settings(
        database_url=database_url,
        broker_url=redis_url,
        secret_key="tasks-secret",
        enrich_batch_size=4,
    )
    context = WorkerContext(settings, sessions, shared_embedder)
    mailbox_id = add_mailbox(sessions, settings, dovecot, imap_account)
    try:
        assert sync_folder_step(context, mailbox_id, "INBOX").complete
        batches = enrich_batches(context)
        assert [len(b) for b in batches] == [4, 4, 1]
        assert enrich_batch(context, batches[0]) == 4
        assert enrich_batch(context, batches[0]) == 0
        assert enrich_batch(context, [*batches[1], "msg_unknown"]) == 4
        assert [len(b) for b in enrich_batches(context)] == [1]
        assert enrich_batch(context, batches[2]) == 1
    finally:
        context.close()
    with sessions() as session:
        pending = select(func.count()).where(Message.enriched_at.is_(None))
        assert session.scalar(pending) == 0
        assert session.scalar(select(func.count()).select_from(MessageEmbedding)) == 9
    assert sample(cluster_totals(redis_url), f"{DURATIONS}_count", task="enrich_batch") == 3


def test_a_folder_lock_excludes_a_second_holder_and_outlives_its_lifetime(
    redis_url: str,
) -> None:
    client = Redis.from_url(redis_url)
    with renewed_lock(client, "lock:a", 0.3) as lost:
        assert lost is not None
        with renewed_lock(client, "lock:a", 0.3) as second:
            assert second is None
        time.sleep(1.0)  # three lifetimes: held only because it is renewed
        assert not lost.is_set()
        with renewed_lock(client, "lock:a", 0.3) as third:
            assert third is None
        with renewed_lock(client, "lock:b", 0.3) as other:
            assert other is not None
    with renewed_lock(client, "lock:a", 0.3) as after:
        assert after is not None


def test_a_lock_whose_holder_died_frees_itself_and_a_lost_lock_is_reported(
    redis_url: str,
) -> None:
    client = Redis.from_url(redis_url)
    client.set("lock:dead", "someone-else", px=400)  # a holder that stopped renewing
    with renewed_lock(client, "lock:dead", 0.4) as busy:
        assert busy is None
    time.sleep(0.5)
    with renewed_lock(client, "lock:dead", 0.3) as lost:
        assert lost is not None
        client.delete("lock:dead")  # taken away, as if it had expired
        assert isinstance(lost, threading.Event)
        assert lost.wait(2.0)


def test_worker_processes_share_the_cores_unless_told() -> None:
    cores = len(os.sched_getaffinity(0))
    settings = Settings(secret_key="tasks-secret", _env_file=None)  # type: ignore[call-arg]
    assert worker_settings(settings, 1).embedding_threads is None
    assert worker_settings(settings, 2).embedding_threads == max(1, cores // 2)
    assert worker_settings(settings, 4 * cores).embedding_threads == 1
    told = settings.model_copy(update={"embedding_threads": 3})
    assert worker_settings(told, 2).embedding_threads == 3
