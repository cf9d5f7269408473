"""A sync killed with SIGKILL at random moments loses nothing and doubles nothing."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from app.db.session import create_db_engine, session_factory
from app.settings import Settings
from tests.conftest import REPO_ROOT
from tests.servers.dovecot import Account, DovecotServer
from tests.sync.conftest import add_mailbox, corpus, server_hashes, stored_hashes

KILLS = 12
TOTAL = 4000


def test_sigkill_at_random_moments_then_resume_stores_exactly_the_server(
    dovecot: DovecotServer, imap_account: Account, sqlite_template: Path, tmp_path: Path
) -> None:
    user = imap_account.username
    dovecot.append(user, "INBOX", corpus(TOTAL - 400, "kill"))
    dovecot.append(user, "Sent", corpus(400, "kill-sent"))
    database = tmp_path / "store.db"
    shutil.copyfile(sqlite_template, database)
    settings = Settings(database_url=f"sqlite:///{database}", secret_key="kill-test-secret")
    engine = create_db_engine(settings.database_url)
    sessions = session_factory(engine)
    mailbox_id = add_mailbox(sessions, settings, dovecot, imap_account)
    env = {
        **os.environ,
        "LEADLENS_DATABASE_URL": settings.database_url,
        "LEADLENS_SECRET_KEY": "kill-test-secret",
        "LEADLENS_SYNC_BATCH_SIZE": "25",
        "LEADLENS_LOG_LEVEL": "WARNING",
    }
    command = [sys.executable, "-m", "app", "sync", "--once"]
    rng = random.Random(20261127)
    kills: list[int] = []
    while len(kills) < KILLS:
        before = len(stored_hashes(sessions, mailbox_id))
        process = subprocess.Popen(
            command, cwd=REPO_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        # wait until this run has committed a batch, then kill it at a random instant
        deadline = time.monotonic() + 60
        while len(stored_hashes(sessions, mailbox_id)) == before and process.poll() is None:
            assert time.monotonic() < deadline, "the sync made no progress"
            time.sleep(0.005)
        time.sleep(rng.uniform(0.0, 0.25))
        if process.poll() is not None:
            break
        process.send_signal(signal.SIGKILL)
        process.wait()
        hashes = stored_hashes(sessions, mailbox_id)
        assert len(hashes) == len(set(hashes)), "a killed sync left a duplicate"
        kills.append(len(hashes))
    assert len(kills) >= KILLS, f"the sync finished after only {len(kills)} kills: {kills}"
    assert kills[-1] < TOTAL, kills

    final = subprocess.run(
        command, cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert final.returncode == 0, final.stderr
    assert "failed=0" in final.stdout.splitlines()[-1]
    hashes = stored_hashes(sessions, mailbox_id)
    assert len(hashes) == len(set(hashes)) == TOTAL
    assert sorted(hashes) == sorted(server_hashes(dovecot, user))
    engine.dispose()
