"""Fixtures of the API tests: the real app on a fresh database, API keys, dovecot, the runner."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from app.apikeys import SCOPES, create_api_key
from app.secret_box import SecretBox
from app.settings import Settings
from app.web import create_app
from app.workers.runner import SyncRunner
from tests.demo_store import (  # noqa: F401
    demo_client,
    demo_keys,
    demo_runner,
    demo_sessions,
    demo_settings,
    demo_template,
)
from tests.servers.dovecot import dovecot, dovecot_server, imap_account  # noqa: F401
from tests.servers.receiver import webhook_receiver  # noqa: F401


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    """Settings for the test's database; the key file is generated (beside a SQLite file)."""
    key_file = None if database_url.startswith("sqlite") else tmp_path / "leadlens.key"
    return Settings(
        database_url=database_url,
        secret_key=None,
        secret_key_file=key_file,
        _env_file=None,  # type: ignore[call-arg]
    )


@pytest.fixture
def runner(settings: Settings, sessions: sessionmaker[Session]) -> Iterator[SyncRunner]:
    """The real sync runner the app is given, not started: requests to it do nothing.

    Tests that watch mail arrive start it themselves (tests/api/test_mailbox_sync.py).
    """
    sync_runner = SyncRunner(settings, sessions, SecretBox.from_settings(settings))
    yield sync_runner
    sync_runner.stop()


@pytest.fixture
def client(settings: Settings, runner: SyncRunner) -> Iterator[TestClient]:
    """The real ASGI app, started (lifespan) and stopped around the test."""
    with TestClient(create_app(settings, sync=runner)) as test_client:
        yield test_client


@pytest.fixture
def keys(sessions: sessionmaker[Session]) -> dict[str, str]:
    """One live API key per scope: ``{"read": "ll_...", "write": ..., "admin": ...}``."""
    with sessions.begin() as session:
        return {scope: create_api_key(session, scope, f"test {scope}")[1] for scope in SCOPES}


def bearer(key: str) -> dict[str, str]:
    """The Authorization header that carries ``key``."""
    return {"Authorization": f"Bearer {key}"}


@pytest.fixture
def admin(keys: dict[str, str]) -> dict[str, str]:
    """Headers with the admin key."""
    return bearer(keys["admin"])
