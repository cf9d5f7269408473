"""The orchestrator: read a source in batches, store and commit each batch; after
enrichment, rebuild stale profiles and score them, retraining the lookalike when asked."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from app.db.repositories.mailboxes import MailboxRepository
from app.db.repositories.pipeline_state import REBUILD_REQUESTED, PipelineStateRepository
from app.db.tables import Mailbox
from app.db.types import new_id
from app.ingestion.batches import BatchWriter, by_bytes
from app.ingestion.preparer import Preparer
from app.ingestion.service import BatchResult
from app.metrics import Metrics
from app.profiles.lookalike import ModelCache, NotEnoughOutcomesError, train_lookalike
from app.profiles.service import mark_stale_daily, refresh_profiles
from app.settings import Settings
from ingest.sources import DEFAULT_MAX_MESSAGE_BYTES, RawMessage, iter_messages

Progress = Callable[[int], None]
log = logging.getLogger("leadlens.pipeline")

"""Pipeline state: set by `POST /v1/rebuild`, cleared when a rebuild that began after it has
re-clustered, re-profiled and retrained (so `GET /v1/status` is not settled meanwhile)."""


@dataclass(frozen=True, slots=True)
class ScoringResult:
    """What :func:`profile_and_score` did: profiles rebuilt, the model trained (its version),
    or why none could be (``not_enough``)."""

    profiles: int
    model_version: str | None
    not_enough: str | None


def import_target(session: Session, name: str, own_domains: Sequence[str]) -> Mailbox:
    """The import mailbox called ``name``, created if new; ``own_domains`` are added to it."""
    repository = MailboxRepository(session)
    mailbox = repository.get_by_name(name)
    if mailbox is None:
        return repository.create_import_target(name, own_domains)
    merged = sorted({*mailbox.own_domains, *(d.lower() for d in own_domains)})
    if merged != mailbox.own_domains:
        mailbox.own_domains = merged
    return mailbox


def import_path(
    sessions: sessionmaker[Session],
    mailbox_id: str,
    path: Path,
    batch_size: int,
    preparer: Preparer,
    on_progress: Progress | None = None,
    *,
    max_message_bytes: int = DEFAULT_MAX_MESSAGE_BYTES,
) -> BatchResult:
    """Import every message under ``path`` into a mailbox, committing once per batch (of
    ``batch_size`` messages, fewer when they are big: see ``BATCH_MAX_BYTES``).

    Idempotent: input stored before counts as a duplicate. A kill loses at most the batches
    in flight, which the next run imports. A message over ``max_message_bytes`` is not read
    whole: it is quarantined with its first bytes, its size and the reason.
    """
    writer: BatchWriter[None] = BatchWriter(sessions, mailbox_id, preparer)
    raws = iter_messages(path, max_message_bytes)
    for batch in by_bytes(raws, _held, batch_size):
        writer.write(batch)
        if on_progress is not None:
            on_progress(len(batch))
    return writer.close()


def _held(raw: RawMessage) -> int:
    return len(raw.data)


def profile_and_score(
    sessions: sessionmaker[Session],
    models: ModelCache,
    settings: Settings,
    *,
    retrain: bool,
    on_progress: Progress | None = None,
    metrics: Metrics | None = None,
) -> ScoringResult:
    """Rebuild every stale profile and score it with the model in force; with ``retrain``,
    train a new lookalike model afterwards and rescore everyone (both timed in ``metrics``)."""
    mark_stale_daily(sessions)
    profiles = refresh_profiles(
        sessions,
        models,
        lost_after_days=settings.lost_after_days,
        on_progress=on_progress,
        metrics=metrics,
    )
    if not retrain:
        return ScoringResult(profiles, None, None)
    try:
        model = train_lookalike(sessions, seed=settings.topic_seed, metrics=metrics)
    except NotEnoughOutcomesError as exc:
        log.info("lookalike not trained: %s", exc.detail)
        return ScoringResult(profiles, None, exc.detail)
    return ScoringResult(profiles, model.version, None)


def request_rebuild(session: Session) -> str:
    """Record, in the caller's transaction, that a rebuild was asked for; returns its mark."""
    mark = new_id("rb")
    PipelineStateRepository(session).set_state(REBUILD_REQUESTED, mark)
    return mark


def rebuild_requested(sessions: sessionmaker[Session]) -> str | None:
    """The mark of the rebuild asked for and not done yet, or None: read it before the
    rebuild starts and pass it to :func:`rebuild_done` when it has finished."""
    with sessions() as session:
        return PipelineStateRepository(session).state(REBUILD_REQUESTED)


def rebuild_done(sessions: sessionmaker[Session], mark: str | None) -> None:
    """The rebuild asked for with ``mark`` has finished (a newer request stays pending)."""
    if mark is not None:
        with sessions.begin() as session:
            PipelineStateRepository(session).clear_state(REBUILD_REQUESTED, mark)
