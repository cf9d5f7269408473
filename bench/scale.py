"""Scale-out throughput: sync + enrichment in the embedded mode against 1 and 2 Celery workers.

Usage: python bench/scale.py [--mailboxes 3] [--customers 125] [--backend torch|onnx-int8]

Seeds a throwaway dovecot with ``--mailboxes`` mailboxes of demo mail (the generator's mail
of ``--customers`` customers each, ~12 messages a customer: ~1,500 a mailbox; inbound in
INBOX, the exporter's own in Sent), then, in the same run and on the same mail, each time
from an empty store (a fresh PostgreSQL 16 database, from `pgserver`):

First the sync alone (a worker on the `sync` queue only; seconds from the first message
stored to the last), to compare where a worker parses: (s1) a solo worker with its own
parser pool (`LEADLENS_PARSE_WORKERS` unset: one process per core), (s2) the same worker
parsing in process (`LEADLENS_PARSE_WORKERS=0`), (s3) a prefork pool of two, whose
(daemonic) children always parse in process.

Then the wall time to every message stored and enriched and every profile built, for

- (a) the embedded mode: `SyncRunner.run_once` then `EnrichmentRunner.enrich_now` in this
  process (what `leadlens serve` runs in its background threads), model load included;
- (b) one `leadlens worker --pool solo` process and (c) two, on a throwaway redis-server,
  after a `leadlens.sync_all` task is queued; process start and model load included;
- (d) two again, each with half the cores for its sentence model
  (`LEADLENS_EMBEDDING_THREADS`), as two workers sharing one machine should run;
- (e) one worker as docker-compose.yml runs it: a prefork pool of two child processes.

Prints messages/s of each and the ratios to (a).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from email.parser import BytesHeaderParser
from email.utils import parseaddr
from pathlib import Path
from typing import Literal

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pydantic import SecretStr
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app.db.migrations import upgrade
from app.db.session import create_db_engine, session_factory
from app.db.tables import Customer, Mailbox, Message
from app.db.types import new_id
from app.demo import generate
from app.demo.imap_server import find_dovecot
from app.secret_box import SecretBox
from app.settings import Settings
from app.workers.celery_app import SYNC_ALL, dispatcher_of, make_celery
from app.workers.enrichment import EnrichmentRunner
from app.workers.runner import SyncRunner
from tests.servers.dovecot import Account, DovecotServer
from tests.servers.postgres import PostgresServer, pgserver_install_dir, start_postgres
from tests.servers.redis import RedisServer, start_redis

SECRET = "bench-scale-secret"
_HEADERS = BytesHeaderParser()


def seed(server: DovecotServer, mailboxes: int, customers: int) -> tuple[list[Account], str, int]:
    """One account per mailbox, each with the demo mail of its own seed; (accounts, domain,
    messages in all)."""
    accounts: list[Account] = []
    own = ""
    count = 0
    for n in range(mailboxes):
        corpus = generate(customers, seed=100 + n)
        own = corpus.own_domain
        folders: dict[str, list[bytes]] = {"INBOX": [], "Sent": []}
        for raw in (raw for mail in corpus.mail.values() for raw in mail):
            sender = parseaddr(str(_HEADERS.parsebytes(raw)["From"]))[1]
            folders["Sent" if sender.endswith(f"@{own}") else "INBOX"].append(raw)
        account = server.new_account()
        for folder, mail in folders.items():
            count += len(mail)
            for start in range(0, len(mail), 500):
                server.append(account.username, folder, mail[start : start + 500])
        accounts.append(account)
    return accounts, own, count


def fresh_store(
    server: PostgresServer, name: str, dovecot: DovecotServer, accounts: list[Account], own: str
) -> str:
    """A new migrated database holding one IMAP mailbox per account; its URL."""
    server.execute(f"CREATE DATABASE {name}")
    url = server.url(name)
    engine = create_db_engine(url)
    upgrade(engine)
    secrets = SecretBox.from_settings(Settings(secret_key=SecretStr(SECRET)))
    add_mailboxes(session_factory(engine), secrets, dovecot, accounts, own)
    engine.dispose()
    return url


def add_mailboxes(
    sessions: sessionmaker[Session],
    secrets: SecretBox,
    dovecot: DovecotServer,
    accounts: list[Account],
    own: str,
) -> None:
    """One IMAP mailbox row per account (login known good: no check)."""
    with sessions.begin() as session:
        for account in accounts:
            session.add(
                Mailbox(
                    id=new_id("mbx"),
                    name=f"{account.username}@bench",
                    kind="imap",
                    host=dovecot.host,
                    port=dovecot.port,
                    security="none",
                    username=account.username,
                    auth_kind="password",
                    secret_ciphertext=secrets.encrypt(account.password),
                    own_domains=[own],
                    tls_verify=True,
                    state="idle",
                )
            )


def counts(sessions: sessionmaker[Session]) -> tuple[int, int, int]:
    """Messages stored, messages enriched, customers whose profile is stale."""
    with sessions() as session:
        stored = session.scalar(select(func.count()).select_from(Message)) or 0
        enriched = session.scalar(select(func.count()).where(Message.enriched_at.is_not(None)))
        dirty = session.scalar(select(func.count()).where(Customer.profile_dirty))
    return stored, enriched or 0, dirty or 0


def embedded(url: str, backend: Literal["torch", "onnx-int8"]) -> tuple[int, float]:
    """(a): sync every mailbox once, then enrich and profile, in this process."""
    settings = Settings(database_url=url, secret_key=SecretStr(SECRET), embedding_backend=backend)
    engine = create_db_engine(url)
    sessions = session_factory(engine)
    started = time.perf_counter()
    sync = SyncRunner(settings, sessions, SecretBox.from_settings(settings))
    try:
        sync.run_once()
    finally:
        sync.stop()
    EnrichmentRunner(settings, sessions).enrich_now()
    seconds = time.perf_counter() - started
    stored, enriched, dirty = counts(sessions)
    engine.dispose()
    if enriched != stored or dirty:
        sys.exit(f"embedded run incomplete: {stored} stored, {enriched} enriched, {dirty} dirty")
    return stored, seconds


def with_workers(
    url: str,
    redis: str,
    backend: str,
    total: int,
    commands: list[list[str]],
    settings: dict[str, str],
    *,
    sync_only: bool = False,
) -> tuple[float, float]:
    """(b) to (e), (s1) to (s3): one worker process per ``commands`` entry (`leadlens`
    arguments), with these extra LEADLENS_* ``settings``; (seconds until ``total`` messages
    are stored and enriched and no profile is stale — with ``sync_only``, until they are
    stored —, seconds from the first message stored to the last)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEADLENS_")}
    env.update(
        LEADLENS_DATABASE_URL=url,
        LEADLENS_BROKER_URL=redis,
        LEADLENS_SECRET_KEY=SECRET,
        LEADLENS_LOG_LEVEL="WARNING",
        LEADLENS_EMBEDDING_BACKEND=backend,
        LEADLENS_SYNC_POLL_SECONDS="3600",
    )
    env.update({f"LEADLENS_{name.upper()}": value for name, value in settings.items()})
    engine = create_db_engine(url)
    sessions = session_factory(engine)
    logs = Path(tempfile.mkdtemp(prefix="bench-scale-"))
    children: list[subprocess.Popen[bytes]] = []
    done = (total, 0, 0) if sync_only else (total, total, 0)
    first: float | None = None
    stored_at: float | None = None
    started = time.perf_counter()
    try:
        for n, args in enumerate(commands):
            with (logs / f"worker{n}.log").open("wb") as log:
                children.append(
                    subprocess.Popen(
                        [sys.executable, "-m", "app", *args],
                        cwd=ROOT,
                        env=env,
                        stdout=log,
                        stderr=subprocess.STDOUT,
                        start_new_session=True,  # a prefork worker and its pool: one group
                    )
                )
        celery = make_celery(Settings(broker_url=redis, secret_key=SecretStr(SECRET)))
        dispatcher_of(celery).queue(SYNC_ALL)
        celery.close()
        while True:
            now = counts(sessions)
            if first is None and now[0]:
                first = time.perf_counter()
            if stored_at is None and now[0] == total:
                stored_at = time.perf_counter()
            if now == done or (sync_only and stored_at is not None):
                break
            if any(child.poll() is not None for child in children) or (
                time.perf_counter() - started > 3600
            ):
                tails = (p.read_text(errors="replace")[-2000:] for p in logs.glob("*.log"))
                sys.exit(f"workers failed or stalled at {now}\n" + "\n".join(tails))
            time.sleep(0.05 if sync_only else 0.25)
        seconds = time.perf_counter() - started
    finally:
        for child in children:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child.pid, signal.SIGKILL)
            child.wait()
        engine.dispose()
        shutil.rmtree(logs, ignore_errors=True)
    assert first is not None
    assert stored_at is not None
    return seconds, stored_at - first


