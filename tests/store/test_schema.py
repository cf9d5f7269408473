"""The migrations build the schema the models describe, on SQLite and on PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect

from alembic import command
from app.db.migrations import alembic_config, current_revision, head_revision, upgrade
from app.db.session import create_db_engine
from app.db.tables import Base
from app.db.vector import include_name
from tests.cli import leadlens

TABLES = {
    "mailboxes",
    "folder_states",
    "messages",
    "quarantine",
    "customers",
    "contacts",
    "api_keys",
    "message_embeddings",
    "topics",
    "message_topics",
    "message_traits",
    "pipeline_state",
    "customer_tags",
    "lookalike_models",
}


def test_migrated_database_is_at_head(engine: Engine) -> None:
    assert current_revision(engine) == head_revision()
    assert set(inspect(engine).get_table_names()) >= TABLES


def test_migrations_match_the_models(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_name": include_name})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_downgrade_then_upgrade_round_trips(engine: Engine) -> None:
    command.downgrade(alembic_config(engine), "base")
    assert not TABLES & set(inspect(engine).get_table_names())
    upgrade(engine)
    assert set(inspect(engine).get_table_names()) >= TABLES


def test_serve_refuses_an_unmigrated_database_in_one_line(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    result = leadlens(url, "serve")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "not migrated" in lines[0]
    assert "leadlens db upgrade" in lines[0]


def test_db_upgrade_command_then_serve_check_passes(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    first = leadlens(url, "db", "upgrade")
    assert first.returncode == 0, first.stderr
    assert f"revision {head_revision()}" in first.stdout
    assert "alembic" not in first.stderr  # its INFO lines only with --verbose
    second = leadlens(url, "db", "upgrade")
    assert "already at" in second.stdout
    verbose = leadlens(f"sqlite:///{tmp_path / 'verbose.db'}", "--verbose", "db", "upgrade")
    assert verbose.returncode == 0, verbose.stderr
    assert "INFO alembic.runtime.migration Running upgrade" in verbose.stderr
    engine = create_db_engine(url)
    try:
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()
