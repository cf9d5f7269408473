"""How far the pipeline has got: the counts of `GET /v1/status` and whether it has settled."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.api.operations.schemas import StatusOut
from app.db.repositories.enrichment import EnrichmentRepository
from app.db.repositories.pipeline_state import (
    MODEL_VERSION,
    REBUILD_REQUESTED,
    TOPICS_VERSION,
    PipelineStateRepository,
)
from app.db.repositories.profiles import ProfileRepository
from app.enrichment.service import rebuild_due
from app.profiles.lookalike import retrain_due


def pipeline_status(session: Session) -> StatusOut:
    """The pipeline's counts and versions, and whether everything that arrived has been
    enriched, clustered, profiled and scored (``settled``)."""
    repository = EnrichmentRepository(session)
    counts = repository.status_counts()
    state = PipelineStateRepository(session)
    model_version = state.state(MODEL_VERSION)
    pending_enrichment = repository.pending_count()
    pending_profiles = ProfileRepository(session).pending_count(model_version)
    settled = (
        counts["syncing_mailboxes"] == 0
        and repository.unsynced_mailboxes() == 0
        and pending_enrichment == 0
        and pending_profiles == 0
        and state.state(REBUILD_REQUESTED) is None
        and not rebuild_due(session)
        and not retrain_due(session)
    )
    return StatusOut(
        **counts,
        pending_enrichment=pending_enrichment,
        pending_profiles=pending_profiles,
        topics_version=state.state(TOPICS_VERSION),
        model_version=model_version,
        settled=settled,
    )
