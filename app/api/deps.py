"""What endpoints take from the application: the session factory, the secret box, the runner."""

from __future__ import annotations

from typing import Annotated, cast

from fastapi import Depends, Request
from sqlalchemy.orm import Session, sessionmaker

from app.secret_box import SecretBox
from app.workers import SyncTrigger, WebhookTrigger
from app.workers.enrichment import EnrichmentRunner


def get_sessions(request: Request) -> sessionmaker[Session]:
    """The application's session factory; an endpoint opens (and commits) its own transaction."""
    return cast(sessionmaker[Session], request.app.state.sessions)


def get_secrets(request: Request) -> SecretBox:
    """The box that encrypts mailbox secrets."""
    return cast(SecretBox, request.app.state.secrets)


def get_sync(request: Request) -> SyncTrigger | None:
    """The sync runner of this process, or None when it runs without one."""
    return cast(SyncTrigger | None, request.app.state.sync)


def get_enrichment(request: Request) -> EnrichmentRunner:
    """The enrichment runner of this process (it owns the sentence model)."""
    return cast(EnrichmentRunner, request.app.state.enrichment)


def get_webhooks(request: Request) -> WebhookTrigger | None:
    """The webhook sender of this process, or None when it runs without one."""
    return cast(WebhookTrigger | None, request.app.state.webhooks)


Sessions = Annotated[sessionmaker[Session], Depends(get_sessions)]
Secrets = Annotated[SecretBox, Depends(get_secrets)]
Sync = Annotated[SyncTrigger | None, Depends(get_sync)]
Enrichment = Annotated[EnrichmentRunner, Depends(get_enrichment)]
Webhooks = Annotated[WebhookTrigger | None, Depends(get_webhooks)]
