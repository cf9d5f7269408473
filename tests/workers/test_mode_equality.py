"""The embedded mode and the Celery workers build the same profiles from the same mail.

The demo generator's mail of 30 customers (~370 messages, enough for topics to be
clustered) sits in four dovecot mailboxes. It is synced and enriched once in-process
(`SyncRunner.run_once` + `EnrichmentRunner.enrich_now`) into one PostgreSQL database, and
once by two `leadlens worker` processes on Redis into another, with the same topic seed.
Both stores must hold the same customers, the same trait tags per customer and the same
stages, exactly; and the same topics: each fitted once over all the mail, with the same
keywords and sizes, every message (known across the stores by its raw SHA-256 and its
mailbox's name) in the same topic with the same confidence, and the same interest tags per
customer.

The topics depend on every bit of the fit's input and on the order of its rows (UMAP
amplifies any change), so this holds because the fit reads the mail in content order, not
in the order of the ids each store minted, and because a text's vector does not depend on
the batch it was embedded in. Before both, only ~60 % of one store's topics had a
counterpart in the other.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session, sessionmaker

from app.db.session import create_db_engine, session_factory
from app.db.tables import Customer, Message
from app.demo import generate
from app.loaded_models import LoadedModels
from app.secret_box import SecretBox
from app.settings import Settings
from app.workers.celery_app import SYNC_ALL, dispatcher_of, make_celery
from app.workers.enrichment import EnrichmentRunner
from app.workers.runner import SyncRunner
from tests.servers.dovecot import DovecotServer
from tests.servers.postgres import PostgresServer
from tests.soak.checks import built
from tests.soak.mail import seed_accounts
from tests.sync.conftest import add_mailbox
from tests.workers.support import (
    SECRET,
    Processes,
    fresh_databases,
    until,
    worker_environment,
)

pytestmark = pytest.mark.postgres

CUSTOMERS = 30


@pytest.fixture
def pg_urls(postgres_server: PostgresServer, postgres_template: str) -> Iterator[list[str]]:
    """Two fresh migrated PostgreSQL databases: the embedded store and the workers' store."""
    yield from fresh_databases(postgres_server, postgres_template, 2, "modes")


def _count(sessions: sessionmaker[Session], *where: ColumnElement[bool]) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(Message).where(*where)) or 0


def _embedded(url: str) -> int:
    """Sync every mailbox once, then enrich and profile in this process with the default
    sentence model, as the workers load it; messages stored."""
    settings = Settings(database_url=url, secret_key=SecretStr(SECRET))
    engine = create_db_engine(url)
    sessions = session_factory(engine)
    sync = SyncRunner(settings, sessions, SecretBox.from_settings(settings))
    try:
        results = sync.run_once()
    finally:
        sync.stop()
    assert all(r.error is None for r in results), results
    EnrichmentRunner(settings, sessions, LoadedModels(settings)).enrich_now()
    stored = _count(sessions)
    engine.dispose()
    return stored


def _workers(url: str, redis_url: str, total: int, logs: Path) -> None:
    """Two sync+enrich workers until all ``total`` messages are enriched, then one rebuild
    worker (topics are clustered once over all of them, as in the embedded run)."""
    children = Processes(worker_environment(url, redis_url), logs)
    engine = create_db_engine(url)
    sessions = session_factory(engine)
    enriched = Message.enriched_at.is_not(None)

    def enrichment_done() -> bool:
        assert all(c.poll() is None for c in children.started), f"a worker died\n{children.tail()}"
        return _count(sessions, enriched) == total

    def profiled() -> bool:
        with sessions() as session:
            dirty = session.scalar(select(func.count()).where(Customer.profile_dirty))
            customers = session.scalar(select(func.count()).select_from(Customer))
            return bool(customers) and not dirty

    worker = ("worker", "--pool", "solo", "--queues")
    try:
        children.start("worker1", *worker, "sync,enrich")
        children.start("worker2", *worker, "sync,enrich")
        celery = make_celery(Settings(broker_url=redis_url, secret_key=SecretStr(SECRET)))
        dispatcher_of(celery).queue(SYNC_ALL)
        celery.close()
        until(enrichment_done, "the enrichment", 150, children.tail)
        children.start("rebuild", *worker, "rebuild")
        until(profiled, "the profiles", 120, children.tail)
    finally:
        children.stop()
    assert _count(sessions) == total
    engine.dispose()


def test_workers_build_the_profiles_and_topics_of_the_embedded_mode(
    pg_urls: list[str],
    redis_url: str,
    dovecot: DovecotServer,
    tmp_path: Path,
) -> None:
    corpus = generate(CUSTOMERS, seed=11)
    accounts = seed_accounts(dovecot, corpus)
    embedded_url, workers_url = pg_urls
    settings = Settings(secret_key=SecretStr(SECRET))
    for url in pg_urls:
        engine = create_db_engine(url)
        for account in accounts:
            add_mailbox(
                session_factory(engine), settings, dovecot, account, own_domains=[corpus.own_domain]
            )
        engine.dispose()

    total = _embedded(embedded_url)
    assert total == sum(len(mail) for mail in corpus.mail.values()) >= 200
    _workers(workers_url, redis_url, total, tmp_path)

    engines = [create_db_engine(url) for url in pg_urls]
    embedded, workers = (built(session_factory(engine)) for engine in engines)
    for engine in engines:
        engine.dispose()
    assert len(embedded.topics) >= 2, "the embedded run clustered no topics"
    assert len(embedded.customers) >= CUSTOMERS * 0.8
    assert any(embedded.traits.values())
    assert any(embedded.interests.values())
    assert workers.customers == embedded.customers
    assert workers.traits == embedded.traits
    assert workers.stages == embedded.stages
    assert embedded.fit_size == workers.fit_size == len(embedded.members) == total
    assert workers.topics == embedded.topics
    assert workers.members == embedded.members
    assert workers.interests == embedded.interests
