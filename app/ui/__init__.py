"""The web dashboard under ``/ui``: server-rendered pages with charts drawn as inline SVG."""

from app.ui.routes import router

__all__ = ["router"]
