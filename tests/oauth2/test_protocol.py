"""The OAuth2 messages, parsed and built without a network (app/oauth2/protocol.py)."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from app.oauth2.protocol import (
    OAuth2Error,
    Pkce,
    TokenEndpointUnavailableError,
    authorization_url,
    check_endpoint_url,
    needs_renewal,
    next_poll_interval,
    parse_device_authorization,
    parse_token_response,
    refresh_form,
)


def _body(document: object) -> bytes:
    return json.dumps(document).encode()


def test_a_token_answer_gives_the_token_its_life_and_a_rotated_refresh_token() -> None:
    answer = {"access_token": "AT-1", "token_type": "bearer", "expires_in": 3599,
              "refresh_token": "RT-2", "scope": "a b"}  # fmt: skip
    tokens = parse_token_response(200, _body(answer))
    assert (tokens.access_token, tokens.expires_in, tokens.refresh_token, tokens.scopes) == (
        "AT-1", 3599.0, "RT-2", ("a", "b"))  # fmt: skip
    assert "AT-1" not in repr(tokens) and "RT-2" not in repr(tokens)
    plain = parse_token_response(200, _body({"access_token": "at", "token_type": "Bearer"}))
    assert (plain.expires_in, plain.refresh_token) == (3600.0, None)


@pytest.mark.parametrize(
    ("status", "body", "refused"),
    [
        (400, {"error": "invalid_grant", "error_description": "revoked"}, True),
        (401, {"error": "invalid_client"}, True),
        (400, {"error": "invalid_scope"}, True),
        (400, {"error": "temporarily_unavailable"}, False),
    ],
)
def test_error_answers_say_whether_only_a_new_grant_helps(
    status: int, body: dict[str, str], refused: bool
) -> None:
    with pytest.raises(OAuth2Error) as info:
        parse_token_response(status, _body(body))
    assert info.value.error == body["error"]
    assert info.value.grant_refused is refused


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (503, b'{"error": "invalid_grant"}'),
        (502, b"<html>bad gateway</html>"),
        (200, b"not json"),
        (200, b"[]"),
        (200, _body({"token_type": "Bearer"})),
        (200, _body({"access_token": "at", "token_type": "mac"})),
        (400, _body({"message": "no code"})),
    ],
)
def test_answers_that_are_not_oauth2_are_transient(status: int, body: bytes) -> None:
    with pytest.raises(TokenEndpointUnavailableError):
        parse_token_response(status, body)


def test_renewal_comes_before_expiry_by_a_tenth_of_the_life_at_most_a_minute() -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    hour = start + timedelta(hours=1)
    assert not needs_renewal(start, hour, hour - timedelta(seconds=61))
    assert needs_renewal(start, hour, hour - timedelta(seconds=59))
    short = start + timedelta(seconds=10)
    assert not needs_renewal(start, short, short - timedelta(seconds=1.1))
    assert needs_renewal(start, short, short - timedelta(seconds=0.9))
    assert needs_renewal(None, None, start)


def test_pkce_challenge_is_s256_of_the_verifier() -> None:
    pkce = Pkce()
    assert 43 <= len(pkce.verifier) <= 128
    expected = base64.urlsafe_b64encode(hashlib.sha256(pkce.verifier.encode()).digest())
    assert pkce.challenge == expected.rstrip(b"=").decode()
    url = authorization_url("https://idp.example/auth?tenant=x", "cid", "http://127.0.0.1:5/",
                            ["a", "b"], "st", pkce, {"prompt": "consent"})  # fmt: skip
    query = parse_qs(urlsplit(url).query)
    assert query["tenant"] == ["x"] and query["scope"] == ["a b"]
    assert query["code_challenge"] == [pkce.challenge]
    assert query["code_challenge_method"] == ["S256"]
    assert pkce.verifier not in url


def test_device_polling_waits_longer_after_slow_down_and_stops_on_other_errors() -> None:
    assert next_poll_interval(5, "authorization_pending") == 5
    assert next_poll_interval(5, "slow_down") == 10
    assert next_poll_interval(5, "expired_token") is None
    assert next_poll_interval(5, "access_denied") is None
    device = parse_device_authorization(
        200, _body({"device_code": "DC-9", "user_code": "UC", "verification_uri": "https://v"})
    )
    assert (device.interval, device.expires_in, device.user_code) == (5.0, 600.0, "UC")
    assert "DC-9" not in repr(device)


def test_endpoints_need_tls_except_on_loopback() -> None:
    assert check_endpoint_url("https://login.example/token")
    assert check_endpoint_url("http://127.0.0.1:8080/token")
    for bad in ("http://example.com/token", "ftp://x/", "https://"):
        with pytest.raises(ValueError, match="https"):
            check_endpoint_url(bad)
    assert refresh_form("rt", []) == {"grant_type": "refresh_token", "refresh_token": "rt"}
    assert refresh_form("rt", ["a", "b"])["scope"] == "a b"
