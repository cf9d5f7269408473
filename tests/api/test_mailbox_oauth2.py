"""OAuth2 mailboxes that renew themselves, against a real token endpoint
(tests/servers/oauth2.py) whose tokens the real dovecot checks by introspection.

Access tokens live 1.5 s here: a mailbox keeps syncing across several expiries, renews a token
the server refuses, stores and uses each rotated refresh token; a revoked grant parks the
mailbox until a new one is PATCHed; a token endpoint that is down is retried with backoff.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from app.db.tables import Mailbox, OAuth2Grant
from app.secret_box import SecretBox
from app.settings import Settings
from app.workers.runner import SyncRunner
from tests.api.helpers import add, assert_error
from tests.mail import make_email
from tests.servers.dovecot import HOST, Account, DovecotServer
from tests.servers.oauth2 import OAuth2Server, oauth2_server

__all__ = ["oauth2_server"]

on_sqlite = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
LIFETIME_S = 1.5
CLIENT_SECRET = "client-secret-of-the-test"


@pytest.fixture
def issuer(oauth2_server: OAuth2Server, dovecot: DovecotServer) -> Iterator[OAuth2Server]:
    """The token server, its tokens trusted by dovecot, living ``LIFETIME_S``."""
    oauth2_server.lifetime = LIFETIME_S
    dovecot.trust(oauth2_server.user_of)
    yield oauth2_server
    dovecot.trust(None)


def grant_body(
    dovecot: DovecotServer, account: Account, issuer: OAuth2Server, **grant: Any
) -> dict[str, Any]:
    """A POST body for ``account`` logging in with a new grant of ``issuer``."""
    refresh_token = issuer.issue_grant(account.username, "leadlens-test", ("mail",))
    return {
        "host": HOST,
        "port": dovecot.tls_port,
        "username": account.username,
        "ca_file": dovecot.ca_file,
        "oauth2": {
            "provider": "custom",
            "client_id": "leadlens-test",
            "client_secret": CLIENT_SECRET,
            "refresh_token": refresh_token,
            "scopes": ["mail"],
            "token_endpoint": issuer.token_endpoint,
            **grant,
        },
    }


def until(check: Callable[[], Any], what: str, seconds: float = 30) -> Any:
    """Poll ``check`` until it is truthy (its value), failing after ``seconds``."""
    deadline = time.monotonic() + seconds
    while not (value := check()):
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)
    return value


def cached_token(sessions: sessionmaker[Session], settings: Settings, mailbox_id: str) -> str:
    """The access token the store holds for the mailbox, decrypted."""
    with sessions() as session:
        grant = session.get_one(OAuth2Grant, mailbox_id)
        assert grant.access_token_ciphertext is not None
        return SecretBox.from_settings(settings).decrypt(grant.access_token_ciphertext)


def stored_refresh_token(
    sessions: sessionmaker[Session], settings: Settings, mailbox_id: str
) -> str:
    """The refresh token the store holds for the mailbox, decrypted."""
    with sessions() as session:
        grant = session.get_one(OAuth2Grant, mailbox_id)
        return SecretBox.from_settings(settings).decrypt(grant.refresh_token_ciphertext)


def deliver(dovecot: DovecotServer, account: Account, n: int) -> None:
    """One new message in the account's INBOX."""
    raw = make_email(sender=f"buyer{n}@acme.de", to="rep@lumora.com", subject=f"RFQ {n}", body="Hi")
    dovecot.append(account.username, "INBOX", [raw])


