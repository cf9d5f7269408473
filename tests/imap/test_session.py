"""ImapSession against a real dovecot: security modes, logins, folders, UIDs, fetch, IDLE."""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from ingest.imap import (
    ImapAuthError,
    ImapConfig,
    ImapProtocolError,
    ImapSession,
    ImapUnreachableError,
    StoredFolderState,
    plan_folder_sync,
)
from tests.servers.dovecot import HOST, Account, DovecotServer, free_port

MESSAGES = [
    b"From: Li Wei <li@shenzhen-tech.cn>\r\nTo: sales@example.com\r\n"
    b"Subject: Inquiry: 500 units\r\nMessage-ID: <a1@shenzhen-tech.cn>\r\n\r\n"
    b"Please quote FOB Shenzhen.\r\n",
    b"From: sales@example.com\r\nTo: li@shenzhen-tech.cn\r\nSubject: Re: Inquiry\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\n\r\nPreis: 12,50 \xe2\x82\xac\r\n",
    b"Subject: no final newline\r\n\r\nbody without CRLF at the end",
]


def config(
    dovecot: DovecotServer, account: Account, security: str = "none", **overrides: Any
) -> ImapConfig:
    port = dovecot.tls_port if security == "tls" else dovecot.port
    settings: dict[str, Any] = {
        "host": HOST,
        "port": port,
        "username": account.username,
        "security": security,
        "password": account.password,
        "ca_file": dovecot.ca_file,
        "timeout": 5.0,
        **overrides,
    }
    return ImapConfig(**settings)


@pytest.fixture
def session(dovecot: DovecotServer, imap_account: Account) -> Iterator[ImapSession]:
    with ImapSession.connect(config(dovecot, imap_account)) as opened:
        yield opened


@pytest.mark.parametrize(
    ("security", "overrides"),
    [
        ("none", {}),
        ("starttls", {}),
        ("starttls", {"tls_verify": False, "ca_file": None}),
        ("tls", {}),
        ("tls", {"tls_verify": False, "ca_file": None}),
    ],
)
def test_connects_with_each_security_mode(
    dovecot: DovecotServer, imap_account: Account, security: str, overrides: dict[str, Any]
) -> None:
    with ImapSession.connect(config(dovecot, imap_account, security, **overrides)) as session:
        assert {"IMAP4REV1", "IDLE", "CONDSTORE"} <= session.capabilities
        assert session.sync_folders(None) == ["INBOX", "Sent"]


@pytest.mark.parametrize("security", ["tls", "starttls"])
def test_verification_without_the_ca_is_unreachable(
    dovecot: DovecotServer, imap_account: Account, security: str
) -> None:
    with pytest.raises(ImapUnreachableError, match="TLS failed"):
        ImapSession.connect(config(dovecot, imap_account, security, ca_file=None))


def test_wrong_password_is_auth_error_without_the_secret(
    dovecot: DovecotServer, imap_account: Account
) -> None:
    with pytest.raises(ImapAuthError, match="refused the login") as info:
        ImapSession.connect(config(dovecot, imap_account, password="wrong-Secret-42"))
    assert "wrong-Secret-42" not in str(info.value)


def test_changed_password_takes_effect(dovecot: DovecotServer, imap_account: Account) -> None:
    dovecot.set_password(imap_account.username, "brand-new-pw")
    with pytest.raises(ImapAuthError):
        ImapSession.connect(config(dovecot, imap_account))
    ImapSession.connect(config(dovecot, imap_account, password="brand-new-pw")).close()


def test_non_ascii_password_logs_in_with_authenticate_plain(dovecot: DovecotServer) -> None:
    account = dovecot.add_user(f"juergen{free_port()}", "pässwörd-€")
    with ImapSession.connect(config(dovecot, account)) as session:
        assert session.sync_folders(["INBOX"]) == ["INBOX"]


def test_closed_port_is_unreachable(dovecot: DovecotServer, imap_account: Account) -> None:
    with pytest.raises(ImapUnreachableError, match="refused"):
        ImapSession.connect(config(dovecot, imap_account, port=free_port()))


def test_silent_server_is_unreachable_after_the_timeout() -> None:
    with socket.create_server((HOST, 0)) as listener:  # accepts in the kernel, never greets
        settings = ImapConfig(
            HOST, listener.getsockname()[1], "u", "none", password="pw", timeout=0.3
        )
        with pytest.raises(ImapUnreachableError, match="timed out"):
            ImapSession.connect(settings)


def test_outage_is_unreachable_then_recovers(dovecot: DovecotServer, imap_account: Account) -> None:
    dovecot.stop()
    with pytest.raises(ImapUnreachableError):
        ImapSession.connect(config(dovecot, imap_account, "tls"))
    dovecot.start()
    ImapSession.connect(config(dovecot, imap_account, "tls")).close()


