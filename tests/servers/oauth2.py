"""A small, real OAuth2 authorisation server on 127.0.0.1 for tests (a fake of the provider,
a boundary leadlens does not own).

It issues grants (``issue_grant``) and serves, over HTTP:

- ``POST /token``: the refresh grant (RFC 6749 §6) with rotation (a new refresh token each
  time, the old one refused from then on), the authorisation code grant with PKCE
  (RFC 6749 §4.1.3, RFC 7636 §4.6) and the device code grant (RFC 8628 §3.4-3.5);
  ``invalid_grant`` for a revoked, rotated-away or unknown grant;
- ``GET /authorize``: approves at once for ``user`` and redirects to the loopback
  ``redirect_uri`` with the code (the test plays the browser by opening it);
- ``POST /device``: the device authorisation (RFC 8628 §3.1-3.2); ``approve_device`` is the
  user typing the code in.

Access tokens expire ``lifetime`` seconds after they are issued; :meth:`user_of` is the
introspection dovecot's oauth2 passdb asks (see ``DovecotServer.trust``): the user of a
live token, None for an expired or unknown one. ``fail_with`` makes ``/token`` answer an
HTTP error (the endpoint is down). Every request to ``/token`` is counted by grant type.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

HOST = "127.0.0.1"
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"


@dataclass
class Grant:
    """One authorisation: whose mail, for which client, and its current refresh token."""

    user: str
    client_id: str
    refresh_token: str
    scopes: tuple[str, ...] = ()
    revoked: bool = False


@dataclass
class _Pending:
    """An authorisation code or a device code waiting to be exchanged."""

    client_id: str
    scopes: tuple[str, ...]
    user: str | None = None
    redirect_uri: str | None = None
    challenge: str | None = None
    user_code: str | None = None
    expires_at: float = field(default_factory=lambda: time.monotonic() + 600)
    polls: int = 0


class OAuth2Server(ThreadingHTTPServer):
    """The authorisation server; its state is read and changed by the test (thread-safe)."""

    daemon_threads = True

    def __init__(self, *, lifetime: float = 3600.0, rotate: bool = True) -> None:
        super().__init__((HOST, 0), _Handler)
        self.lifetime = lifetime
        self.rotate = rotate
        self.clients: dict[str, str | None] = {}
        self.grants: dict[str, Grant] = {}  # by refresh token (the current one)
        self.retired: set[str] = set()  # refresh tokens rotated away
        self.access: dict[str, tuple[str, float]] = {}  # token -> (user, expires monotonic)
        self.codes: dict[str, _Pending] = {}
        self.devices: dict[str, _Pending] = {}
        self.requests: Counter[str] = Counter()
        self.failing: int | None = None
        self.user: str | None = None  # who approves at /authorize
        self.lock = threading.Lock()
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return f"http://{HOST}:{self.server_address[1]}"

    @property
    def token_endpoint(self) -> str:
        """The token endpoint's URL."""
        return f"{self.base_url}/token"

    def start(self) -> None:
        """Serve in a background thread."""
        self._thread.start()

    def close(self) -> None:
        """Stop serving and free the port."""
        self.shutdown()
        self.server_close()
        self._thread.join()

    def add_client(self, client_id: str, client_secret: str | None = None) -> None:
        """Register a client: confidential with ``client_secret``, else public."""
        self.clients[client_id] = client_secret

    def issue_grant(self, user: str, client_id: str, scopes: tuple[str, ...] = ()) -> str:
        """A new grant for ``user``; returns its refresh token."""
        with self.lock:
            return self._new_grant(user, client_id, scopes)

    def revoke(self, user: str) -> None:
        """Revoke every grant of ``user`` and expire its access tokens."""
        with self.lock:
            for grant in self.grants.values():
                if grant.user == user:
                    grant.revoked = True
            self._expire(user)

    def expire_access_tokens(self, user: str) -> None:
        """Make every access token of ``user`` expire now (the IMAP server refuses them)."""
        with self.lock:
            self._expire(user)

    def expires_in(self, token: str) -> float:
        """Seconds until ``token`` expires (negative once it has; -inf for unknown ones)."""
        with self.lock:
            found = self.access.get(token)
        return float("-inf") if found is None else found[1] - time.monotonic()

    def user_of(self, token: str) -> str | None:
        """Introspection (RFC 7662): the user of a live access token, else None."""
        with self.lock:
            found = self.access.get(token)
        if found is None or found[1] <= time.monotonic():
            return None
        return found[0]

    def current_refresh_token(self, user: str) -> str:
        """The refresh token of ``user``'s live grant."""
        with self.lock:
            return next(t for t, g in self.grants.items() if g.user == user and not g.revoked)

    def fail_with(self, status: int | None) -> None:
        """Answer every ``/token`` request with HTTP ``status`` (None: work again)."""
        self.failing = status

    def approve_device(self, user_code: str, user: str) -> None:
        """The user enters ``user_code`` at the verification URI and approves."""
        with self.lock:
            pending = next(p for p in self.devices.values() if p.user_code == user_code)
            pending.user = user

    def _new_grant(self, user: str, client_id: str, scopes: tuple[str, ...]) -> str:
        token = "rt-" + secrets.token_urlsafe(24)
        self.grants[token] = Grant(user, client_id, token, scopes)
        return token

    def _expire(self, user: str) -> None:
        for token, (owner, _expires) in list(self.access.items()):
            if owner == user:
                self.access[token] = (owner, time.monotonic() - 1)

    def token_answer(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        """The answer of ``/token`` to ``form`` (called by the handler)."""
        grant_type = form.get("grant_type", "")
        with self.lock:
            self.requests[grant_type] += 1
            if self.failing is not None:
                return self.failing, {"error": "temporarily_unavailable"}
            client_id = form.get("client_id", "")
            if client_id not in self.clients or self.clients[client_id] != form.get(
                "client_secret"
            ):
                return 401, {"error": "invalid_client"}
            if grant_type == "refresh_token":
                return self._refresh(client_id, form.get("refresh_token", ""))
            if grant_type == "authorization_code":
                return self._exchange_code(client_id, form)
            if grant_type == DEVICE_GRANT:
                return self._device_token(client_id, form.get("device_code", ""))
            return 400, {"error": "unsupported_grant_type"}

    def _tokens(self, grant: Grant, refresh_token: str | None) -> tuple[int, dict[str, Any]]:
        access = "at-" + secrets.token_urlsafe(24)
        self.access[access] = (grant.user, time.monotonic() + self.lifetime)
        answer: dict[str, Any] = {
            "access_token": access,
            "token_type": "Bearer",
            "expires_in": self.lifetime,
            "scope": " ".join(grant.scopes),
        }
        if refresh_token is not None:
            answer["refresh_token"] = refresh_token
        return 200, answer

    def _refresh(self, client_id: str, refresh_token: str) -> tuple[int, dict[str, Any]]:
        grant = self.grants.get(refresh_token)
        if grant is None or grant.revoked or grant.client_id != client_id:
            return 400, {"error": "invalid_grant", "error_description": "grant revoked"}
        if not self.rotate:
            return self._tokens(grant, None)
        del self.grants[refresh_token]
        self.retired.add(refresh_token)
        grant.refresh_token = "rt-" + secrets.token_urlsafe(24)
        self.grants[grant.refresh_token] = grant
        return self._tokens(grant, grant.refresh_token)

    def _exchange_code(self, client_id: str, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        pending = self.codes.pop(form.get("code", ""), None)
        if pending is None or pending.client_id != client_id or pending.user is None:
            return 400, {"error": "invalid_grant", "error_description": "unknown code"}
        if form.get("redirect_uri") != pending.redirect_uri:
            return 400, {"error": "invalid_grant", "error_description": "redirect_uri differs"}
        verifier = form.get("code_verifier", "").encode()
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier).digest()).rstrip(b"=")
        if challenge.decode() != pending.challenge:
            return 400, {"error": "invalid_grant", "error_description": "PKCE check failed"}
        token = self._new_grant(pending.user, client_id, pending.scopes)
        return self._tokens(self.grants[token], token)

    def _device_token(self, client_id: str, device_code: str) -> tuple[int, dict[str, Any]]:
        pending = self.devices.get(device_code)
        if pending is None or pending.client_id != client_id:
            return 400, {"error": "invalid_grant"}
        if pending.expires_at <= time.monotonic():
            return 400, {"error": "expired_token"}
        pending.polls += 1
        if pending.user is None:
            return 400, {"error": "authorization_pending"}
        del self.devices[device_code]
        token = self._new_grant(pending.user, client_id, pending.scopes)
        return self._tokens(self.grants[token], token)

    def authorize(self, query: dict[str, str]) -> str:
        """The redirect ``/authorize`` answers with (approved for ``user``)."""
        with self.lock:
            assert query.get("response_type") == "code", query
            assert query.get("code_challenge_method") == "S256", query
            assert self.user is not None, "set OAuth2Server.user first"
            code = "code-" + secrets.token_urlsafe(16)
            self.codes[code] = _Pending(
                client_id=query["client_id"],
                scopes=tuple(query.get("scope", "").split()),
                user=self.user,
                redirect_uri=query["redirect_uri"],
                challenge=query["code_challenge"],
            )
        return f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query['state']})}"

    def device_authorization(
        self, form: dict[str, str], *, interval: float, expires_in: float
    ) -> dict[str, Any]:
        """The answer of ``/device`` (RFC 8628 §3.2)."""
        with self.lock:
            device_code = "dc-" + secrets.token_urlsafe(16)
            user_code = f"{secrets.randbelow(10**8):08d}"
            self.devices[device_code] = _Pending(
                client_id=form.get("client_id", ""),
                scopes=tuple(form.get("scope", "").split()),
                user_code=user_code,
                expires_at=time.monotonic() + expires_in,
            )
        return {
            "device_code": device_code,
            "user_code": user_code,
            "verification_uri": f"{self.base_url}/device/verify",
            "expires_in": expires_in,
            "interval": interval,
        }

    device_grant = DEVICE_GRANT
    device_interval: float = 0.05
    device_expires_in: float = 600.0


class _Handler(BaseHTTPRequestHandler):
    server: OAuth2Server

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
        path = urlsplit(self.path).path
        if path == "/token":
            status, answer = self.server.token_answer(form)
        elif path == "/device":
            status, answer = (
                200,
                self.server.device_authorization(
                    form,
                    interval=self.server.device_interval,
                    expires_in=self.server.device_expires_in,
                ),
            )
        else:
            status, answer = 404, {"error": "not_found"}
        body = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        if parts.path != "/authorize":
            self.send_error(404)
            return
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        self.send_response(302)
        self.send_header("Location", self.server.authorize(query))
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        """Keep pytest's output clean."""


@pytest.fixture
def oauth2_server() -> Iterator[OAuth2Server]:
    """A running authorisation server with one confidential client ``leadlens-test``
    (secret ``client-secret-of-the-test``) and one public client ``leadlens-public``."""
    server = OAuth2Server()
    server.add_client("leadlens-test", "client-secret-of-the-test")
    server.add_client("leadlens-public")
    server.start()
    try:
        yield server
    finally:
        server.close()
