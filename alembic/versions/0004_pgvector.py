"""pgvector: message embeddings as a `vector` column with an HNSW cosine index

On PostgreSQL, tries ``CREATE EXTENSION IF NOT EXISTS vector`` inside a SAVEPOINT. When that
works, ``message_embeddings.vector`` becomes a ``vector`` without a fixed width (existing
float32 bytes converted exactly) and gets a partial HNSW index (cosine) over the 384
dimensions of the default model. Without the extension (not installed, or no privilege to
create it) the column stays float32 bytes and one line is logged. SQLite: nothing to do.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28
"""

from __future__ import annotations

import logging

import sqlalchemy as sa

from alembic import op
from app.db._vector_sql import BYTES_TO_VECTOR, VECTOR_TO_BYTES
from app.db.vector import detect_pgvector

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")

INDEX = "ix_message_embeddings_vector_hnsw"

def _create_extension(bind: sa.Connection) -> bool:
    try:
        with bind.begin_nested():
            bind.execute(sa.text("CREATE EXTENSION IF NOT EXISTS vector"))
    except sa.exc.DBAPIError as error:
        reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
        log.warning("pgvector unavailable (%s): message embeddings stay float32 bytes", reason)
        return False
    return True


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql" or not _create_extension(bind):
        return
    op.execute(BYTES_TO_VECTOR)
    op.execute(
        "ALTER TABLE message_embeddings ALTER COLUMN vector TYPE vector "
        "USING pg_temp.leadlens_float32_to_vector(vector)"
    )
    op.execute("DROP FUNCTION pg_temp.leadlens_float32_to_vector(bytea)")
    op.execute(
        f"CREATE INDEX {INDEX} ON message_embeddings "
        "USING hnsw ((vector::vector(384)) vector_cosine_ops) WHERE vector_dims(vector) = 384"
    )
    detect_pgvector(bind)


def downgrade() -> None:
    bind = op.get_bind()
    if not detect_pgvector(bind):
        return
    op.execute(f"DROP INDEX IF EXISTS {INDEX}")
    op.execute(VECTOR_TO_BYTES)
    op.execute(
        "ALTER TABLE message_embeddings ALTER COLUMN vector TYPE bytea "
        "USING pg_temp.leadlens_vector_to_float32(vector)"
    )
    op.execute("DROP FUNCTION pg_temp.leadlens_vector_to_float32(vector)")
    detect_pgvector(bind)
