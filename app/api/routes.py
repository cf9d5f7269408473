"""The REST API's surface: every ``/v1`` router, ``/metrics``, ``/healthz``, the OpenAPI
documentation and the error handlers, mounted on the web app by :func:`install_api`."""

from __future__ import annotations

from fastapi import FastAPI

from app.api.analytics.endpoints import router as analytics_router
from app.api.contacts.endpoints import router as contacts_router
from app.api.customers.endpoints import router as customers_router
from app.api.docs import install_docs
from app.api.errors import install_error_handlers
from app.api.mailboxes.endpoints import router as mailboxes_router
from app.api.operations.endpoints import router as operations_router
from app.api.operations.metrics import router as metrics_router
from app.api.scoring.endpoints import router as scoring_router
from app.api.tags.endpoints import router as tags_router
from app.api.webhooks.endpoints import router as webhooks_router

ROUTERS = (
    mailboxes_router,
    customers_router,
    scoring_router,
    tags_router,
    analytics_router,
    contacts_router,
    webhooks_router,
    operations_router,
    metrics_router,
)


def install_api(app: FastAPI) -> None:
    """Mount the API on ``app``: its routes answer errors in the SPEC's ``{"error",
    "detail"}`` shape, every route but ``/healthz`` and the documentation (``/docs``,
    ``/redoc``, ``/openapi.json``) needs an API key."""
    install_error_handlers(app)
    install_docs(app)

    @app.get("/healthz", tags=["operations"])
    def healthz() -> dict[str, str]:
        """Liveness: answers without authentication while the process runs."""
        return {"status": "ok"}

    for router in ROUTERS:
        app.include_router(router)
