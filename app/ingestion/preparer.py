"""Run `ingest.prepare` over batches: inline, or in worker processes on other cores.

Parsing is most of the CPU an import or a sync spends; a pool of worker processes (started
with ``forkserver``, so the threads of the parent are never forked) parses one batch while
the caller fetches or stores another. A daemonic process (a child of Celery's prefork pool,
which already runs one process per core) may not start processes: there every batch is
parsed inline, whatever ``workers`` says.

The worker processes end with the process that started them, however it ends: closed, by
the interpreter's exit, or, when it is killed outright (SIGKILL, the OOM killer), by a
thread of each that waits for its death. Without that thread they would outlive it
forever: each holds the write end of its own task queue, so it never reads an end of
file, and the forkserver lives as long as they do.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import select
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from types import TracebackType
from typing import Self

from ingest.prepare import Prepared, prepare

log = logging.getLogger("leadlens.ingest")

MIN_POOLED_BATCH = 32


def may_start_processes() -> bool:
    """Whether this process may start child processes: not when it is daemonic (a Celery
    prefork child, a multiprocessing pool's worker), where multiprocessing refuses."""
    return not multiprocessing.current_process().daemon


def _end_with(parent: int) -> None:
    """Initializer of each worker process: end it when ``parent`` (the process that started
    the pool) has exited; on Linux (``pidfd_open``), which the service is deployed on."""
    if hasattr(os, "pidfd_open"):
        threading.Thread(target=_wait_for_exit, args=(parent,), daemon=True).start()


def _wait_for_exit(parent: int) -> None:
    try:
        handle = os.pidfd_open(parent)
    except ProcessLookupError:  # gone already
        os._exit(0)
    select.select([handle], [], [])  # readable once the parent has exited
    os._exit(0)


class Preparer:
    """Prepares batches of raw messages in up to ``workers`` processes; inline in the caller
    with ``workers=0``, for batches under ``MIN_POOLED_BATCH``, and in a daemonic process."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()
        self._told_inline = False
        self._closed = False

    def pooled(self) -> bool:
        """Whether batches of ``MIN_POOLED_BATCH`` or more go to worker processes (checked
        at each batch: the process may have become a daemonic child since it made this)."""
        if self.workers == 0 or self._closed:
            return False
        if may_start_processes():
            return True
        with self._lock:
            if not self._told_inline:
                self._told_inline = True
                log.info("a daemonic process (a prefork worker's child): parsing in process")
        return False

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _value: BaseException | None,
        _traceback: TracebackType | None,
    ) -> None:
        self.close()

    def _executor(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._pool is None:
                context = multiprocessing.get_context("forkserver")
                self._pool = ProcessPoolExecutor(
                    self.workers, mp_context=context, initializer=_end_with, initargs=(os.getpid(),)
                )
            return self._pool

    def submit(self, datas: Sequence[bytes]) -> Callable[[], list[Prepared]]:
        """Start preparing ``datas``; the returned call waits for the results, in order."""
        if len(datas) < MIN_POOLED_BATCH or not self.pooled():
            done = [prepare(data) for data in datas]
            return lambda: done
        chunk = max(1, len(datas) // (self.workers * 4))
        try:
            results = self._executor().map(prepare, datas, chunksize=chunk)
        except BrokenProcessPool:
            return self._restart_inline(datas)

        def wait() -> list[Prepared]:
            try:
                return list(results)
            except BrokenProcessPool:
                return self._restart_inline(datas)()

        return wait

    def _restart_inline(self, datas: Sequence[bytes]) -> Callable[[], list[Prepared]]:
        log.warning("a parser worker process died; preparing this batch inline")
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)
        done = [prepare(data) for data in datas]
        return lambda: done

    def close(self) -> None:
        """Stop the worker processes (if any were started); batches submitted afterwards
        (by a sync finishing its batch in flight) are parsed inline."""
        with self._lock:
            self._closed = True
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
