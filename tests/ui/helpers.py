"""Helpers of the dashboard tests: sign in, seed an IMAP mailbox, read numbers off pages,
serve the app on a real port."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from app.db.repositories.mailboxes import MailboxRepository
from app.db.tables import FolderState
from app.db.types import utcnow

LAST_ERROR = "imap.example.com: connection refused (retrying in 40 s)"


@contextmanager
def serving(app: FastAPI) -> Iterator[str]:
    """uvicorn serving ``app`` in a thread on a free port of 127.0.0.1; yields its base URL
    and stops it on exit."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", ws="none", http="h11", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=20)
        sock.close()


def sign_in(client: TestClient, key: str) -> None:
    """Sign ``client`` in with ``key`` through the form (fails the test unless accepted)."""
    response = client.post("/ui/login", data={"key": key}, follow_redirects=False)
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/ui"


def seed_imap_mailbox(sessions: sessionmaker[Session]) -> str:
    """An IMAP mailbox in state ``error`` with a last error, synced an hour ago, whose INBOX
    position says 12 messages; returns its id. No server is contacted."""
    with sessions.begin() as session:
        mailbox = MailboxRepository(session).create_imap(
            name="sales@imap.example.com",
            host="imap.example.com",
            port=993,
            security="tls",
            username="sales",
            auth_kind="password",
            secret_ciphertext=None,
            folders=None,
            own_domains=["example.com"],
            tls_verify=True,
            ca_file=None,
            state="error",
            last_error=LAST_ERROR,
            last_sync_at=utcnow() - timedelta(hours=1),
        )
        session.add(
            FolderState(
                mailbox_id=mailbox.id, name="INBOX", uidvalidity=77, last_uid=12, messages=12
            )
        )
        return mailbox.id
