"""Prometheus metrics: task durations, ingestion counters, store gauges.

Each process makes one :class:`Metrics` and passes it to the code it runs (the sync and
enrichment runners, the Celery task functions, the API); its own ``CollectorRegistry``
keeps several apps in one process (the tests) apart. ``GET /metrics`` shows it, together
with gauges read from the store at scrape time, the same series in both modes:

- embedded (`leadlens serve` without a broker): the work runs in the API process, whose
  registry holds the task durations and mail counters it recorded itself;
- scale-out (``LEADLENS_BROKER_URL`` set): every process, worker or API, makes its
  ``Metrics`` with a :class:`~SharedMetrics` on the broker's Redis, which
  adds each observation to cluster-wide totals there and records nothing locally; its
  registry reads those totals at each scrape, so any API replica shows the work of every
  worker (a Redis outage loses observations and leaves the totals out of a scrape, never
  fails a task or the scrape). The store gauges are read by the API only.
"""

from app.metrics._names import (
    BUCKETS,
    CONTENT_TYPE,
    DURATIONS,
    FAILURES,
    MAILBOX_STATES,
    OUTCOMES,
    TASKS,
    WORKER_TASKS,
    Task,
    WorkerTask,
)
from app.metrics._registry import Metrics, broker_metrics, observe_since
from app.metrics._shared import SharedMetrics

__all__ = [
    "BUCKETS",
    "CONTENT_TYPE",
    "DURATIONS",
    "FAILURES",
    "MAILBOX_STATES",
    "OUTCOMES",
    "TASKS",
    "WORKER_TASKS",
    "Metrics",
    "SharedMetrics",
    "Task",
    "WorkerTask",
    "broker_metrics",
    "observe_since",
]
