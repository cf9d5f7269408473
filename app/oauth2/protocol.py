"""The OAuth2 messages leadlens sends and reads, without any network IO.

Requests are form bodies (RFC 6749 §3.2, ``application/x-www-form-urlencoded``); answers are
parsed into :class:`TokenSet` / :class:`DeviceAuthorization` or raised as
:class:`OAuth2Error` (the endpoint said no, RFC 6749 §5.2) or
:class:`TokenEndpointUnavailableError` (no usable answer: retry later). Nothing here keeps
or logs a token; exception messages never contain one.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode, urlsplit

DEFAULT_EXPIRES_IN_S = 3600  # when a token answer has no expires_in (RFC 6749 §5.1: optional)
RENEW_MARGIN_MAX_S = 60.0  # renew at most this long before expiry ...
RENEW_MARGIN_SHARE = 0.1  # ... and at most this share of the token's life before it
DEFAULT_DEVICE_INTERVAL_S = 5  # RFC 8628 §3.2: "If no value is provided ... MUST use 5"
SLOW_DOWN_STEP_S = 5  # RFC 8628 §3.5: slow_down adds 5 seconds to the interval
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
_REFUSALS = frozenset({"invalid_grant", "invalid_client", "unauthorized_client", "invalid_scope"})


class OAuth2Error(Exception):
    """The authorisation server answered with an error (RFC 6749 §5.2, RFC 8628 §3.5).

    ``error`` is the code (``invalid_grant``, ``authorization_pending``, ...);
    ``description`` the server's ``error_description``, if any.
    """

    def __init__(self, error: str, description: str | None = None) -> None:
        self.error = error
        self.description = description
        super().__init__(f"{error}: {description}" if description else error)

    @property
    def grant_refused(self) -> bool:
        """True when retrying cannot help: the grant is dead (``invalid_grant``: revoked,
        expired, issued to another client) or the client or scopes are refused
        (``invalid_client``, ``unauthorized_client``, ``invalid_scope``, RFC 6749 §5.2).
        Only a new authorisation mends it."""
        return self.error in _REFUSALS


class TokenEndpointUnavailableError(Exception):
    """No usable answer from the endpoint (network failure, timeout, 5xx, not OAuth2): a
    transient failure, to be retried later with the same grant."""


@dataclass(frozen=True, slots=True, repr=False)
class TokenSet:
    """A successful Bearer token answer (RFC 6749 §5.1, RFC 6750). ``refresh_token`` is set
    when the server issued one (a rotated one on refresh, §6); ``scopes`` when it said which
    it granted. ``repr`` shows no token."""

    access_token: str
    expires_in: float
    refresh_token: str | None = None
    scopes: tuple[str, ...] | None = None

    def __repr__(self) -> str:
        """The lifetime and scopes, never a token."""
        rotated = self.refresh_token is not None
        return f"TokenSet(expires_in={self.expires_in}, scopes={self.scopes}, rotated={rotated})"


@dataclass(frozen=True, slots=True, repr=False)
class DeviceAuthorization:
    """The device authorisation answer (RFC 8628 §3.2): what the user is shown and how often
    the token endpoint may be polled. ``repr`` hides the device code."""

    device_code: str
    user_code: str
    verification_uri: str
    expires_in: float
    interval: float = DEFAULT_DEVICE_INTERVAL_S
    verification_uri_complete: str | None = None

    def __repr__(self) -> str:
        """What the user sees, never the device code."""
        return f"DeviceAuthorization(user_code={self.user_code!r}, uri={self.verification_uri!r})"


@dataclass(frozen=True, slots=True, repr=False)
class Pkce:
    """A PKCE pair (RFC 7636 §4.1-4.2): the secret ``verifier`` (86 unreserved characters)
    and its S256 ``challenge``."""

    verifier: str = field(default_factory=lambda: secrets.token_urlsafe(64))
    method: str = "S256"

    @property
    def challenge(self) -> str:
        """BASE64URL(SHA256(verifier)) without padding (RFC 7636 §4.2)."""
        digest = hashlib.sha256(self.verifier.encode("ascii")).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def check_endpoint_url(url: str) -> str:
    """``url`` when it is an absolute https URL, or http on a loopback address (tests, local
    proxies); else ValueError. RFC 6749 §3.1-3.2 require TLS for these endpoints."""
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return url
    if parts.scheme == "http" and parts.hostname in _LOOPBACK:
        return url
    raise ValueError("must be an https:// URL (http:// only on 127.0.0.1, ::1 or localhost)")


def client_form(client_id: str, client_secret: str | None) -> dict[str, str]:
    """Client authentication in the request body (RFC 6749 §2.3.1); a public client sends
    its id alone (§3.2.1)."""
    form = {"client_id": client_id}
    if client_secret:
        form["client_secret"] = client_secret
    return form


def refresh_form(refresh_token: str, scopes: Sequence[str]) -> dict[str, str]:
    """The refresh request (RFC 6749 §6); ``scopes`` none means "as originally granted"."""
    form = {"grant_type": "refresh_token", "refresh_token": refresh_token}
    if scopes:
        form["scope"] = " ".join(scopes)
    return form


def code_form(code: str, redirect_uri: str, verifier: str) -> dict[str, str]:
    """The authorisation code exchange (RFC 6749 §4.1.3) with the PKCE verifier
    (RFC 7636 §4.5)."""
    return {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": redirect_uri,
        "code_verifier": verifier,
    }


def device_code_form(device_code: str) -> dict[str, str]:
    """The device access token request (RFC 8628 §3.4)."""
    return {
        "grant_type": "urn:ietf:params:oauth:grant-type:device_code",
        "device_code": device_code,
    }


def authorization_url(
    endpoint: str,
    client_id: str,
    redirect_uri: str,
    scopes: Sequence[str],
    state: str,
    pkce: Pkce,
    extra: Mapping[str, str] | None = None,
) -> str:
    """The URL a person opens to grant access (RFC 6749 §4.1.1, PKCE RFC 7636 §4.3)."""
    query = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "scope": " ".join(scopes),
        "state": state,
        "code_challenge": pkce.challenge,
        "code_challenge_method": pkce.method,
        **(extra or {}),
    }
    separator = "&" if urlsplit(endpoint).query else "?"
    return f"{endpoint}{separator}{urlencode(query)}"


def parse_token_response(status: int, body: bytes) -> TokenSet:
    """The :class:`TokenSet` of a token endpoint answer (RFC 6749 §5.1).

    Raises :class:`OAuth2Error` for an error answer (§5.2: 400, or 401 for a client that
    failed to authenticate) and :class:`TokenEndpointUnavailableError` for a 5xx or an answer
    that is not OAuth2 JSON.
    """
    document = _json_object(status, body)
    access_token = document.get("access_token")
    if not isinstance(access_token, str) or not access_token:
        raise TokenEndpointUnavailableError("the token endpoint answered without an access_token")
    token_type = document.get("token_type", "Bearer")
    if not isinstance(token_type, str) or token_type.lower() != "bearer":
        raise TokenEndpointUnavailableError(f"unsupported token_type {token_type!r}")
    refresh_token = document.get("refresh_token")
    scope = document.get("scope")
    return TokenSet(
        access_token=access_token,
        expires_in=_seconds(document.get("expires_in"), DEFAULT_EXPIRES_IN_S),
        refresh_token=refresh_token if isinstance(refresh_token, str) and refresh_token else None,
        scopes=tuple(scope.split()) if isinstance(scope, str) else None,
    )


def parse_device_authorization(status: int, body: bytes) -> DeviceAuthorization:
    """The device authorisation answer (RFC 8628 §3.2); errors as in
    :func:`parse_token_response`."""
    document = _json_object(status, body)
    try:
        device_code, user_code = document["device_code"], document["user_code"]
        # Microsoft's v2 endpoint follows the RFC; older ones said verification_url
        uri = document.get("verification_uri") or document["verification_url"]
    except KeyError as exc:
        raise TokenEndpointUnavailableError(f"device authorisation without {exc}") from None
    if not all(isinstance(v, str) and v for v in (device_code, user_code, uri)):
        raise TokenEndpointUnavailableError("device authorisation with an empty field")
    complete = document.get("verification_uri_complete")
    return DeviceAuthorization(
        device_code=device_code,
        user_code=user_code,
        verification_uri=uri,
        expires_in=_seconds(document.get("expires_in"), 600),
        interval=_seconds(document.get("interval"), DEFAULT_DEVICE_INTERVAL_S),
        verification_uri_complete=complete if isinstance(complete, str) else None,
    )


def renew_margin(lifetime_s: float) -> timedelta:
    """How long before its expiry a token of ``lifetime_s`` seconds is renewed: 10 % of its
    life, at most 60 s (a one-hour token is renewed a minute early, a 5 s one 0.5 s early)."""
    return timedelta(seconds=min(RENEW_MARGIN_MAX_S, RENEW_MARGIN_SHARE * max(0.0, lifetime_s)))


def needs_renewal(obtained_at: datetime | None, expires_at: datetime | None, now: datetime) -> bool:
    """True when a token obtained at ``obtained_at`` and expiring at ``expires_at`` is missing
    or within its renewal margin at ``now``."""
    if obtained_at is None or expires_at is None:
        return True
    margin = renew_margin((expires_at - obtained_at).total_seconds())
    return now >= expires_at - margin


def next_poll_interval(interval: float, error: str) -> float | None:
    """The wait before the next device token poll after ``error`` (RFC 8628 §3.5):
    the same for ``authorization_pending``, ``SLOW_DOWN_STEP_S`` more for ``slow_down``;
    None for any other error (``access_denied``, ``expired_token``, ...): stop polling."""
    if error == "authorization_pending":
        return interval
    if error == "slow_down":
        return interval + SLOW_DOWN_STEP_S
    return None


def _json_object(status: int, body: bytes) -> dict[str, Any]:
    if status >= 500:
        raise TokenEndpointUnavailableError(f"the token endpoint answered HTTP {status}")
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise TokenEndpointUnavailableError(
            f"the token endpoint answered HTTP {status} that is not JSON"
        ) from None
    if not isinstance(document, dict):
        raise TokenEndpointUnavailableError(f"HTTP {status}: the answer is not a JSON object")
    error = document.get("error")
    if status >= 400 or error is not None:
        if not isinstance(error, str) or not error:
            raise TokenEndpointUnavailableError(f"HTTP {status} without an OAuth2 error code")
        description = document.get("error_description")
        raise OAuth2Error(error, description[:500] if isinstance(description, str) else None)
    return document


def _seconds(value: object, default: float) -> float:
    if isinstance(value, bool):
        return default
    if isinstance(value, int | float) and value > 0:
        return float(value)
    if isinstance(value, str) and value.isdigit() and int(value) > 0:
        return float(value)  # some servers send numbers as strings
    return default
