"""/v1/mailboxes against a real dovecot, on SQLite and on PostgreSQL: add, change, check logins."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from app.db.tables import Mailbox
from app.db.types import utcnow
from app.secret_box import SecretBox
from app.settings import Settings
from tests.api.helpers import add, assert_error, new_mailbox
from tests.servers.dovecot import HOST, Account, DovecotServer, free_port


def test_add_checks_the_login_stores_and_starts_a_sync(
    client: TestClient,
    admin: dict[str, str],
    dovecot: DovecotServer,
    imap_account: Account,
) -> None:
    body = new_mailbox(dovecot, imap_account, own_domains=["Lumora.COM", "lumora.com"])
    created = add(client, admin, body)
    assert (
        imap_account.password
        not in client.get(f"/v1/mailboxes/{created['id']}", headers=admin).text
    )
    assert "password" not in created
    assert "secret_ciphertext" not in created
    assert created["id"].startswith("mbx_")
    expected = {
        "host": HOST,
        "port": dovecot.tls_port,
        "security": "tls",
        "username": imap_account.username,
        "auth": "password",
        "folders": None,
        "own_domains": ["lumora.com"],
        "tls_verify": True,
        "ca_file": dovecot.ca_file,
        "state": "idle",
        "last_sync_at": None,
        "last_error": None,
        "auth_failed_at": None,
        "messages": 0,
        "quarantined": 0,
        "folder_status": [],
    }
    assert {k: created[k] for k in expected} == expected
    shown = client.get(f"/v1/mailboxes/{created['id']}", headers=admin)
    assert shown.status_code == 200
    assert shown.json() == created
    listed = client.get("/v1/mailboxes", headers=admin).json()
    assert listed == {"items": [created], "next_cursor": None}


def test_starttls_and_oauth2_and_folders(
    client: TestClient, admin: dict[str, str], dovecot: DovecotServer, imap_account: Account
) -> None:
    dovecot.set_token(imap_account.username, "token-abc")
    body = new_mailbox(
        dovecot,
        imap_account,
        port=dovecot.port,
        security="starttls",
        password=None,
        oauth2_token="token-abc",
        folders=["inbox", "Sent", "INBOX"],
    )
    created = add(client, admin, body)
    assert created["auth"] == "oauth2"
    assert created["security"] == "starttls"
    assert created["folders"] == ["INBOX", "Sent"]


def test_login_domain_is_an_own_domain(
    client: TestClient, admin: dict[str, str], dovecot: DovecotServer
) -> None:
    account = dovecot.add_user(f"rep{uuid.uuid4().hex[:8]}@lumora-lighting.com", "secret-pw")
    body = new_mailbox(dovecot, account, own_domains=["lumora.de"])
    created = add(client, admin, body)
    assert created["own_domains"] == ["lumora-lighting.com", "lumora.de"]


def test_wrong_password_is_400_and_stores_nothing(
    client: TestClient, admin: dict[str, str], dovecot: DovecotServer, imap_account: Account
) -> None:
    body = new_mailbox(dovecot, imap_account, password="wrong-password")
    response = client.post("/v1/mailboxes", json=body, headers=admin)
    assert_error(response, 400, "imap_auth_failed")
    assert "wrong-password" not in response.text
    assert client.get("/v1/mailboxes", headers=admin).json()["items"] == []


def test_closed_port_is_502(client: TestClient, admin: dict[str, str]) -> None:
    body = {"host": HOST, "port": free_port(), "security": "none", "username": "u", "password": "p"}
    assert_error(client.post("/v1/mailboxes", json=body, headers=admin), 502, "imap_unreachable")


def test_unknown_folder_is_400(
    client: TestClient, admin: dict[str, str], dovecot: DovecotServer, imap_account: Account
) -> None:
    body = new_mailbox(dovecot, imap_account, folders=["INBOX", "No Such Folder"])
    response = client.post("/v1/mailboxes", json=body, headers=admin)
    assert_error(response, 400, "imap_folder_missing")
    assert "No Such Folder" in response.json()["detail"]


def test_unusable_ca_file_is_400(
    client: TestClient, admin: dict[str, str], dovecot: DovecotServer, imap_account: Account
) -> None:
    body = new_mailbox(dovecot, imap_account, ca_file="/nonexistent/ca.pem")
    assert_error(client.post("/v1/mailboxes", json=body, headers=admin), 400, "invalid_ca_file")


def test_same_username_and_host_twice_is_409(
    client: TestClient, admin: dict[str, str], dovecot: DovecotServer, imap_account: Account
) -> None:
    created = add(client, admin, new_mailbox(dovecot, imap_account))
    again = new_mailbox(dovecot, imap_account, port=dovecot.port, security="none")
    assert_error(client.post("/v1/mailboxes", json=again, headers=admin), 409, "mailbox_exists")
    client.delete(f"/v1/mailboxes/{created['id']}", headers=admin)
    response = client.post("/v1/mailboxes", json=again, headers=admin)
    assert_error(response, 409, "mailbox_exists")
    assert "disabled" in response.json()["detail"]


GOOD = {"host": HOST, "port": 1, "security": "none", "username": "u", "password": "p"}


@pytest.mark.parametrize(
    "changes",
    [
        {"username": None},
        {"host": ""},
        {"host": "   "},
        {"host": "bad host"},
        {"host": "a\x00b"},
        {"password": None},
        {"oauth2_token": "t"},
        {"password": ""},
        {"password": "p\x00"},
        {"port": 0},
        {"port": 65536},
        {"port": "nine"},
        {"security": "ssl"},
        {"folders": []},
        {"folders": "INBOX"},
        {"folders": ["a\nb"]},
        {"own_domains": ["not a domain"]},
        {"own_domains": [""]},
        {"username": "u" * 400},
        {"username": "u\x01"},
        {"tls_verify": "maybe"},
        {"pasword": "typo"},
    ],
)
def test_bad_bodies_are_422(
    client: TestClient, admin: dict[str, str], changes: dict[str, Any]
) -> None:
    body = {k: v for k, v in {**GOOD, **changes}.items() if v is not None}
    response = client.post("/v1/mailboxes", json=body, headers=admin)
    assert_error(response, 422, "invalid_request")
    assert "p\x00" not in response.text


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"not json",
        b"[1, 2]",
        b'{"host": "127.0.0.1", "username": "\\ud800", "password": "p", "security": "none"}',
        b'{"host": "127.0.0.1", "username": "u", "password": "\\udfff", "security": "none"}',
        b'{"host": "127.0.0.1", "username": "u", "password": "p", "folders": ["\\ud800"]}',
    ],
)
def test_bodies_that_are_not_a_mailbox_are_422(
    client: TestClient, admin: dict[str, str], content: bytes
) -> None:
    headers = {**admin, "Content-Type": "application/json"}
    response = client.post("/v1/mailboxes", content=content, headers=headers)
    assert_error(response, 422, "invalid_request")


def test_patch_checks_a_new_password_and_re_enables(
    client: TestClient,
    admin: dict[str, str],
    dovecot: DovecotServer,
    imap_account: Account,
    sessions: sessionmaker[Session],
    settings: Settings,
) -> None:
    created = add(client, admin, new_mailbox(dovecot, imap_account))
    path = f"/v1/mailboxes/{created['id']}"
    client.delete(path, headers=admin)
    with sessions.begin() as session:
        mailbox = session.get_one(Mailbox, created["id"])
        mailbox.auth_failed_at, mailbox.last_error = utcnow(), "authentication failed"
    dovecot.set_password(imap_account.username, "new-password")

    response = client.patch(path, json={"password": "still-wrong"}, headers=admin)
    assert_error(response, 400, "imap_auth_failed")
    response = client.patch(path, json={"password": "new-password"}, headers=admin)
    assert response.status_code == 200, response.text
    updated = response.json()
    assert (updated["state"], updated["auth_failed_at"], updated["last_error"]) == (
        "idle",
        None,
        None,
    )
    with sessions() as session:
        ciphertext = session.get_one(Mailbox, created["id"]).secret_ciphertext
    assert ciphertext is not None
    assert SecretBox.from_settings(settings).decrypt(ciphertext) == "new-password"


def test_patch_folders_and_own_domains(
    client: TestClient,
    admin: dict[str, str],
    dovecot: DovecotServer,
    imap_account: Account,
) -> None:
    created = add(client, admin, new_mailbox(dovecot, imap_account))
    path = f"/v1/mailboxes/{created['id']}"
    response = client.patch(path, json={"own_domains": ["Lumora.com"]}, headers=admin)
    assert response.json()["own_domains"] == ["lumora.com"]
    response = client.patch(path, json={"folders": ["Missing"]}, headers=admin)
    assert_error(response, 400, "imap_folder_missing")
    response = client.patch(path, json={"folders": ["Sent"]}, headers=admin)
    assert response.json()["folders"] == ["Sent"]
    response = client.patch(path, json={"folders": None}, headers=admin)
    assert response.json()["folders"] is None
    bad_bodies: list[dict[str, Any]] = [
        {"password": "a", "oauth2_token": "b"},
        {"host": "elsewhere"},
        {"folders": []},
    ]
    for bad in bad_bodies:
        assert_error(client.patch(path, json=bad, headers=admin), 422, "invalid_request")
