"""Sign-in, rendering and form reading shared by the dashboard's pages.

The browser signs in once with an API key; the key then travels in an HttpOnly,
``SameSite=Strict`` cookie scoped to ``/ui`` (``Secure`` when the page came over HTTPS) and
is checked on every request with the same code as the JSON API
(:func:`app.apikeys.authenticate`), so a revoked key stops working at once.

Other sites cannot post forms on the user's behalf: besides ``SameSite=Strict``, a posted
form must come from this site (:func:`from_this_site`: its ``Origin``, when the browser
sends one, names this host) and, once signed in, carry the session's token
(:func:`csrf_token`, a hidden field of every form), which only pages of this site show.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from app.api.deps import get_sessions
from app.apikeys import Scope, authenticate, scope_allows
from app.ui import _format

COOKIE = "leadlens_ui_key"
CSRF_FIELD = "csrf"
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


def csrf_token(key: str) -> str:
    """The token every form of a session signed in with ``key`` carries: an HMAC of a fixed
    label under the key, so it names the session without revealing the key."""
    return hmac.new(
        key.encode("utf-8", "surrogateescape"), b"leadlens ui form", hashlib.sha256
    ).hexdigest()


@dataclass(frozen=True, slots=True)
class Viewer:
    """The signed-in API key: its id, name and scope, and the token its forms carry."""

    key_id: str
    name: str | None
    scope: str
    csrf: str

    def can(self, needed: Scope) -> bool:
        """True when this key's scope covers ``needed`` (read < write < admin)."""
        return scope_allows(self.scope, needed)


def check_key(request: Request, key: str) -> Viewer | None:
    """The live API key ``key`` as a :class:`Viewer`, or None when unknown or revoked."""
    with get_sessions(request).begin() as session:
        api_key = authenticate(session, key)
        if api_key is None:
            return None
        return Viewer(
            key_id=api_key.id, name=api_key.name, scope=api_key.scope, csrf=csrf_token(key)
        )


def viewer_of(request: Request) -> Viewer | None:
    """Who is signed in: the key in the cookie, checked now; None without a live one."""
    key = request.cookies.get(COOKIE)
    return None if not key else check_key(request, key)


def from_this_site(request: Request) -> bool:
    """False for a request a browser says another site made: its ``Origin`` names another
    host (or is ``null``), or, without one, ``Sec-Fetch-Site`` says ``cross-site``."""
    origin = request.headers.get("origin")
    if origin is not None:
        return urlsplit(origin).netloc.lower() == request.headers.get("host", "").lower()
    return request.headers.get("sec-fetch-site") != "cross-site"


def carries_token(form: Mapping[str, str] | None, viewer: Viewer) -> bool:
    """True when a posted ``form`` holds the token of ``viewer``'s session."""
    sent = (form or {}).get(CSRF_FIELD, "")
    return hmac.compare_digest(sent.encode("utf-8", "surrogateescape"), viewer.csrf.encode())


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
