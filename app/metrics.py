"""Prometheus metrics: task durations, ingestion counters, store gauges.

Each process makes one :class:`Metrics` and passes it to the code it runs (the sync and
enrichment runners, the Celery task functions, the API); its own ``CollectorRegistry``
keeps several apps in one process (the tests) apart. ``GET /metrics`` shows it, together
with gauges read from the store at scrape time, the same series in both modes:

- embedded (`leadlens serve` without a broker): the work runs in the API process, whose
  registry holds the task durations and mail counters it recorded itself;
- scale-out (``LEADLENS_BROKER_URL`` set): every process, worker or API, makes its
  ``Metrics`` with a :class:`~app.metrics_redis.SharedMetrics` on the broker's Redis, which
  adds each observation to cluster-wide totals there and records nothing locally; its
  registry reads those totals at each scrape, so any API replica shows the work of every
  worker (a Redis outage loses observations and leaves the totals out of a scrape, never
  fails a task or the scrape). The store gauges are read by the API only.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Literal, get_args

from prometheus_client import CollectorRegistry, Counter, Histogram, ProcessCollector
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4, generate_latest
from prometheus_client.metrics_core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app.db.repositories.enrichment import EnrichmentRepository
from app.db.tables import Customer, Mailbox
from app.db.types import utcnow

if TYPE_CHECKING:
    from app.metrics_redis import SharedMetrics

Task = Literal[
    "sync_batch",
    "sync_mailbox",
    "enrich_batch",
    "profile_batch",
    "topics_rebuild",
    "lookalike_training",
]
TASKS: tuple[Task, ...] = get_args(Task)
WorkerTask = Literal[
    "sync_all",
    "sync_mailbox",
    "sync_folder",
    "enrich_pending",
    "enrich_batch",
    "refresh",
    "send_webhooks",
]
WORKER_TASKS: tuple[WorkerTask, ...] = get_args(WorkerTask)
MAILBOX_STATES = ("idle", "syncing", "error", "disabled")
OUTCOMES = ("won", "lost", "open")
CONTENT_TYPE = CONTENT_TYPE_PLAIN_0_0_4
DURATIONS = "leadlens_task_duration_seconds"
INGESTED = "leadlens_messages_ingested"
QUARANTINED = "leadlens_messages_quarantined"
FAILURES = "leadlens_task_failures"
FAILURES_HELP = "Background task runs that raised an error and are not retried, by task."
# From a small batch (tens of milliseconds) to a topic rebuild over a large store (minutes).
BUCKETS = (0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, math.inf)


class _StoreCollector(Collector):
    """Gauges read from the store at each scrape: what is stored, pending, and how each
    IMAP mailbox is doing."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def collect(self) -> Iterator[Metric]:
        """The store read now (a few counting queries), rendered as gauge families."""
        with self.sessions() as session:
            repository = EnrichmentRepository(session)
            counts = repository.status_counts()
            backlog = repository.pending_count()
            stale = session.scalar(
                select(func.count()).select_from(Customer).where(Customer.profile_dirty.is_(True))
            )
            outcomes = session.execute(
                select(Customer.outcome, func.count()).group_by(Customer.outcome)
            ).all()
            mailboxes = session.execute(
                select(Mailbox.id, Mailbox.name, Mailbox.state, Mailbox.last_sync_at)
                .where(Mailbox.kind == "imap")
                .order_by(Mailbox.id)
            ).all()
        now = utcnow()
        yield GaugeMetricFamily("leadlens_messages", "Messages stored.", counts["messages"])
        yield GaugeMetricFamily(
            "leadlens_quarantined", "Inputs quarantined (not parseable).", counts["quarantined"]
        )
        yield GaugeMetricFamily(
            "leadlens_enrichment_backlog", "Stored messages not enriched yet.", backlog
        )
        yield GaugeMetricFamily(
            "leadlens_profiles_stale", "Customers whose profile waits for a rebuild.", stale or 0
        )
        by_outcome = GaugeMetricFamily(
            "leadlens_customers", "Customers by outcome in force.", labels=["outcome"]
        )
        found = {str(outcome): int(n) for outcome, n in outcomes}
        for outcome in sorted({*OUTCOMES, *found}):
            by_outcome.add_metric([outcome], found.get(outcome, 0))
        yield by_outcome
        lag = GaugeMetricFamily(
            "leadlens_mailbox_sync_lag_seconds",
            "Seconds since the last complete sync of an IMAP mailbox (absent before the first).",
            labels=["mailbox", "name"],
        )
        state = GaugeMetricFamily(
            "leadlens_mailbox_state",
            "1 for the state an IMAP mailbox is in, 0 for the others.",
            labels=["mailbox", "state"],
        )
        for mailbox_id, name, current, last_sync_at in mailboxes:
            if last_sync_at is not None:
                lag.add_metric([mailbox_id, name], max(0.0, (now - last_sync_at).total_seconds()))
            for known in sorted({*MAILBOX_STATES, current}):
                state.add_metric([mailbox_id, known], 1 if known == current else 0)
        yield lag
        yield state