def test_a_grant_mailbox_keeps_syncing_across_token_expiries_with_rotated_refresh_tokens(
    client: TestClient,
    admin: dict[str, str],
    runner: SyncRunner,
    sessions: sessionmaker[Session],
    settings: Settings,
    dovecot: DovecotServer,
    imap_account: Account,
    issuer: OAuth2Server,
) -> None:
    created = add(client, admin, grant_body(dovecot, imap_account, issuer))
    mailbox_id = created["id"]
    assert created["auth"] == "oauth2_grant"
    assert created["oauth2"]["provider"] == "custom"
    assert created["oauth2"]["client_id"] == "leadlens-test"
    assert created["oauth2"]["access_token_expires_at"] is not None
    rounds = 4
    tokens = []
    for n in range(rounds):
        deliver(dovecot, imap_account, n)
        result = runner.sync_one(mailbox_id)
        assert result is not None
        assert (result.error, result.stored.imported) == (None, 1), result
        token = cached_token(sessions, settings, mailbox_id)
        tokens.append(token)
        # the stored refresh token is the one the server rotated to last: the next refresh
        # can only succeed with it (the server refuses every earlier one)
        current = issuer.current_refresh_token(imap_account.username)
        assert stored_refresh_token(sessions, settings, mailbox_id) == current
        until(lambda token=token: issuer.expires_in(token) < 0, "the token to expire")
    deliver(dovecot, imap_account, rounds)
    result = runner.sync_one(mailbox_id)
    assert result is not None
    assert (result.error, result.stored.imported) == (None, 1)
    assert len(set(tokens)) == rounds  # a new token after each expiry
    assert cached_token(sessions, settings, mailbox_id) not in tokens
    assert len(issuer.retired) >= rounds  # each refresh rotated the refresh token
    shown = client.get(f"/v1/mailboxes/{mailbox_id}", headers=admin).json()
    assert (shown["messages"], shown["state"], shown["last_error"]) == (rounds + 1, "idle", None)


@on_sqlite
def test_a_token_the_server_refuses_is_renewed_once_and_the_login_goes_through(
    client: TestClient,
    admin: dict[str, str],
    runner: SyncRunner,
    sessions: sessionmaker[Session],
    settings: Settings,
    dovecot: DovecotServer,
    imap_account: Account,
    issuer: OAuth2Server,
) -> None:
    issuer.lifetime = 3600.0  # the cache would keep it an hour
    mailbox_id = add(client, admin, grant_body(dovecot, imap_account, issuer))["id"]
    before = cached_token(sessions, settings, mailbox_id)
    refreshes = issuer.requests["refresh_token"]
    issuer.expire_access_tokens(imap_account.username)  # revoked early by the provider
    deliver(dovecot, imap_account, 0)
    result = runner.sync_one(mailbox_id)
    assert result is not None
    assert (result.error, result.stored.imported) == (None, 1)
    assert issuer.requests["refresh_token"] == refreshes + 1
    assert cached_token(sessions, settings, mailbox_id) != before


@on_sqlite
def test_a_revoked_grant_parks_the_mailbox_until_a_new_grant_is_patched(
    client: TestClient,
    admin: dict[str, str],
    runner: SyncRunner,
    dovecot: DovecotServer,
    imap_account: Account,
    issuer: OAuth2Server,
) -> None:
    mailbox_id = add(client, admin, grant_body(dovecot, imap_account, issuer))["id"]
    issuer.revoke(imap_account.username)
    result = runner.sync_one(mailbox_id)
    assert result is not None
    assert result.auth_failed
    shown = client.get(f"/v1/mailboxes/{mailbox_id}", headers=admin).json()
    assert shown["state"] == "error"
    assert "re-authorise" in shown["last_error"]
    assert shown["auth_failed_at"] is not None
    assert shown["oauth2"]["refused_at"] is not None
    asked = sum(issuer.requests.values())
    assert runner.sync_one(mailbox_id) is None  # parked
    assert_error(
        client.post(f"/v1/mailboxes/{mailbox_id}/sync", headers=admin), 409, "mailbox_auth_failed"
    )
    assert sum(issuer.requests.values()) == asked  # no token request while parked

    stale = {"oauth2": grant_body(dovecot, imap_account, issuer)["oauth2"]}
    issuer.revoke(imap_account.username)  # that new grant is dead too: refused at once
    assert_error(
        client.patch(f"/v1/mailboxes/{mailbox_id}", json=stale, headers=admin),
        400,
        "oauth2_grant_refused",
    )
    fresh = {"oauth2": grant_body(dovecot, imap_account, issuer)["oauth2"]}
    patched = client.patch(f"/v1/mailboxes/{mailbox_id}", json=fresh, headers=admin)
    assert patched.status_code == 200, patched.text
    shown = patched.json()
    assert (shown["state"], shown["auth_failed_at"], shown["last_error"]) == ("idle", None, None)
    assert shown["oauth2"]["refused_at"] is None
    deliver(dovecot, imap_account, 1)
    result = runner.sync_one(mailbox_id)
    assert result is not None
    assert (result.error, result.stored.imported) == (None, 1)


