"""Celery on Redis: the scale-out runner of the task functions in app/workers/tasks.py.

Queues: ``sync`` (a mailbox's folder list, then one task per folder and batch range: the
next ``sync_task_batches`` batches above the folder's committed position, the rest in a
follow-up task; the webhook sender, one at a time under a Redis lock), ``enrich``
(batches of message ids) and ``rebuild`` (topics, profiles, lookalike). Tasks are
acknowledged late and requeued when their worker is lost; the unit of truth is the batch
commit, so a task run again after a kill stores nothing twice. Two
workers never sync the same folder at once: each folder task holds a Redis lock that
expires unless renewed (the broker is Redis anyway, and it works whichever database holds
the store; a PostgreSQL advisory lock would pin one connection for the whole task and not
exist on SQLite). A task queued already for the same work is not queued again. A task that
raises (an error that retrying would not mend: the ones that may pass are retried) is
counted in ``leadlens_task_failures_total{task}`` and, for a sync task, shown on its mailbox.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable, Sequence
from typing import Any

from celery import Celery
from kombu.exceptions import OperationalError
from redis import Redis
from redis.exceptions import RedisError
from sqlalchemy.exc import IntegrityError

from app.errors import ServiceUnavailableError
from app.metrics import Metrics, WorkerTask, broker_metrics
from app.settings import Settings
from app.sync.mailbox import set_sync_state
from app.workers._locks import renewed_lock
from app.workers.tasks import (
    WorkerContext,
    enrich_batch,
    enrich_batches,
    mailbox_folders,
    refresh,
    send_webhooks_now,
    sync_folder_step,
    syncable_mailboxes,
)

log = logging.getLogger("leadlens.tasks")

QUEUES = ("sync", "enrich", "rebuild")
SYNC_ALL = "leadlens.sync_all"
SYNC_MAILBOX = "leadlens.sync_mailbox"
SYNC_FOLDER = "leadlens.sync_folder"
ENRICH_PENDING = "leadlens.enrich_pending"
ENRICH_BATCH = "leadlens.enrich_batch"
REFRESH = "leadlens.refresh"
SEND_WEBHOOKS = "leadlens.send_webhooks"
ROUTES = {
    SYNC_ALL: "sync",
    SYNC_MAILBOX: "sync",
    SYNC_FOLDER: "sync",
    ENRICH_PENDING: "enrich",
    ENRICH_BATCH: "enrich",
    REFRESH: "rebuild",
    SEND_WEBHOOKS: "sync",
}
LABELS: dict[str, WorkerTask] = {
    SYNC_ALL: "sync_all",
    SYNC_MAILBOX: "sync_mailbox",
    SYNC_FOLDER: "sync_folder",
    ENRICH_PENDING: "enrich_pending",
    ENRICH_BATCH: "enrich_batch",
    REFRESH: "refresh",
    SEND_WEBHOOKS: "send_webhooks",
}
_LOCK_RETRIES = 3  # a busy folder is tried again after 1.5 lock lifetimes, then left


class Dispatcher:
    """Queues tasks by name from any process (API, worker, scheduler), each piece of work
    at most once while it waits; the worker's task functions and store open on first use,
    and so does what they record into."""

    def __init__(self, app: Celery, settings: Settings, context: WorkerContext | None) -> None:
        self.app = app
        self.settings = settings
        self._lock = threading.Lock()
        self._redis: Redis | None = None
        self._context = context
        self._metrics = None if context is None else context.metrics

    def redis(self) -> Redis:
        """A client of the broker's Redis (made in this process on first use), whose every
        connect and command fails after ``broker_timeout`` seconds without an answer."""
        with self._lock:
            if self._redis is None:
                assert self.settings.broker_url
                timeout = self.settings.broker_timeout
                self._redis = Redis.from_url(
                    self.settings.broker_url,
                    socket_timeout=timeout,
                    socket_connect_timeout=timeout,
                )
            return self._redis

    def metrics(self) -> Metrics:
        """What the tasks of this process record into: the context's metrics (the cluster's
        totals in the broker's Redis), made on first use, even when the store cannot open."""
        with self._lock:
            if self._metrics is None:
                self._metrics = broker_metrics(self.settings)
            return self._metrics

    def context(self) -> WorkerContext:
        """The task functions' context of this process (opened on first use, after fork)."""
        metrics = self.metrics()
        with self._lock:
            if self._context is None:
                self._context = WorkerContext.open(self.settings, metrics)
            return self._context

    def failed(self, task: str, args: Sequence[Any], exc: BaseException) -> None:
        """A run of ``task`` raised ``exc`` and is not retried (an error that trying again
        would not mend): count it in ``leadlens_task_failures_total``, and show it on the
        mailbox a sync task was for (state ``error``, ``last_error`` saying what failed,
        until a later pass brings every folder up to date)."""
        self.metrics().task_failed(LABELS[task])
        if task not in (SYNC_MAILBOX, SYNC_FOLDER):
            return
        mailbox_id = str(args[0])
        where = f" (folder {args[1]!r})" if task == SYNC_FOLDER else ""
        error = f"sync task failed{where}: {type(exc).__name__}: {exc}"
        try:
            set_sync_state(self.context().sessions, mailbox_id, "error", error)
        except Exception:  # the store itself may be what failed: the log must say it all
            log.exception("mailbox %s: could not record that its sync failed", mailbox_id)

    def queue(
        self,
        task: str,
        *args: Any,
        key: str | None = None,
        by: str | None = None,
        countdown: float = 0,
    ) -> bool:
        """Queue ``task(*args)``; with ``key``, only when no task queued under the same key
        waits yet (the task clears its key when it starts). Returns whether it was queued.

        ``by`` is the id of the queuing task. A key that task marked itself does not stop
        it: when a worker dies between marking a key and queueing, the task runs again
        with the same id and queues after all (at worst a second copy, which is harmless),
        instead of leaving work unqueued until the mark expires."""
        if key is not None:
            [mine] = self._mark([f"leadlens:queued:{key}"], by or uuid.uuid4().hex)
            if not mine:
                return False
        self.app.send_task(task, args=list(args), queue=ROUTES[task], countdown=countdown)
        return True

    def _mark(self, names: list[str], by: str) -> list[bool]:
        """Mark each of ``names`` as ``by``'s unless another marked it first (a mark lasts
        the visibility timeout); for each, whether it is ``by``'s now."""
        ttl = max(1, int(self.settings.broker_visibility_timeout))
        pipe = self.redis().pipeline()
        for name in names:
            pipe.set(name, by, nx=True, ex=ttl)
            pipe.get(name)
        holders = pipe.execute()[1::2]
        return [holder == by.encode() for holder in holders]

    def started(self, key: str) -> None:
        """A task queued under ``key`` has started: the same work may be queued again."""
        self.redis().delete(f"leadlens:queued:{key}")

    def claim(self, ids: list[str], owner: str) -> list[str]:
        """Those of ``ids`` not queued for enrichment yet, now marked as queued by
        ``owner`` (a task id), and those ``owner`` marked already: a task delivered again
        after its worker died between marking and queueing queues them after all."""
        names = [f"leadlens:enrich:{message_id}" for message_id in ids]
        return [i for i, mine in zip(ids, self._mark(names, owner), strict=True) if mine]


