"""Kill soak: the service SIGKILLed at ≥ 50 random moments of every phase of its work, then
compared with the mail server and with a clean run.

Usage: python bench/soak.py [--customers 1700] [--kills 50] [--waves 20] [--seed 1]
       python bench/soak.py --postgres --workers 2 [...]

The demo generator's mail of ``--customers`` customers (~12.5 messages each: 1,700 give
~21,000 messages) goes onto a throwaway dovecot, one account per sales rep (INBOX and Sent),
in ``--waves`` chronological waves. `leadlens serve` (embedded: sync, enrichment,
clustering, profiles and scoring in one process) on a SQLite store syncs it while a thread
sends API writes (outcomes, mailbox patches) and the driver kills it with SIGKILL, aiming in
turn at a fetch, a batch commit (a write transaction open), enrichment, clustering, profile
refresh, a UIDVALIDITY reset (``doveadm mailbox update --uid-validity``) and an API write in
flight, restarting it after each kill (see tests/soak/driver.py). After each kill: no process of it
left, no message twice, SQLite's integrity check ok. Then the rest of the mail, a rebuild,
`settled`; the same mail is built again on a fresh store without kills (same outcomes set
through the API), and the two are compared: messages, each message's embedding and traits,
customers, stages, tags, topics, outcomes and lookalike scores.

With ``--postgres --workers N``: PostgreSQL 16 (from `pgserver`), Redis, an API replica,
the scheduler and N `leadlens worker` processes (prefork, as docker-compose.yml runs them);
each kill SIGKILLs one worker with its pool. The clean run is the embedded mode on
PostgreSQL.

Prints kills per phase, messages, lost, duplicated, integrity, writes and wall time.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.cli.support import exit_on_signals
from app.db.migrations import upgrade
from app.db.session import create_db_engine
from app.demo import generate
from app.demo.imap_server import find_dovecot
from tests.servers.dovecot import DovecotServer
from tests.servers.postgres import PostgresServer, pgserver_install_dir, start_postgres
from tests.servers.redis import RedisServer, start_redis
from tests.soak.driver import per_phase
from tests.soak.phases import PHASES
from tests.soak.run import Figures, soak

NOW = datetime(2025, 6, 2, tzinfo=UTC)
"""The demo mail's "today": fixed, so that no profile depends on the day of the run."""


def stores(root: Path, postgres: PostgresServer | None) -> tuple[str, str]:
    """Two empty migrated stores: the soak's and the clean run's."""
    urls = []
    for name in ("soak", "clean"):
        if postgres is None:
            url = f"sqlite:///{root / name}.db"
        else:
            postgres.execute(f"CREATE DATABASE {name}")
            url = postgres.url(name)
        engine = create_db_engine(url)
        upgrade(engine)
        engine.dispose()
        urls.append(url)
    return urls[0], urls[1]


def report(figures: Figures, mode: str) -> None:
    """Print the figures."""
    phases = per_phase(figures.kills)
    print(f"mode: {mode}")
    print(f"kills: {len(figures.kills)} (targets skipped: {dict(figures.skipped) or 'none'})")
    for phase in PHASES:
        aimed = sum(kill.target == phase for kill in figures.kills)
        print(f"  {phase:>22}: {phases[phase]:3d} kills in it ({aimed} aimed at it)")
    left = sum(kill.left for kill in figures.kills)
    checks = Counter(kill.integrity for kill in figures.kills)
    print(f"processes left after the kills: {left}; integrity check after each: {dict(checks)}")
    print(f"messages on the server: {figures.messages}; stored: {figures.stored}")
    print(f"lost: {figures.lost}; duplicated: {figures.duplicated}")
    print(
        f"not enriched: {figures.unenriched}; enriched otherwise than in the clean run: "
        f"{figures.enrichment_differs}; item-line embeddings otherwise: {figures.items_differ}"
    )
    for part, same in figures.equal.items():
        print(f"  {part:>16} equal to the clean run's: {'yes' if same else 'NO'}")
    for line in figures.differences:
        print(f"    {line}")
    sent, acked, lost = figures.writes
    print(f"API writes: {sent} sent, {acked} acknowledged, {lost} acknowledged and lost")
    print(f"final integrity check: {figures.integrity}")
    print(f"SIGTERM at the end: exit {figures.stop_status}, {figures.left_after_stop} left")
    print(f"wall time: soak {figures.seconds:.0f} s, clean run {figures.clean_seconds:.0f} s")


def run(
    args: argparse.Namespace,
    binary: str,
    install: Path | None,
    redis_binary: str | None,
    root: Path,
) -> Figures:
    """Start the servers, soak, stop the servers; the figures."""
    dovecot = DovecotServer(binary)
    postgres: PostgresServer | None = None
    redis: RedisServer | None = None
    try:
        dovecot.start()
        if install is not None:
            postgres = start_postgres(install)
        if redis_binary is not None:
            redis = start_redis(redis_binary)
        started = time.perf_counter()
        corpus = generate(args.customers, seed=args.seed, now=NOW)
        total = sum(len(mail) for mail in corpus.mail.values())
        print(f"generated {total} messages in {time.perf_counter() - started:.0f} s")
        return soak(
            dovecot,
            corpus,
            stores(root, postgres),
            root,
            kills=args.kills,
            waves=args.waves,
            seed=args.seed,
            patience=args.patience,
            redis_url=None if redis is None else redis.url(),
            workers=args.workers,
        )
    finally:
        if redis is not None:
            redis.stop()
        if postgres is not None:
            postgres.stop()
        dovecot.close()


def main() -> None:
    """Run one soak and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--customers", type=int, default=1700)
    parser.add_argument("--kills", type=int, default=50)
    parser.add_argument("--waves", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--workers", type=int, default=0)
    parser.add_argument("--patience", type=float, default=3600.0)
    args = parser.parse_args()
    binary = find_dovecot()
    install = pgserver_install_dir() if args.postgres else None
    redis_binary = shutil.which("redis-server") if args.workers else None
    if binary is None or (args.postgres and install is None):
        sys.exit("needs dovecot (and pgserver for --postgres)")
    if args.workers and (not args.postgres or redis_binary is None):
        sys.exit("--workers needs --postgres and redis-server")
    root = Path(tempfile.mkdtemp(prefix="bench-soak-"))
    print(f"logs and stores in {root}")
    with exit_on_signals():  # SIGTERM stops the children and the servers on the way out
        figures = run(args, binary, install, redis_binary, root)
    mode = (
        f"PostgreSQL, {args.workers} workers"
        if args.workers
        else ("PostgreSQL" if args.postgres else "SQLite") + ", embedded"
    )
    report(figures, mode)


if __name__ == "__main__":
    main()
