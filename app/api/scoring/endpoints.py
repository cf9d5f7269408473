"""``POST /v1/lookalike`` (score a lead) and ``GET /v1/model`` (the model in force)."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from app.api.auth import GuardedRoute, require_scope
from app.api.deps import Models, Sessions
from app.api.responses import BODY_ERRORS, ERROR_RESPONSES, error_responses
from app.api.scoring import service
from app.api.scoring.schemas import LookalikeRequest, LookalikeResult, ModelOut

router = APIRouter(
    route_class=GuardedRoute,
    tags=["scoring"],
    dependencies=[Depends(require_scope("read"))],
    responses={
        **ERROR_RESPONSES,
        **error_responses({409: "`not_enough_outcomes`: no model yet, too few outcomes"}),
    },
)


@router.post("/v1/lookalike", responses=BODY_ERRORS)
def lookalike(body: LookalikeRequest, sessions: Sessions, models: Models) -> LookalikeResult:
    """Is this lead like our won customers? By customer id, address, or texts (not stored)."""
    with sessions() as session:
        return service.score_lead(session, models.lookalike, models.embedder, body)


@router.get("/v1/model")
def model(sessions: Sessions, models: Models) -> ModelOut:
    """The lookalike model in force: when it was trained, on what, and its CV ROC AUCs."""
    with sessions() as session:
        return service.describe_model(session, models.lookalike)
