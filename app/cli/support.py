"""What the `leadlens` commands share: settings, errors on stderr, progress bars, and the
enrich → cluster → profile → score run with progress shown."""

from __future__ import annotations

import errno
import logging
import signal
import socket
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor, wait
from contextlib import AbstractContextManager, contextmanager
from types import FrameType
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from sqlalchemy.orm import Session, sessionmaker

from app.cli.output import ConsoleHandler, Step, step
from app.db.repositories.enrichment import EnrichmentRepository
from app.db.repositories.mailboxes import MailboxRepository
from app.db.session import open_store
from app.enrichment.service import enrich_pending
from app.errors import LeadlensError
from app.loaded_models import LoadedModels
from app.pipeline import Progress, ScoringResult, cluster_profile_score
from app.secret_box import SecretBox
from app.settings import Settings
from app.sync.mailbox import MailboxResult
from app.workers.enrichment import EnrichmentRunner
from app.workers.runner import SyncRunner
from app.workers.webhooks import WebhookSender

err = Console(stderr=True, highlight=False, soft_wrap=True)


HostOption = Annotated[
    str | None, typer.Option(metavar="ADDRESS", help="Listen address (LEADLENS_HOST).")
]
"""The ``--host`` option of the commands that serve the API."""
PortOption = Annotated[int | None, typer.Option(metavar="N", help="Listen port (LEADLENS_PORT).")]
"""The ``--port`` option of the commands that serve the API."""


def fail(message: str) -> typer.Exit:
    """Print ``message`` as an error on stderr; raise the returned exit (code 1)."""
    err.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)
    return typer.Exit(code=1)


STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
"""The signals that stop a command cleanly: what ``docker stop`` and systemd send, and Ctrl-C."""


def _stopped_by(signum: int, _frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


@contextmanager
def exit_on_signals() -> Iterator[None]:
    """While inside, SIGTERM and SIGINT raise ``SystemExit(128 + signal)`` in the main thread:
    the command unwinds as from an error, so every ``finally`` runs (stopping sync,
    enrichment, the parser processes, the demo's dovecot), and its exit status says which
    signal stopped it (143, 130). uvicorn handles both itself while it serves, then raises
    the signal again once it has shut down: it reaches this handler then, not the default
    one, which would end the process before any cleanup. The handlers in force before are
    restored on the way out."""
    previous = {signum: signal.signal(signum, _stopped_by) for signum in STOP_SIGNALS}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def check_port(host: str, port: int) -> None:
    """Return when ``host:port`` can be listened on now; otherwise raise :func:`fail`'s exit
    with one line saying how to choose another, before any long work starts."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
            probe.bind((host, port))
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise fail(
                f"port {port} on {host} is in use by another program: stop it, or choose "
                "another port with --port N or LEADLENS_PORT"
            ) from None
        raise fail(
            f"cannot listen on {host}:{port} ({exc.strerror or exc}): choose the address with "
            "--host or LEADLENS_HOST and the port with --port or LEADLENS_PORT"
        ) from None


def progress(
    label: str, total: int | None = None, unit: str | None = "messages"
) -> AbstractContextManager[Step]:
    """The progress of a long step on stderr (stdout stays for results): a live bar on a
    terminal, plain lines every few seconds otherwise, and a summary line when it is done;
    see :func:`app.cli.output.step`."""
    return step(err, label, total=total, unit=unit)


def load_settings() -> Settings:
    """The settings of this process, with logging configured from them (the libraries' are
    kept quiet by the `leadlens` callback unless --verbose is given)."""
    settings = Settings()
    logging.basicConfig(
        level=settings.log_level.upper(),
        format="%(levelname)s %(name)s %(message)s",
        handlers=[ConsoleHandler(err)],
    )
    return settings


def open_store_or_exit(settings: Settings) -> sessionmaker[Session]:
    """The sessions of the store ``settings`` name; when it cannot be used (see
    :func:`app.db.session.open_store`), the reason on stderr and exit status 1."""
    try:
        return open_store(settings.database_url).sessions
    except LeadlensError as exc:
        raise fail(exc.detail) from None


def enrich_and_profile(
    settings: Settings,
    sessions: sessionmaker[Session],
    models: LoadedModels,
    *,
    rebuild: bool = False,
) -> ScoringResult:
    """Enrich what is pending, then :func:`~app.pipeline.cluster_profile_score` (always
    re-clustering and retraining with ``rebuild``), showing each step's progress on stderr."""
    with sessions() as session:
        pending = EnrichmentRepository(session).pending_count()
    if pending:
        with progress("loading the sentence model", unit=None):
            embedder = models.embedder()
        with progress("enriching", total=pending) as enriching:
            enrich_pending(
                sessions, embedder, settings.enrich_batch_size, on_progress=enriching.advance
            )
    return cluster_profile_score(
        sessions, models.lookalike, settings, rebuild=rebuild, watch=_shown
    )


@contextmanager
def _shown(label: str, unit: str | None) -> Iterator[Progress]:
    with progress(label, unit=unit) as shown:
        yield shown.advance


def sync_once(
    runner: SyncRunner, mailbox_ids: list[str] | None = None, expected: int | None = None
) -> list[MailboxResult]:
    """Sync the mailboxes (every syncable one by default) once with ``runner``, showing on
    stderr how many new messages are stored; ``expected``: how many the mailboxes will hold
    in all when done, when that is known. Results in mailbox order. Interrupted (a stop
    signal), it stops ``runner`` after the batches in flight and re-raises."""
    ids = runner.mailbox_ids() if mailbox_ids is None else mailbox_ids

    def stored() -> int:
        with runner.sessions() as session:
            return sum(MailboxRepository(session).message_counts(ids).values())

    before = stored()
    total = None if expected is None else max(0, expected - before)
    with ThreadPoolExecutor(max_workers=1) as pool, progress("syncing", total) as syncing:
        future = pool.submit(runner.run_once, ids)
        try:
            while not wait([future], timeout=0.5).done:
                syncing.update(stored() - before)
        except BaseException:  # a stop signal (see exit_on_signals): end the batch in flight
            runner.stop()
            raise
        results = future.result()
        syncing.update(sum(result.stored.imported for result in results))
    return results


def serving(host: str, port: int) -> str:
    """The line that says where the API, its dashboard and its docs are served."""
    base = f"http://{f'[{host}]' if ':' in host else host}:{port}"
    return f"serving on {base} — dashboard {base}/ui, API docs {base}/docs"


def serve_forever(
    settings: Settings,
    sessions: sessionmaker[Session],
    enrichment: EnrichmentRunner,
    host: str | None = None,
    port: int | None = None,
) -> None:
    """Serve the API with background sync, enrichment and webhook sending until
    interrupted."""
    import uvicorn

    from app.web import create_app

    try:
        runner = SyncRunner(
            settings,
            sessions,
            SecretBox.from_settings(settings),
            after_sync=enrichment.wake,
            metrics=enrichment.metrics,
        )
        sender = WebhookSender(settings, sessions, runner.secrets)
        application = create_app(
            settings,
            sync=runner,
            enrichment=enrichment,
            models=enrichment.models,
            metrics=enrichment.metrics,
            webhooks=sender,
        )
    except LeadlensError as exc:
        raise fail(str(exc)) from None
    enrichment.start()
    runner.start()
    sender.start()
    try:
        typer.echo(serving(host or settings.host, port or settings.port))
        uvicorn.run(application, host=host or settings.host, port=port or settings.port)
    finally:
        sender.stop()
        runner.stop()
        enrichment.stop()
