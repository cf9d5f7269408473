"""API keys: every endpoint but /healthz and the docs needs one, with a large enough scope."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.apikeys import KEY_PREFIX, authenticate, create_api_key, hash_key, revoke_api_key
from app.db.tables import ApiKey
from app.db.types import utcnow
from tests.api.conftest import bearer
from tests.api.routes import PUBLIC, RANK, SCOPE_NEEDED

MAILBOX_ID = "mbx_0000000000000000000000000z"
VALID_BODY = {"host": "127.0.0.1", "port": 1, "security": "none", "username": "u", "password": "p"}


def operations(client: TestClient) -> list[tuple[str, str]]:
    """(method, path template) of every operation the OpenAPI document lists but the public."""
    return [
        (method.upper(), template)
        for template, found in client.get("/openapi.json").json()["paths"].items()
        if template not in PUBLIC
        for method in sorted(found)
    ]


def protected_requests(client: TestClient) -> list[tuple[str, str]]:
    """(method, path) of every operation the OpenAPI document lists but /healthz, ids filled in."""
    return [(m, re.sub(r"\{[^}]+\}", MAILBOX_ID, t)) for m, t in operations(client)]


def test_every_operation_declares_its_scope(client: TestClient) -> None:
    assert set(operations(client)) == set(SCOPE_NEEDED)


def send(client: TestClient, method: str, path: str, headers: dict[str, str]) -> int:
    """The status of one request (POST /v1/mailboxes gets a valid body)."""
    body = VALID_BODY if method == "POST" and path == "/v1/mailboxes" else None
    return client.request(method, path, headers=headers, json=body).status_code


def test_every_mailbox_endpoint_is_protected(client: TestClient) -> None:
    requests = protected_requests(client)
    expected = {
        ("POST", "/v1/mailboxes"),
        ("GET", "/v1/mailboxes"),
        ("GET", f"/v1/mailboxes/{MAILBOX_ID}"),
        ("PATCH", f"/v1/mailboxes/{MAILBOX_ID}"),
        ("POST", f"/v1/mailboxes/{MAILBOX_ID}/sync"),
        ("DELETE", f"/v1/mailboxes/{MAILBOX_ID}"),
    }
    assert expected <= set(requests)


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer"},
        {"Authorization": "Basic dXNlcjpwYXNz"},
        {"Authorization": "ll_not-even-a-scheme"},
        {"Authorization": f"Bearer {KEY_PREFIX}unknown0123456789"},
        {b"Authorization": "Bearer \u00e9t\u00e9\x00".encode("latin-1")},
        {"Authorization": "Bearer " + "x" * 5000},
    ],
    ids=["none", "empty", "basic", "no-scheme", "unknown", "latin1", "huge"],
)
def test_no_or_bad_key_is_401(
    client: TestClient, headers: Mapping[str, str] | Mapping[bytes, bytes]
) -> None:
    for method, path in protected_requests(client):
        response = client.request(method, path, headers=headers)
        assert response.status_code == 401, (method, path)
        assert response.json()["error"] == "unauthorized"
        assert response.json()["detail"]
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_401_comes_before_validation(client: TestClient) -> None:
    response = client.post("/v1/mailboxes", json={"port": "nope"})
    assert response.status_code == 401
    response = client.get("/v1/mailboxes", params={"limit": 0, "cursor": "garbage"})
    assert response.status_code == 401


def test_revoked_key_is_401(client: TestClient, sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        api_key, plaintext = create_api_key(session, "admin", "to revoke")
    assert client.get("/v1/mailboxes", headers=bearer(plaintext)).status_code == 200
    with sessions.begin() as session:
        revoke_api_key(session, api_key.id)
    response = client.get("/v1/mailboxes", headers=bearer(plaintext))
    assert response.status_code == 401
    assert "invalid_token" in response.headers["WWW-Authenticate"]


@pytest.mark.parametrize("scope", ["read", "write"])
def test_too_small_a_scope_is_403(client: TestClient, keys: dict[str, str], scope: str) -> None:
    for (method, template), needed in SCOPE_NEEDED.items():
        if RANK[needed] <= RANK[scope]:
            continue
        path = re.sub(r"\{[^}]+\}", MAILBOX_ID, template)
        response = client.request(method, path, headers=bearer(keys[scope]))
        assert response.status_code == 403, (method, path)
        assert response.json()["error"] == "forbidden"
        assert needed in response.json()["detail"]
        assert 'error="insufficient_scope"' in response.headers["WWW-Authenticate"]


def test_admin_key_passes(client: TestClient, keys: dict[str, str]) -> None:
    for method, path in protected_requests(client):
        if path == "/v1/rebuild":
            continue  # it starts a re-clustering: tested with data in test_tags.py
        status = send(client, method, path, bearer(keys["admin"]))
        assert status not in {401, 403, 500}, (method, path, status)


def test_public_endpoints_need_no_key(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/docs").status_code == 200
    schema = client.get("/openapi.json").json()
    assert "/v1/mailboxes" in schema["paths"]
    assert schema["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"


def test_keys_are_stored_hashed_and_use_is_recorded(
    client: TestClient, sessions: sessionmaker[Session]
) -> None:
    with sessions.begin() as session:
        api_key, plaintext = create_api_key(session, "read", "hashed")
    assert plaintext.startswith(KEY_PREFIX)
    assert len(plaintext) >= len(KEY_PREFIX) + 43
    with sessions() as session:
        stored = session.scalars(select(ApiKey).where(ApiKey.id == api_key.id)).one()
        assert stored.key_hash == hash_key(plaintext)
        assert plaintext not in (stored.key_hash, stored.name, stored.id)
        assert stored.last_used_at is None
    client.get("/v1/mailboxes", headers=bearer(plaintext))
    with sessions() as session:
        first_use = session.get_one(ApiKey, api_key.id).last_used_at
    assert first_use is not None
    assert abs(utcnow() - first_use) < timedelta(minutes=1)
    client.get("/v1/mailboxes", headers=bearer(plaintext))
    with sessions() as session:
        assert session.get_one(ApiKey, api_key.id).last_used_at == first_use  # once a minute


def test_stale_last_use_is_refreshed(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        api_key, plaintext = create_api_key(session, "write", None)
        api_key.last_used_at = utcnow() - timedelta(hours=2)
    with sessions.begin() as session:
        assert authenticate(session, plaintext) is not None
    with sessions() as session:
        refreshed = session.get_one(ApiKey, api_key.id).last_used_at
    assert refreshed is not None
    assert utcnow() - refreshed < timedelta(minutes=1)


@pytest.mark.parametrize(
    ("method", "path"),
    [("POST", "/v1/tag"), ("PATCH", "/v1/tags/topic:1"), ("POST", "/v1/mailboxes")],
)
def test_the_key_is_checked_before_the_body_is_read(
    client: TestClient, keys: dict[str, str], method: str, path: str
) -> None:
    """Found by fuzzing: a body that is not UTF-8 was answered 400, and one that is not JSON
    422, before the missing key was noticed."""
    for body in (b"\xff\xfe{", b"{not json"):
        headers = {"Content-Type": "application/json"}
        response = client.request(method, path, content=body, headers=headers)
        assert response.status_code == 401, response.text
        response = client.request(method, path, content=body, headers=headers | bearer("x"))
        assert response.status_code == 401, response.text
    if path != "/v1/tag":
        response = client.request(method, path, content=b"\xff", headers=bearer(keys["read"]))
        assert response.status_code == 403, response.text


def test_unknown_or_repeated_query_parameters_are_422(
    client: TestClient, keys: dict[str, str]
) -> None:
    """Found by fuzzing: a misspelt filter was ignored, so the whole list came back."""
    headers = bearer(keys["admin"])
    response = client.get("/v1/mailboxes", params={"limt": 5}, headers=headers)
    assert response.status_code == 422
    assert response.json() == {
        "error": "invalid_request",
        "detail": "unknown query parameter 'limt'; this endpoint takes: cursor, limit",
    }
    response = client.get("/v1/mailboxes?limit=5&limit=6", headers=headers)
    assert response.status_code == 422
    assert response.json()["detail"] == "query parameter 'limit' given more than once"
    assert client.get("/v1/status", params={"x": ""}, headers=headers).status_code == 422
    assert client.get("/v1/mailboxes?limit=5", headers=headers).status_code == 200
    assert client.get("/v1/mailboxes", params={"limt": 5}).status_code == 401