def make_celery(settings: Settings, context: WorkerContext | None = None) -> Celery:
    """The Celery app of ``settings`` (its ``broker_url`` must be set), with every task
    registered and the scheduler's periodic syncs; :func:`dispatcher_of` queues work on it.
    ``context``: what its tasks run on in this process (default: a context on
    ``settings.database_url``, opened on first use, after a worker forks)."""
    if not settings.broker_url:
        raise ValueError("LEADLENS_BROKER_URL is not set")
    app = Celery("leadlens", broker=settings.broker_url, set_as_current=False)
    visibility = settings.broker_visibility_timeout
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_ignore_result=True,
        task_default_queue="sync",
        task_routes={name: {"queue": queue} for name, queue in ROUTES.items()},
        task_serializer="json",
        accept_content=["json"],
        broker_connection_retry_on_startup=True,
        broker_transport_options={
            "visibility_timeout": visibility,
            "unacked_restore_interval": max(1.0, min(10.0, visibility / 4)),
            "unacked_restore_throttle": 1,
            # a worker killed while it restores others' tasks holds this mutex till it expires
            "unacked_mutex_expire": max(1.0, min(300.0, visibility / 4)),
            # without them a publish to a broker that stopped answering waits forever
            "socket_timeout": settings.broker_timeout,
            "socket_connect_timeout": settings.broker_timeout,
        },
        broker_connection_timeout=settings.broker_timeout,
        beat_schedule={
            "sync-every-mailbox": {"task": SYNC_ALL, "schedule": settings.sync_poll_seconds},
            "enrich-pending": {"task": ENRICH_PENDING, "schedule": settings.sync_poll_seconds},
            "send-webhooks": {
                "task": SEND_WEBHOOKS,
                "schedule": settings.webhook_send_interval_seconds,
                # one waiting behind a long sync task is dropped: the next one does its work
                "options": {"expires": max(10.0, settings.webhook_send_interval_seconds * 5)},
            },
        },
    )
    dispatcher = Dispatcher(app, settings, context)
    app.leadlens_dispatcher = dispatcher

    def on_failure(
        task: Any, exc: BaseException, _id: str, args: Sequence[Any], _kw: Any, _info: Any
    ) -> None:
        dispatcher.failed(task.name, args, exc)

    for name, function, options in _tasks(dispatcher):
        app.task(name=name, bind=True, shared=False, on_failure=on_failure, **options)(function)
    return app


