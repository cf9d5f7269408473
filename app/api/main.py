"""The FastAPI application factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from app.api.analytics.endpoints import router as analytics_router
from app.api.body_limit import install_body_limit
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
from app.db.migrations import ensure_migrated
from app.db.session import create_db_engine, session_factory
from app.metrics import Metrics
from app.secrets import SecretBox
from app.settings import Settings
from app.ui import router as ui_router
from app.workers import SyncTrigger, WebhookTrigger
from app.workers.enrichment import EnrichmentRunner


def create_app(
    settings: Settings,
    *,
    sync: SyncTrigger | None = None,
    enrichment: EnrichmentRunner | None = None,
    metrics: Metrics | None = None,
    webhooks: WebhookTrigger | None = None,
) -> FastAPI:
    """The leadlens API for ``settings``; raises a LeadlensError, before anything starts,
    when the store cannot be used (DatabaseUrlError, DatabaseUnreachableError,
    DatabaseNotMigratedError) or the secret key cannot be read (SecretKeyError).

    ``sync`` is the runner that mailbox endpoints ask to sync (or forget) a mailbox after
    their transaction commits; without one they only store, and whatever process runs the
    sync picks the changes up. ``webhooks`` is the sender that a replayed delivery or a
    re-enabled endpoint wakes (without one, the next periodic send picks them up). Every
    endpoint except ``/healthz`` and the OpenAPI
    documentation (``/docs``, ``/redoc``, ``/openapi.json``: the schema, no data, served
    with no network) needs an API key; the dashboard under ``/ui`` takes one at
    ``/ui/login`` and keeps it in a cookie. A request body over
    ``settings.max_request_bytes`` is answered 413 before it is read. The
    database engine is disposed when the application shuts down. ``GET /metrics`` shows
    ``metrics`` (default: the enrichment runner's) with the store's gauges added.
    """
    engine = create_db_engine(settings.database_url)
    secrets = SecretBox.from_settings(settings)
    try:
        ensure_migrated(engine)
        secrets.check()
    except BaseException:
        engine.dispose()
        raise

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        engine.dispose()

    app = FastAPI(
        title="leadlens", version="0.1.0", lifespan=lifespan, docs_url=None, redoc_url=None
    )
    app.state.settings = settings
    app.state.sessions = session_factory(engine)
    app.state.secrets = secrets
    app.state.sync = sync
    app.state.webhooks = webhooks
    app.state.enrichment = enrichment or EnrichmentRunner(
        settings, app.state.sessions, metrics=metrics
    )
    app.state.metrics = metrics or app.state.enrichment.metrics
    app.state.metrics.watch_store(app.state.sessions)
    install_error_handlers(app)
    install_docs(app)

    @app.get("/healthz", tags=["operations"])
    def healthz() -> dict[str, str]:
        """Liveness: answers without authentication while the process runs."""
        return {"status": "ok"}

    app.include_router(mailboxes_router)
    app.include_router(customers_router)
    app.include_router(scoring_router)
    app.include_router(tags_router)
    app.include_router(analytics_router)
    app.include_router(contacts_router)
    app.include_router(webhooks_router)
    app.include_router(operations_router)
    app.include_router(metrics_router)
    app.include_router(ui_router)
    install_body_limit(app, settings.max_request_bytes)
    return app