def test_dropped_connection_mid_session_is_protocol_error(
    dovecot: DovecotServer, session: ImapSession
) -> None:
    session.select("INBOX")
    dovecot.stop()
    with pytest.raises(ImapProtocolError):
        session.uids_after(0)


@pytest.mark.parametrize("mechanism", ["auto", "XOAUTH2", "OAUTHBEARER"])
def test_oauth2_token_logs_in(
    dovecot: DovecotServer, imap_account: Account, mechanism: str
) -> None:
    """A token logs in with either SASL mechanism; ``auto`` takes OAUTHBEARER (RFC 7628),
    which dovecot advertises, as its login line shows."""
    token = f"ya29.good-token-{mechanism}"
    dovecot.set_token(imap_account.username, token)
    settings = config(
        dovecot, imap_account, "tls", password=None, oauth2_token=token, oauth2_mechanism=mechanism
    )
    with ImapSession.connect(settings) as session:
        assert session.sync_folders(None) == ["INBOX", "Sent"]
    used = "XOAUTH2" if mechanism == "XOAUTH2" else "OAUTHBEARER"
    deadline = time.monotonic() + 10
    line = f"user=<{imap_account.username}>, method={used}"
    while line not in dovecot.log_file.read_text():
        assert time.monotonic() < deadline, dovecot.log_tail()
        time.sleep(0.05)


@pytest.mark.parametrize("mechanism", ["XOAUTH2", "OAUTHBEARER"])
def test_refused_oauth2_token_is_auth_error(
    dovecot: DovecotServer, imap_account: Account, mechanism: str
) -> None:
    dovecot.set_token("someone-else", "ya29.other-user-token")
    for token in ("ya29.unknown-token", "ya29.other-user-token"):
        settings = config(
            dovecot, imap_account, password=None, oauth2_token=token, oauth2_mechanism=mechanism
        )
        with pytest.raises(ImapAuthError) as info:
            ImapSession.connect(settings)
        assert token not in str(info.value)


def test_starttls_not_offered_is_refused() -> None:
    """A server that offers no STARTTLS never sees the password."""
    received: list[bytes] = []
    with socket.create_server((HOST, 0)) as listener:
        thread = threading.Thread(target=_serve_plain_imap, args=(listener, received))
        thread.start()
        settings = ImapConfig(
            HOST, listener.getsockname()[1], "u", "starttls", password="pw-never-sent", timeout=5
        )
        with pytest.raises(ImapUnreachableError, match="does not offer STARTTLS"):
            ImapSession.connect(settings)
        thread.join()
    assert b"pw-never-sent" not in b"".join(received)


def _serve_plain_imap(listener: socket.socket, received: list[bytes]) -> None:
    """A fake IMAP server without STARTTLS that records what the client sends."""
    conn, _ = listener.accept()
    with conn, conn.makefile("rb") as lines:
        conn.sendall(b"* OK fake ready\r\n")
        for line in lines:
            received.append(line)
            tag, _, command = line.partition(b" ")
            if command.strip().upper() == b"CAPABILITY":
                conn.sendall(b"* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\n" + tag + b" OK done\r\n")
            else:
                conn.sendall(tag + b" BAD not expected\r\n")


def test_requested_folders(dovecot: DovecotServer, imap_account: Account) -> None:
    dovecot.create_folder(imap_account.username, "Deals/2024")
    with ImapSession.connect(config(dovecot, imap_account)) as session:
        assert session.sync_folders(["inbox", "Deals/2024"]) == ["INBOX", "Deals/2024"]
        with pytest.raises(ImapProtocolError, match="'Missing'"):
            session.sync_folders(["INBOX", "Missing"])


def test_select_reports_status(
    dovecot: DovecotServer, imap_account: Account, session: ImapSession
) -> None:
    empty = session.select("Sent")
    assert empty.name == "Sent"
    assert empty.exists == 0
    assert empty.uidnext == 1
    uids = dovecot.append(imap_account.username, "INBOX", MESSAGES)
    status = session.select("INBOX")
    assert status.uidvalidity > 0
    assert status.exists == len(MESSAGES)
    assert status.uidnext == max(uids) + 1
    assert status.highestmodseq is not None
    assert status.highestmodseq > 0


def test_select_missing_folder_is_protocol_error(session: ImapSession) -> None:
    with pytest.raises(ImapProtocolError, match="Nowhere"):
        session.select("Nowhere")


def test_uids_after(dovecot: DovecotServer, imap_account: Account, session: ImapSession) -> None:
    session.select("INBOX")
    assert session.uids_after(0) == []
    uids = dovecot.append(imap_account.username, "INBOX", MESSAGES)
    assert session.uids_after(0) == uids
    assert session.uids_after(uids[0]) == uids[1:]
    assert session.uids_after(uids[-1]) == []
    assert session.uids_after(uids[-1] + 100) == []


