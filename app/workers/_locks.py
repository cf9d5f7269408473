"""Locks in Redis that expire unless renewed, so a worker that dies frees them by itself."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from redis import Redis
from redis.exceptions import LockError, RedisError

log = logging.getLogger("leadlens.tasks")


@contextmanager
def renewed_lock(client: Redis, name: str, seconds: float) -> Iterator[threading.Event | None]:
    """Hold the lock ``name`` while the block runs, or yield None at once when another
    holder has it.

    The lock expires ``seconds`` after it was last renewed; a thread renews it every third
    of that while the block runs. The yielded event is set when a renewal fails (the lock
    may have passed to another worker): the block must then stop at its next safe point.
    """
    lock = client.lock(name, timeout=seconds, blocking=False, thread_local=False)
    if not lock.acquire(blocking=False):
        yield None
        return
    lost, done = threading.Event(), threading.Event()

    def renew() -> None:
        while not done.wait(seconds / 3):
            try:
                lock.reacquire()
            except (LockError, RedisError) as exc:
                log.warning("lock %s lost: %s", name, exc)
                lost.set()
                return

    renewer = threading.Thread(target=renew, name=f"lock-{name}", daemon=True)
    renewer.start()
    try:
        yield lost
    finally:
        done.set()
        renewer.join()
        try:
            lock.release()
        except (LockError, RedisError) as exc:
            log.warning("lock %s: could not release (%s); it expires by itself", name, exc)
