"""SIGTERM or SIGINT stops `leadlens serve` and `leadlens sync` cleanly: sync, enrichment and
the parser processes end, the exit status says which signal it was (128 + its number), and
no process of the service is left, counted before and after by the store URL in their
environment (an orphaned forkserver worker no longer descends from the service)."""

from __future__ import annotations

import shutil
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app.db.session import create_db_engine, session_factory
from app.db.tables import Message
from app.demo.imap_server import free_port
from app.settings import Settings
from tests.cli import leadlens
from tests.processes import left_after, processes_with
from tests.servers.dovecot import Account, DovecotServer
from tests.soak.services import environment
from tests.sync.conftest import add_mailbox, corpus, server_hashes, stored_hashes
from tests.workers.support import Processes, until

SECRET = "shutdown-test-secret"


class Store:
    """A SQLite store with one mailbox on the test's dovecot account, and the settings of
    the `python -m app` children on it: batches of 50 (pooled: at least MIN_POOLED_BATCH)
    parsed by two worker processes, enrichment in batches of 8."""

    def __init__(self, template: Path, folder: Path, server: DovecotServer, account: Account):
        database = folder / "store.db"
        shutil.copyfile(template, database)
        self.url = f"sqlite:///{database}"
        self.engine = create_db_engine(self.url)
        self.sessions: sessionmaker[Session] = session_factory(self.engine)
        settings = Settings(database_url=self.url, secret_key=SECRET)
        self.mailbox_id = add_mailbox(self.sessions, settings, server, account)
        self.env = {
            "LEADLENS_DATABASE_URL": self.url,
            "LEADLENS_SECRET_KEY": SECRET,
            "LEADLENS_SYNC_BATCH_SIZE": "50",
            "LEADLENS_PARSE_WORKERS": "2",
            "LEADLENS_ENRICH_BATCH_SIZE": "8",
        }
        self.children = Processes(environment(self.env), folder)

    @property
    def setting(self) -> str:
        """What every process of a child on this store has in its environment."""
        return f"LEADLENS_DATABASE_URL={self.url}"

    def parsers(self) -> int:
        """Live forkserver processes of this store's children (the server and its workers)."""
        return sum("multiprocessing.forkserver" in c for c in processes_with(self.setting).values())

    def count(self, enriched: bool = False) -> int:
        """Messages stored (``enriched``: and enriched)."""
        query = select(func.count()).select_from(Message)
        if enriched:
            query = query.where(Message.enriched_at.is_not(None))
        with self.sessions() as session:
            return session.scalar(query) or 0


@pytest.fixture
def store(
    sqlite_template: Path, tmp_path: Path, dovecot: DovecotServer, imap_account: Account
) -> Iterator[Store]:
    """The test's store; its children's process groups are SIGKILLed at the end."""
    made = Store(sqlite_template, tmp_path, dovecot, imap_account)
    yield made
    made.children.stop()
    made.engine.dispose()


def _stop(store: Store, process: subprocess.Popen[bytes], signum: int) -> None:
    """Send ``signum`` to the child's main process only (as `docker stop` and systemd do);
    it must exit with 128 + signum (SIGKILL: die of it) and leave no process behind."""
    before = processes_with(store.setting)
    assert process.pid in before and store.parsers() >= 2, before
    process.send_signal(signum)
    status = -signum if signum == signal.SIGKILL else 128 + signum
    assert process.wait(timeout=120) == status, store.children.tail()
    assert left_after(store.setting) == {}, f"left behind of {before}\n{store.children.tail()}"


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_serve_stopped_while_enriching_leaves_no_process(
    store: Store, dovecot: DovecotServer, imap_account: Account, signum: int
) -> None:
    dovecot.append(imap_account.username, "INBOX", corpus(400, "serve-stop"))
    process = store.children.start("serve", "serve", "--port", str(free_port()))

    def enriching() -> bool:
        return store.parsers() >= 2 and store.count(enriched=True) > 0

    until(enriching, "the parser pool and the enrichment", 180, store.children.tail)
    _stop(store, process, signum)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_sync_stopped_while_watching_leaves_no_process(
    store: Store, dovecot: DovecotServer, imap_account: Account, signum: int
) -> None:
    """SIGKILL too: the parser workers wait for their parent's death and end with it."""
    dovecot.append(imap_account.username, "INBOX", corpus(200, "watch-stop"))
    process = store.children.start("sync", "sync")

    def synced() -> bool:
        return store.parsers() >= 2 and store.count() == 200

    until(synced, "the first sync", 120, store.children.tail)
    _stop(store, process, signum)


def test_sync_once_interrupted_mid_sync_stops_after_its_batch_and_resumes(
    store: Store, dovecot: DovecotServer, imap_account: Account
) -> None:
    user = imap_account.username
    dovecot.append(user, "INBOX", corpus(4000, "once-stop"))
    process = store.children.start("sync", "sync", "--once")
    until(lambda: store.count() > 0, "the first batch", 120, store.children.tail)
    assert process.poll() is None, "the sync ended before it could be interrupted"
    until(lambda: store.parsers() >= 2, "the parser pool", 60, store.children.tail)
    _stop(store, process, signal.SIGINT)
    stopped = stored_hashes(store.sessions, store.mailbox_id)
    assert 0 < len(stopped) == len(set(stopped)) < 4000

    resumed = leadlens(store.url, "sync", "--once", env=store.env, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    hashes = stored_hashes(store.sessions, store.mailbox_id)
    assert sorted(hashes) == sorted(server_hashes(dovecot, user))
