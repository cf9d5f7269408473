"""Fixtures of the webhook tests: the real app on a fresh store with the in-process sender
started (tiny retry delays), a local receiver, API keys, and customers to change."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app.apikeys import create_api_key
from app.db.tables import Customer, WebhookDelivery, WebhookEvent
from app.db.types import utcnow
from app.secret_box import SecretBox
from app.settings import Settings
from app.web import create_app
from app.workers.webhooks import WebhookSender
from tests.servers.receiver import webhook_receiver
from tests.servers.redis import redis_server, redis_url

__all__ = ["redis_server", "redis_url", "webhook_receiver"]

# retries after 50 ms, three times: a failing receiver exhausts them in well under a second
FAST_RETRIES = [0.05, 0.05, 0.05]


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    """Settings for the test's database, with fast sends and retries: the shipped pause
    between sends and retry schedule (seconds to hours) would make each test wait that long."""
    return Settings(
        database_url=database_url,
        secret_key="webhook-test-secret",
        webhook_send_interval_seconds=0.05,
        webhook_retry_schedule=FAST_RETRIES,
        _env_file=None,  # type: ignore[call-arg]
    )


@pytest.fixture
def sender(settings: Settings, sessions: sessionmaker[Session]) -> Iterator[WebhookSender]:
    """The in-process webhook sender, started; stopped after the test."""
    running = WebhookSender(settings, sessions, SecretBox.from_settings(settings))
    running.start()
    yield running
    running.stop()


@pytest.fixture
def client(settings: Settings, sender: WebhookSender) -> Iterator[TestClient]:
    """The real ASGI app with the sender, started and stopped around the test."""
    with TestClient(create_app(settings, webhooks=sender)) as test_client:
        yield test_client


@pytest.fixture
def admin(sessions: sessionmaker[Session]) -> dict[str, str]:
    """Headers with an admin key."""
    with sessions.begin() as session:
        key = create_api_key(session, "admin", "webhook tests")[1]
    return {"Authorization": f"Bearer {key}"}


def add_customers(sessions: sessionmaker[Session], count: int) -> list[str]:
    """``count`` profiled customers (ids in creation order), as profiles leave them."""
    ids = [f"cus_{n:026d}" for n in range(count)]
    with sessions.begin() as session:
        for n, customer_id in enumerate(ids):
            session.add(
                Customer(
                    id=customer_id,
                    key=f"buyer{n}.example",
                    kind="organization",
                    name=f"Buyer {n}",
                    profile_dirty=False,
                    profiled_at=utcnow(),
                    stage="inquiry",
                    inbound=n + 1,
                    outbound=n,
                )
            )
    return ids


def subscribe(
    client: TestClient, admin: dict[str, str], url: str, events: list[str] | None = None
) -> dict[str, Any]:
    """Add an endpoint for ``events`` (default: outcome changes) and return the answer."""
    body = {"url": url, "events": events or ["customer.outcome_changed"]}
    response = client.post("/v1/webhooks", json=body, headers=admin)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def outbox_counts(sessions: sessionmaker[Session]) -> tuple[int, int]:
    """(events, deliveries) in the outbox."""
    with sessions() as session:
        events = session.scalar(select(func.count()).select_from(WebhookEvent)) or 0
        deliveries = session.scalar(select(func.count()).select_from(WebhookDelivery)) or 0
    return events, deliveries


def set_outcome(client: TestClient, admin: dict[str, str], customer_id: str, outcome: str) -> None:
    """PUT the outcome through the API (fails the test unless 200)."""
    response = client.put(
        f"/v1/customers/{customer_id}/outcome", json={"outcome": outcome}, headers=admin
    )
    assert response.status_code == 200, response.text
