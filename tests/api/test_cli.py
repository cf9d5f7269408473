"""`leadlens apikey` and `leadlens mailbox`, run as a user would: a subprocess on a real store."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.db.tables import Mailbox
from app.settings import Settings
from app.web import create_app
from tests.api.conftest import bearer
from tests.cli import leadlens
from tests.mail import make_email
from tests.servers.dovecot import HOST, Account, DovecotServer

REPO_ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def test_apikey_create_prints_a_working_key_last(database_url: str, settings: Settings) -> None:
    admin = leadlens(database_url, "apikey", "create", "--scope", "admin", "--name", "ops")
    assert admin.returncode == 0, admin.stderr
    admin_key = admin.stdout.strip().splitlines()[-1]
    assert admin_key.startswith("ll_")
    assert admin_key not in admin.stderr
    reader = leadlens(database_url, "apikey", "create", "--scope", "read")
    read_key = reader.stdout.strip().splitlines()[-1]
    with TestClient(create_app(settings)) as client:
        assert client.get("/v1/mailboxes", headers=bearer(admin_key)).status_code == 200
        assert client.get("/v1/mailboxes", headers=bearer(read_key)).status_code == 403
    listing = leadlens(database_url, "apikey", "list", env={"COLUMNS": "80"})
    assert admin_key not in listing.stdout
    admin_id = admin.stderr.split("created API key ")[1].split()[0]
    rows = [line.split() for line in listing.stdout.splitlines()[1:]]
    assert [row[:3] for row in rows if "ops" in row] == [[admin_id, "ops", "admin"]]
    as_json = json.loads(leadlens(database_url, "apikey", "list", "--json").stdout)
    assert [(key["id"], key["name"]) for key in as_json if key["scope"] == "admin"] == [
        (admin_id, "ops")
    ]


def test_apikey_create_needs_a_valid_scope(database_url: str) -> None:
    assert leadlens(database_url, "apikey", "create").returncode != 0
    assert leadlens(database_url, "apikey", "create", "--scope", "root").returncode != 0
    too_long = leadlens(database_url, "apikey", "create", "--scope", "read", "--name", "n" * 300)
    assert too_long.returncode == 1
    assert "at most 200" in too_long.stderr


def test_apikey_revoke(database_url: str, settings: Settings) -> None:
    created = leadlens(database_url, "apikey", "create", "--scope", "admin")
    key = created.stdout.strip().splitlines()[-1]
    key_id = created.stderr.split("created API key ")[1].split()[0]
    assert leadlens(database_url, "apikey", "revoke", key_id).returncode == 0
    with TestClient(create_app(settings)) as client:
        assert client.get("/v1/mailboxes", headers=bearer(key)).status_code == 401
    assert leadlens(database_url, "apikey", "revoke", "key_nope").returncode == 1


def test_mailbox_add_list_remove(
    database_url: str,
    dovecot: DovecotServer,
    imap_account: Account,
    sessions: sessionmaker[Session],
) -> None:
    options = ["--host", HOST, "--port", str(dovecot.tls_port), "--username", imap_account.username]
    options += ["--ca-file", dovecot.ca_file, "--folder", "INBOX", "--own-domain", "Lumora.com"]
    env = {"IMAP_PASSWORD": imap_account.password}
    added = leadlens(
        database_url, "mailbox", "add", *options, "--password-env", "IMAP_PASSWORD", env=env
    )
    assert added.returncode == 0, added.stderr
    assert "picks the change up" in added.stdout
    with sessions() as session:
        mailbox = session.scalars(select(Mailbox)).one()
    assert mailbox.id in added.stdout
    assert (mailbox.folders, mailbox.own_domains) == (["INBOX"], ["lumora.com"])
    assert imap_account.password not in added.stdout + added.stderr

    dovecot.append(imap_account.username, "INBOX", _inquiries(3))
    synced = leadlens(database_url, "sync", "--once")
    assert synced.returncode == 0, synced.stderr
    assert synced.stdout.splitlines()[-1].startswith("mailboxes=1 failed=0 imported=3 ")
    assert re.search(r"^syncing: 3 messages in \d+ s", synced.stderr, re.MULTILINE)
    assert "\x1b" not in synced.stderr
    assert "imapclient" not in synced.stderr

    listing = leadlens(database_url, "mailbox", "list", env={"COLUMNS": "80"})
    assert listing.returncode == 0, listing.stderr
    header, *rows = listing.stdout.splitlines()
    assert header.split()[:3] == ["id", "mailbox", "state"]
    assert [row.split()[0] for row in rows] == [mailbox.id]  # whole, on one line
    assert imap_account.username in rows[0]
    assert imap_account.password not in listing.stdout
    listed_id = rows[0].split()[0]
    (as_json,) = json.loads(leadlens(database_url, "mailbox", "list", "--json").stdout)
    assert (as_json["id"], as_json["messages"], as_json["state"]) == (mailbox.id, 3, "idle")

    again = leadlens(database_url, "mailbox", "add", *options, "--password-stdin", stdin="x\n")
    assert again.returncode == 1
    assert "mailbox_exists" in again.stderr

    removed = leadlens(database_url, "mailbox", "remove", listed_id, "--purge")
    assert removed.returncode == 0, removed.stderr
    with sessions() as session:
        assert session.get(Mailbox, mailbox.id) is None


def _inquiries(count: int) -> list[bytes]:
    return [
        make_email(
            sender=f"buyer{i}@customer.test",
            to="rep@lumora.com",
            subject=f"LED panels, inquiry {i}",
            body=f"Please quote {100 + i} pcs.",
            message_id=f"cli-{i}@customer.test",
        )
        for i in range(count)
    ]


def test_mailbox_add_refuses_a_wrong_password(
    database_url: str, dovecot: DovecotServer, imap_account: Account
) -> None:
    options = ["--host", HOST, "--port", str(dovecot.port), "--security", "none"]
    options += ["--username", imap_account.username, "--password-stdin"]
    result = leadlens(database_url, "mailbox", "add", *options, stdin="wrong-password\n")
    assert result.returncode == 1
    assert "imap_auth_failed" in result.stderr
    assert "wrong-password" not in result.stderr + result.stdout
    ok = leadlens(database_url, "mailbox", "add", *options, stdin=imap_account.password + "\n")
    assert ok.returncode == 0, ok.stderr


def test_mailbox_add_needs_exactly_one_secret_and_valid_options(database_url: str) -> None:
    base = ["mailbox", "add", "--host", HOST, "--username", "u"]
    assert "exactly one" in leadlens(database_url, *base).stderr
    both = leadlens(database_url, *base, "--password-stdin", "--password-env", "X", stdin="p\n")
    assert both.returncode == 1
    bad_port = leadlens(database_url, *base, "--port", "0", "--password-stdin", stdin="secret-x\n")
    assert bad_port.returncode == 1
    assert "port" in bad_port.stderr
    assert "secret-x" not in bad_port.stderr
    missing_env = leadlens(database_url, *base, "--oauth2-token-env", "NOT_SET_ANYWHERE")
    assert "NOT_SET_ANYWHERE" in missing_env.stderr
