"""The two store searches of scale-out, on pgvector against the float32 path.

Usage: python bench/vector_search.py [--customers 10000] [--topics 150] [--queries 300]

Three fresh stores with the same data: SQLite, PostgreSQL with pgvector (HNSW), and
PostgreSQL without the extension (a role that may not create it: float32 bytes, searched
exactly in numpy). Each gets ``--customers`` customers with random 384-d mean embeddings
(a third of them won) and ``--topics`` topic centroids. Measured in the same run:

* nearest won customers (5) of one lead, as `POST /v1/lookalike` asks: p50 / p99 over
  ``--queries`` leads, and the share of the exact top 5 that pgvector's HNSW returns
  (recall), and the time to find them for a batch of 1,000 customers (as scoring every
  customer does);
* topic assignment of a batch of 256 new messages (the enrichment batch): the similarity to
  every centroid, p50 over 30 batches; the peer is the same product in numpy on centroids
  already in memory.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import Engine, insert
from sqlalchemy.orm import Session

from app.db.migrations import upgrade
from app.db.repositories.centroids import CentroidRepository
from app.db.repositories.won_neighbours import WonNeighbourRepository
from app.db.session import create_db_engine
from app.db.tables import Customer, Topic
from tests.servers.postgres import PostgresServer, pgserver_install_dir, start_postgres

WIDTH = 384
PLAIN_ROLE = "bench_plain"


def rows(count: int, seed: int) -> NDArray[np.float32]:
    """``count`` unit vectors clustered around 40 centres, like sentence embeddings."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((40, WIDTH))
    found = centres[rng.integers(0, 40, count)] + 0.8 * rng.standard_normal((count, WIDTH))
    found /= np.linalg.norm(found, axis=1, keepdims=True)
    return found.astype(np.float32)


def fill(engine: Engine, customers: NDArray[np.float32], centroids: NDArray[np.float32]) -> None:
    """Migrate and insert the customers (every third one won) and the topics."""
    upgrade(engine)
    with Session(engine) as session, session.begin():
        session.execute(
            insert(Customer),
            [
                {
                    "id": f"cus_{i:06d}",
                    "key": f"c{i}.example",
                    "kind": "organization",
                    "outcome": ("won", "lost", "open")[i % 3],
                    "feature_embedding": row.tobytes(),
                }
                for i, row in enumerate(customers)
            ],
        )
        session.execute(
            insert(Topic),
            [
                {"id": j + 1, "name": f"t{j}", "keywords": [], "size": 1, "centroid": c.tobytes()}
                for j, c in enumerate(centroids)
            ],
        )
    with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection.exec_driver_sql("ANALYZE")
            connection.commit()


def timed(call: Callable[[], object], repeat: int) -> list[float]:
    """Milliseconds of each of ``repeat`` calls."""
    found = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        found.append(1000 * (time.perf_counter() - started))
    return found


def p99(values: list[float]) -> float:
    """The 99th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]


def exact_top(won: NDArray[np.float32], query: NDArray[np.float32]) -> set[int]:
    """Indexes (among won) of the exact 5 nearest."""
    return set(np.argsort(-(won @ query))[:5].tolist())


def measure(
    engine: Engine,
    leads: NDArray[np.float32],
    won: NDArray[np.float32],
    batches: list[NDArray[np.float32]],
    peer: float,
) -> str:
    """Both searches on one store, as one line of figures."""
    with Session(engine) as session:
        neighbours = WonNeighbourRepository(session)
        single, recall = [], []
        for lead in leads:
            started = time.perf_counter()
            found = neighbours.nearest_won({"lead": lead}, 5)["lead"]
            single.append(1000 * (time.perf_counter() - started))
            got = {int(n.customer_id[4:]) // 3 for n in found}
            recall.append(len(got & exact_top(won, lead)) / 5)
        many = {f"q{i}": lead for i, lead in enumerate(rows(1000, 4))}
        batch = timed(lambda: neighbours.nearest_won(many, 5), 3)
        centroids = CentroidRepository(session)
        assignment = [timed(lambda b=b: centroids.similarities(b), 1)[0] for b in batches]
    return (
        f"nearest won p50 {statistics.median(single):6.2f} ms, p99 {p99(single):6.2f} ms, "
        f"recall@5 {statistics.mean(recall):.3f}; 1,000 at once "
        f"{statistics.median(batch):7.1f} ms; assignment batch p50 "
        f"{statistics.median(assignment):6.2f} ms "
        f"({statistics.median(assignment) / peer:.1f} × numpy in memory)"
    )


def main() -> None:
    """Fill three stores, run both searches on each, print the figures and ratios."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--customers", type=int, default=10_000)
    parser.add_argument("--topics", type=int, default=150)
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args()
    install = pgserver_install_dir()
    if install is None:
        sys.exit("needs the pgserver binaries (pip install -e '.[dev]')")
    customers, centroids = rows(args.customers, 1), rows(args.topics, 2)
    leads, batches = rows(args.queries, 3), [rows(256, 10 + b) for b in range(30)]
    won_index = np.arange(0, args.customers, 3)
    won = customers[won_index]
    server: PostgresServer = start_postgres(install)
    try:
        server.execute(f"CREATE ROLE {PLAIN_ROLE} LOGIN")
        stores: dict[str, Engine] = {}
        sqlite_path = server.root / "bench_vectors.db"
        stores["sqlite"] = create_db_engine(f"sqlite:///{sqlite_path}")
        server.execute("CREATE DATABASE bench_pgvector")
        stores["pgvector"] = create_db_engine(server.url("bench_pgvector"))
        server.execute(f"CREATE DATABASE bench_plain OWNER {PLAIN_ROLE}")
        plain = server.url("bench_plain").replace("postgres@", f"{PLAIN_ROLE}@")
        stores["postgres, no pgvector"] = create_db_engine(plain)
        for name, engine in stores.items():
            started = time.perf_counter()
            fill(engine, customers, centroids)
            print(f"{name}: filled in {time.perf_counter() - started:.1f} s", flush=True)
        print(
            f"\n{args.customers} customers ({len(won)} won), {args.topics} topics, "
            f"{args.queries} leads, 30 batches of 256 messages"
        )
        in_memory = timed(lambda: [b.astype(np.float64) @ centroids.T for b in batches[:1]], 30)
        peer = statistics.median(in_memory)
        print(f"numpy, centroids in memory: assignment batch p50 {peer:.2f} ms (the peer)")
        for name, engine in stores.items():
            print(f"{name:>22}: {measure(engine, leads, won, batches, peer)}", flush=True)
        for engine in stores.values():
            engine.dispose()
    finally:
        server.stop()


if __name__ == "__main__":
    main()