def test_fetch_raw_returns_exact_bytes_and_leaves_unseen(
    dovecot: DovecotServer, imap_account: Account, session: ImapSession
) -> None:
    uids = dovecot.append(imap_account.username, "INBOX", MESSAGES)
    session.select("INBOX")
    assert session.fetch_raw([]) == {}
    fetched = session.fetch_raw([*uids, uids[-1] + 50])
    assert fetched == dict(zip(uids, MESSAGES, strict=True))
    with dovecot.client(imap_account.username) as client:
        client.select_folder("INBOX", readonly=True)
        flags = client.get_flags(uids)
    assert all(b"\\Seen" not in flags[uid] for uid in uids)


def test_secrets_and_bodies_are_not_logged(
    dovecot: DovecotServer, imap_account: Account, caplog: pytest.LogCaptureFixture
) -> None:
    dovecot.append(imap_account.username, "INBOX", MESSAGES)
    dovecot.set_token(imap_account.username, "ya29.logged-token")
    caplog.set_level(logging.DEBUG)
    with ImapSession.connect(config(dovecot, imap_account)) as session:
        session.select("INBOX")
        session.fetch_raw(session.uids_after(0))
    with ImapSession.connect(
        config(dovecot, imap_account, password=None, oauth2_token="ya29.logged-token")
    ):
        pass
    assert caplog.text
    for secret in (imap_account.password, "ya29.logged-token", "FOB Shenzhen", "Preis"):
        assert secret not in caplog.text


def test_recreated_folder_gets_new_uidvalidity_and_plan_resyncs(
    dovecot: DovecotServer, imap_account: Account
) -> None:
    user = imap_account.username
    dovecot.create_folder(user, "Deals")
    uids = dovecot.append(user, "Deals", MESSAGES[:2])
    with ImapSession.connect(config(dovecot, imap_account)) as session:
        before = session.select("Deals")
    stored = StoredFolderState(before.uidvalidity, max(uids), before.highestmodseq)
    assert plan_folder_sync(stored, before).action == "up_to_date"
    dovecot.delete_folder(user, "Deals")
    dovecot.create_folder(user, "Deals")
    dovecot.append(user, "Deals", MESSAGES[:1])
    with ImapSession.connect(config(dovecot, imap_account)) as session:
        after = session.select("Deals")
    assert after.uidvalidity != before.uidvalidity
    plan = plan_folder_sync(stored, after)
    assert (plan.action, plan.from_uid) == ("resync", 0)


def _append_later(dovecot: DovecotServer, user: str, delay: float) -> threading.Timer:
    timer = threading.Timer(delay, dovecot.append, args=(user, "INBOX", MESSAGES[:1]))
    timer.start()
    return timer


def test_idle_returns_true_when_mail_arrives(
    dovecot: DovecotServer, imap_account: Account, session: ImapSession
) -> None:
    session.select("INBOX")
    timer = _append_later(dovecot, imap_account.username, 0.3)
    try:
        assert session.idle(timeout=10) is True
    finally:
        timer.join()
    assert len(session.uids_after(0)) == 1


def test_connection_lost_during_idle_is_protocol_error(
    dovecot: DovecotServer, session: ImapSession
) -> None:
    session.select("INBOX")
    outage = threading.Timer(0.2, dovecot.stop)
    outage.start()
    started = time.monotonic()
    try:
        with pytest.raises(ImapProtocolError, match="IDLE"):
            session.idle(timeout=20)
    finally:
        outage.join()
    assert time.monotonic() - started < 10


def test_abort_from_another_thread_ends_idle_at_once(session: ImapSession) -> None:
    session.select("INBOX")
    aborter = threading.Timer(0.2, session.abort)
    aborter.start()
    started = time.monotonic()
    try:
        with pytest.raises(ImapProtocolError):
            session.idle(timeout=20)
    finally:
        aborter.join()
    assert time.monotonic() - started < 5
    session.abort()  # harmless on a connection already cut


def test_idle_returns_false_when_nothing_arrives(session: ImapSession) -> None:
    session.select("INBOX")
    assert session.idle(timeout=0.3) is False
    assert session.uids_after(0) == []  # the session is still usable after IDLE
    with pytest.raises(ValueError, match="positive"):
        session.idle(timeout=0)


def test_idle_without_idle_capability_polls_with_noop(
    dovecot: DovecotServer, imap_account: Account, session: ImapSession
) -> None:
    session.capabilities = session.capabilities - {"IDLE"}
    session.select("INBOX")
    assert session.idle(timeout=0.2) is False
    dovecot.append(imap_account.username, "INBOX", MESSAGES[:1])
    assert session.idle(timeout=5) is True
