"""Every route the app serves — from its route table, so that a new one cannot be left out —
refuses a request without a live API key, and enforces its scope (read < write < admin), as
tests/api/routes.py says; the API routes declare that scope once, with ``require_scope``,
and check it before anything of the request is read."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from starlette.routing import Mount

from app.api.auth import GuardedRoute, required_scope
from app.apikeys import SCOPES
from app.ui._session import COOKIE, csrf_token
from tests.api.conftest import bearer
from tests.api.routes import (
    PUBLIC_MOUNTS,
    PUBLIC_ROUTES,
    RANK,
    SCOPE_NEEDED,
    UI_SCOPE_NEEDED,
)

UNKNOWN_KEY = "ll_" + "Q" * 43


def served(client: TestClient) -> Iterator[tuple[str, str, Any]]:
    """(method, path template, route) of every route of the app, included routers too."""
    for context in iter_route_contexts(client.app.routes):
        for method in sorted(getattr(context, "methods", None) or ()):
            yield method, context.path, context


def _path(template: str) -> str:
    return re.sub(r"\{[^}]+\}", "x", template)


def test_every_route_is_in_the_table(client: TestClient) -> None:
    routes = {(method, path) for method, path, _ in served(client)}
    assert routes == PUBLIC_ROUTES | set(SCOPE_NEEDED) | set(UI_SCOPE_NEEDED)
    mounts = {c.path for c in iter_route_contexts(client.app.routes) if isinstance(c.route, Mount)}
    assert mounts == PUBLIC_MOUNTS


def test_every_api_route_declares_its_scope_and_checks_it_first(client: TestClient) -> None:
    for method, path, route in served(client):
        if (method, path) in SCOPE_NEEDED:
            assert isinstance(route.original_route, GuardedRoute), (method, path)
            assert required_scope(route.dependant) == SCOPE_NEEDED[method, path], (method, path)
        else:
            assert getattr(route, "dependant", None) is None or not required_scope(
                route.dependant
            ), (method, path)


@pytest.mark.parametrize("key", [None, UNKNOWN_KEY], ids=["no-key", "unknown-key"])
def test_every_route_refuses_a_request_without_a_live_key(
    client: TestClient, key: str | None
) -> None:
    """With a body that is no JSON and a query parameter no route takes: the missing key
    comes first."""
    if key is not None:
        client.cookies.set(COOKIE, key, path="/ui")
    headers = {"Content-Type": "application/json"} | (bearer(key) if key else {})
    for method, template in sorted(set(SCOPE_NEEDED) | set(UI_SCOPE_NEEDED)):
        path = _path(template)
        response = client.request(
            method,
            path,
            content=b"\xff{",
            params={"nope": "1"},
            headers=headers,
            follow_redirects=False,
        )
        if template.startswith("/ui"):
            assert response.status_code == 303, (method, path, response.status_code)
            assert response.headers["location"].startswith("/ui/login?next="), (method, path)
        else:
            assert response.status_code == 401, (method, path, response.text)
            assert response.json()["error"] == "unauthorized"
            assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_public_routes_answer_without_a_key(client: TestClient) -> None:
    expected = {("POST", "/ui/login"): 401, ("POST", "/ui/logout"): 303}  # the form again
    for method, path in PUBLIC_ROUTES:
        response = client.request(method, path, follow_redirects=False)
        assert response.status_code == expected.get((method, path), 200), (method, path)
    assert client.get("/docs/assets/swagger-ui.css").status_code == 200


def _ui_request(client: TestClient, key: str, method: str, template: str) -> int:
    client.cookies.set(COOKIE, key, path="/ui")
    data = {"name": "x", "csrf": csrf_token(key)} if method == "POST" else None
    response = client.request(method, _path(template), data=data, follow_redirects=False)
    return response.status_code


def test_scopes_are_enforced_route_by_route(client: TestClient, keys: dict[str, str]) -> None:
    for (method, template), needed in SCOPE_NEEDED.items():
        if template == "/v1/rebuild":
            continue  # a granted one starts a re-clustering: tested in test_tags.py
        for scope in SCOPES:
            response = client.request(method, _path(template), headers=bearer(keys[scope]))
            if RANK[scope] < RANK[needed]:
                assert response.status_code == 403, (method, template, scope)
                assert response.json()["error"] == "forbidden"
            else:
                assert response.status_code not in {401, 403}, (method, template, scope)
    for (method, template), needed in UI_SCOPE_NEEDED.items():
        for scope in SCOPES:
            status = _ui_request(client, keys[scope], method, template)
            if RANK[scope] < RANK[needed]:
                assert status == 403, (method, template, scope)
            else:
                assert status not in {303, 401, 403}, (method, template, scope, status)