@on_sqlite
def test_a_token_endpoint_that_is_down_is_retried_with_backoff_until_it_answers(
    client: TestClient,
    admin: dict[str, str],
    sessions: sessionmaker[Session],
    settings: Settings,
    dovecot: DovecotServer,
    imap_account: Account,
    issuer: OAuth2Server,
) -> None:
    mailbox_id = add(client, admin, grant_body(dovecot, imap_account, issuer))["id"]
    issuer.expire_access_tokens(imap_account.username)
    with sessions.begin() as session:  # the cached token is due: the next sync refreshes
        grant = session.get_one(OAuth2Grant, mailbox_id)
        grant.access_token_expires_at = grant.refreshed_at
    deliver(dovecot, imap_account, 0)
    issuer.fail_with(503)
    failed = issuer.requests["refresh_token"]
    quick = settings.model_copy(update={"sync_backoff_seconds": 0.1, "sync_poll_seconds": 30})
    retrying = SyncRunner(quick, sessions, SecretBox.from_settings(settings))
    retrying.start()
    try:

        def shown() -> dict[str, Any]:
            answer: dict[str, Any] = client.get(f"/v1/mailboxes/{mailbox_id}", headers=admin).json()
            return answer

        until(lambda: issuer.requests["refresh_token"] >= failed + 3, "three tries")
        error = shown()
        assert error["state"] == "error"
        assert "token endpoint" in error["last_error"]
        assert error["auth_failed_at"] is None  # transient: not parked
        issuer.fail_with(None)
        until(lambda: shown()["messages"] == 1, "the sync once the endpoint is back")
        until(lambda: shown()["state"] == "idle", "idle")
    finally:
        retrying.stop()
    with sessions() as session:
        assert session.get_one(Mailbox, mailbox_id).auth_failed_at is None


@on_sqlite
def test_presets_fill_the_imap_server_and_the_api_never_shows_a_secret(
    client: TestClient,
    admin: dict[str, str],
    dovecot: DovecotServer,
    imap_account: Account,
    issuer: OAuth2Server,
) -> None:
    body = grant_body(dovecot, imap_account, issuer)
    gmail = {"username": "rep@example.com", "oauth2": body["oauth2"] | {"provider": "google"}}
    del gmail["oauth2"]["token_endpoint"]
    gmail["oauth2"]["token_endpoint"] = issuer.token_endpoint  # not Google's, offline
    refused = client.post("/v1/mailboxes", json=gmail, headers=admin)
    # the preset's host was used: dovecot is not imap.gmail.com, and this machine is offline
    assert refused.status_code in {400, 502}, refused.text
    assert "imap.gmail.com" in refused.json()["detail"]
    assert_error(
        client.post(
            "/v1/mailboxes",
            json=gmail | {"oauth2": body["oauth2"] | {"provider": "custom"}, "host": None},
            headers=admin,
        ),
        422,
        "invalid_request",
    )
    no_endpoint = body["oauth2"] | {"token_endpoint": None}
    assert_error(
        client.post("/v1/mailboxes", json=body | {"oauth2": no_endpoint}, headers=admin),
        422,
        "invalid_request",
    )
    plain_http = body["oauth2"] | {"token_endpoint": "http://example.com/token"}
    assert_error(
        client.post("/v1/mailboxes", json=body | {"oauth2": plain_http}, headers=admin),
        422,
        "invalid_request",
    )
    body = grant_body(dovecot, imap_account, issuer)  # the failed add rotated the first one
    created = add(client, admin, body)
    listed = client.get("/v1/mailboxes", headers=admin).text
    for secret in (CLIENT_SECRET, body["oauth2"]["refresh_token"], *issuer.access):
        assert secret not in listed
        assert secret not in str(created)
    for rotated in issuer.grants:
        assert rotated not in listed
