"""Scale-out for real, as docker-compose.yml runs it: `leadlens serve`, the scheduler and
`leadlens worker` processes (its command: a prefork pool of two) on Redis and PostgreSQL
sync three mailboxes with its settings; workers SIGKILLed with their pools lose nothing and
double nothing, and the API's `/metrics` shows the workers' work. A task that fails, or a
mailbox in error, fails the test at once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from redis import Redis
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app.apikeys import create_api_key
from app.db.session import create_db_engine, session_factory
from app.db.tables import Mailbox, Message, MessageEmbedding, Topic
from app.ingestion.preparer import MIN_POOLED_BATCH
from app.metrics import DURATIONS, FAILURES, WORKER_TASKS
from app.workers.celery_app import QUEUES
from tests.servers.dovecot import DovecotServer
from tests.servers.postgres import PostgresServer, free_port
from tests.sync.conftest import corpus, server_hashes, stored_hashes
from tests.workers.support import (
    Failures,
    Processes,
    Samples,
    deployed,
    fresh_databases,
    sample,
    samples,
    until,
    worker_environment,
)

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_url(postgres_server: PostgresServer, postgres_template: str) -> Iterator[str]:
    """A fresh migrated PostgreSQL database (the store every process shares)."""
    for urls in fresh_databases(postgres_server, postgres_template, 1, "scale"):
        yield urls[0]


@pytest.fixture
def sessions(pg_url: str) -> Iterator[sessionmaker[Session]]:
    """Sessions on that database, for the test's own reads."""
    engine = create_db_engine(pg_url)
    yield session_factory(engine)
    engine.dispose()


def _counts(sessions: sessionmaker[Session]) -> tuple[int, int, int]:
    with sessions() as session:
        stored = session.scalar(select(func.count()).select_from(Message)) or 0
        enriched = session.scalar(select(func.count()).where(Message.enriched_at.is_not(None)))
        embedded = session.scalar(select(func.count()).select_from(MessageEmbedding))
    return stored, enriched or 0, embedded or 0


def _broker(redis_url: str) -> str:
    """What waits in the broker: queue lengths, unacknowledged tasks, marks and locks."""
    with Redis.from_url(redis_url) as client:
        queues = {queue: client.llen(queue) for queue in QUEUES}
        marks = sorted(k.decode() for k in client.scan_iter("leadlens:*") if b":metrics:" not in k)
        return f"queued: {queues}, unacked: {client.hlen('unacked')}, keys: {marks}"


