"""Scale-out: on PostgreSQL, an API replica writes the events and a Celery worker, fed by
the scheduler, sends them: signed, retried until the receiver recovers, every event once
after dedup, in order per customer."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from standardwebhooks import Webhook

from app.apikeys import create_api_key
from app.db.session import create_db_engine, session_factory
from app.settings import Settings
from app.web import create_app
from tests.servers.postgres import PostgresServer
from tests.servers.receiver import WebhookReceiver
from tests.webhooks.conftest import add_customers, set_outcome, subscribe
from tests.workers.support import SECRET, Processes, fresh_databases, worker_environment

pytestmark = pytest.mark.postgres
OUTCOMES = ["won", "lost", "open"]


@pytest.fixture
def store(postgres_server: PostgresServer, postgres_template: str) -> Iterator[str]:
    """A fresh migrated PostgreSQL database."""
    yield from (urls[0] for urls in fresh_databases(postgres_server, postgres_template, 1, "wh"))


def test_a_celery_worker_sends_every_event_once_in_order(
    store: str, redis_url: str, tmp_path: Path, webhook_receiver: WebhookReceiver
) -> None:
    engine = create_db_engine(store)
    sessions = session_factory(engine)
    customers = add_customers(sessions, 3)
    with sessions.begin() as session:
        admin = {"Authorization": f"Bearer {create_api_key(session, 'admin', 'wh')[1]}"}
    settings = Settings(
        database_url=store,
        broker_url=redis_url,
        secret_key=SECRET,
        _env_file=None,  # type: ignore[call-arg]
    )
    webhook_receiver.fail_first(4)
    env = worker_environment(
        store,
        redis_url,
        webhook_send_interval_seconds="0.2",
        webhook_retry_schedule="[0.1, 0.1, 0.2, 0.5, 1]",
    )
    children = Processes(env, tmp_path)
    try:
        with TestClient(create_app(settings)) as client:
            secret = subscribe(client, admin, webhook_receiver.url)["secret"]
            for outcome in OUTCOMES:
                for customer in customers:
                    set_outcome(client, admin, customer, outcome)
        children.start("worker", "worker", "--queues", "sync", "--pool", "solo")
        children.start("scheduler", "scheduler", "--schedule-file", str(tmp_path / "beat"))
        total = len(OUTCOMES) * len(customers)
        WebhookReceiver.poll(
            lambda: len(webhook_receiver.deduplicated()) == total, 90, children.tail
        )
    finally:
        children.stop()
        engine.dispose()
    seen: dict[str, list[str]] = {customer: [] for customer in customers}
    for item in webhook_receiver.deduplicated():
        data = Webhook(secret).verify(item.body, item.headers)["data"]
        seen[data["customer"]["id"]].append(data["changes"]["outcome"]["after"])
    assert seen == dict.fromkeys(customers, OUTCOMES)
    assert len(webhook_receiver.received) > total  # the first four were refused and retried
