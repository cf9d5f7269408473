"""IMAP sync against a real dovecot: incremental, resumable, idempotent, and honest about errors."""

from __future__ import annotations

import threading
import time

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.db.tables import FolderState, Mailbox
from app.settings import Settings
from app.workers.runner import SyncRunner
from tests.servers.dovecot import Account, DovecotServer
from tests.sync.conftest import add_mailbox, corpus, server_hashes, stored_hashes


def _mailbox(sessions: sessionmaker[Session], mailbox_id: str) -> Mailbox:
    with sessions() as session:
        return session.get_one(Mailbox, mailbox_id)


def _folders(sessions: sessionmaker[Session], mailbox_id: str) -> dict[str, FolderState]:
    with sessions() as session:
        rows = session.scalars(select(FolderState).where(FolderState.mailbox_id == mailbox_id))
        return {row.name: row for row in rows}


def test_first_then_incremental_sync(
    dovecot: DovecotServer,
    imap_account: Account,
    settings: Settings,
    sessions: sessionmaker[Session],
    runner: SyncRunner,
) -> None:
    user = imap_account.username
    dovecot.append(user, "INBOX", corpus(45, "first"))
    dovecot.append(user, "Sent", corpus(5, "sent"))
    mailbox_id = add_mailbox(sessions, settings, dovecot, imap_account)

    [first] = runner.run_once()
    assert first.error is None
    assert first.stored.imported == 50
    assert sorted(stored_hashes(sessions, mailbox_id)) == sorted(server_hashes(dovecot, user))
    folders = _folders(sessions, mailbox_id)
    assert set(folders) == {"INBOX", "Sent"}
    assert folders["INBOX"].messages == 45
    assert folders["INBOX"].last_uid == 45
    assert folders["INBOX"].uidvalidity
    assert folders["INBOX"].highestmodseq
    mailbox = _mailbox(sessions, mailbox_id)
    assert mailbox.state == "idle"
    assert mailbox.last_sync_at is not None

    [again] = runner.run_once()
    assert (again.stored.imported, again.stored.duplicates) == (0, 0)

    dovecot.append(user, "INBOX", corpus(7, "later"))
    [third] = runner.run_once()
    assert (third.stored.imported, third.stored.duplicates) == (7, 0)
    assert sorted(stored_hashes(sessions, mailbox_id)) == sorted(server_hashes(dovecot, user))


def test_sync_leaves_seen_flags_untouched(
    dovecot: DovecotServer,
    imap_account: Account,
    settings: Settings,
    sessions: sessionmaker[Session],
    runner: SyncRunner,
) -> None:
    user = imap_account.username
    dovecot.append(user, "INBOX", corpus(6, "unread"))
    dovecot.append(user, "INBOX", corpus(2, "read"), flags=[r"\Seen"])
    add_mailbox(sessions, settings, dovecot, imap_account)
    [result] = runner.run_once()
    assert result.stored.imported == 8
    with dovecot.client(user) as client:
        client.select_folder("INBOX", readonly=True)
        flags = client.get_flags(client.search("ALL"))
    seen = sorted(uid for uid, f in flags.items() if b"\\Seen" in f)
    assert seen == [7, 8]


def test_uidvalidity_reset_adds_no_duplicates(
    dovecot: DovecotServer,
    imap_account: Account,
    settings: Settings,
    sessions: sessionmaker[Session],
    runner: SyncRunner,
) -> None:
    user = imap_account.username
    dovecot.create_folder(user, "Deals")
    messages = corpus(30, "deal")
    dovecot.append(user, "Deals", messages)
    mailbox_id = add_mailbox(sessions, settings, dovecot, imap_account, folders=["Deals"])
    runner.run_once()
    before = _folders(sessions, mailbox_id)["Deals"].uidvalidity

    dovecot.delete_folder(user, "Deals")
    dovecot.create_folder(user, "Deals")
    dovecot.append(user, "Deals", [*messages, *corpus(3, "new-deal")])
    [result] = runner.run_once()

    assert result.error is None
    assert (result.stored.imported, result.stored.duplicates) == (3, 30)
    hashes = stored_hashes(sessions, mailbox_id)
    assert len(hashes) == len(set(hashes)) == 33
    assert _folders(sessions, mailbox_id)["Deals"].uidvalidity != before


