"""Alembic environment: runs migrations on the engine leadlens hands over."""

from __future__ import annotations

from sqlalchemy import Engine

from alembic import context
from app.db.session import create_db_engine
from app.db.tables import Base
from app.db.vector import include_name
from app.settings import Settings


def _engine() -> Engine:
    engine = context.config.attributes.get("engine")
    if isinstance(engine, Engine):
        return engine
    return create_db_engine(Settings().database_url)


def run_migrations() -> None:
    """Run the pending migrations inside one transaction."""
    with _engine().connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
            include_name=include_name,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run_migrations()
