"""What endpoints take from the application: the session factory, the secret box, the
models, and the runners to wake."""

from __future__ import annotations

from typing import Annotated, cast

from fastapi import Depends, Request
from sqlalchemy.orm import Session, sessionmaker

from app.loaded_models import LoadedModels
from app.secret_box import SecretBox
from app.workers import EnrichmentTrigger, SyncTrigger, WebhookTrigger


def get_sessions(request: Request) -> sessionmaker[Session]:
    """The application's session factory; an endpoint opens (and commits) its own transaction."""
    return cast(sessionmaker[Session], request.app.state.sessions)


def get_secrets(request: Request) -> SecretBox:
    """The box that encrypts mailbox secrets."""
    return cast(SecretBox, request.app.state.secrets)


def get_sync(request: Request) -> SyncTrigger | None:
    """The sync runner of this process, or None when it runs without one."""
    return cast(SyncTrigger | None, request.app.state.sync)


def get_enrichment(request: Request) -> EnrichmentTrigger:
    """What enriches and profiles for this process: its runner, or the workers' queue."""
    return cast(EnrichmentTrigger, request.app.state.enrichment)


def get_models(request: Request) -> LoadedModels:
    """The models of this process (the sentence model, the lookalike model in force)."""
    return cast(LoadedModels, request.app.state.models)


def get_webhooks(request: Request) -> WebhookTrigger | None:
    """The webhook sender of this process, or None when it runs without one."""
    return cast(WebhookTrigger | None, request.app.state.webhooks)


Sessions = Annotated[sessionmaker[Session], Depends(get_sessions)]
Secrets = Annotated[SecretBox, Depends(get_secrets)]
Sync = Annotated[SyncTrigger | None, Depends(get_sync)]
Enrichment = Annotated[EnrichmentTrigger, Depends(get_enrichment)]
Models = Annotated[LoadedModels, Depends(get_models)]
Webhooks = Annotated[WebhookTrigger | None, Depends(get_webhooks)]
