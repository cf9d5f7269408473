"""The `leadlens` command line."""

from __future__ import annotations

import logging
import signal
import threading
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from sqlalchemy.orm import Session, sessionmaker

from app.cli_admin import apikey_cli, mailbox_cli
from app.db.migrations import current_revision, ensure_migrated, head_revision, upgrade
from app.db.repositories.enrichment import EnrichmentRepository
from app.db.session import create_db_engine, session_factory
from app.enrichment.service import enrich_pending, needs_rebuild, rebuild_topics
from app.errors import LeadlensError
from app.ingestion.preparer import Preparer
from app.pipeline import import_path, import_target
from app.secrets import SecretBox
from app.settings import Settings
from app.workers.enrichment import EnrichmentRunner
from app.workers.runner import SyncRunner
from ingest.errors import SourceError
from ingest.sources import count_messages

cli = typer.Typer(
    name="leadlens",
    help="Turn a sales team's mailboxes into explained customer profiles.",
    no_args_is_help=True,
    add_completion=False,
)
db_cli = typer.Typer(help="Manage the database schema.", no_args_is_help=True)
cli.add_typer(db_cli, name="db")

err = Console(stderr=True)


def _fail(message: str) -> typer.Exit:
    err.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(code=1)


def _progress(label: str) -> Progress:
    """A progress bar on stderr that disappears when done (stdout stays for results)."""
    return Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
    )


def _settings(*, migration_log: bool = False) -> Settings:
    settings = Settings()
    logging.basicConfig(
        level=settings.log_level.upper(), format="%(levelname)s %(name)s %(message)s"
    )
    if not migration_log:
        logging.getLogger("alembic").setLevel(logging.WARNING)
    return settings


@db_cli.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the database at LEADLENS_DATABASE_URL to this version's schema."""
    settings = _settings(migration_log=True)
    engine = create_db_engine(settings.database_url)
    before = current_revision(engine)
    upgrade(engine)
    after = head_revision()
    state = "already at" if before == after else f"upgraded from {before or 'empty'} to"
    typer.echo(f"database {state} revision {after}")


@cli.command("import")
def import_command(
    path: Annotated[
        Path, typer.Argument(help="An mbox file, a Maildir, or a folder of .eml files.")
    ],
    mailbox: Annotated[str, typer.Option("--mailbox", help="Name of the mailbox to import into.")],
    own_domain: Annotated[
        list[str] | None,
        typer.Option("--own-domain", help="A domain of your own company (repeatable)."),
    ] = None,
    enrich: Annotated[
        bool,
        typer.Option(
            "--enrich/--no-enrich",
            help="Enrich what was imported (language, intent, traits, embedding, topic).",
        ),
    ] = True,
) -> None:
    """Import messages from PATH; a second run of the same input adds nothing.

    The last line printed is `imported=<n> duplicates=<n> quarantined=<n>`; each
    quarantined input is listed above it with the reason.
    """
    settings = _settings()
    engine = create_db_engine(settings.database_url)
    try:
        ensure_migrated(engine)
        total = count_messages(path) if path.exists() else 0
        sessions = session_factory(engine)
        with sessions.begin() as session:
            target = import_target(session, mailbox, own_domain or [])
        with _progress("importing") as progress:
            task = progress.add_task("import", total=total)
            with Preparer(settings.resolved_parse_workers()) as preparer:
                result = import_path(
                    sessions,
                    target.id,
                    path,
                    settings.import_batch_size,
                    preparer,
                    on_progress=lambda n: progress.advance(task, n),
                )
    except (LeadlensError, SourceError) as exc:
        raise _fail(str(exc)) from None
    if enrich:
        _enrich(settings, sessions)
    for source, reason in result.quarantined:
        typer.echo(f"quarantined {source}: {reason}")
    typer.echo(
        f"imported={result.imported} duplicates={result.duplicates} "
        f"quarantined={len(result.quarantined)}"
    )


