"""The workers as docker-compose.yml runs them: its command (a prefork pool, whose children
are daemonic processes), its settings and nothing else. Before the parser learned that a
daemonic process may not start processes, every folder task failed in such a worker with
``daemonic processes are not allowed to have children``, while the tests, which parsed
inline, passed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy.orm import Session, sessionmaker

from app.db.session import create_db_engine, session_factory
from app.db.tables import Mailbox
from app.ingestion.preparer import MIN_POOLED_BATCH
from app.settings import Settings
from app.workers.celery_app import SYNC_ALL, dispatcher_of, make_celery
from tests.servers.dovecot import DovecotServer
from tests.servers.postgres import PostgresServer
from tests.sync.conftest import add_mailbox, corpus, server_hashes, stored_hashes
from tests.workers.support import (
    SCALED_DOWN,
    SECRET,
    Failures,
    Processes,
    deployed,
    fresh_databases,
    until,
    worker_environment,
)

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_sessions(
    postgres_server: PostgresServer, postgres_template: str
) -> Iterator[tuple[str, sessionmaker[Session]]]:
    """A fresh migrated PostgreSQL database (deployed as in docker-compose.yml): its URL and
    sessions on it."""
    for [url] in fresh_databases(postgres_server, postgres_template, 1, "deployed"):
        engine = create_db_engine(url)
        yield url, session_factory(engine)
        engine.dispose()


def test_a_worker_run_as_docker_compose_runs_it_stores_the_mail(
    pg_sessions: tuple[str, sessionmaker[Session]],
    redis_url: str,
    dovecot: DovecotServer,
    tmp_path: Path,
) -> None:
    url, sessions = pg_sessions
    account = dovecot.new_account()
    # one batch big enough to go to the parser pool, if this process could start one
    dovecot.append(account.username, "INBOX", corpus(MIN_POOLED_BATCH + 8, "deployed"))
    dovecot.append(account.username, "Sent", corpus(3, "deployed-sent"))
    settings = Settings(secret_key=SecretStr(SECRET), _env_file=None)  # type: ignore[call-arg]
    mailbox_id = add_mailbox(sessions, settings, dovecot, account)
    command, _ = deployed("worker")
    assert command[0] == "worker" and "--pool" not in command, command  # prefork
    children = Processes(worker_environment(url, redis_url), tmp_path)

    def synced() -> bool:
        with sessions() as session:
            mailbox = session.get_one(Mailbox, mailbox_id)
            done = mailbox.state == "idle"
        return done and len(stored_hashes(sessions, mailbox_id)) == MIN_POOLED_BATCH + 11

    try:
        children.start("worker", *command)
        celery = make_celery(Settings(broker_url=redis_url, secret_key=SecretStr(SECRET)))
        dispatcher_of(celery).queue(SYNC_ALL)
        celery.close()
        until(synced, "the mail", 120, children.tail, Failures(sessions, redis_url))
    finally:
        children.stop()
    hashes = stored_hashes(sessions, mailbox_id)
    assert len(hashes) == MIN_POOLED_BATCH + 11
    assert sorted(hashes) == sorted(server_hashes(dovecot, account.username))
    with sessions() as session:
        mailbox = session.get_one(Mailbox, mailbox_id)
        assert (mailbox.state, mailbox.last_error) == ("idle", None)
    assert Failures(sessions, redis_url)() is None


def test_children_of_the_tests_get_only_the_settings_docker_compose_gives_them() -> None:
    # every child of these tests gets its environment from worker_environment
    base = worker_environment("postgresql+psycopg://db", "redis://broker")
    given = {k for k in base if k.startswith("LEADLENS_")}
    assert {"LEADLENS_DATABASE_URL", "LEADLENS_BROKER_URL", "LEADLENS_SECRET_KEY"} <= given
    for service in ("api", "worker", "scheduler"):
        _, compose = deployed(service)
        assert given <= set(compose), sorted(given - set(compose))
        assert base["LEADLENS_LOG_LEVEL"] == compose["LEADLENS_LOG_LEVEL"]
    # what a test may scale down is named, with the reason, in SCALED_DOWN; never a setting
    # that chooses which code runs, such as the parser's processes
    assert worker_environment("db", "broker", lock_seconds="3")["LEADLENS_LOCK_SECONDS"] == "3"
    assert "parse_workers" not in SCALED_DOWN
    with pytest.raises(AssertionError, match="parse_workers"):
        worker_environment("db", "broker", parse_workers="0")
    assert set(Settings.model_fields) >= SCALED_DOWN
