"""The dashboard's session cookie and forms against another site: the cookie is HttpOnly,
SameSite=Strict and Secure over HTTPS (behind a proxy too); a form that another site posts,
or that lacks the session's token, is refused with 403 and changes nothing."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from app.settings import Settings
from app.ui._session import COOKIE, csrf_token
from app.web import create_app
from tests.ui.helpers import sign_in

Headers = dict[str, dict[str, str]]
EVIL = {"Origin": "https://evil.example"}


def _cookie(client: TestClient, key: str, **headers: str) -> str:
    response = client.post("/ui/login", data={"key": key}, headers=headers, follow_redirects=False)
    assert response.status_code == 303, response.text
    return response.headers["set-cookie"]


def test_the_cookie_is_httponly_strict_and_secure_only_over_https(
    demo_settings: Settings, plain_keys: dict[str, str]
) -> None:
    app = create_app(demo_settings)
    plain = _cookie(TestClient(app), plain_keys["read"]).lower()
    assert "httponly" in plain and "samesite=strict" in plain and "secure" not in plain
    tls = _cookie(TestClient(app, base_url="https://testserver"), plain_keys["read"]).lower()
    assert "httponly" in tls and "samesite=strict" in tls and "; secure" in tls
    # behind a TLS-terminating proxy, as `leadlens serve` (uvicorn) reads X-Forwarded-Proto
    proxied = TestClient(ProxyHeadersMiddleware(app, trusted_hosts="*"))
    cookie = _cookie(proxied, plain_keys["read"], **{"X-Forwarded-Proto": "https"}).lower()
    assert "; secure" in cookie


def _topic_name(client: TestClient, headers: dict[str, str], tag: str) -> str:
    tags = client.get("/v1/tags", params={"kind": "interest"}, headers=headers).json()["items"]
    return str({t["id"]: t["name"] for t in tags}[tag])


@pytest.mark.parametrize(
    "attack",
    [
        {"data": {}, "headers": {}},  # no token
        {"data": {"csrf": "0" * 64}, "headers": {}},  # a wrong one
        {"data": None, "headers": EVIL},  # the right one, from another site
        {"data": None, "headers": {"Sec-Fetch-Site": "cross-site"}},
        {"data": None, "headers": {"Origin": "null"}},
    ],
    ids=["no-token", "wrong-token", "other-origin", "cross-site", "null-origin"],
)
def test_a_form_from_elsewhere_is_refused(
    demo_client: TestClient,
    plain_keys: dict[str, str],
    demo_keys: Headers,
    attack: dict[str, dict[str, str] | None],
) -> None:
    key = plain_keys["write"]
    tags = demo_client.get("/v1/tags", params={"kind": "interest"}, headers=demo_keys["read"])
    first = tags.json()["items"][0]["id"]
    before = _topic_name(demo_client, demo_keys["read"], first)
    sign_in(demo_client, key)
    token = {"csrf": csrf_token(key)}
    sent = token if attack["data"] is None else attack["data"]
    headers = attack["headers"] or {}
    response = demo_client.post(
        f"/ui/topics/{first}/rename", data={"name": "hijacked"} | sent, headers=headers
    )
    assert response.status_code == 403 and "Form refused" in response.text
    assert _topic_name(demo_client, demo_keys["read"], first) == before
    response = demo_client.post("/ui/logout", data=sent, headers=headers, follow_redirects=False)
    assert response.status_code == 403
    assert demo_client.get("/ui", follow_redirects=False).status_code == 200  # still signed in
    same_site = {"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"}
    response = demo_client.post(
        f"/ui/topics/{first}/rename",
        data={"name": "renamed here"} | token,
        headers=same_site,
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert _topic_name(demo_client, demo_keys["read"], first) == "renamed here"


def test_another_site_cannot_sign_the_user_in(
    demo_client: TestClient, plain_keys: dict[str, str]
) -> None:
    """Login CSRF: a form on another site posting the attacker's key."""
    response = demo_client.post(
        "/ui/login", data={"key": plain_keys["admin"]}, headers=EVIL, follow_redirects=False
    )
    assert response.status_code == 403
    assert "set-cookie" not in response.headers
    assert COOKIE not in demo_client.cookies


def test_the_pages_carry_the_sessions_token(
    demo_client: TestClient, plain_keys: dict[str, str]
) -> None:
    sign_in(demo_client, plain_keys["write"])
    token = csrf_token(plain_keys["write"])
    page = demo_client.get("/ui/topics").text
    forms = page.count("<form")
    assert forms >= 2  # sign out, and a rename form per topic
    assert page.count(f'name="csrf" value="{token}"') == forms
    assert plain_keys["write"] not in page
