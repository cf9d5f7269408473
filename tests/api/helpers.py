"""Helpers of the mailbox API tests: request bodies, seeded rows, stored mail, error checks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app.db.tables import Mailbox
from app.ingestion.imports import import_path
from app.ingestion.preparer import Preparer
from tests.mail import make_email
from tests.servers.dovecot import HOST, Account, DovecotServer


def new_mailbox(dovecot: DovecotServer, account: Account, **overrides: Any) -> dict[str, Any]:
    """A POST body for ``account`` over implicit TLS, trusting the test server's certificate."""
    return {
        "host": HOST,
        "port": dovecot.tls_port,
        "security": "tls",
        "username": account.username,
        "password": account.password,
        "ca_file": dovecot.ca_file,
        **overrides,
    }


def add(client: TestClient, admin: dict[str, str], body: dict[str, Any]) -> dict[str, Any]:
    """POST ``body`` and return the created mailbox (fails the test unless 201)."""
    response = client.post("/v1/mailboxes", json=body, headers=admin)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def store_mail(sessions: sessionmaker[Session], mailbox_id: str, folder: Path, count: int) -> None:
    """Import ``count`` messages and one undecodable input into the mailbox."""
    folder.mkdir()
    for i in range(count):
        raw = make_email(
            sender=f"buyer{i}@acme.de", to="rep@lumora.com", subject=f"RFQ {i}", body="Hi"
        )
        (folder / f"{i}.eml").write_bytes(raw)
    (folder / "junk.bin").write_bytes(bytes(range(256)) * 4)
    with Preparer(workers=0) as preparer:
        result = import_path(sessions, mailbox_id, folder, 100, preparer)
    assert (result.imported, len(result.quarantined)) == (count, 1)


def count(session: Session, table: Any, mailbox_id: str) -> int:
    """How many rows of ``table`` belong to the mailbox."""
    query = select(func.count()).select_from(table).where(table.mailbox_id == mailbox_id)
    return session.scalar(query) or 0


def assert_error(response: Any, status: int, code: str) -> None:
    """The response is exactly ``{"error": code, "detail": <text>}`` with ``status``."""
    assert response.status_code == status, response.text
    assert set(response.json()) == {"error", "detail"}
    assert response.json()["error"] == code
    assert response.json()["detail"]


def seed(sessions: sessionmaker[Session], count: int) -> list[str]:
    """Store ``count`` IMAP mailboxes directly (no login check), oldest first."""
    ids = []
    for i in range(count):
        with sessions.begin() as session:
            mailbox = Mailbox(
                id=f"mbx_{i:026d}",
                name=f"user{i}@mail.example",
                kind="imap",
                host="mail.example",
                port=993,
                security="tls",
                username=f"user{i}",
                auth_kind="password",
                secret_ciphertext=b"x",
            )
            session.add(mailbox)
        ids.append(mailbox.id)
    return ids
