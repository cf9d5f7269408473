"""Killed with SIGKILL at random moments, the service loses nothing, doubles nothing and
leaves no process behind: `leadlens sync --once` killed mid-sync, and the CI-sized kill
soak of `leadlens serve` (bench/soak.py runs the long one), killed in every phase of its
work and then compared with a clean run of the same mail."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from app.db.session import create_db_engine, session_factory
from app.demo import generate
from app.settings import Settings
from tests.conftest import REPO_ROOT
from tests.processes import left_after
from tests.servers.dovecot import Account, DovecotServer
from tests.soak.driver import per_phase
from tests.soak.phases import PHASES
from tests.soak.run import soak
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
        # batches parsed by the parser processes (at least MIN_POOLED_BATCH), which must
        # end with the killed sync
        "LEADLENS_SYNC_BATCH_SIZE": "40",
        "LEADLENS_PARSE_WORKERS": "2",
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
        assert left_after(f"LEADLENS_DATABASE_URL={settings.database_url}") == {}
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


SOAK_CUSTOMERS = 20
"""~250 messages of demo mail: enough to be clustered (200), small enough for CI."""
SOAK_KILLS = 8
NOW = datetime(2025, 6, 2, tzinfo=UTC)
"""The demo mail's "today": fixed, so that no profile depends on the day of the run."""


def test_serve_killed_in_every_phase_ends_as_a_clean_run_does(
    dovecot: DovecotServer, sqlite_template: Path, tmp_path: Path
) -> None:
    urls = []
    for name in ("soak", "clean"):
        shutil.copyfile(sqlite_template, tmp_path / f"{name}.db")
        urls.append(f"sqlite:///{tmp_path / name}.db")
    mail = generate(SOAK_CUSTOMERS, seed=5, now=NOW)
    figures = soak(
        dovecot,
        mail,
        (urls[0], urls[1]),
        tmp_path,
        kills=SOAK_KILLS,
        waves=4,
        seed=20261207,
        patience=300,
    )
    # one round of targets covers every phase; each kill counts in its target's at least
    assert len(figures.kills) == SOAK_KILLS and not figures.skipped
    assert set(per_phase(figures.kills)) == set(PHASES)
    assert [(kill.left, kill.integrity) for kill in figures.kills] == [(0, "ok")] * SOAK_KILLS
    assert figures.messages == sum(len(m) for m in mail.mail.values()) >= 200
    assert (figures.stored, figures.lost, figures.duplicated) == (figures.messages, 0, 0)
    assert (figures.unenriched, figures.enrichment_differs, figures.items_differ) == (0, 0, 0)
    assert all(figures.equal.values()), (figures.equal, figures.differences)
    _, acknowledged, lost = figures.writes
    assert acknowledged > 0 and lost == 0, figures.writes
    assert figures.integrity == "ok"
    assert (figures.stop_status, figures.left_after_stop) == (143, 0)
