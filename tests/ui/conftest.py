"""Fixtures of the dashboard tests: the demo store (copied per test), its keys as plain text,
an empty store, a headless Chromium."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from fastapi.testclient import TestClient

from app.apikeys import create_api_key
from app.db.session import create_db_engine, session_factory
from app.web import create_app
from tests.conftest import skip_or_fail
from tests.demo_store import (  # noqa: F401
    demo_client,
    demo_keys,
    demo_runner,
    demo_sessions,
    demo_settings,
    demo_settings_for,
    demo_template,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless, driven by Playwright (skips locally without them)."""
    if not CHROMIUM.exists():
        skip_or_fail(f"Chromium is not installed at {CHROMIUM} (Debian package `chromium`)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("the `playwright` package is not installed (pip install -e '.[dev]')")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


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
