"""Fixtures of the sync tests: a real dovecot, a store on SQLite or PostgreSQL, settings."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.db.tables import Mailbox, Message
from app.db.types import new_id
from app.secret_box import SecretBox
from app.settings import Settings
from app.workers.runner import SyncRunner
from tests.mail import make_email
from tests.servers.dovecot import Account, DovecotServer, dovecot, dovecot_server, imap_account

__all__ = ["dovecot", "dovecot_server", "imap_account"]

OWN = "exporter.com"


@pytest.fixture
def settings(database_url: str) -> Settings:
    """Settings of a store under test: small batches, short timeouts and backoff."""
    return Settings(
        database_url=database_url,
        secret_key="sync-tests-secret",
        sync_batch_size=20,
        sync_poll_seconds=30,
        sync_backoff_seconds=0.2,
        sync_backoff_max_seconds=1.0,
        imap_timeout=5,
    )


@pytest.fixture
def runner(settings: Settings, sessions: sessionmaker[Session]) -> Iterator[SyncRunner]:
    """A sync runner on the test's store, stopped (its parser processes too) afterwards."""
    sync_runner = SyncRunner(settings, sessions, SecretBox.from_settings(settings))
    yield sync_runner
    sync_runner.stop()


def corpus(count: int, tag: str) -> list[bytes]:
    """``count`` distinct customer messages, each with its own Message-ID."""
    start = datetime(2025, 1, 1, tzinfo=UTC)
    return [
        make_email(
            sender=f"buyer{i % 17}@customer{i % 7}.com",
            to=f"rep@{OWN}",
            subject=f"{tag} inquiry {i}: LED panels",
            body=f"Hello,\nplease quote {100 + i} pcs of model {tag}-{i}.\nRegards,\nBuyer {i}\n",
            message_id=f"{tag}-{i}@customer.test",
            date=start + timedelta(hours=i),
        )
        for i in range(count)
    ]


def add_mailbox(
    sessions: sessionmaker[Session],
    settings: Settings,
    server: DovecotServer,
    account: Account,
    folders: list[str] | None = None,
    own_domains: list[str] | None = None,
) -> str:
    """Store an IMAP mailbox for ``account`` (plain port), its password encrypted, our
    domains ``own_domains`` (default: the test corpus's); its id."""
    secrets = SecretBox.from_settings(settings)
    mailbox_id = new_id("mbx")
    with sessions.begin() as session:
        session.add(
            Mailbox(
                id=mailbox_id,
                name=f"{account.username}@{server.host}",
                kind="imap",
                host=server.host,
                port=server.port,
                security="none",
                username=account.username,
                auth_kind="password",
                secret_ciphertext=secrets.encrypt(account.password),
                folders=folders,
                own_domains=own_domains or [OWN],
                tls_verify=True,
                state="idle",
            )
        )
    return mailbox_id


def stored_hashes(sessions: sessionmaker[Session], mailbox_id: str) -> list[str]:
    """Raw sha256 of every stored message of a mailbox (repeats kept, to catch duplicates)."""
    with sessions() as session:
        query = select(Message.raw_sha256).where(Message.mailbox_id == mailbox_id)
        return list(session.scalars(query))


def server_hashes(
    server: DovecotServer, user: str, folders: tuple[str, ...] = ("INBOX", "Sent")
) -> list[str]:
    """Raw sha256 of every message on the server in ``folders``, read without setting \\Seen."""
    hashes: list[str] = []
    with server.client(user) as client:
        for folder in folders:
            client.select_folder(folder, readonly=True)
            uids = client.search("ALL")
            for data in client.fetch(uids, ["BODY.PEEK[]"]).values():
                hashes.append(hashlib.sha256(data[b"BODY[]"]).hexdigest())
    return hashes