def _tasks(d: Dispatcher) -> list[tuple[str, Callable[..., Any], dict[str, Any]]]:
    settings = d.settings

    def sync_all(task: Any) -> int:
        ids = syncable_mailboxes(d.context())
        for mailbox_id in ids:
            d.queue(SYNC_MAILBOX, mailbox_id, key=f"mailbox:{mailbox_id}", by=task.request.id)
        return len(ids)

    def sync_mailbox(task: Any, mailbox_id: str) -> int:
        d.started(f"mailbox:{mailbox_id}")
        folders = mailbox_folders(d.context(), mailbox_id)
        for folder in folders:
            key = f"folder:{mailbox_id}:{folder}"
            d.queue(SYNC_FOLDER, mailbox_id, folder, key=key, by=task.request.id)
        return len(folders)

    def sync_folder(task: Any, mailbox_id: str, folder: str) -> int:
        key = f"folder:{mailbox_id}:{folder}"
        d.started(key)
        lock = f"leadlens:lock:folder:{mailbox_id}:{folder}"
        with renewed_lock(d.redis(), lock, settings.lock_seconds) as lost:
            if lost is None:
                if task.request.retries >= _LOCK_RETRIES:
                    log.info("mailbox %s folder %r: busy elsewhere, left", mailbox_id, folder)
                    d.queue(ENRICH_PENDING, key="enrich-pending", by=task.request.id)
                    return 0
                raise task.retry(countdown=settings.lock_seconds / 2, max_retries=_LOCK_RETRIES)
            step = sync_folder_step(d.context(), mailbox_id, folder, stop=lost)
        if step.transient:
            # as in embedded mode: again after a delay that doubles, until the scheduler's
            # next pass would come first
            delay = settings.sync_backoff_seconds * 2**task.request.retries
            if delay < min(settings.sync_poll_seconds, settings.sync_backoff_max_seconds):
                raise task.retry(countdown=delay)
        if not step.complete:
            d.queue(SYNC_FOLDER, mailbox_id, folder, key=key, by=task.request.id)
        # also when a pass ends with nothing new: this run may repeat one that died after
        # committing its batch and before queueing the enrichment of it
        if step.imported or step.complete:
            d.queue(ENRICH_PENDING, key="enrich-pending", by=task.request.id)
        return step.imported

    def enrich_pending(task: Any) -> int:
        d.started("enrich-pending")
        queued = 0
        for batch in enrich_batches(d.context()):
            fresh = d.claim(batch, str(task.request.id))
            if fresh:
                d.queue(ENRICH_BATCH, fresh)
                queued += len(fresh)
        return queued

    def enrich_ids(task: Any, ids: list[str]) -> int:
        done = enrich_batch(d.context(), ids)
        # also when another run enriched them first: that run may have died before this
        d.queue(REFRESH, False, key="refresh", by=task.request.id)
        return done

    def refresh_all(task: Any, rebuild: bool) -> int:
        with renewed_lock(d.redis(), "leadlens:lock:refresh", settings.lock_seconds) as lost:
            if lost is None:
                # the running refresh may have read the store before what asked for this
                # one: wait for it; its key stays set meanwhile, so no third one queues
                raise task.retry(countdown=settings.lock_seconds / 2)
            d.started("refresh")
            profiles = refresh(d.context(), rebuild=rebuild).profiles
        d.queue(SEND_WEBHOOKS, key="send-webhooks", by=task.request.id)
        return profiles

    # two workers that enriched the same message at once: one commit fails, its retry finds
    # the message enriched and does nothing
    enrich_retry = {"autoretry_for": (IntegrityError,), "retry_backoff": True, "max_retries": 5}
    return [
        (SYNC_ALL, sync_all, {}),
        (SYNC_MAILBOX, sync_mailbox, {}),
        (SYNC_FOLDER, sync_folder, {"max_retries": None}),
        (ENRICH_PENDING, enrich_pending, {}),
        (ENRICH_BATCH, enrich_ids, enrich_retry),
        (REFRESH, refresh_all, {"max_retries": None}),
        (SEND_WEBHOOKS, _send_webhooks_task(d), {}),
    ]