def _enrich(settings: Settings, sessions: sessionmaker[Session]) -> int:
    """Enrich everything pending with a progress bar; re-cluster topics when due."""
    runner = EnrichmentRunner(settings, sessions)
    with sessions() as session:
        pending = EnrichmentRepository(session).pending_count()
    if not pending:
        return 0
    err.print("loading the sentence model…", highlight=False)
    embedder = runner.embedder()
    with _progress("enriching") as progress:
        task = progress.add_task("enrich", total=pending)
        done = enrich_pending(
            sessions,
            embedder,
            settings.enrich_batch_size,
            on_progress=lambda n: progress.advance(task, n),
        )
    if needs_rebuild(sessions):
        err.print("clustering topics…", highlight=False)
        rebuild_topics(sessions, seed=settings.topic_seed)
    return done


@cli.command("rebuild")
def rebuild_command() -> None:
    """Enrich what is pending, then re-cluster topics now (ids and names of topics survive).

    Prints the new `topics_version` as its last line.
    """
    settings = _settings()
    engine = create_db_engine(settings.database_url)
    try:
        ensure_migrated(engine)
    except LeadlensError as exc:
        raise _fail(str(exc)) from None
    sessions = session_factory(engine)
    _enrich(settings, sessions)
    err.print("clustering topics…", highlight=False)
    version = rebuild_topics(sessions, seed=settings.topic_seed)
    typer.echo(f"topics_version={version}")


def _runner(settings: Settings) -> SyncRunner:
    engine = create_db_engine(settings.database_url)
    ensure_migrated(engine)
    sessions = session_factory(engine)
    return SyncRunner(settings, sessions, SecretBox.from_settings(settings))


@cli.command("sync")
def sync_command(
    once: Annotated[
        bool, typer.Option("--once", help="Sync every mailbox once, print a summary, exit.")
    ] = False,
) -> None:
    """Keep every IMAP mailbox in sync (IDLE where offered), or sync each once with --once.

    Several mailboxes are synced at the same time. Network errors are retried with
    backoff; a mailbox whose login fails waits until its credentials change.
    """
    settings = _settings()
    try:
        runner = _runner(settings)
    except LeadlensError as exc:
        raise _fail(str(exc)) from None
    if not once:
        runner.start()
        err.print("syncing every mailbox; Ctrl-C to stop", highlight=False)
        stopped = threading.Event()
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stopped.set())
        stopped.wait()
        runner.stop()
        return
    try:
        results = runner.run_once()
    finally:
        runner.stop()
    for r in results:
        outcome = f"error: {r.error}" if r.error else "ok"
        typer.echo(
            f"{r.name}: imported={r.stored.imported} duplicates={r.stored.duplicates} "
            f"quarantined={len(r.stored.quarantined)} {outcome}"
        )
    failed = sum(1 for r in results if r.error)
    typer.echo(
        f"mailboxes={len(results)} failed={failed} "
        f"imported={sum(r.stored.imported for r in results)} "
        f"duplicates={sum(r.stored.duplicates for r in results)} "
        f"quarantined={sum(len(r.stored.quarantined) for r in results)}"
    )
    if failed:
        raise typer.Exit(code=1)


@cli.command("serve")
def serve(
    host: Annotated[str | None, typer.Option(help="Listen address (LEADLENS_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Listen port (LEADLENS_PORT).")] = None,
) -> None:
    """Run the API and keep every mailbox in sync, in this one process (embedded default)."""
    import uvicorn

    from app.api.main import create_app

    settings = _settings()
    try:
        engine = create_db_engine(settings.database_url)
        ensure_migrated(engine)
        sessions = session_factory(engine)
        enrichment = EnrichmentRunner(settings, sessions)
        runner = SyncRunner(
            settings, sessions, SecretBox.from_settings(settings), after_sync=enrichment.wake
        )
        application = create_app(settings, sync=runner, enrichment=enrichment)
    except LeadlensError as exc:
        raise _fail(str(exc)) from None
    enrichment.start()
    runner.start()
    try:
        uvicorn.run(application, host=host or settings.host, port=port or settings.port)
    finally:
        runner.stop()
        enrichment.stop()


cli.add_typer(apikey_cli, name="apikey")
cli.add_typer(mailbox_cli, name="mailbox")


def main() -> None:
    """Entry point of the `leadlens` console script."""
    cli()
