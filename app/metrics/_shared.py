"""Cluster-wide task durations and mail counters in the broker's Redis (scale-out mode).

Every process of a cluster (workers and API replicas) adds its observations to the same
hashes, each observation in one MULTI/EXEC so that the totals move together:

- ``leadlens:metrics:task:<task>``: the count of each bucket (a field named by the bucket's
  upper bound as Prometheus writes it, not cumulative), ``sum`` and ``created``;
- ``leadlens:metrics:ingested`` and ``leadlens:metrics:quarantined``: ``value`` and
  ``created``;
- ``leadlens:metrics:failures``: the count of each task's failures (a field named by the
  task) and ``created``;
- ``leadlens:metrics:pass:<mailbox id>``: the sync pass of a mailbox in progress (when it
  started, the folders still to finish), so that a pass spread over folder tasks is timed
  as ``sync_mailbox`` by the task that finishes its last folder.

A scrape reads them in one transaction and renders them with the names, labels and buckets
of a process's own registry (:class:`~app.metrics.Metrics`). A batch is counted once, after
its commit, by the process that committed it: a process killed between the two leaves it
out, and nothing is ever counted twice. Redis trouble never reaches the caller: recording
logs once per outage, drops observations for ``_PAUSE_SECONDS`` at a time and goes on; a
scrape logs and leaves the totals out.
"""

from __future__ import annotations

import logging
import threading
import time
from bisect import bisect_left
from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

from prometheus_client.metrics_core import CounterMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.registry import Collector
from prometheus_client.samples import Sample
from prometheus_client.utils import floatToGoString
from redis import Redis
from redis.client import Pipeline
from redis.exceptions import RedisError

from app.metrics._names import (
    BUCKETS,
    DURATIONS,
    FAILURES,
    FAILURES_HELP,
    INGESTED,
    QUARANTINED,
    TASKS,
    WORKER_TASKS,
    Task,
    WorkerTask,
)

log = logging.getLogger("leadlens.metrics")

PREFIX = "leadlens:metrics:"
_TIMEOUT = 2.0  # seconds a Redis call may take before the observation is dropped
_PAUSE_SECONDS = 10.0  # after a failure, observations are dropped without trying Redis
_PASS_TTL = 86_400  # a pass not finished in a day (a folder failed) is forgotten
_BOUNDS: tuple[str, ...] = tuple(map(floatToGoString, BUCKETS))  # as `le` is written
_DURATIONS_HELP = "Seconds a completed task took, by task."
_INGESTED_HELP = "Messages stored by every process sharing the broker (duplicates left out)."
_QUARANTINED_HELP = "Inputs quarantined by every process sharing the broker."
# remove a folder from its pass; the last one ends the pass and returns when it started
_FOLDER_SYNCED = """
if redis.call('HDEL', KEYS[1], ARGV[1]) == 1 and redis.call('HLEN', KEYS[1]) == 1 then
  local started = redis.call('HGET', KEYS[1], 'started')
  redis.call('DEL', KEYS[1])
  return started
end
return false
"""
T = TypeVar("T")


