"""The two ways a person grants leadlens access to a mailbox, for `leadlens mailbox authorize`.

- :func:`loopback_flow`: the authorisation code flow with PKCE (RFC 6749 §4.1, RFC 7636)
  for a person at a terminal with a browser: the redirect goes to a one-request listener on
  127.0.0.1 and a free port (native apps, RFC 8252 §7.3 and §8.3).
- :func:`device_flow`: the device authorisation grant (RFC 8628) for a headless server: the
  person opens a URL anywhere and types a code; the token endpoint is polled meanwhile.

Both return the :class:`~app.oauth2.protocol.TokenSet` with its refresh token.
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from app.oauth2.client import TokenClient
from app.oauth2.protocol import (
    DeviceAuthorization,
    OAuth2Error,
    Pkce,
    TokenSet,
    authorization_url,
    next_poll_interval,
)

LOOPBACK = "127.0.0.1"
_DONE_PAGE = (
    b"<!doctype html><title>leadlens</title><p>Done: you can close this window and go back "
    b"to the terminal.</p>"
)


class FlowError(Exception):
    """The person did not complete the authorisation (timed out, refused, wrong state)."""


@dataclass(frozen=True, slots=True)
class Endpoints:
    """Where the authorisation server of a flow is, and the scopes asked for."""

    token: str
    authorization: str | None
    device: str | None
    scopes: Sequence[str]
    authorization_params: dict[str, str] = field(default_factory=dict)


class _Receiver(HTTPServer):
    """Receives the one redirect of the authorisation server on 127.0.0.1."""

    def __init__(self) -> None:
        super().__init__((LOOPBACK, 0), _RedirectHandler)
        self.query: dict[str, str] | None = None
        self.arrived = threading.Event()

    @property
    def redirect_uri(self) -> str:
        """``http://127.0.0.1:PORT/`` (RFC 8252 §7.3: a loopback IP literal, any port)."""
        return f"http://{LOOPBACK}:{self.server_address[1]}/"


class _RedirectHandler(BaseHTTPRequestHandler):
    server: _Receiver

    def do_GET(self) -> None:
        query = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
        if "code" not in query and "error" not in query:
            self.send_error(404)  # a favicon or a stray request: keep waiting
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(_DONE_PAGE)))
        self.end_headers()
        self.wfile.write(_DONE_PAGE)
        if self.server.query is None:
            self.server.query = query
            self.server.arrived.set()

    def log_message(self, format: str, *args: Any) -> None:
        """The request line holds the code: never print or log it."""


def loopback_flow(
    client: TokenClient, endpoints: Endpoints, show: Callable[[str], None], timeout: float
) -> TokenSet:
    """Run the authorisation code flow with PKCE: ``show`` the URL to open, wait up to
    ``timeout`` seconds for the redirect, check its ``state`` (RFC 6749 §10.12) and exchange
    the code with the verifier. Raises FlowError, OAuth2Error or
    TokenEndpointUnavailableError."""
    if endpoints.authorization is None:
        raise FlowError("no authorization endpoint: give --authorization-endpoint")
    pkce, state = Pkce(), secrets.token_urlsafe(24)
    receiver = _Receiver()
    serving = threading.Thread(target=receiver.serve_forever, daemon=True)
    serving.start()
    try:
        redirect_uri = receiver.redirect_uri
        show(
            authorization_url(
                endpoints.authorization,
                client.client_id,
                redirect_uri,
                endpoints.scopes,
                state,
                pkce,
                endpoints.authorization_params,
            )
        )
        if not receiver.arrived.wait(timeout):
            raise FlowError(f"no answer from the browser within {timeout:.0f} s")
    finally:
        receiver.shutdown()
        receiver.server_close()
        serving.join()
    query = receiver.query or {}
    if not hmac.compare_digest(query.get("state", ""), state):
        raise FlowError("the redirect's state does not match: start again")
    if "error" in query:
        raise OAuth2Error(query["error"], query.get("error_description"))
    return client.exchange_code(endpoints.token, query["code"], redirect_uri, pkce.verifier)


def device_flow(
    client: TokenClient,
    endpoints: Endpoints,
    show: Callable[[DeviceAuthorization], None],
    sleep: Callable[[float], None] = time.sleep,
) -> TokenSet:
    """Run the device flow: ask for a user code, ``show`` it with the verification URI, and
    poll the token endpoint every ``interval`` seconds (more after ``slow_down``) until the
    person approves (RFC 8628 §3.4-3.5). Raises OAuth2Error (``access_denied``,
    ``expired_token``, ...) or TokenEndpointUnavailableError."""
    if endpoints.device is None:
        raise FlowError("no device authorization endpoint: give --device-endpoint")
    authorization = client.authorize_device(endpoints.device, endpoints.scopes)
    show(authorization)
    interval = authorization.interval
    deadline = time.monotonic() + authorization.expires_in
    while True:
        sleep(interval)
        try:
            return client.poll_device(endpoints.token, authorization.device_code)
        except OAuth2Error as exc:
            following = next_poll_interval(interval, exc.error)
            if following is None:
                raise
            interval = following
        if time.monotonic() >= deadline:
            raise OAuth2Error("expired_token", "the user code expired before it was approved")
