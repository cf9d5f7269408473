"""Sign-in, rendering and form reading shared by the dashboard's pages.

The browser signs in once with an API key; the key then travels in an HttpOnly,
``SameSite=Strict`` cookie scoped to ``/ui`` and is checked on every request with the same
code as the JSON API (:func:`app.apikeys.authenticate`), so a revoked key stops working at
once. ``SameSite=Strict`` also keeps other sites from posting forms on the user's behalf.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from app.api.deps import get_sessions
from app.apikeys import Scope, authenticate, scope_allows
from app.ui import _format

COOKIE = "leadlens_ui_key"
LOGIN_PATH = "/ui/login"
MAX_FORM_BYTES = 8_192
_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}

_templates = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_templates.filters.update(
    percent=_format.percent,
    days=_format.days,
    score=_format.score,
    day=_format.day,
    moment=_format.moment,
    label=_format.label,
)


@dataclass(frozen=True, slots=True)
class Viewer:
    """The signed-in API key: its id, name and scope."""

    key_id: str
    name: str | None
    scope: str

    def can(self, needed: Scope) -> bool:
        """True when this key's scope covers ``needed`` (read < write < admin)."""
        return scope_allows(self.scope, needed)


def check_key(request: Request, key: str) -> Viewer | None:
    """The live API key ``key`` as a :class:`Viewer`, or None when unknown or revoked."""
    with get_sessions(request).begin() as session:
        api_key = authenticate(session, key)
        if api_key is None:
            return None
        return Viewer(key_id=api_key.id, name=api_key.name, scope=api_key.scope)


def viewer_of(request: Request) -> Viewer | None:
    """Who is signed in: the key in the cookie, checked now; None without a live one."""
    key = request.cookies.get(COOKIE)
    return None if not key else check_key(request, key)


def to_login(request: Request) -> RedirectResponse:
    """A redirect to the sign-in form that comes back to this page afterwards."""
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"{LOGIN_PATH}?next={quote(target, safe='')}", status_code=303)


def safe_next(target: str | None) -> str:
    """``target`` when it is a dashboard path of this site, else ``/ui`` (no open redirect)."""
    if not target or "\\" in target or any(ord(c) < 32 for c in target):
        return "/ui"
    return target if target == "/ui" or target.startswith(("/ui/", "/ui?")) else "/ui"


def sign_in(response: RedirectResponse, request: Request, key: str) -> RedirectResponse:
    """Set the cookie that carries ``key`` (HttpOnly, SameSite=Strict, Secure over HTTPS)."""
    response.set_cookie(
        COOKIE,
        key,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        path="/ui",
    )
    return response


def sign_out(response: RedirectResponse) -> RedirectResponse:
    """Delete the sign-in cookie."""
    response.delete_cookie(COOKIE, path="/ui", httponly=True, samesite="strict")
    return response


def render(
    template: str,
    *,
    viewer: Viewer | None,
    http_status: int = 200,
    **context: Any,
) -> HTMLResponse:
    """The page ``template`` rendered with ``context`` (and ``viewer`` for the nav bar),
    answered with ``http_status``."""
    html = _templates.get_template(template).render(viewer=viewer, **context)
    return HTMLResponse(html, status_code=http_status, headers=_HEADERS)


def message_page(
    viewer: Viewer | None, status: int, title: str, detail: str, *, active: str = ""
) -> HTMLResponse:
    """A page that only says what went wrong (a bad filter, an unknown id, a missing scope)."""
    return render(
        "message.html",
        viewer=viewer,
        http_status=status,
        title=title,
        detail=detail,
        active=active,
    )


class FormTooLargeError(ValueError):
    """A posted form is larger than ``MAX_FORM_BYTES``."""


async def read_form(request: Request) -> Mapping[str, str]:
    """The fields of an ``application/x-www-form-urlencoded`` body (the last of repeated
    names wins); raises FormTooLargeError past ``MAX_FORM_BYTES``. Other bodies read as
    no fields."""
    if not request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        return {}
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > MAX_FORM_BYTES:
            raise FormTooLargeError(f"a form may hold at most {MAX_FORM_BYTES} bytes")
    text = body.decode("utf-8", errors="replace")
    return dict(parse_qsl(text, keep_blank_values=True))
