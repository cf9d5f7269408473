"""``/v1/status`` (how far the pipeline has got) and ``/v1/rebuild`` (re-cluster now)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, status

from app.api.auth import GuardedRoute, require_scope
from app.api.deps import Enrichment, Sessions
from app.api.operations.schemas import RebuildAccepted, StatusOut
from app.api.operations.service import pipeline_status
from app.api.responses import ERROR_RESPONSES
from app.db.repositories.pipeline_state import (
    MODEL_VERSION,
    TOPICS_VERSION,
    PipelineStateRepository,
)
from app.pipeline import request_rebuild

router = APIRouter(route_class=GuardedRoute, tags=["operations"], responses=ERROR_RESPONSES)


@router.get("/v1/status", dependencies=[Depends(require_scope("read"))])
def get_status(sessions: Sessions) -> StatusOut:
    """Messages stored, quarantined, waiting for enrichment and profiles waiting for a
    rebuild; the current versions; ``settled``: everything that arrived has been enriched,
    clustered, profiled and scored, and nothing is due (SPEC §8)."""
    with sessions() as session:
        return pipeline_status(session)


@router.post(
    "/v1/rebuild",
    status_code=status.HTTP_202_ACCEPTED,
    dependencies=[Depends(require_scope("admin"))],
)
def rebuild(sessions: Sessions, enrichment: Enrichment) -> RebuildAccepted:
    """Re-cluster topics and retrain the lookalike now, in the background; the versions
    shown by `GET /v1/status` change when done (the model's only with enough outcomes), and
    it is not ``settled`` meanwhile."""
    with sessions.begin() as session:
        request_rebuild(session)
    enrichment.request_rebuild()
    with sessions() as session:
        state = PipelineStateRepository(session)
        return RebuildAccepted(
            status="accepted",
            topics_version=state.state(TOPICS_VERSION),
            model_version=state.state(MODEL_VERSION),
        )