def test_api_and_workers_sync_three_mailboxes_through_sigkills(
    pg_url: str,
    sessions: sessionmaker[Session],
    redis_url: str,
    dovecot: DovecotServer,
    tmp_path: Path,
) -> None:
    batch = 40  # IMAP batches at least as large as those that go to the parser's pool
    assert batch >= MIN_POOLED_BATCH
    inbox, sent = 2 * batch, batch
    accounts = [dovecot.new_account() for _ in range(3)]
    for n, account in enumerate(accounts):
        dovecot.append(account.username, "INBOX", corpus(inbox, f"scale{n}"))
        dovecot.append(account.username, "Sent", corpus(sent, f"scale{n}-sent"))
    total = 3 * (inbox + sent)  # above the 200 messages that trigger topic clustering
    with sessions.begin() as session:
        admin = {"Authorization": f"Bearer {create_api_key(session, 'admin', 'scale')[1]}"}
    port = free_port()
    # Beyond docker-compose.yml's settings, only times and units of work scaled down to a
    # test of a few hundred messages (see SCALED_DOWN): batches so that a worker dies
    # between two of them, and a killed worker's tasks and locks back within seconds.
    env = worker_environment(
        pg_url,
        redis_url,
        sync_batch_size=str(batch),
        enrich_batch_size="12",
        broker_visibility_timeout="15",
        lock_seconds="3",
        sync_poll_seconds="10",
    )
    children = Processes(env, tmp_path)
    failed = Failures(sessions, redis_url)
    worker, _ = deployed("worker")
    scheduler, _ = deployed("scheduler")
    scheduler[scheduler.index("--schedule-file") + 1] = str(tmp_path / "schedule")

    def report() -> str:
        with sessions() as session:
            states = [(m.state, m.last_error) for m in session.scalars(select(Mailbox))]
        counts = f"stored, enriched, embedded: {_counts(sessions)}; mailboxes: {states}"
        return f"{counts}\n{_broker(redis_url)}\n{children.tail()}"

    try:
        children.start("api", "serve", "--port", str(port))
        # as deployed: the scheduler's passes are the backstop for a task message the broker
        # itself loses (kombu takes it off its queue before it records it as unacknowledged)
        children.start("scheduler", *scheduler)
        workers = [children.start(f"worker{i}", *worker) for i in (1, 2)]
        base = f"http://127.0.0.1:{port}"

        def healthy() -> bool:
            try:
                return httpx.get(f"{base}/healthz", timeout=1).status_code == 200
            except httpx.TransportError:
                return False

        until(healthy, "the API", 60, report)
        mailbox_ids = []
        for account in accounts:
            body = {
                "host": dovecot.host,
                "port": dovecot.tls_port,
                "security": "tls",
                "username": account.username,
                "password": account.password,
                "ca_file": dovecot.ca_file,
            }
            response = httpx.post(f"{base}/v1/mailboxes", json=body, headers=admin, timeout=30)
            assert response.status_code == 201, response.text
            mailbox_ids.append(response.json()["id"])

        # kill a worker and its pool in the middle of the sync; a new one joins
        until(lambda: _counts(sessions)[0] > 0, "the first batch", 60, report, failed)
        children.kill(workers[0])
        assert _counts(sessions)[0] < total, "the sync ended before the kill"
        workers.append(children.start("worker3", *worker))

        # kill another in the middle of the enrichment, once every message is stored: the
        # last one finishes alone
        def enriching() -> bool:
            stored, enriched, _ = _counts(sessions)
            return stored == total and 0 < enriched < total

        until(enriching, "enrichment under way", 180, report, failed)
        children.kill(workers[1])
        assert _counts(sessions)[1] < total, "the enrichment ended before the kill"

        until(lambda: _counts(sessions) == (total,) * 3, "everything", 300, report, failed)

        def scrape() -> Samples:
            response = httpx.get(f"{base}/metrics", headers=admin, timeout=30)
            assert response.status_code == 200, response.text
            return samples(response.text)

        def refreshed() -> Samples | None:
            found = scrape()
            rebuilt = sample(found, f"{DURATIONS}_count", task="topics_rebuild") > 0
            return found if rebuilt and sample(found, "leadlens_profiles_stale") == 0 else None

        metrics = until(refreshed, "topics and profiles", 120, report, failed)

        def settled() -> dict[str, Any] | None:
            response = httpx.get(f"{base}/v1/status", headers=admin, timeout=30)
            assert response.status_code == 200, response.text
            found: dict[str, Any] = response.json()
            return found if found["settled"] else None

        # The workers' queue is empty once the status says so: nothing left to profile.
        status = until(settled, "a settled status", 180, report, failed)
        assert status["pending_enrichment"] == status["pending_profiles"] == 0
        assert status["topics_version"] is not None
        assert workers[2].poll() is None
    finally:
        children.stop()
    for mailbox_id, account in zip(mailbox_ids, accounts, strict=True):
        hashes = stored_hashes(sessions, mailbox_id)
        assert len(hashes) == len(set(hashes)) == inbox + sent
        assert sorted(hashes) == sorted(server_hashes(dovecot, account.username))
    with sessions() as session:
        states = {m.id: (m.state, m.last_error) for m in session.scalars(select(Mailbox))}
        topics = session.scalar(select(func.count()).select_from(Topic))
    # idle, or in the scheduler's next pass; never in error, and no task failed
    assert set(states) == set(mailbox_ids)
    assert {state for state, _ in states.values()} <= {"idle", "syncing"}, states
    assert not any(error for _, error in states.values()), states
    assert failed() is None
    assert {sample(metrics, f"{FAILURES}_total", task=task) for task in WORKER_TASKS} == {0}
    assert topics
    assert sample(metrics, "leadlens_messages") == total
    assert sample(metrics, "leadlens_enrichment_backlog") == 0
    # A batch is counted by the worker that committed it, right after the commit: never
    # twice (a task run again stores nothing again), but a worker killed between the two
    # leaves its batch out: one at most per process of its pool (two) killed in the sync.
    ingested = sample(metrics, "leadlens_messages_ingested_total")
    assert total - 2 * batch <= ingested <= total
    assert sample(metrics, "leadlens_messages_quarantined_total") == 0
    committed = 3 * (inbox // batch + sent // batch)  # batches that stored something
    assert sample(metrics, f"{DURATIONS}_count", task="sync_batch") >= committed - 2
    assert sample(metrics, f"{DURATIONS}_count", task="enrich_batch") > 0
    assert sample(metrics, f"{DURATIONS}_count", task="profile_batch") > 0
    # a pass per mailbox, give or take one per killed worker (a pass it was finishing is
    # left out; a sync_mailbox task run again after the kill starts another)
    assert sample(metrics, f"{DURATIONS}_count", task="sync_mailbox") >= 1
