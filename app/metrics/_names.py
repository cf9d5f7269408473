"""The metric names, labels and buckets every process uses, embedded or shared."""

from __future__ import annotations

import math
from typing import Literal, get_args

from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4

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
