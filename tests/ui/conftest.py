"""Fixtures of the dashboard tests: the demo store (copied per test), its keys as plain text,
an empty store."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.api.main import create_app
from app.apikeys import create_api_key
from app.db.session import create_db_engine, session_factory
from tests.demo_store import (  # noqa: F401
    demo_client,
    demo_keys,
    demo_runner,
    demo_sessions,
    demo_settings,
    demo_settings_for,
    demo_template,
)


@pytest.fixture
def plain_keys(demo_keys: dict[str, dict[str, str]]) -> dict[str, str]:  # noqa: F811
    """The demo store's keys as a browser user pastes them: ``{"read": "ll_...", ...}``."""
    return {
        scope: headers["Authorization"].removeprefix("Bearer ")
        for scope, headers in demo_keys.items()
    }


@pytest.fixture
def empty_client(sqlite_template: Path, tmp_path: Path) -> Iterator[tuple[TestClient, str]]:
    """The real app on an empty, migrated store, and an admin key of it."""
    path = tmp_path / "empty.db"
    shutil.copyfile(sqlite_template, path)
    settings = demo_settings_for(path)
    engine = create_db_engine(settings.database_url)
    with session_factory(engine).begin() as session:
        key = create_api_key(session, "admin", "empty")[1]
    engine.dispose()
    with TestClient(create_app(settings)) as client:
        yield client, key
