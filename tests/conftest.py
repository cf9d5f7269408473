"""Fixtures shared by every test: where the real email data lies, and how to skip without it."""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from app.db.migrations import upgrade
from app.db.session import create_db_engine, session_factory
from models.embedder import Embedder, load_embedder
from tests.servers.postgres import PostgresServer, pgserver_install_dir, running_postgres

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"


def in_ci() -> bool:
    """True when running under CI, where a missing server or data set is a failure."""
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def skip_or_fail(reason: str) -> None:
    """Skip the test locally, fail it in CI: CI must never hide a missing install."""
    if in_ci():
        pytest.fail(f"{reason} (CI=true: this must be installed)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The folder ``../shared/data`` beside the repository (skips locally when absent)."""
    if not SHARED_DATA.is_dir():
        skip_or_fail(f"real email data not found at {SHARED_DATA}")
    return SHARED_DATA


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A real PostgreSQL 16 on 127.0.0.1 for the whole session (skips locally without it)."""
    install = pgserver_install_dir()
    if install is None:
        skip_or_fail("the `pgserver` package (PostgreSQL binaries) is not installed")
    assert install is not None
    yield from running_postgres(install)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to head once, copied for each test."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = create_db_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_template(postgres_server: PostgresServer) -> str:
    """A PostgreSQL database migrated to head once, used as the template of each test's."""
    postgres_server.execute("CREATE DATABASE leadlens_template")
    engine = create_db_engine(postgres_server.url("leadlens_template"))
    upgrade(engine)
    engine.dispose()
    return "leadlens_template"


_database_counter = itertools.count()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """URL of a fresh migrated database, once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        path = tmp_path / "leadlens.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    template: str = request.getfixturevalue("postgres_template")
    name = f"test_{os.getpid()}_{next(_database_counter)}"
    server.execute(f"CREATE DATABASE {name} TEMPLATE {template}")
    yield server.url(name)
    server.execute(f"DROP DATABASE {name} WITH (FORCE)")


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """An engine on the test's fresh database, disposed at the end."""
    db_engine = create_db_engine(database_url)
    yield db_engine
    db_engine.dispose()


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    """The session factory the application would use on the test's database."""
    return session_factory(engine)


@pytest.fixture(scope="session")
def shared_embedder() -> Embedder:
    """The bundled sentence model on the CPU, loaded once per session."""
    return load_embedder(device="cpu")