def test_password_changed_on_the_server_parks_the_mailbox(
    dovecot: DovecotServer,
    imap_account: Account,
    settings: Settings,
    sessions: sessionmaker[Session],
    runner: SyncRunner,
) -> None:
    user = imap_account.username
    dovecot.append(user, "INBOX", corpus(3, "pw"))
    mailbox_id = add_mailbox(sessions, settings, dovecot, imap_account)
    assert runner.run_once()[0].error is None

    dovecot.set_password(user, "a-new-password")
    [failed] = runner.run_once()
    assert failed.auth_failed
    mailbox = _mailbox(sessions, mailbox_id)
    assert mailbox.state == "error"
    assert mailbox.last_error is not None
    assert "authentication failed" in mailbox.last_error
    assert imap_account.password not in mailbox.last_error
    assert runner.mailbox_ids() == []
    assert runner.run_once() == []


def test_server_outage_mid_sync_then_recovery(
    dovecot: DovecotServer,
    imap_account: Account,
    settings: Settings,
    sessions: sessionmaker[Session],
    runner: SyncRunner,
) -> None:
    user = imap_account.username
    dovecot.append(user, "INBOX", corpus(400, "outage"))
    mailbox_id = add_mailbox(sessions, settings, dovecot, imap_account)
    results = []
    syncing = threading.Thread(target=lambda: results.extend(runner.run_once()))
    syncing.start()
    deadline = time.monotonic() + 20
    while not stored_hashes(sessions, mailbox_id) and time.monotonic() < deadline:
        time.sleep(0.01)
    dovecot.stop()
    syncing.join(30)
    assert results
    assert results[0].error is not None
    assert _mailbox(sessions, mailbox_id).state == "error"
    partial = stored_hashes(sessions, mailbox_id)
    assert 0 < len(partial) < 400

    dovecot.start()
    [recovered] = runner.run_once()
    assert recovered.error is None
    hashes = stored_hashes(sessions, mailbox_id)
    assert sorted(hashes) == sorted(server_hashes(dovecot, user))
    assert len(hashes) == 400
    assert _mailbox(sessions, mailbox_id).state == "idle"


def test_running_runner_picks_up_mail_appended_while_it_runs(
    dovecot: DovecotServer,
    imap_account: Account,
    settings: Settings,
    sessions: sessionmaker[Session],
    runner: SyncRunner,
) -> None:
    user = imap_account.username
    dovecot.append(user, "INBOX", corpus(200, "bulk"))
    mailbox_id = add_mailbox(sessions, settings, dovecot, imap_account)
    runner.start()
    try:
        deadline = time.monotonic() + 20
        while not stored_hashes(sessions, mailbox_id) and time.monotonic() < deadline:
            time.sleep(0.01)
        dovecot.append(user, "INBOX", corpus(5, "during"))
        expected = sorted(server_hashes(dovecot, user))
        deadline = time.monotonic() + 30
        while sorted(stored_hashes(sessions, mailbox_id)) != expected:
            assert time.monotonic() < deadline, "appended mail never reached the store"
            time.sleep(0.1)
        dovecot.append(user, "Sent", corpus(2, "sent-later"))
        runner.request_sync(mailbox_id)
        expected = sorted(server_hashes(dovecot, user))
        deadline = time.monotonic() + 30
        while sorted(stored_hashes(sessions, mailbox_id)) != expected:
            assert time.monotonic() < deadline, "request_sync did not sync the Sent folder"
            time.sleep(0.1)
    finally:
        runner.stop()
