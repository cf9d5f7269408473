"""Every network client of leadlens gives up on a server that accepts the connection and then
never answers, with an error that says so, instead of hanging: PostgreSQL and the broker's
Redis here; IMAP in tests/imap/test_session.py (connect) and tests/sync/test_limits.py (a
sync, at connect and mid-fetch)."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
from kombu.exceptions import OperationalError
from redis.exceptions import TimeoutError as RedisTimeoutError

from app.db.session import create_db_engine
from app.errors import DatabaseUnreachableError
from app.settings import Settings
from app.workers.celery_app import ROUTES, SYNC_MAILBOX, dispatcher_of, make_celery


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port on 127.0.0.1 whose connections are accepted (by the kernel) and never
    answered: the server we do not own, gone quiet."""
    with socket.create_server(("127.0.0.1", 0), backlog=64) as listener:
        yield listener.getsockname()[1]


def test_a_postgresql_that_never_answers_is_unreachable_after_the_connect_timeout(
    silent_port: int,
) -> None:
    url = f"postgresql+psycopg://leadlens@127.0.0.1:{silent_port}/leadlens"
    with pytest.raises(DatabaseUnreachableError, match="timeout expired"):
        create_db_engine(url)


def test_a_broker_that_never_answers_fails_queueing_instead_of_hanging(
    silent_port: int,
) -> None:
    settings = Settings(
        broker_url=f"redis://127.0.0.1:{silent_port}/0",
        broker_timeout=1.0,
        _env_file=None,  # type: ignore[call-arg]
    )
    celery = make_celery(settings)
    with pytest.raises(RedisTimeoutError):
        dispatcher_of(celery).queue(SYNC_MAILBOX, "mbx_quiet", key="mailbox:mbx_quiet")
    with pytest.raises(OperationalError, match=r"[Tt]imeout"):
        celery.send_task(SYNC_MAILBOX, args=["mbx_quiet"], queue=ROUTES[SYNC_MAILBOX])