def _send_webhooks_task(d: Dispatcher) -> Callable[..., int]:
    def send_webhooks(_task: Any) -> int:
        d.started("send-webhooks")
        if not d.settings.webhook_sender:
            return 0
        lock = "leadlens:lock:webhooks"
        with renewed_lock(d.redis(), lock, d.settings.lock_seconds) as lost:
            if lost is None:
                return 0  # another worker is sending: one sender keeps each customer in order
            return send_webhooks_now(d.context(), stop=lost).delivered

    return send_webhooks


def dispatcher_of(app: Celery) -> Dispatcher:
    """The dispatcher :func:`make_celery` attached to ``app``."""
    dispatcher: Dispatcher = app.leadlens_dispatcher
    return dispatcher


BROKER_ERRORS = (OperationalError, RedisError)
"""What queueing raises when the broker's Redis is down or does not answer in time."""


def _queue_or_leave_to_scheduler(dispatcher: Dispatcher, task: str, *args: Any, key: str) -> None:
    """Queue ``task`` for work the store already records; when the broker cannot be
    reached, log it and leave the work to the scheduler's next periodic pass."""
    try:
        dispatcher.queue(task, *args, key=key)
    except BROKER_ERRORS as exc:
        log.warning(
            "the broker did not take task %s (%s: %s); the scheduler's next pass will",
            task,
            type(exc).__name__,
            exc,
        )


class BrokerSync:
    """The API's sync trigger when a broker is set: a sync request becomes a queued task."""

    def __init__(self, dispatcher: Dispatcher) -> None:
        self.dispatcher = dispatcher

    def request_sync(self, mailbox_id: str) -> None:
        """Queue a sync of this mailbox (returns at once). With the broker down, the
        scheduler's periodic sync of every mailbox picks the mailbox up instead."""
        _queue_or_leave_to_scheduler(
            self.dispatcher, SYNC_MAILBOX, mailbox_id, key=f"mailbox:{mailbox_id}"
        )

    def forget(self, mailbox_id: str) -> None:
        """Nothing to stop here: every task checks that its mailbox is still enabled."""


class BrokerEnrichment:
    """The API's enrichment trigger when a broker is set: it queues enrichment and rebuilds
    for the workers."""

    def __init__(self, dispatcher: Dispatcher) -> None:
        self.dispatcher = dispatcher

    def wake(self) -> None:
        """Outcomes or mail changed: queue enrichment (which queues the profile refresh).
        With the broker down, the scheduler's periodic enrichment pass does it instead."""
        _queue_or_leave_to_scheduler(self.dispatcher, ENRICH_PENDING, key="enrich-pending")
        _queue_or_leave_to_scheduler(self.dispatcher, REFRESH, False, key="refresh")

    def request_rebuild(self) -> None:
        """Queue a re-clustering of topics, profile rebuild and lookalike retraining;
        ServiceUnavailableError (503) when the broker cannot be reached."""
        try:
            self.dispatcher.queue(REFRESH, True)
        except BROKER_ERRORS as exc:
            raise ServiceUnavailableError(
                f"the task broker cannot be reached ({type(exc).__name__}); "
                "try again when it is back"
            ) from exc
