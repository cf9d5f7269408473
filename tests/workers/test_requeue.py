"""A task the broker delivers again after its worker died queues what the dead run may have
left unqueued: follow-ups it had marked as queued, and the enrichment and refresh of what it
had committed. Tasks run here through Celery (real Redis, real store), in this process."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator

import pytest
from celery import Celery
from celery.contrib.testing.worker import start_worker
from pydantic import SecretStr
from redis import Redis
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app.db.tables import Customer, Mailbox
from app.settings import Settings
from app.workers.celery_app import (
    ENRICH_BATCH,
    ENRICH_PENDING,
    REFRESH,
    SYNC_FOLDER,
    SYNC_MAILBOX,
    dispatcher_of,
    make_celery,
)
from app.workers.tasks import WorkerContext, enrich_batch, enrich_batches, sync_folder_step
from models.embedder import Embedder
from tests.servers.dovecot import Account, DovecotServer
from tests.servers.postgres import free_port
from tests.sync.conftest import add_mailbox, corpus


def queued(redis_url: str, queue: str) -> list[tuple[str, list[object]]]:
    """The tasks waiting in ``queue``, oldest first, with their arguments."""
    with Redis.from_url(redis_url) as client:
        messages = [json.loads(raw) for raw in reversed(client.lrange(queue, 0, -1))]
    return [(m["headers"]["task"], json.loads(base64.b64decode(m["body"]))[0]) for m in messages]


def profiles(sessions: sessionmaker[Session]) -> int:
    """How many customer profiles are built from the mail enriched so far."""
    with sessions() as session:
        built = select(func.count()).where(Customer.profile_dirty.is_(False))
        return session.scalar(built) or 0


def mark(redis_url: str, key: str, by: str) -> None:
    """What a run of task ``by`` left when it died after marking ``key`` as queued."""
    with Redis.from_url(redis_url) as client:
        client.set(f"leadlens:queued:{key}", by, ex=60)


@pytest.fixture
def settings(database_url: str, redis_url: str) -> Settings:
    return Settings(
        database_url=database_url,
        broker_url=redis_url,
        secret_key=SecretStr("requeue-secret"),
        sync_batch_size=5,
        sync_task_batches=1,
        lock_seconds=1.5,
        _env_file=None,  # type: ignore[call-arg]
    )


@pytest.fixture
def context(
    settings: Settings, sessions: sessionmaker[Session], shared_embedder: Embedder
) -> Iterator[WorkerContext]:
    context = WorkerContext(settings, sessions, shared_embedder)
    yield context
    context.close()


@pytest.fixture
def celery(settings: Settings, context: WorkerContext) -> Celery:
    return make_celery(settings, context)


def test_a_key_stops_another_queueing_but_not_the_task_that_marked_it(redis_url: str) -> None:
    app = make_celery(Settings(broker_url=redis_url, secret_key=SecretStr("requeue-secret")))
    dispatcher = dispatcher_of(app)
    assert dispatcher.queue(ENRICH_PENDING, key="enrich-pending", by="run-1")
    assert not dispatcher.queue(ENRICH_PENDING, key="enrich-pending", by="run-2")
    assert not dispatcher.queue(ENRICH_PENDING, key="enrich-pending")
    # run-1 again: its worker may have died before the message left
    assert dispatcher.queue(ENRICH_PENDING, key="enrich-pending", by="run-1")
    assert [task for task, _ in queued(redis_url, "enrich")] == [ENRICH_PENDING] * 2
    dispatcher.started("enrich-pending")
    assert dispatcher.queue(ENRICH_PENDING, key="enrich-pending", by="run-2")
    assert len(queued(redis_url, "enrich")) == 3


def test_a_folder_task_run_again_after_its_commit_queues_the_enrichment(
    redis_url: str,
    celery: Celery,
    context: WorkerContext,
    settings: Settings,
    sessions: sessionmaker[Session],
    dovecot: DovecotServer,
    imap_account: Account,
) -> None:
    dovecot.append(imap_account.username, "INBOX", corpus(5, "requeue"))
    mailbox_id = add_mailbox(sessions, settings, dovecot, imap_account)
    # the first run committed the folder's only batch, marked the enrichment, and died
    assert sync_folder_step(context, mailbox_id, "INBOX").imported == 5
    mark(redis_url, "enrich-pending", "run-1")
    # another folder's task finds the enrichment queued, as far as it can tell
    assert celery.tasks[SYNC_FOLDER].apply(args=[mailbox_id, "Sent"], task_id="run-2").get() == 0
    assert queued(redis_url, "enrich") == []
    # the broker delivers the dead run again: nothing new to store, the enrichment queued
    assert celery.tasks[SYNC_FOLDER].apply(args=[mailbox_id, "INBOX"], task_id="run-1").get() == 0
    assert queued(redis_url, "enrich") == [(ENRICH_PENDING, [])]


def test_a_mailbox_task_run_again_queues_the_folders_it_had_marked(
    redis_url: str,
    celery: Celery,
    settings: Settings,
    sessions: sessionmaker[Session],
    dovecot: DovecotServer,
    imap_account: Account,
) -> None:
    mailbox_id = add_mailbox(sessions, settings, dovecot, imap_account)
    mark(redis_url, f"folder:{mailbox_id}:INBOX", "run-1")
    mark(redis_url, f"folder:{mailbox_id}:Sent", "run-0")  # a task of run-0 waits for it
    assert celery.tasks[SYNC_MAILBOX].apply(args=[mailbox_id], task_id="run-1").get() == 2
    assert queued(redis_url, "sync") == [(SYNC_FOLDER, [mailbox_id, "INBOX"])]


@pytest.fixture
def enriched(
    context: WorkerContext,
    settings: Settings,
    sessions: sessionmaker[Session],
    dovecot: DovecotServer,
    imap_account: Account,
) -> list[str]:
    """The ids of four messages synced and enriched, as one batch."""
    dovecot.append(imap_account.username, "INBOX", corpus(4, "requeue"))
    mailbox_id = add_mailbox(sessions, settings, dovecot, imap_account)
    assert sync_folder_step(context, mailbox_id, "INBOX").complete
    [ids] = enrich_batches(context)
    assert enrich_batch(context, ids) == 4
    return ids


def test_an_enrich_batch_run_again_after_its_commit_queues_the_refresh(
    redis_url: str, celery: Celery, enriched: list[str]
) -> None:
    # the first run committed the batch, marked the refresh, and died
    mark(redis_url, "refresh", "run-1")
    assert celery.tasks[ENRICH_BATCH].apply(args=[enriched], task_id="run-2").get() == 0
    assert queued(redis_url, "rebuild") == []
    assert celery.tasks[ENRICH_BATCH].apply(args=[enriched], task_id="run-1").get() == 0
    assert queued(redis_url, "rebuild") == [(REFRESH, [False])]


@pytest.mark.usefixtures("enriched")
def test_a_refresh_asked_for_while_another_runs_waits_for_it_to_end(
    redis_url: str, celery: Celery, settings: Settings, sessions: sessionmaker[Session]
) -> None:
    with (
        Redis.from_url(redis_url) as client,
        start_worker(celery, perform_ping_check=False, loglevel="WARNING", queues=["rebuild"]),
    ):
        # a refresh that read the store before this enrichment still runs elsewhere
        client.set("leadlens:lock:refresh", "another worker", ex=60)
        assert dispatcher_of(celery).queue(REFRESH, False, key="refresh")
        time.sleep(4 * settings.lock_seconds)  # past the three tries it used to give up after
        assert profiles(sessions) == 0
        client.delete("leadlens:lock:refresh")
        deadline = time.monotonic() + 60
        while not profiles(sessions):
            assert time.monotonic() < deadline, "the refresh gave up"
            time.sleep(0.1)


@pytest.mark.parametrize("trouble", ["unreachable", "refused"])
def test_a_folder_task_tries_a_network_error_again_but_not_a_refused_password(
    trouble: str,
    settings: Settings,
    sessions: sessionmaker[Session],
    context: WorkerContext,
    dovecot: DovecotServer,
    imap_account: Account,
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings = settings.model_copy(update={"sync_backoff_seconds": 1, "sync_poll_seconds": 20})
    celery = make_celery(settings, context)
    mailbox_id = add_mailbox(sessions, settings, dovecot, imap_account)
    if trouble == "unreachable":
        with sessions.begin() as session:
            session.get_one(Mailbox, mailbox_id).port = free_port()
    else:
        dovecot.set_password(imap_account.username, "changed")
    assert celery.tasks[SYNC_FOLDER].apply(args=[mailbox_id, "INBOX"]).get() == 0
    failures = [r for r in caplog.records if mailbox_id in r.getMessage()]
    # tried again after 1, 2, 4, 8 and 16 seconds: the scheduler's pass comes before 32
    assert len(failures) == (6 if trouble == "unreachable" else 1)
    with sessions() as session:
        assert session.get_one(Mailbox, mailbox_id).state == "error"
