"""Prometheus metrics of one process: task durations, ingestion counters, store gauges.

Each process makes one :class:`Metrics` and passes it to the code it runs (the sync and
enrichment runners, the API); its own ``CollectorRegistry`` keeps several apps in one
process (the tests) apart. ``leadlens serve`` exposes it at ``GET /metrics``, together with
gauges read from the store at scrape time. A worker process without the API (Celery) makes
its own ``Metrics``, passes it to the same task functions, and exposes ``metrics.registry``
itself (``prometheus_client.start_http_server(port, registry=metrics.registry)``) or pushes
it (``prometheus_client.push_to_gateway(gateway, job, metrics.registry)``); the store gauges
belong to the API process only, since every process would report the same values.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Iterator
from typing import Literal, get_args

from prometheus_client import CollectorRegistry, Counter, Histogram, ProcessCollector
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4, generate_latest
from prometheus_client.metrics_core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app.db.repositories.enrichment import EnrichmentRepository
from app.db.tables import Customer, Mailbox
from app.db.types import utcnow

Task = Literal[
    "sync_batch",
    "sync_mailbox",
    "enrich_batch",
    "profile_batch",
    "topics_rebuild",
    "lookalike_training",
]
TASKS: tuple[Task, ...] = get_args(Task)
MAILBOX_STATES = ("idle", "syncing", "error", "disabled")
OUTCOMES = ("won", "lost", "open")
CONTENT_TYPE = CONTENT_TYPE_PLAIN_0_0_4
# From a small batch (tens of milliseconds) to a topic rebuild over a large store (minutes).
_BUCKETS = (0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, math.inf)


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
    for its parse; ``sync_mailbox`` is one complete pass over every folder of a mailbox;
    ``enrich_batch`` and ``profile_batch`` one committed batch; ``topics_rebuild`` and
    ``lookalike_training`` one run, scoring included) and the counters of mail this process
    ingested (``leadlens_messages_ingested_total``, ``leadlens_messages_quarantined_total``)
    are recorded by whoever is given this object; :meth:`watch_store` adds the store gauges.
    Safe to use from several threads.
    """

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.task_seconds = Histogram(
            "leadlens_task_duration_seconds",
            "Seconds a completed task took, by task.",
            ["task"],
            buckets=_BUCKETS,
            registry=self.registry,
        )
        for task in TASKS:
            self.task_seconds.labels(task)
        self.ingested = Counter(
            "leadlens_messages_ingested",
            "Messages this process stored (duplicates left out).",
            registry=self.registry,
        )
        self.quarantined = Counter(
            "leadlens_messages_quarantined",
            "Inputs this process quarantined.",
            registry=self.registry,
        )
        ProcessCollector(registry=self.registry)
        self._lock = threading.Lock()
        self._store: _StoreCollector | None = None

    def observe(self, task: Task, seconds: float) -> None:
        """Record that one ``task`` took ``seconds``."""
        self.task_seconds.labels(task).observe(seconds)

    def batch_stored(self, imported: int, quarantined: int, seconds: float) -> None:
        """Record one committed sync batch: what it stored and how long storing it took."""
        self.ingested.inc(imported)
        self.quarantined.inc(quarantined)
        self.observe("sync_batch", seconds)

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
