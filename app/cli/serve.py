"""`leadlens serve`, `worker` and `scheduler`: the API with its embedded runners, and the
scale-out runners (Celery on Redis), where `serve` is a stateless API replica."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Annotated

import typer

from app.cli.support import (
    HostOption,
    PortOption,
    check_port,
    exit_on_signals,
    fail,
    load_settings,
    open_store_or_exit,
    serve_forever,
    serving,
)
from app.db.session import open_store
from app.errors import LeadlensError
from app.metrics import broker_metrics
from app.settings import Settings
from app.workers.celery_app import QUEUES, BrokerEnrichment, BrokerSync, dispatcher_of, make_celery
from app.workers.enrichment import EnrichmentRunner
from models.embedder import usable_cores


def _broker_settings() -> Settings:
    settings = load_settings()
    if not settings.broker_url:
        raise fail("LEADLENS_BROKER_URL is not set (a Redis URL such as redis://localhost:6379/0)")
    try:
        open_store(settings.database_url).close()
    except LeadlensError as exc:
        raise fail(str(exc)) from None
    return settings


def worker_settings(settings: Settings, concurrency: int) -> Settings:
    """The settings each of ``concurrency`` worker processes runs with: unless
    ``embedding_threads`` is set, their sentence models share this machine's cores."""
    if settings.embedding_threads is not None or concurrency == 1:
        return settings
    share = max(1, usable_cores() // concurrency)
    return settings.model_copy(update={"embedding_threads": share})


def worker_command(
    queues: Annotated[
        str,
        typer.Option(
            metavar="LIST", help=f"Comma-separated queues to work on (of {', '.join(QUEUES)})."
        ),
    ] = ",".join(QUEUES),
    concurrency: Annotated[
        int,
        typer.Option(
            min=1,
            metavar="N",
            help="Tasks run at the same time (processes); each process's sentence model "
            "gets cores / N threads unless LEADLENS_EMBEDDING_THREADS says otherwise.",
        ),
    ] = 1,
    pool: Annotated[
        str,
        typer.Option(
            metavar="[prefork|solo]",
            help="Celery pool: prefork (child processes) or solo (in this one).",
        ),
    ] = "prefork",
) -> None:
    """Run a Celery worker: sync mailboxes, enrich mail, rebuild.

    It takes its tasks from LEADLENS_BROKER_URL and rebuilds topics and profiles too; any
    number may run, on any machine sharing the database. Tasks are acknowledged when
    done: one a killed worker held goes to another worker. SIGTERM or Ctrl-C stops it
    after the tasks in flight (Celery's warm shutdown: exit status 0, or 1 after Ctrl-C).
    """
    names = [name.strip() for name in queues.split(",") if name.strip()]
    unknown = sorted(set(names) - set(QUEUES))
    if unknown or not names:
        raise fail(f"unknown queue(s): {', '.join(unknown) or 'none given'}; use {QUEUES}")
    if pool not in {"prefork", "solo"}:
        raise fail("--pool must be prefork or solo")
    settings = worker_settings(_broker_settings(), concurrency)
    app = make_celery(settings)
    worker = app.Worker(
        queues=names,
        concurrency=concurrency,
        pool=pool,
        loglevel=settings.log_level.upper(),
        hostname=f"leadlens-{'-'.join(names)}@{socket.gethostname()}",
    )
    worker.start()
    raise typer.Exit(code=worker.exitcode or 0)


def scheduler_command(
    schedule_file: Annotated[
        Path,
        typer.Option(metavar="FILE", help="Where the scheduler remembers when each job last ran."),
    ] = Path("leadlens-schedule"),
) -> None:
    """Run the scheduler (Celery beat) that queues the periodic work.

    Every LEADLENS_SYNC_POLL_SECONDS it queues a sync of every mailbox and the enrichment
    of pending mail, and every LEADLENS_WEBHOOK_SEND_INTERVAL_SECONDS the webhook sender.
    Run exactly one."""
    settings = _broker_settings()
    app = make_celery(settings)
    app.Beat(loglevel=settings.log_level.upper(), schedule=str(schedule_file)).run()


def serve_with_broker(settings: Settings, host: str | None, port: int | None) -> None:
    """Serve the API as a stateless replica: sync requests, enrichment and rebuilds are
    queued for the workers; nothing runs in the background of this process. ``GET
    /metrics`` shows the task durations and mail counters of every worker (the cluster's
    totals in the broker's Redis)."""
    import uvicorn

    from app.web import create_app

    dispatcher = dispatcher_of(make_celery(settings))
    try:
        application = create_app(
            settings,
            sync=BrokerSync(dispatcher),
            enrichment=BrokerEnrichment(dispatcher),
            metrics=broker_metrics(settings),
        )
    except LeadlensError as exc:
        raise fail(str(exc)) from None
    typer.echo(serving(host or settings.host, port or settings.port))
    uvicorn.run(application, host=host or settings.host, port=port or settings.port)


def serve(
    host: HostOption = None,
    port: PortOption = None,
) -> None:
    """Serve the API and the dashboard; sync and enrich meanwhile.

    Embedded default: every mailbox is kept in sync and its new mail enriched in this one
    process. With LEADLENS_BROKER_URL set this is only the API, queueing the work for
    `leadlens worker`. SIGTERM or Ctrl-C stops it after the batches in flight (exit
    status 143 or 130).
    """
    settings = load_settings()
    sessions = open_store_or_exit(settings)
    check_port(host or settings.host, port or settings.port)
    with exit_on_signals():
        if settings.broker_url:
            serve_with_broker(settings, host, port)
            return
        serve_forever(settings, sessions, EnrichmentRunner(settings, sessions), host, port)
