"""``GET /metrics``: task durations, mail counters and the store's gauges, for Prometheus."""

from __future__ import annotations

from typing import cast

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from app.api.auth import GuardedRoute, require_scope
from app.api.responses import error_responses
from app.metrics import CONTENT_TYPE, Metrics

router = APIRouter(
    route_class=GuardedRoute,
    tags=["operations"],
    responses=error_responses(
        {
            401: "`unauthorized`: no API key, or an unknown or revoked one",
            403: "`forbidden`: the key's scope is too small",
            422: "`invalid_request`: a query parameter (it takes none)",
        }
    ),
)


@router.get(
    "/metrics",
    # a plain Response: the error bodies are JSON, only the 200 is the text format
    response_class=Response,
    responses={
        200: {
            "description": "The Prometheus text format 0.0.4.",
            "content": {CONTENT_TYPE: {"schema": {"type": "string"}}},
        }
    },
    dependencies=[Depends(require_scope("read"))],
)
def get_metrics(request: Request) -> Response:
    """The metrics in the Prometheus text format 0.0.4: task durations and mail ingested
    (this process's in embedded mode; with a broker, the totals of every worker, the same
    series on every API replica), this process's resources, and the store's counts read now
    (messages, quarantine, enrichment backlog, stale profiles, customers by outcome, each
    IMAP mailbox's state and sync lag)."""
    metrics = cast(Metrics, request.app.state.metrics)
    return Response(content=metrics.exposition(), media_type=CONTENT_TYPE)
