"""Bounded input on IMAP sync, against a real dovecot behind a byte-counting relay: a message
over the size limit is quarantined without being downloaded, and a server that stops
answering makes the sync give up with a clear error instead of hanging."""

from __future__ import annotations

import contextlib
import socket
import threading
import zlib
from collections.abc import Iterator

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.db.tables import Mailbox, QuarantinedMessage
from app.secret_box import SecretBox
from app.settings import Settings
from app.workers.runner import SyncRunner
from ingest.sources import KEPT_BYTES
from tests.mail import make_email
from tests.servers.dovecot import HOST, Account, DovecotServer
from tests.sync.conftest import OWN, add_mailbox, corpus

LIMIT = 1024 * 1024


class Relay:
    """A TCP relay from a local port to an IMAP server that counts the bytes the server
    sends; once ``stall_on`` is seen from the client, nothing more is passed either way
    (the connection stays open: a server that stopped answering)."""

    def __init__(self, port: int, stall_on: bytes | None = None) -> None:
        self.target = port
        self.stall_on = stall_on
        self.from_server = 0
        self.stalled = threading.Event()
        self._listener = socket.create_server((HOST, 0))
        self.port: int = self._listener.getsockname()[1]
        self._sockets: list[socket.socket] = [self._listener]
        self._threads = [threading.Thread(target=self._accept, daemon=True)]
        self._threads[0].start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return  # closed
            server = socket.create_connection((HOST, self.target))
            self._sockets += [client, server]
            for source, sink, counted in ((client, server, False), (server, client, True)):
                thread = threading.Thread(target=self._pump, args=(source, sink, counted))
                thread.daemon = True
                thread.start()
                self._threads.append(thread)

    def _pump(self, source: socket.socket, sink: socket.socket, counted: bool) -> None:
        try:
            while data := source.recv(65536):
                if not counted and self.stall_on is not None and self.stall_on in data:
                    self.stalled.set()
                if self.stalled.is_set():
                    continue
                if counted:
                    self.from_server += len(data)
                sink.sendall(data)
        except OSError:
            pass  # either side closed the connection
        finally:
            for end in (source, sink):
                _hang_up(end)

    def close(self) -> None:
        """Close every connection and stop listening."""
        for sock in self._sockets:
            _hang_up(sock)
        for thread in self._threads:
            thread.join(timeout=10)


def _hang_up(sock: socket.socket) -> None:
    """Shut ``sock`` down (which wakes a thread blocked in its accept or recv) and close it."""
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()


@pytest.fixture
def limited(settings: Settings) -> Settings:
    """The sync tests' settings with a 1 MiB message limit and a 1 s IMAP timeout."""
    return settings.model_copy(update={"max_message_bytes": LIMIT, "imap_timeout": 1.0})


@pytest.fixture
def limited_runner(limited: Settings, sessions: sessionmaker[Session]) -> Iterator[SyncRunner]:
    """A sync runner with the ``limited`` settings, stopped afterwards."""
    runner = SyncRunner(limited, sessions, SecretBox.from_settings(limited))
    yield runner
    runner.stop()


def _through(sessions: sessionmaker[Session], mailbox_id: str, port: int) -> None:
    with sessions.begin() as session:
        session.get_one(Mailbox, mailbox_id).port = port


def _server_bytes(server: DovecotServer, user: str, uid: int) -> bytes:
    with server.client(user) as client:
        client.select_folder("INBOX", readonly=True)
        data: bytes = client.fetch([uid], ["BODY.PEEK[]"])[uid][b"BODY[]"]
        return data


def test_a_message_over_the_limit_is_quarantined_without_being_downloaded(
    dovecot: DovecotServer,
    imap_account: Account,
    limited: Settings,
    sessions: sessionmaker[Session],
    limited_runner: SyncRunner,
) -> None:
    user = imap_account.username
    big = make_email(
        sender="buyer@customer1.com",
        to=f"rep@{OWN}",
        subject="Catalogue attached",
        body="LED panel 600x600 40W, FOB Ningbo.\n" * 100_000,
    )
    small = corpus(2, "limit")
    _, big_uid, _ = dovecot.append(user, "INBOX", [small[0], big, small[1]])
    on_server = _server_bytes(dovecot, user, big_uid)
    assert len(on_server) > 3 * LIMIT
    mailbox_id = add_mailbox(sessions, limited, dovecot, imap_account, folders=["INBOX"])
    relay = Relay(dovecot.port)
    try:
        _through(sessions, mailbox_id, relay.port)
        [result] = limited_runner.run_once()
    finally:
        relay.close()

    assert result.error is None
    assert result.stored.imported == 2
    [(source, reason)] = result.stored.quarantined
    assert source == f"imap:INBOX/{big_uid}"
    assert reason.startswith(f"too large: {len(on_server)} bytes")
    assert relay.from_server < LIMIT  # the whole message never crossed the wire
    with sessions() as session:
        kept = session.scalars(select(QuarantinedMessage)).one()
        assert kept.raw_size == len(on_server)
        assert zlib.decompress(kept.raw_zlib) == on_server[:KEPT_BYTES]
        assert session.get_one(Mailbox, mailbox_id).state == "idle"

    [again] = limited_runner.run_once()  # the folder position moved past it: nothing again
    assert (again.stored.imported, again.stored.quarantined) == (0, [])


def test_a_server_that_never_answers_fails_the_sync_with_a_clear_error(
    dovecot: DovecotServer,
    imap_account: Account,
    limited: Settings,
    sessions: sessionmaker[Session],
    limited_runner: SyncRunner,
) -> None:
    mailbox_id = add_mailbox(sessions, limited, dovecot, imap_account, folders=["INBOX"])
    with socket.create_server((HOST, 0)) as silent:  # accepts in the kernel, never greets
        _through(sessions, mailbox_id, silent.getsockname()[1])
        result = limited_runner.sync_one(mailbox_id)
    assert result is not None
    assert result.error is not None
    assert result.error.startswith("server unreachable: connect to")
    assert result.error.endswith("timed out")
    with sessions() as session:
        mailbox = session.get_one(Mailbox, mailbox_id)
        assert (mailbox.state, mailbox.last_error) == ("error", result.error)


def test_a_server_that_stops_answering_mid_fetch_fails_the_sync_with_a_clear_error(
    dovecot: DovecotServer,
    imap_account: Account,
    limited: Settings,
    sessions: sessionmaker[Session],
    limited_runner: SyncRunner,
) -> None:
    dovecot.append(imap_account.username, "INBOX", corpus(3, "stall"))
    mailbox_id = add_mailbox(sessions, limited, dovecot, imap_account, folders=["INBOX"])
    relay = Relay(dovecot.port, stall_on=b"FETCH")
    try:
        _through(sessions, mailbox_id, relay.port)
        result = limited_runner.sync_one(mailbox_id)
    finally:
        relay.close()
    assert relay.stalled.is_set()
    assert result is not None
    assert result.error is not None
    assert result.error == "server unreachable: fetch the sizes of 3 message(s): timed out"
    with sessions() as session:
        assert session.get_one(Mailbox, mailbox_id).state == "error"
