"""`leadlens import`, `rebuild` and `sync`: bring mail in and turn it into profiles, then
exit."""

from __future__ import annotations

import signal
from pathlib import Path
from typing import Annotated

import typer

from app.cli.support import (
    enrich_and_profile,
    err,
    exit_on_signals,
    fail,
    load_settings,
    open_store_or_exit,
    progress,
    sync_once,
)
from app.db.repositories.pipeline_state import TOPICS_VERSION, PipelineStateRepository
from app.db.session import open_store
from app.errors import LeadlensError
from app.ingestion.imports import import_path, import_target
from app.ingestion.preparer import Preparer
from app.loaded_models import LoadedModels
from app.pipeline import ScoringResult
from app.secret_box import SecretBox
from app.settings import Settings
from app.workers.runner import SyncRunner
from ingest.errors import SourceError
from ingest.sources import count_messages


def import_command(
    path: Annotated[
        Path,
        typer.Argument(metavar="PATH", help="An mbox file, a Maildir, or a folder of .eml files."),
    ],
    mailbox: Annotated[
        str,
        typer.Option("--mailbox", metavar="NAME", help="Name of the mailbox to import into."),
    ],
    own_domain: Annotated[
        list[str] | None,
        typer.Option(
            "--own-domain", metavar="DOMAIN", help="A domain of your own company (repeatable)."
        ),
    ] = None,
    enrich: Annotated[
        bool,
        typer.Option(
            "--enrich/--no-enrich",
            help="Enrich what was imported (language, intent, traits, embedding, topic).",
        ),
    ] = True,
) -> None:
    """Import an mbox file, a Maildir or a folder of .eml files.

    A second run of the same input adds nothing. What was imported is then enriched and
    profiled (unless --no-enrich). The last line printed is `imported=<n> duplicates=<n>
    quarantined=<n>`; each quarantined input is listed above it with the reason.
    """
    settings = load_settings()
    try:
        sessions = open_store(settings.database_url).sessions
        total = count_messages(path) if path.exists() else 0
        with sessions.begin() as session:
            target = import_target(session, mailbox, own_domain or [])
        with (
            progress("importing", total=total) as importing,
            Preparer(settings.resolved_parse_workers()) as preparer,
        ):
            result = import_path(
                sessions,
                target.id,
                path,
                settings.import_batch_size,
                preparer,
                on_progress=importing.advance,
                max_message_bytes=settings.max_message_bytes,
            )
    except (LeadlensError, SourceError) as exc:
        raise fail(str(exc)) from None
    if enrich:
        _report(enrich_and_profile(settings, sessions, LoadedModels(settings)))
    for source, reason in result.quarantined:
        typer.echo(f"quarantined {source}: {reason}")
    typer.echo(
        f"imported={result.imported} duplicates={result.duplicates} "
        f"quarantined={len(result.quarantined)}"
    )


def rebuild_command() -> None:
    """Re-cluster topics, rebuild profiles, retrain the lookalike now.

    Enriches what is pending first. A topic keeps its id and the name given to it when it
    is found again. Prints the new `topics_version` and `model_version` (or why there is
    no model).
    """
    settings = load_settings()
    sessions = open_store_or_exit(settings)
    result = enrich_and_profile(settings, sessions, LoadedModels(settings), rebuild=True)
    with sessions() as session:
        typer.echo(f"topics_version={PipelineStateRepository(session).state(TOPICS_VERSION)}")
    _report(result)


def _report(result: ScoringResult) -> None:
    """Say on stderr how many profiles were rebuilt and what became of the model."""
    err.print(f"profiles rebuilt: {result.profiles}", highlight=False)
    if result.model_version:
        typer.echo(f"model_version={result.model_version}")
    elif result.not_enough:
        err.print(f"no lookalike model: {result.not_enough}", highlight=False)


def _runner(settings: Settings) -> SyncRunner:
    sessions = open_store(settings.database_url).sessions
    secrets = SecretBox.from_settings(settings)
    secrets.check()
    return SyncRunner(settings, sessions, secrets)


def sync_command(
    once: Annotated[
        bool, typer.Option("--once", help="Sync every mailbox once, print a summary, exit.")
    ] = False,
) -> None:
    """Keep every IMAP mailbox in sync, or sync each once (--once).

    IDLE is used where offered. Several mailboxes are synced at the same time. Network
    errors are retried with backoff; a mailbox whose login fails waits until its
    credentials change. SIGTERM or Ctrl-C stops it after the batches in flight (exit
    status 143 or 130).
    """
    settings = load_settings()
    try:
        runner = _runner(settings)
    except LeadlensError as exc:
        raise fail(str(exc)) from None
    with exit_on_signals():
        try:
            if not once:
                runner.start()
                err.print("syncing every mailbox; Ctrl-C to stop", highlight=False)
                while True:
                    signal.pause()
            results = sync_once(runner)
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
