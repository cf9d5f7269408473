"""Parse + store throughput over all of ../shared/data/20ng-train, on SQLite and PostgreSQL.

Usage: python bench/parse.py [--runs 3] [--limit N]

Prints messages/s of parsing alone (the floor the store is compared with) and of a full
import (read, parse, identity, threads, insert, commit per batch of 500) into a fresh
SQLite file and a fresh PostgreSQL 16 database started from the `pgserver` binaries.
Medians over the runs; the machine is shared and noisy.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import contextlib

from app.db.migrations import upgrade
from app.db.session import create_db_engine, session_factory
from app.ingestion.imports import import_path, import_target
from app.ingestion.preparer import Preparer
from app.settings import Settings
from ingest.mime import ParseError, parse_message
from ingest.sources import iter_messages
from tests.servers.postgres import pgserver_install_dir, start_postgres

DATA = ROOT.parent / "shared" / "data" / "20ng-train"


def corpus(limit: int | None) -> Path:
    """The folder to import: all of 20ng-train, or a linked subset of ``limit`` files."""
    if limit is None:
        return DATA
    subset = Path(tempfile.mkdtemp(prefix="bench-20ng-"))
    for i, file in enumerate(sorted(p for p in DATA.rglob("*") if p.is_file())[:limit]):
        (subset / f"{i:05d}").symlink_to(file)
    return subset


def parse_only(path: Path) -> tuple[int, float]:
    """Messages parsed and seconds taken, reading and parsing only."""
    start = time.perf_counter()
    count = 0
    for raw in iter_messages(path):
        with contextlib.suppress(ParseError):
            parse_message(raw.data)
        count += 1
    return count, time.perf_counter() - start


def full_import(url: str, path: Path) -> tuple[int, float]:
    """Messages imported and seconds taken into the (empty, migrated) database at ``url``."""
    engine = create_db_engine(url)
    upgrade(engine)
    sessions = session_factory(engine)
    with sessions.begin() as session:
        target = import_target(session, "news", ["example.com"])
    start = time.perf_counter()
    with Preparer(Settings().resolved_parse_workers()) as preparer:
        result = import_path(sessions, target.id, path, 500, preparer)
    seconds = time.perf_counter() - start
    engine.dispose()
    return result.imported + len(result.quarantined), seconds


def main() -> None:
    """Run the benchmark and print one line per measurement, then the medians."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args()
    if not DATA.is_dir():
        sys.exit(f"no data at {DATA}")
    path = corpus(args.limit)
    install = pgserver_install_dir()
    if install is None:
        sys.exit("pgserver is not installed: pip install -e '.[dev]'")
    server = start_postgres(install)
    rates: dict[str, list[float]] = {"parse only": [], "sqlite": [], "postgresql": []}
    try:
        for run in range(args.runs):
            n, s = parse_only(path)
            rates["parse only"].append(n / s)
            with tempfile.TemporaryDirectory() as folder:
                n, s = full_import(f"sqlite:///{folder}/bench.db", path)
            rates["sqlite"].append(n / s)
            server.execute(f"CREATE DATABASE bench_{run}")
            n, s = full_import(server.url(f"bench_{run}"), path)
            rates["postgresql"].append(n / s)
            print(
                f"run {run + 1}: {n} messages; "
                + ", ".join(f"{k} {v[-1]:,.0f} msg/s" for k, v in rates.items()),
                flush=True,
            )
    finally:
        server.stop()
    floor = statistics.median(rates["parse only"])
    for name, values in rates.items():
        median = statistics.median(values)
        print(f"{name:>11}: median {median:,.0f} msg/s ({median / floor:.2f} × parse only)")


if __name__ == "__main__":
    main()
