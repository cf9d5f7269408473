"""A real, throwaway Redis on 127.0.0.1 (Debian's `redis-server`), no persistence.

``redis_server`` (session scope) starts one and stops it by PID at the end; ``redis_url``
(function scope) hands each test its own empty database on it. Import them into a
``conftest.py`` to use them::

    from tests.servers.redis import redis_server, redis_url  # noqa: F401
"""

from __future__ import annotations

import itertools
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from redis import Redis
from redis.exceptions import ConnectionError as RedisConnectionError

from tests.conftest import skip_or_fail
from tests.servers.postgres import free_port

HOST = "127.0.0.1"
_DATABASES = 16


@dataclass
class RedisServer:
    """A running redis-server; ``url(db)`` gives the URL of one of its databases."""

    port: int
    process: subprocess.Popen[bytes]
    root: Path

    def url(self, database: int = 0) -> str:
        """redis:// URL of ``database`` on this server."""
        return f"redis://{HOST}:{self.port}/{database}"

    def stop(self) -> None:
        """SIGTERM, then SIGKILL if it lingers; remove its folder."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.root, ignore_errors=True)


def start_redis(binary: str) -> RedisServer:
    """Start ``redis-server`` on a free port (no RDB snapshots, no AOF) and wait for PING."""
    root = Path(tempfile.mkdtemp(prefix="leadlens-redis-"))
    port = free_port()
    log = (root / "redis.log").open("wb")
    process = subprocess.Popen(
        [binary, "--bind", HOST, "--port", str(port), "--save", "", "--appendonly", "no",
         "--dir", str(root), "--databases", str(_DATABASES)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    log.close()
    server = RedisServer(port=port, process=process, root=root)
    deadline = time.monotonic() + 15
    while True:
        try:
            with Redis.from_url(server.url()) as client:
                client.ping()
            return server
        except RedisConnectionError:
            if process.poll() is not None or time.monotonic() > deadline:
                output = (root / "redis.log").read_text(errors="replace")
                server.stop()
                raise RuntimeError(f"redis-server did not start:\n{output}") from None
            time.sleep(0.02)


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    """One Redis for the whole session (skips without `redis-server`, fails in CI)."""
    binary = shutil.which("redis-server")
    if binary is None:
        skip_or_fail("redis-server is not installed (apt-get install redis-server)")
    else:
        server = start_redis(binary)
        try:
            yield server
        finally:
            server.stop()


_next_database = itertools.count()


@pytest.fixture
def redis_url(redis_server: RedisServer) -> Iterator[str]:
    """URL of an empty database of the session's Redis, flushed after the test."""
    url = redis_server.url(next(_next_database) % _DATABASES)
    with Redis.from_url(url) as client:
        client.flushdb()
    yield url
    with Redis.from_url(url) as client:
        client.flushdb()
