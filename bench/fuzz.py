"""The long API fuzzing run: schemathesis against the real app, every operation, positive
and negative data, with the admin key, without a key and with an unknown one.

Usage: python bench/fuzz.py [--examples 200] [--keyless-examples 25] [--seed 16]
                            [--customers 120] [--store PATH]

Builds the demo store (``--customers`` customers, enriched, clustered, profiled and scored
by the real model, as the tests' demo store) or copies ``--store``, adds three IMAP
mailboxes, starts a throwaway dovecot for the mailbox logins and the app's enrichment
runner (as `leadlens serve` does), then sends, for each operation and generation mode, up
to ``--examples`` cases with the admin key and ``--keyless-examples`` each without a key
and with an unknown one (see tests/api/fuzzing.py for the checks and what is bent).

Prints the cases per operation, the statuses, the server errors (5xx but the declared 502
of an unusable IMAP server), the responses that violate their declared schema, the
failures by check with one reproduction each, and the duration. Exits 1 on any failure.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from schemathesis import GenerationMode

from app.db.session import create_db_engine, session_factory
from app.demo.imap_server import find_dovecot
from app.loaded_models import LoadedModels
from app.secret_box import SecretBox
from app.web import create_app
from app.workers.enrichment import EnrichmentRunner
from models.embedder import load_embedder
from tests.api.fuzzing import AUTH_VARIANTS, SEED, Fuzzer, seed_store
from tests.demo_store import build_demo_store, demo_settings_for
from tests.servers.dovecot import DovecotServer


def main() -> None:
    """Build or copy the store, fuzz every operation, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--examples", type=int, default=200)
    parser.add_argument("--keyless-examples", type=int, default=25)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--customers", type=int, default=120)
    parser.add_argument("--store", type=Path, help="a demo store to copy instead of building")
    args = parser.parse_args()
    binary = find_dovecot()
    if binary is None:
        sys.exit("needs dovecot (apt-get install dovecot-imapd)")
    begun = time.perf_counter()
    embedder = load_embedder(device="cpu")
    with tempfile.TemporaryDirectory(prefix="leadlens-fuzz-") as folder:
        path = Path(folder) / "demo.db"
        started = time.perf_counter()
        if args.store is not None:
            shutil.copyfile(args.store, path)
        else:
            build_demo_store(path, embedder, args.customers)
        print(f"store ready in {time.perf_counter() - started:.0f} s", flush=True)
        server = DovecotServer(binary)
        server.start()
        settings = demo_settings_for(path)
        engine = create_db_engine(settings.database_url)
        sessions = session_factory(engine)
        models = LoadedModels(settings, embedder)
        enrichment = EnrichmentRunner(settings, sessions, models)
        try:
            admin_key, ids = seed_store(sessions, SecretBox.from_settings(settings), server.port)
            app = create_app(
                settings, enrichment=enrichment, models=models, metrics=enrichment.metrics
            )
            enrichment.start()
            fuzzer = Fuzzer(app, admin_key, ids, (server.port, server.tls_port), seed=args.seed)
            for label in fuzzer.labels():
                for auth in AUTH_VARIANTS:
                    examples = args.examples if auth == "admin" else args.keyless_examples
                    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                        fuzzer.run(label, mode, auth, examples)
                print(f"{label}: {fuzzer.tally.cases[label]} cases", flush=True)
        finally:
            enrichment.stop()
            engine.dispose()
            server.close()
    report(fuzzer, time.perf_counter() - begun)


def report(fuzzer: Fuzzer, wall_seconds: float) -> None:
    """Print the figures of the run; exit 1 when anything failed."""
    tally = fuzzer.tally
    print()
    print(f"operations: {len(fuzzer.labels())}; cases: {tally.cases.total():,}")
    for auth, count in tally.by_auth.items():
        print(f"  {auth}: {count:,} cases")
    statuses = ", ".join(f"{s}: {n:,}" for s, n in sorted(tally.statuses.items()))
    print(f"statuses: {statuses}")
    print(f"server errors (5xx but the declared 502): {tally.server_errors}")
    print(f"schema violations: {tally.schema_violations}")
    print(f"failures: {tally.failures.total()}")
    for check, count in tally.failures.most_common():
        print(f"  {check}: {count}")
    if tally.no_negative_cases:
        print(f"no negative case possible: {', '.join(sorted(tally.no_negative_cases))}")
    print(f"duration: {tally.seconds:.0f} s of fuzzing, {wall_seconds:.0f} s in all")
    if tally.reproductions:
        print(f"\n{tally.report()}")
        sys.exit(1)


if __name__ == "__main__":
    main()
