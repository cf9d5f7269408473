"""SIGTERM or SIGINT stops `leadlens worker` as Celery stops a worker (a warm shutdown: the
tasks in flight finish, exit 0 on SIGTERM and 1 on Ctrl-C), and no process of it is left:
not its prefork pool's children (as docker-compose.yml runs it) nor, with ``--pool solo``,
the parser processes of its own. Processes are counted before and after by the store URL
in their environment."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy import func, select

from app.db.session import create_db_engine, session_factory
from app.db.tables import Message
from app.settings import Settings
from app.workers.celery_app import SYNC_ALL, dispatcher_of, make_celery
from tests.processes import left_after, processes_with
from tests.servers.dovecot import Account, DovecotServer
from tests.servers.postgres import PostgresServer
from tests.sync.conftest import add_mailbox, corpus
from tests.workers.support import SECRET, Processes, deployed, fresh_databases, until
from tests.workers.support import worker_environment as environment

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_url(postgres_server: PostgresServer, postgres_template: str) -> Iterator[str]:
    """A fresh migrated PostgreSQL database."""
    for urls in fresh_databases(postgres_server, postgres_template, 1, "shutdown"):
        yield urls[0]


@pytest.mark.parametrize(
    ("pool", "signum", "status"),
    [("deployed", signal.SIGTERM, 0), ("solo", signal.SIGINT, 1)],
    ids=["prefork-SIGTERM", "solo-SIGINT"],
)
def test_worker_stopped_while_working_leaves_no_process(
    pg_url: str,
    redis_url: str,
    dovecot: DovecotServer,
    imap_account: Account,
    tmp_path: Path,
    pool: str,
    signum: int,
    status: int,
) -> None:
    dovecot.append(imap_account.username, "INBOX", corpus(400, "worker-stop"))
    engine = create_db_engine(pg_url)
    sessions = session_factory(engine)
    settings = Settings(database_url=pg_url, secret_key=SecretStr(SECRET), broker_url=redis_url)
    add_mailbox(sessions, settings, dovecot, imap_account)
    children = Processes(
        environment(pg_url, redis_url, sync_batch_size="50", enrich_batch_size="8"), tmp_path
    )
    setting = f"LEADLENS_DATABASE_URL={pg_url}"

    def enriched() -> int:
        with sessions() as session:
            query = select(func.count()).where(Message.enriched_at.is_not(None))
            return session.scalar(query) or 0

    def working() -> bool:
        if enriched() == 0:
            return False
        if pool == "deployed":  # the worker and its two prefork children
            return len(processes_with(setting)) >= 3
        # a solo worker parses in a pool of its own, one process per core (none on one core)
        parsers = sum("multiprocessing.forkserver" in c for c in processes_with(setting).values())
        return parsers >= 2 or len(os.sched_getaffinity(0)) == 1

    args = deployed("worker")[0] if pool == "deployed" else ["worker", "--pool", pool]
    try:
        worker = children.start("worker", *args)
        celery = make_celery(settings)
        dispatcher_of(celery).queue(SYNC_ALL)
        celery.close()
        until(working, "the worker's sync and enrichment", 180, children.tail)
        before = processes_with(setting)
        worker.send_signal(signum)
        assert worker.wait(timeout=120) == status, children.tail()
        assert left_after(setting) == {}, f"left behind of {before}\n{children.tail()}"
    finally:
        children.stop()
        engine.dispose()
