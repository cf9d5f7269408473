"""The mailbox API with the real runner started: mail arrives, errors show, credentials heal."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.workers.runner import SyncRunner
from tests.api.helpers import add, assert_error, new_mailbox
from tests.servers.dovecot import Account, DovecotServer
from tests.sync.conftest import corpus


@pytest.fixture
def started(runner: SyncRunner) -> Iterator[SyncRunner]:
    """The app's runner, syncing in background threads for the test."""
    runner.start()
    yield runner
    runner.stop()


def _until(check: Callable[[], Any], what: str, seconds: float = 120) -> Any:
    deadline = time.monotonic() + seconds
    while not (value := check()):
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)
    return value


def _shown(client: TestClient, admin: dict[str, str], mailbox_id: str) -> dict[str, Any]:
    response = client.get(f"/v1/mailboxes/{mailbox_id}", headers=admin)
    assert response.status_code == 200
    shown: dict[str, Any] = response.json()
    return shown


@pytest.mark.usefixtures("started")
def test_syncing_starts_at_once_and_sync_now_fetches_new_mail(
    client: TestClient, admin: dict[str, str], dovecot: DovecotServer, imap_account: Account
) -> None:
    user = imap_account.username
    dovecot.append(user, "INBOX", corpus(12, "api-in"))
    dovecot.append(user, "Sent", corpus(3, "api-sent"))
    mailbox_id = add(client, admin, new_mailbox(dovecot, imap_account))["id"]

    shown = _until(
        lambda: (s := _shown(client, admin, mailbox_id))["messages"] == 15 and s, "first sync"
    )
    _until(lambda: _shown(client, admin, mailbox_id)["state"] == "idle", "idle state")
    status = {f["name"]: f for f in _shown(client, admin, mailbox_id)["folder_status"]}
    assert (status["INBOX"]["messages"], status["Sent"]["messages"]) == (12, 3)
    assert shown["last_error"] is None

    dovecot.append(user, "Sent", corpus(2, "api-sent-later"))
    response = client.post(f"/v1/mailboxes/{mailbox_id}/sync", headers=admin)
    assert response.status_code == 202
    _until(lambda: _shown(client, admin, mailbox_id)["messages"] == 17, "sync now", seconds=120)


@pytest.mark.usefixtures("started")
def test_password_change_on_the_server_shows_then_heals_through_patch(
    client: TestClient, admin: dict[str, str], dovecot: DovecotServer, imap_account: Account
) -> None:
    user = imap_account.username
    dovecot.append(user, "INBOX", corpus(2, "heal"))
    mailbox_id = add(client, admin, new_mailbox(dovecot, imap_account))["id"]
    _until(lambda: _shown(client, admin, mailbox_id)["messages"] == 2, "first sync")

    dovecot.set_password(user, "changed-on-the-server")
    client.post(f"/v1/mailboxes/{mailbox_id}/sync", headers=admin)
    failed = _until(
        lambda: (s := _shown(client, admin, mailbox_id))["state"] == "error" and s, "error state"
    )
    assert "authentication failed" in failed["last_error"]
    assert failed["auth_failed_at"] is not None
    response = client.post(f"/v1/mailboxes/{mailbox_id}/sync", headers=admin)
    assert_error(response, 409, "mailbox_auth_failed")

    dovecot.append(user, "INBOX", corpus(1, "heal-later"))
    path = f"/v1/mailboxes/{mailbox_id}"
    response = client.patch(path, json={"password": "changed-on-the-server"}, headers=admin)
    assert response.status_code == 200, response.text
    _until(lambda: _shown(client, admin, mailbox_id)["messages"] == 3, "sync after the fix")


@pytest.mark.usefixtures("started")
def test_deleted_mailbox_stops_syncing(
    client: TestClient, admin: dict[str, str], dovecot: DovecotServer, imap_account: Account
) -> None:
    user = imap_account.username
    dovecot.append(user, "INBOX", corpus(4, "stop"))
    mailbox_id = add(client, admin, new_mailbox(dovecot, imap_account))["id"]
    _until(lambda: _shown(client, admin, mailbox_id)["messages"] == 4, "first sync")
    _until(lambda: _shown(client, admin, mailbox_id)["state"] == "idle", "idle state")

    assert client.delete(f"/v1/mailboxes/{mailbox_id}", headers=admin).status_code == 204
    dovecot.append(user, "INBOX", corpus(3, "after-delete"))
    time.sleep(2)
    shown = _shown(client, admin, mailbox_id)
    assert (shown["state"], shown["messages"]) == ("disabled", 4)