def main() -> None:
    """Seed once, then run (s1) to (s3) and (a) to (e) on fresh databases; print rates and
    ratios."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mailboxes", type=int, default=3)
    parser.add_argument("--customers", type=int, default=125)
    parser.add_argument("--backend", choices=("torch", "onnx-int8"), default="torch")
    args = parser.parse_args()
    binary, install = find_dovecot(), pgserver_install_dir()
    redis_binary = shutil.which("redis-server")
    if binary is None or install is None or redis_binary is None:
        sys.exit("needs dovecot, redis-server and pgserver (pip install -e '.[dev]')")
    dovecot = DovecotServer(binary)
    postgres: PostgresServer | None = None
    redis: RedisServer | None = None
    try:
        dovecot.start()
        postgres, redis = start_postgres(install), start_redis(redis_binary)
        started = time.perf_counter()
        accounts, own, total = seed(dovecot, args.mailboxes, args.customers)
        print(f"seeded {args.mailboxes} mailboxes in {time.perf_counter() - started:.1f} s")
        solo = ["worker", "--pool", "solo"]
        sync_only = ["--queues", "sync"]
        syncs: dict[str, tuple[list[str], dict[str, str]]] = {
            "(s1) solo worker, its own parser pool": ([*solo, *sync_only], {}),
            "(s2) solo worker, parsing in process": ([*solo, *sync_only], {"parse_workers": "0"}),
            "(s3) prefork x 2, parsing in process": (
                ["worker", *sync_only, "--concurrency", "2"],
                {},
            ),
        }
        for n, (name, (command, settings)) in enumerate(syncs.items()):
            url = fresh_store(postgres, f"scale_sync_{n}", dovecot, accounts, own)
            _, sync = with_workers(
                url, redis.url(8 + n), args.backend, total, [command], settings, sync_only=True
            )
            print(f"{name}: first to last stored {sync:.1f} s = {total / sync:.0f} msg/s")
        url = fresh_store(postgres, "scale_embedded", dovecot, accounts, own)
        stored, seconds = embedded(url, args.backend)
        assert stored == total, (stored, total)
        rates = {"(a) embedded": total / seconds}
        print(f"(a) embedded: {total} messages in {seconds:.1f} s = {total / seconds:.1f} msg/s")
        half = max(1, len(os.sched_getaffinity(0)) // 2)
        deployed = ["worker", "--queues", "sync,enrich,rebuild", "--concurrency", "2"]
        runs: dict[str, tuple[list[list[str]], dict[str, str]]] = {
            "(b) 1 worker": ([solo], {}),
            "(c) 2 workers": ([solo, solo], {}),
            f"(d) 2 workers x {half} thread{'s' * (half > 1)}": (
                [solo, solo],
                {"embedding_threads": str(half)},
            ),
            "(e) 1 worker, prefork x 2": ([deployed], {}),
        }
        for n, (name, (commands, settings)) in enumerate(runs.items()):
            url = fresh_store(postgres, f"scale_workers_{n}", dovecot, accounts, own)
            # a Redis database each: what the killed workers of a run held stays behind
            seconds, sync = with_workers(url, redis.url(n), args.backend, total, commands, settings)
            rates[name] = total / seconds
            print(
                f"{name}: {total} messages in {seconds:.1f} s = {total / seconds:.1f} msg/s "
                f"(first to last stored: {sync:.1f} s)"
            )
    finally:
        if redis is not None:
            redis.stop()
        if postgres is not None:
            postgres.stop()
        dovecot.close()
    base = rates["(a) embedded"]
    for name, rate in rates.items():
        print(f"{name:>24}: {rate:7.1f} msg/s ({rate / base:.2f} × embedded)")


if __name__ == "__main__":
    main()
