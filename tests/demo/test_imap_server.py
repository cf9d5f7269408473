"""The demo's private dovecot: accounts, INBOX and \\Sent, idempotent appends, persistence, stop."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from imapclient import IMAPClient
from imapclient.exceptions import LoginError

from app.demo.imap_server import HOST, DemoImapServer, DovecotError, find_dovecot, port_open
from ingest.imap import ImapConfig, ImapSession
from tests.conftest import skip_or_fail

ANNA = "anna@lumora.test"
TOM = "tom@lumora.test"


def _mail(n: int, sender: str = "buyer@customer.test") -> bytes:
    return (
        f"From: {sender}\r\nTo: {ANNA}\r\nSubject: inquiry {n}\r\n"
        f"Date: Tue, 08 Jul 2025 18:30:{n:02d} +0700\r\nMessage-ID: <m{n}@customer.test>\r\n\r\n"
        f"Please quote {100 + n} pcs.\r\n"
    ).encode()


def _subjects(client: IMAPClient, folder: str) -> list[str]:
    client.select_folder(folder, readonly=True)
    fetched = client.fetch(client.search("ALL"), ["BODY.PEEK[HEADER.FIELDS (SUBJECT)]"])
    return [
        data[b"BODY[HEADER.FIELDS (SUBJECT)]"].decode().strip().removeprefix("Subject: ")
        for _, data in sorted(fetched.items())
    ]


@pytest.fixture(scope="module")
def binary() -> str:
    """The dovecot binary (skips locally without it, fails in CI)."""
    found = find_dovecot()
    if found is None:
        skip_or_fail("dovecot is not installed (apt-get install dovecot-imapd)")
    assert found is not None
    return found


@pytest.fixture
def mail_root(tmp_path: Path) -> Path:
    """A mail folder below a folder only its owner may enter, as a user's home often is."""
    private = tmp_path / "private"
    private.mkdir(mode=0o700)
    return private / "leadlens-demo-imap"


@pytest.fixture
def server(binary: str, mail_root: Path) -> Iterator[DemoImapServer]:
    """A running server with two accounts."""
    with DemoImapServer(binary, mail_root, {ANNA: "anna-pw", TOM: "tom-pw"}) as running:
        yield running


def test_appends_only_what_a_folder_lacks_in_order(server: DemoImapServer) -> None:
    progress: list[int] = []
    first = server.append_missing(ANNA, "INBOX", [_mail(1), _mail(2)], on_progress=progress.append)
    again = server.append_missing(
        ANNA, "INBOX", [_mail(1), _mail(3), _mail(2), _mail(4)], flags=("\\Seen",)
    )
    sent = server.append_missing(ANNA, "Sent", [_mail(5, ANNA)], flags=("\\Seen",))
    assert (first, again, sent, progress) == (2, 2, 1, [2])
    with server.client(ANNA) as client:
        assert _subjects(client, "INBOX") == [f"inquiry {n}" for n in (1, 2, 3, 4)]
        assert _subjects(client, "Sent") == ["inquiry 5"]
        client.select_folder("INBOX", readonly=True)
        fetched = client.fetch(client.search("ALL"), ["FLAGS", "INTERNALDATE"])
        flags = [b"\\Seen" in data[b"FLAGS"] for _, data in sorted(fetched.items())]
        assert flags == [False, False, True, True]
        assert fetched[min(fetched)][b"INTERNALDATE"].minute == 30  # from the Date header
    with server.client(TOM) as client:
        assert _subjects(client, "INBOX") == []


def test_sent_is_the_special_use_folder_the_sync_picks(server: DemoImapServer) -> None:
    config = ImapConfig(
        host=HOST, port=server.port, username=TOM, security="none", password="tom-pw"
    )
    with ImapSession.connect(config) as session:
        assert session.sync_folders(None) == ["INBOX", "Sent"]
    with server.client(TOM) as client:
        flags = {name: attributes for attributes, _, name in client.list_folders()}
    assert b"\\Sent" in flags["Sent"]


def test_mail_outlives_the_server_and_passwords_change(binary: str, mail_root: Path) -> None:
    with DemoImapServer(binary, mail_root, {ANNA: "old"}) as first:
        first.append_missing(ANNA, "Sent", [_mail(1, ANNA), _mail(2, ANNA)])
    assert not first.running
    assert not port_open(first.port)
    with DemoImapServer(binary, mail_root, {ANNA: "new"}) as second:
        assert second.append_missing(ANNA, "Sent", [_mail(1, ANNA), _mail(2, ANNA)]) == 0
        with second.client(ANNA) as client:
            assert _subjects(client, "Sent") == ["inquiry 1", "inquiry 2"]
        with (
            IMAPClient(HOST, second.port, ssl=False, timeout=10) as client,
            pytest.raises(LoginError),
        ):
            client.login(ANNA, "old")


def test_stop_ends_open_sessions_and_frees_the_port(server: DemoImapServer) -> None:
    client = server.client(ANNA)
    client.noop()
    server.stop()
    assert not server.running
    assert not port_open(server.port)
    with pytest.raises((OSError, IMAPClient.AbortError)):
        client.noop()
    client.shutdown()
    server.stop()  # stopping twice is harmless


def test_a_message_without_message_id_is_refused(server: DemoImapServer) -> None:
    with pytest.raises(ValueError, match="Message-ID"):
        server.append_missing(ANNA, "INBOX", [_mail(1), b"Subject: anonymous\r\n\r\nhi\r\n"])
    with server.client(ANNA) as client:
        assert _subjects(client, "INBOX") == []


def test_a_failed_start_says_why_and_leaves_nothing_running(binary: str, mail_root: Path) -> None:
    with socket.socket() as taken:
        taken.bind((HOST, 0))  # bound, not listening: dovecot cannot bind it either
        server = DemoImapServer(binary, mail_root, {ANNA: "pw"}, port=taken.getsockname()[1])
        with pytest.raises(DovecotError, match="dovecot did not start") as failure:
            server.start()
    assert "in use" in str(failure.value)
    assert not server.running


def test_a_login_the_passwd_file_cannot_hold_is_refused(binary: str, mail_root: Path) -> None:
    server = DemoImapServer(binary, mail_root, {"anna:admin@lumora.test": "pw"})
    with pytest.raises(DovecotError, match="passwd-file"):
        server.start()
    assert not server.running