class SharedMetrics(Collector):
    """The cluster's totals in Redis: every process adds to them (:meth:`observe`,
    :meth:`batch_stored`), and as a collector they are read back at each scrape. Safe to
    use from several threads; no method raises for Redis trouble."""

    def __init__(self, client: Redis) -> None:
        """``client``: a Redis client that decodes responses, with socket timeouts."""
        self.client = client
        self._folder_synced = client.register_script(_FOLDER_SYNCED)
        self._lock = threading.Lock()
        self._paused_until: float | None = None

    @classmethod
    def from_url(cls, url: str) -> SharedMetrics:
        """Totals in the Redis at ``url`` (a ``redis://`` URL: the broker's)."""
        client = Redis.from_url(
            url, decode_responses=True, socket_timeout=_TIMEOUT, socket_connect_timeout=_TIMEOUT
        )
        return cls(client)

    def observe(self, task: Task, seconds: float) -> None:
        """Add one ``task`` that took ``seconds``."""
        pipe = self.client.pipeline()
        _add_duration(pipe, task, seconds)
        self._guarded(pipe.execute)

    def batch_stored(self, imported: int, quarantined: int, seconds: float) -> None:
        """Add one committed sync batch: what it stored and how long storing it took."""
        pipe = self.client.pipeline()
        _add_count(pipe, "ingested", imported)
        _add_count(pipe, "quarantined", quarantined)
        _add_duration(pipe, "sync_batch", seconds)
        self._guarded(pipe.execute)

    def task_failed(self, task: WorkerTask) -> None:
        """Add one failed run of ``task``."""
        pipe = self.client.pipeline()
        pipe.hincrby(f"{PREFIX}failures", task, 1)
        pipe.hsetnx(f"{PREFIX}failures", "created", time.time())
        self._guarded(pipe.execute)

    def pass_started(self, mailbox_id: str, folders: Sequence[str]) -> None:
        """A sync pass over ``folders`` of a mailbox starts now (replacing one unfinished)."""
        key = f"{PREFIX}pass:{mailbox_id}"
        pipe = self.client.pipeline()
        pipe.delete(key)
        pipe.hset(key, mapping={"started": time.time(), **{f"folder:{f}": 1 for f in folders}})
        pipe.expire(key, _PASS_TTL)
        self._guarded(pipe.execute)

    def folder_synced(self, mailbox_id: str, folder: str) -> float | None:
        """``folder`` is up to date: the seconds its mailbox's pass took when this was the
        pass's last folder, else None (also when no pass is known, or Redis fails)."""
        key = f"{PREFIX}pass:{mailbox_id}"
        started = self._guarded(lambda: self._folder_synced(keys=[key], args=[f"folder:{folder}"]))
        return None if started is None else max(0.0, time.time() - float(started))

    def describe(self) -> Iterator[Metric]:
        """The families :meth:`collect` yields, without samples (for the registry's checks)."""
        yield HistogramMetricFamily(DURATIONS, _DURATIONS_HELP, labels=["task"])
        yield CounterMetricFamily(INGESTED, _INGESTED_HELP, labels=[])
        yield CounterMetricFamily(QUARANTINED, _QUARANTINED_HELP, labels=[])
        yield CounterMetricFamily(FAILURES, FAILURES_HELP, labels=["task"])

    def collect(self) -> Iterator[Metric]:
        """The totals read now, named and bucketed as a process's own registry does; none
        when Redis fails (logged)."""
        try:
            found = self._read()
        except RedisError as exc:
            log.warning("cluster metrics left out of this scrape: Redis failed: %s", exc)
            return
        durations = HistogramMetricFamily(DURATIONS, _DURATIONS_HELP, labels=["task"])
        for task in TASKS:
            fields = found[f"task:{task}"]
            cumulative, buckets = 0, []
            for bound in _BOUNDS:
                cumulative += int(fields.get(bound, 0))
                buckets.append((bound, float(cumulative)))
            durations.add_metric([task], buckets, float(fields.get("sum", 0)))
            created = float(fields["created"])
            durations.samples.append(Sample(f"{DURATIONS}_created", {"task": task}, created))
        yield durations
        for name, key, help_text in (
            (INGESTED, "ingested", _INGESTED_HELP),
            (QUARANTINED, "quarantined", _QUARANTINED_HELP),
        ):
            fields = found[key]
            value, created = float(fields.get("value", 0)), float(fields["created"])
            yield CounterMetricFamily(name, help_text, value=value, created=created)
        fields = found["failures"]
        created = float(fields["created"])
        failures = CounterMetricFamily(FAILURES, FAILURES_HELP, labels=["task"])
        for name in WORKER_TASKS:
            failures.add_metric([name], float(fields.get(name, 0)), created=created)
        yield failures

    def close(self) -> None:
        """Close the connections to Redis."""
        self.client.close()

    def _read(self) -> dict[str, dict[str, str]]:
        """Every hash of the totals (``created`` set now where missing), in one transaction."""
        names = [f"task:{task}" for task in TASKS] + ["ingested", "quarantined", "failures"]
        now = time.time()
        pipe = self.client.pipeline()
        for name in names:
            pipe.hsetnx(PREFIX + name, "created", now)
            pipe.hgetall(PREFIX + name)
        replies = pipe.execute()
        return dict(zip(names, replies[1::2], strict=True))

    def _guarded(self, call: Callable[[], T]) -> T | None:
        """``call()``, or None when Redis fails or failed less than ``_PAUSE_SECONDS`` ago;
        the first failure of an outage is logged, and so is the recovery."""
        with self._lock:
            if self._paused_until is not None and time.monotonic() < self._paused_until:
                return None
        try:
            result = call()
        except RedisError as exc:
            with self._lock:
                if self._paused_until is None:
                    log.warning("metrics not shared until Redis answers again: %s", exc)
                self._paused_until = time.monotonic() + _PAUSE_SECONDS
            return None
        with self._lock:
            if self._paused_until is not None:
                log.info("metrics shared through Redis again")
                self._paused_until = None
        return result


def _add_duration(pipe: Pipeline, task: Task, seconds: float) -> None:
    key = f"{PREFIX}task:{task}"
    pipe.hincrby(key, _BOUNDS[bisect_left(BUCKETS, seconds)], 1)
    pipe.hincrbyfloat(key, "sum", seconds)
    pipe.hsetnx(key, "created", time.time())


def _add_count(pipe: Pipeline, name: str, amount: int) -> None:
    key = PREFIX + name
    pipe.hincrby(key, "value", amount)
    pipe.hsetnx(key, "created", time.time())
