"""``/docs`` (Swagger UI) and ``/redoc`` render every operation in a real Chromium that can
reach nothing but 127.0.0.1: their scripts, styles and icon are installed with leadlens,
never fetched from a CDN, and no request to anywhere else is even attempted."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import httpx
import pytest

from app.web import create_app
from tests.demo_store import demo_settings_for
from tests.ui.helpers import serving

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Route


@pytest.fixture(scope="module")
def base_url(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The real app served by uvicorn on 127.0.0.1, on an empty migrated store."""
    path = tmp_path_factory.mktemp("docs") / "empty.db"
    shutil.copyfile(sqlite_template, path)
    with serving(create_app(demo_settings_for(path))) as url:
        yield url


@pytest.fixture
def offline(browser: Browser, base_url: str) -> Iterator[tuple[Page, list[str]]]:
    """A tab whose every request off 127.0.0.1 is aborted, and the list of those URLs."""
    context = browser.new_context(base_url=base_url)
    context.set_default_timeout(15_000)
    elsewhere: list[str] = []

    def only_here(route: Route) -> None:
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    context.route("**/*", only_here)
    yield context.new_page(), elsewhere
    context.close()


@pytest.fixture(scope="module")
def schema(base_url: str) -> dict[str, Any]:
    """The OpenAPI document the pages render, fetched without an API key."""
    response = httpx.get(f"{base_url}/openapi.json", timeout=30)
    assert response.status_code == 200
    document: dict[str, Any] = response.json()
    return document


def test_swagger_ui_renders_every_path_offline(
    offline: tuple[Page, list[str]], schema: dict[str, Any]
) -> None:
    from playwright.sync_api import expect

    page, elsewhere = offline
    page.goto("/docs")
    expect(page.locator('.opblock-summary-path[data-path="/v1/customers"]').first).to_be_visible()
    shown = set(
        page.locator(".opblock-summary-path").evaluate_all("es => es.map(e => e.dataset.path)")
    )
    assert shown == set(schema["paths"])
    expect(page.locator(".info .title")).to_contain_text("leadlens")
    assert elsewhere == []


def test_redoc_renders_the_operations_offline(
    offline: tuple[Page, list[str]], schema: dict[str, Any]
) -> None:
    from playwright.sync_api import expect

    page, elsewhere = offline
    page.goto("/redoc")
    expect(page.locator("h1")).to_have_text(f"leadlens ({schema['info']['version']})")
    summary = schema["paths"]["/v1/customers"]["get"]["summary"]
    expect(page.locator("h2", has_text=summary).first).to_be_visible()
    expect(page.get_by_text("/v1/customers", exact=True).first).to_be_attached()
    assert elsewhere == []
