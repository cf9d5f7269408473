"""The web app: the REST API and the dashboard on one store, one key file and one set of
background runners."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from app.api.body_limit import install_body_limit
from app.api.routes import install_api
from app.db.session import open_store
from app.loaded_models import LoadedModels
from app.metrics import Metrics
from app.secret_box import SecretBox
from app.settings import Settings
from app.ui import router as ui_router
from app.workers import EnrichmentTrigger, SyncTrigger, WebhookTrigger
from app.workers.enrichment import EnrichmentRunner


def create_app(
    settings: Settings,
    *,
    sync: SyncTrigger | None = None,
    enrichment: EnrichmentTrigger | None = None,
    models: LoadedModels | None = None,
    metrics: Metrics | None = None,
    webhooks: WebhookTrigger | None = None,
) -> FastAPI:
    """The leadlens web app (API and dashboard) for ``settings``; raises a LeadlensError,
    before anything starts, when the store cannot be used (DatabaseUrlError,
    DatabaseUnreachableError, DatabaseNotMigratedError) or the secret key cannot be read
    (SecretKeyError).

    ``sync`` is the runner that mailbox endpoints ask to sync (or forget) a mailbox after
    their transaction commits; without one they only store, and whatever process runs the
    sync picks the changes up. ``enrichment`` is what outcome changes wake and
    `POST /v1/rebuild` asks (default: an enrichment runner of this app, not started, whose
    rebuilds run in a thread of their own); ``models`` are the models the endpoints answer
    with, to be shared with a runner of the same process (default: new ones, loaded on
    first use). ``webhooks`` is the sender that a replayed delivery or a
    re-enabled endpoint wakes (without one, the next periodic send picks them up). Every
    endpoint except ``/healthz`` and the OpenAPI
    documentation (``/docs``, ``/redoc``, ``/openapi.json``: the schema, no data, served
    with no network) needs an API key; the dashboard under ``/ui`` takes one at
    ``/ui/login`` and keeps it in a cookie. A request body over
    ``settings.max_request_bytes`` is answered 413 before it is read. The
    database engine is disposed when the application shuts down. ``GET /metrics`` shows
    ``metrics`` (default: a new registry, which the default runner records into) with the
    store's gauges added.
    """
    store = open_store(settings.database_url)
    secrets = SecretBox.from_settings(settings)
    try:
        secrets.check()
    except BaseException:
        store.close()
        raise

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        store.close()

    app = FastAPI(
        title="leadlens", version="0.1.0", lifespan=lifespan, docs_url=None, redoc_url=None
    )
    app.state.settings = settings
    app.state.sessions = store.sessions
    app.state.secrets = secrets
    app.state.sync = sync
    app.state.webhooks = webhooks
    app.state.models = models or LoadedModels(settings)
    app.state.metrics = metrics or Metrics()
    app.state.enrichment = enrichment or EnrichmentRunner(
        settings, store.sessions, app.state.models, app.state.metrics
    )
    app.state.metrics.watch_store(app.state.sessions)
    install_api(app)
    app.include_router(ui_router)
    install_body_limit(app, settings.max_request_bytes)
    return app
