"""Fixtures of the vector tests: a store of each embedding kind (see vector_stores.py)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tests.servers.postgres import PostgresServer
from tests.store.vector_stores import BACKENDS, PLAIN_ROLE, opened_store


@pytest.fixture(scope="module")
def plain_role(postgres_server: PostgresServer) -> str:
    """A login role that is no superuser, so ``CREATE EXTENSION vector`` is refused to it."""
    postgres_server.execute(
        f"DO $$ BEGIN CREATE ROLE {PLAIN_ROLE} LOGIN; "
        "EXCEPTION WHEN duplicate_object THEN NULL; END $$"
    )
    return PLAIN_ROLE


@pytest.fixture
def fresh_postgres(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An engine on an empty PostgreSQL database of the superuser (nothing migrated)."""
    with opened_store(request, "pgvector", tmp_path, migrate=False) as engine:
        yield engine


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An engine on a freshly migrated database of the parametrised kind."""
    with opened_store(request, request.param, tmp_path) as engine:
        yield engine


@pytest.fixture
def stores(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, Engine]]:
    """One migrated store of each embedding kind, by name."""
    with ExitStack() as stack:
        yield {
            backend: stack.enter_context(opened_store(request, backend, tmp_path))
            for backend in ("sqlite", "pgvector", "postgres_plain")
        }
