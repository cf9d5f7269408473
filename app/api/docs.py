"""The API documentation pages, served with no network: ``/docs`` (Swagger UI) and
``/redoc`` (ReDoc) load their JavaScript, CSS and icon from files installed with leadlens
(the ``fastapi-offline`` package's copies of swagger-ui-dist and ReDoc), never from a CDN."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS_URL = "/docs/assets"
# ReDoc's menu always shows an <img> of Redocly's logo from their CDN (hidden when it fails
# to load): images from elsewhere than this server are not even requested.
_IMAGES_FROM_HERE = {"Content-Security-Policy": "img-src 'self' data:"}


def assets_folder() -> Path:
    """The installed folder holding ``swagger-ui-bundle.js``, ``swagger-ui.css``,
    ``redoc.standalone.js`` and ``favicon.png``."""
    return Path(str(files("fastapi_offline") / "static"))


def install_docs(app: FastAPI) -> None:
    """Serve ``/docs`` and ``/redoc`` for ``app`` (created with ``docs_url=None`` and
    ``redoc_url=None``) from the installed assets under ``/docs/assets``. Like the schema
    at ``/openapi.json``, they need no API key: they show the API, no data."""
    app.mount(ASSETS_URL, StaticFiles(directory=assets_folder()), name="docs-assets")
    schema_url = app.openapi_url or "/openapi.json"

    @app.get("/docs", include_in_schema=False)
    def swagger_ui(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        page = get_swagger_ui_html(
            openapi_url=f"{root}{schema_url}",
            title=f"{app.title} API",
            swagger_js_url=f"{root}{ASSETS_URL}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{ASSETS_URL}/swagger-ui.css",
            swagger_favicon_url=f"{root}{ASSETS_URL}/favicon.png",
            # the validator badge would fetch an image from swagger.io
            swagger_ui_parameters={"validatorUrl": None},
        )
        page.headers.update(_IMAGES_FROM_HERE)
        return page

    @app.get("/redoc", include_in_schema=False)
    def redoc(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        page = get_redoc_html(
            openapi_url=f"{root}{schema_url}",
            title=f"{app.title} API",
            redoc_js_url=f"{root}{ASSETS_URL}/redoc.standalone.js",
            redoc_favicon_url=f"{root}{ASSETS_URL}/favicon.png",
            with_google_fonts=False,
        )
        page.headers.update(_IMAGES_FROM_HERE)
        return page
