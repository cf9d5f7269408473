"""Schema migrations through Alembic, and the check that refuses an un-migrated database."""

from __future__ import annotations

from pathlib import Path

from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from alembic import command
from app.errors import DatabaseNotMigratedError

ALEMBIC_DIR = Path(__file__).resolve().parents[2] / "alembic"


def alembic_config(engine: Engine) -> Config:
    """An Alembic configuration whose migrations run on ``engine``."""
    config = Config()
    config.set_main_option("script_location", str(ALEMBIC_DIR))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema of ``engine``'s database up to ``revision`` (idempotent)."""
    command.upgrade(alembic_config(engine), revision)


def head_revision() -> str:
    """The newest migration this version of leadlens ships."""
    head = ScriptDirectory.from_config(alembic_config_for_scripts()).get_current_head()
    assert head is not None
    return head


def alembic_config_for_scripts() -> Config:
    """An Alembic configuration that only reads the migration scripts."""
    config = Config()
    config.set_main_option("script_location", str(ALEMBIC_DIR))
    return config


def current_revision(engine: Engine) -> str | None:
    """The revision the database at ``engine`` is migrated to, or None when never migrated."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def ensure_migrated(engine: Engine) -> None:
    """Raise DatabaseNotMigratedError unless the database is at this version's head."""
    current, head = current_revision(engine), head_revision()
    if current != head:
        state = "not migrated" if current is None else f"at revision {current}, not {head}"
        raise DatabaseNotMigratedError(
            f"the database {engine.url.render_as_string(hide_password=True)} is {state}: "
            "run `leadlens db upgrade` first"
        )
