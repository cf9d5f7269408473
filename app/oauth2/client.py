"""Talks to an OAuth2 authorisation server over httpx: refresh, code exchange, device flow.

Every call has a timeout; a network failure, timeout or 5xx is raised as
:class:`~app.oauth2.protocol.TokenEndpointUnavailableError`, an OAuth2 error answer as
:class:`~app.oauth2.protocol.OAuth2Error`. Tokens travel only in request bodies (never in a
URL, so never in httpx's request log lines) and are never logged here.
"""

from __future__ import annotations

from collections.abc import Sequence

import httpx

from app.oauth2.protocol import (
    DeviceAuthorization,
    TokenEndpointUnavailableError,
    TokenSet,
    client_form,
    code_form,
    device_code_form,
    parse_device_authorization,
    parse_token_response,
    refresh_form,
)


class TokenClient:
    """The client side of one OAuth2 client (``client_id``, optional ``client_secret``)."""

    def __init__(
        self,
        client_id: str,
        client_secret: str | None,
        *,
        timeout: float,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        """``timeout`` (seconds) bounds connecting and each read of every request."""
        self.client_id = client_id
        self._client = client_form(client_id, client_secret)
        self._timeout = timeout
        self._transport = transport

    def refresh(self, token_endpoint: str, refresh_token: str, scopes: Sequence[str]) -> TokenSet:
        """A new access token for ``refresh_token`` (RFC 6749 §6); the answer's
        ``refresh_token`` is set when the server rotated it."""
        status, body = self._post(token_endpoint, refresh_form(refresh_token, scopes))
        return parse_token_response(status, body)

    def exchange_code(
        self, token_endpoint: str, code: str, redirect_uri: str, verifier: str
    ) -> TokenSet:
        """Tokens for an authorisation code (RFC 6749 §4.1.3, PKCE RFC 7636 §4.5)."""
        status, body = self._post(token_endpoint, code_form(code, redirect_uri, verifier))
        return parse_token_response(status, body)

    def authorize_device(self, device_endpoint: str, scopes: Sequence[str]) -> DeviceAuthorization:
        """Start the device flow (RFC 8628 §3.1-3.2)."""
        status, body = self._post(device_endpoint, {"scope": " ".join(scopes)})
        return parse_device_authorization(status, body)

    def poll_device(self, token_endpoint: str, device_code: str) -> TokenSet:
        """Ask once for the device flow's tokens (RFC 8628 §3.4); while the user has not
        answered this raises OAuth2Error ``authorization_pending`` or ``slow_down``."""
        status, body = self._post(token_endpoint, device_code_form(device_code))
        return parse_token_response(status, body)

    def _post(self, url: str, form: dict[str, str]) -> tuple[int, bytes]:
        try:
            with httpx.Client(timeout=self._timeout, transport=self._transport) as http:
                response = http.post(
                    url, data=self._client | form, headers={"Accept": "application/json"}
                )
                return response.status_code, response.content
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            raise TokenEndpointUnavailableError(
                f"token endpoint {_where(url)}: {type(exc).__name__}: {exc}"
            ) from None


def _where(url: str) -> str:
    """The URL without its query (a misconfigured one could carry a secret there)."""
    return url.split("?", 1)[0]