class Metrics:
    """The metrics of one process, in a registry of its own.

    Task durations (``leadlens_task_duration_seconds{task}``, one series per :data:`TASKS`
    from the start: ``sync_batch`` stores and commits one batch fetched over IMAP, waiting
    for its parse; ``sync_mailbox`` is one complete pass over every folder of a mailbox
    (with a broker: from the listing of its folders until the task that brings the last of
    them up to date); ``enrich_batch`` and ``profile_batch`` one committed batch;
    ``topics_rebuild`` and ``lookalike_training`` one run, scoring included), the
    counters of mail ingested (``leadlens_messages_ingested_total``,
    ``leadlens_messages_quarantined_total``) and of failed background tasks
    (``leadlens_task_failures_total{task}``, one series per :data:`WORKER_TASKS` from the
    start) are recorded by whoever is given this object;
    :meth:`watch_store` adds the store gauges. Safe to use from several threads.

    With ``shared`` (scale-out), observations are added to the cluster's totals in Redis
    instead, and the registry shows those totals, with the same names, labels and buckets.
    """

    def __init__(self, shared: SharedMetrics | None = None) -> None:
        self.registry = CollectorRegistry()
        self.shared = shared
        self._durations = Histogram(
            DURATIONS,
            "Seconds a completed task took, by task.",
            ["task"],
            buckets=BUCKETS,
            registry=None,
        )
        for task in TASKS:
            self._durations.labels(task)
        self._ingested = Counter(
            INGESTED, "Messages this process stored (duplicates left out).", registry=None
        )
        self._quarantined = Counter(QUARANTINED, "Inputs this process quarantined.", registry=None)
        self._failures = Counter(FAILURES, FAILURES_HELP, ["task"], registry=None)
        for name in WORKER_TASKS:
            self._failures.labels(name)
        if shared is None:
            for metric in (self._durations, self._ingested, self._quarantined, self._failures):
                self.registry.register(metric)
        else:
            self.registry.register(shared)
        ProcessCollector(registry=self.registry)
        self._lock = threading.Lock()
        self._store: _StoreCollector | None = None

    def observe(self, task: Task, seconds: float) -> None:
        """Record that one ``task`` took ``seconds``."""
        if self.shared is not None:
            self.shared.observe(task, seconds)
        else:
            self._durations.labels(task).observe(seconds)

    def batch_stored(self, imported: int, quarantined: int, seconds: float) -> None:
        """Record one committed sync batch: what it stored and how long storing it took."""
        if self.shared is not None:
            self.shared.batch_stored(imported, quarantined, seconds)
        else:
            self._ingested.inc(imported)
            self._quarantined.inc(quarantined)
            self._durations.labels("sync_batch").observe(seconds)

    def task_failed(self, task: WorkerTask) -> None:
        """Record that one run of ``task`` failed for good (it raised; no retry is coming)."""
        if self.shared is not None:
            self.shared.task_failed(task)
        else:
            self._failures.labels(task).inc()

    def watch_store(self, sessions: sessionmaker[Session]) -> None:
        """Report the store behind ``sessions`` at each scrape (replacing one watched before)."""
        with self._lock:
            if self._store is not None:
                self.registry.unregister(self._store)
            self._store = _StoreCollector(sessions)
            self.registry.register(self._store)

    def exposition(self) -> bytes:
        """Everything in the registry, in the Prometheus text format (:data:`CONTENT_TYPE`)."""
        return generate_latest(self.registry)


def observe_since(metrics: Metrics | None, task: Task, started: float) -> None:
    """Record that ``task`` ran from ``started`` (a ``time.perf_counter()`` reading) until
    now; does nothing without ``metrics``."""
    if metrics is not None:
        metrics.observe(task, time.perf_counter() - started)
