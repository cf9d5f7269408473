"""The pipeline after mail is stored, as one story: enrichment (app/enrichment) reads each
message; then :func:`cluster_profile_score` re-clusters topics when due, rebuilds the stale
profiles, scores them, and retrains the lookalike when outcomes changed. The CLI, the
embedded runner of `leadlens serve` and the Celery tasks all run these steps through it.
Ingestion (sync, import) is app/sync and app/ingestion."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from app.db.repositories.pipeline_state import REBUILD_REQUESTED, PipelineStateRepository
from app.db.types import new_id
from app.enrichment.service import needs_rebuild, rebuild_topics
from app.metrics import Metrics
from app.profiles.lookalike import (
    ModelCache,
    NotEnoughOutcomesError,
    outcomes_digest_now,
    train_lookalike,
)
from app.profiles.service import mark_stale_daily, refresh_profiles
from app.settings import Settings

Progress = Callable[[int], None]
Watch = Callable[[str, str | None], AbstractContextManager[Progress]]
"""How a caller watches the steps: given a step's label and the unit of its progress (None
when it has none), a context around the step that gives the function to call with each
number of items done."""
log = logging.getLogger("leadlens.pipeline")


@dataclass(frozen=True, slots=True)
class ScoringResult:
    """What :func:`profile_and_score` did: profiles rebuilt, the model trained (its version),
    or why none could be (``not_enough``)."""

    profiles: int
    model_version: str | None
    not_enough: str | None


@contextmanager
def unwatched(_label: str, _unit: str | None) -> Iterator[Progress]:
    """A :data:`Watch` that shows nothing."""
    yield lambda _done: None


def cluster_profile_score(
    sessions: sessionmaker[Session],
    models: ModelCache,
    settings: Settings,
    *,
    rebuild: bool = False,
    retrain_due: Callable[[], bool] | None = None,
    metrics: Metrics | None = None,
    watch: Watch = unwatched,
) -> ScoringResult:
    """What follows enrichment, in order: re-cluster topics when due, or when a rebuild is
    asked for (``rebuild``, or one requested through the API, which is then marked done);
    rebuild the stale profiles and score them; retrain the lookalike and rescore when a
    rebuild is asked for or ``retrain_due()`` says so (default: when the outcomes differ from
    those the model in force learned from)."""
    mark = rebuild_requested(sessions)
    requested = rebuild or mark is not None
    if requested or needs_rebuild(sessions):
        with watch("clustering topics", None):
            rebuild_topics(sessions, seed=settings.topic_seed, metrics=metrics)
    retrain = requested or (retrain_due or (lambda: outcomes_changed(sessions)))()
    label = "profiling and training the lookalike model" if retrain else "profiling"
    with watch(label, "customers") as advance:
        result = profile_and_score(
            sessions, models, settings, retrain=retrain, on_progress=advance, metrics=metrics
        )
    rebuild_done(sessions, mark)
    return result


def outcomes_changed(sessions: sessionmaker[Session]) -> bool:
    """Whether the outcomes in force differ from those the lookalike model learned from."""
    with sessions() as session:
        current, trained = outcomes_digest_now(session)
    return current != trained


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
