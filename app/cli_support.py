"""What the `leadlens` commands share: settings, errors on stderr, progress bars, and the
enrich → cluster → profile → score run with progress shown."""

from __future__ import annotations

import logging

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from sqlalchemy.orm import Session, sessionmaker

from app.db.repositories.enrichment import EnrichmentRepository
from app.enrichment.service import enrich_pending, needs_rebuild, rebuild_topics
from app.errors import LeadlensError
from app.pipeline import ScoringResult, profile_and_score
from app.profiles.lookalike import outcomes_digest_now
from app.secrets import SecretBox
from app.settings import Settings
from app.workers.enrichment import EnrichmentRunner
from app.workers.runner import SyncRunner

err = Console(stderr=True)


def fail(message: str) -> typer.Exit:
    """Print ``message`` as an error on stderr; raise the returned exit (code 1)."""
    err.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(code=1)


def progress(label: str) -> Progress:
    """A progress bar on stderr that disappears when done (stdout stays for results)."""
    return Progress(
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
    )


def load_settings(*, migration_log: bool = False) -> Settings:
    """The settings of this process, with logging configured from them."""
    settings = Settings()
    logging.basicConfig(
        level=settings.log_level.upper(), format="%(levelname)s %(name)s %(message)s"
    )
    if not migration_log:
        logging.getLogger("alembic").setLevel(logging.WARNING)
    return settings


def enrich_and_profile(
    settings: Settings,
    sessions: sessionmaker[Session],
    runner: EnrichmentRunner,
    *,
    rebuild: bool = False,
) -> ScoringResult:
    """Enrich what is pending, re-cluster topics when due (always with ``rebuild``), rebuild
    stale profiles and retrain the lookalike when outcomes changed (always with ``rebuild``),
    showing progress on stderr."""
    with sessions() as session:
        pending = EnrichmentRepository(session).pending_count()
    if pending:
        err.print("loading the sentence model…", highlight=False)
        embedder = runner.embedder()
        with progress("enriching") as bar:
            task = bar.add_task("enrich", total=pending)
            enrich_pending(
                sessions,
                embedder,
                settings.enrich_batch_size,
                on_progress=lambda n: bar.advance(task, n),
            )
    if rebuild or needs_rebuild(sessions):
        err.print("clustering topics…", highlight=False)
        rebuild_topics(sessions, seed=settings.topic_seed)
    with sessions() as session:
        current, trained = outcomes_digest_now(session)
    with progress("profiling") as bar:
        task = bar.add_task("profile", total=None)
        return profile_and_score(
            sessions,
            runner.models,
            settings,
            retrain=rebuild or current != trained,
            on_progress=lambda n: bar.advance(task, n),
        )


def serve_forever(
    settings: Settings,
    sessions: sessionmaker[Session],
    enrichment: EnrichmentRunner,
    host: str | None = None,
    port: int | None = None,
) -> None:
    """Serve the API with background sync and enrichment until interrupted."""
    import uvicorn

    from app.api.main import create_app

    try:
        runner = SyncRunner(
            settings,
            sessions,
            SecretBox.from_settings(settings),
            after_sync=enrichment.wake,
            metrics=enrichment.metrics,
        )
        application = create_app(settings, sync=runner, enrichment=enrichment)
    except LeadlensError as exc:
        raise fail(str(exc)) from None
    enrichment.start()
    runner.start()
    try:
        uvicorn.run(application, host=host or settings.host, port=port or settings.port)
    finally:
        runner.stop()
        enrichment.stop()
