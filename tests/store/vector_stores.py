"""Stores of the three embedding kinds for the vector tests: SQLite, PostgreSQL with pgvector
(migrated by the superuser) and PostgreSQL without it (migrated by a role that may not create
the extension, so the float32 bytes path stays)."""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pytest
from numpy.typing import NDArray
from sqlalchemy import Engine, event, text

from app.db.migrations import upgrade
from app.db.session import create_db_engine
from tests.servers.postgres import PostgresServer

T = TypeVar("T")

BACKENDS = [
    "sqlite",
    pytest.param("pgvector", marks=pytest.mark.postgres),
    pytest.param("postgres_plain", marks=pytest.mark.postgres),
]
PLAIN_ROLE = "leadlens_plain"
_databases = itertools.count()


@contextmanager
def opened_store(
    request: pytest.FixtureRequest, backend: str, tmp_path: Path, *, migrate: bool = True
) -> Iterator[Engine]:
    """An engine on a new database: SQLite, PostgreSQL as superuser, or as ``plain_role``."""
    if backend == "sqlite":
        path = tmp_path / f"leadlens_{next(_databases)}.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        engine = create_db_engine(f"sqlite:///{path}")
        try:
            yield engine
        finally:
            engine.dispose()
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    user = request.getfixturevalue("plain_role") if backend == "postgres_plain" else "postgres"
    name = f"vec_{os.getpid()}_{next(_databases)}"
    server.execute(f"CREATE DATABASE {name} OWNER {user} TEMPLATE template0")
    engine = create_db_engine(f"postgresql+psycopg://{user}@127.0.0.1:{server.port}/{name}")
    try:
        if migrate:
            upgrade(engine)
        yield engine
    finally:
        engine.dispose()
        server.execute(f"DROP DATABASE {name} WITH (FORCE)")


def unit_rows(count: int, width: int, seed: int) -> NDArray[np.float32]:
    """``count`` float32 vectors around 12 topic centres, normalised like sentence embeddings."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((12, width))
    rows = centres[rng.integers(0, 12, count)] + 0.6 * rng.standard_normal((count, width))
    rows /= np.linalg.norm(rows, axis=1, keepdims=True)
    return rows.astype(np.float32)


def cosines(rows: NDArray[np.float32], query: NDArray[np.float32]) -> NDArray[np.float64]:
    """Each row's exact cosine similarity to ``query``, in float64 (the answer to check a
    store's search against)."""
    matrix, target = rows.astype(np.float64), query.astype(np.float64)
    similarity: NDArray[np.float64] = (matrix @ target) / (
        np.linalg.norm(matrix, axis=1) * np.linalg.norm(target)
    )
    return similarity


def planned_search(engine: Engine, table: str, search: Callable[[], T]) -> tuple[T, str]:
    """What ``search()`` returns, and PostgreSQL's plan (sequential scans off, after
    ``ANALYZE table``) of the one ``<=>`` statement it ran; fails if it ran another number."""
    with engine.connect() as connection:
        connection.execute(text(f"ANALYZE {table}"))
        connection.commit()
    statements: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_args: Any) -> None:
        if "<=>" in statement:
            statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        found = search()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert len(statements) == 1, statements
    statement, parameters = statements[0]
    with engine.connect() as connection:
        connection.execute(text("SET enable_seqscan = off"))
        plan = "\n".join(connection.exec_driver_sql(f"EXPLAIN {statement}", parameters).scalars())
    return found, plan
