"""IMAP ingest throughput: `leadlens sync --once` into SQLite against a raw imapclient loop.

Usage: python bench/ingest.py [--runs 3] [--generated 9000]

Seeds a throwaway dovecot (started here, on 127.0.0.1) with all of ../shared/data/20ng-train
plus generated multipart / HTML / attachment mail, then, in the same run and against the same
folder, measures (b) a raw imapclient loop fetching BODY.PEEK[] in batches of 500 with no
parsing or storing, and (a) `leadlens sync --once` (the real command, process start
included) into a fresh SQLite file. Prints medians and the ratio (a) / (b).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from imapclient import IMAPClient

from app.db.migrations import upgrade
from app.db.session import create_db_engine, session_factory
from app.db.tables import Mailbox
from app.db.types import new_id
from app.secret_box import SecretBox
from app.settings import Settings
from bench.mailgen import generated_mail
from tests.servers.dovecot import DovecotServer, find_dovecot

DATA = ROOT.parent / "shared" / "data" / "20ng-train"
SECRET = "bench-secret"


def seed(server: DovecotServer, user: str, messages: list[bytes]) -> None:
    """Store ``messages`` in INBOX with MULTIAPPEND, 500 at a time."""
    for start in range(0, len(messages), 500):
        server.append(user, "INBOX", messages[start : start + 500])


def raw_fetch(server: DovecotServer, user: str, password: str) -> tuple[int, float]:
    """(b): a plain imapclient loop, BODY.PEEK[] in batches of 500, nothing else."""
    started = time.perf_counter()
    client = IMAPClient(server.host, server.port, ssl=False)
    client.login(user, password)
    count = 0
    for folder in ("INBOX", "Sent"):
        client.select_folder(folder, readonly=True)
        uids = client.search("ALL")
        for i in range(0, len(uids), 500):
            count += len(client.fetch(uids[i : i + 500], ["BODY.PEEK[]"]))
    client.logout()
    return count, time.perf_counter() - started


def leadlens_sync(server: DovecotServer, user: str, password: str) -> tuple[int, float]:
    """(a): `leadlens sync --once` into a fresh SQLite file, timed around the process."""
    folder = Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    settings = Settings(database_url=f"sqlite:///{folder / 'store.db'}", secret_key=SECRET)
    engine = create_db_engine(settings.database_url)
    upgrade(engine)
    with session_factory(engine).begin() as session:
        session.add(
            Mailbox(
                id=new_id("mbx"),
                name=f"{user}@bench",
                kind="imap",
                host=server.host,
                port=server.port,
                security="none",
                username=user,
                auth_kind="password",
                secret_ciphertext=SecretBox.from_settings(settings).encrypt(password),
                own_domains=["exporter.com"],
                tls_verify=True,
                state="idle",
            )
        )
    engine.dispose()
    env = {
        **os.environ,
        "LEADLENS_DATABASE_URL": settings.database_url,
        "LEADLENS_SECRET_KEY": SECRET,
        "LEADLENS_LOG_LEVEL": "WARNING",
    }
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "app", "sync", "--once"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    seconds = time.perf_counter() - started
    summary = done.stdout.strip().splitlines()[-1]
    fields = dict(part.split("=") for part in summary.split())
    shutil.rmtree(folder, ignore_errors=True)
    return int(fields["imported"]) + int(fields["quarantined"]), seconds


def main() -> None:
    """Seed the server once, then alternate (b) and (a) for each run; print medians."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--generated", type=int, default=9000)
    args = parser.parse_args()
    binary = find_dovecot()
    if binary is None or not DATA.is_dir():
        sys.exit("needs dovecot (apt-get install dovecot-imapd) and ../shared/data/20ng-train")
    messages = [p.read_bytes() for p in sorted(DATA.rglob("*")) if p.is_file()]
    messages += generated_mail(args.generated)
    server = DovecotServer(binary)
    try:
        server.start()
        account = server.new_account()
        started = time.perf_counter()
        seed(server, account.username, messages)
        size = sum(len(m) for m in messages) / 1e6
        seconds = time.perf_counter() - started
        print(f"seeded {len(messages)} messages ({size:.0f} MB) in {seconds:.1f} s")
        raw, ours = [], []
        for run in range(args.runs):
            n, s = raw_fetch(server, account.username, account.password)
            raw.append(n / s)
            n2, s2 = leadlens_sync(server, account.username, account.password)
            ours.append(n2 / s2)
            print(
                f"run {run + 1}: raw fetch {n} in {s:.2f} s = {n / s:,.0f} msg/s; "
                f"leadlens sync {n2} in {s2:.2f} s = {n2 / s2:,.0f} msg/s",
                flush=True,
            )
    finally:
        server.close()
    b, a = statistics.median(raw), statistics.median(ours)
    print(f"(b) raw imapclient BODY.PEEK[] x500: median {b:,.0f} msg/s")
    print(f"(a) leadlens sync --once -> SQLite:  median {a:,.0f} msg/s")
    print(f"ratio (a)/(b) = {a / b:.2f}  (target >= 0.8)")


if __name__ == "__main__":
    main()
