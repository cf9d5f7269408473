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
from app.db.vector import detect_pgvector

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")

INDEX = "ix_message_embeddings_vector_hnsw"

# float32 little-endian bytes -> vector, bit-exact (zeros, subnormals and signs included)
BYTES_TO_VECTOR = """
CREATE FUNCTION pg_temp.leadlens_float32_to_vector(bytes bytea) RETURNS vector
LANGUAGE sql IMMUTABLE STRICT AS $$
SELECT array_agg(
    (CASE WHEN (word >> 31) = 1 THEN -1.0::float8 ELSE 1.0::float8 END)
    * (CASE WHEN ((word >> 23) & 255) = 0
            THEN (word & 8388607) * power(2::float8, -149)
            ELSE ((word & 8388607) + 8388608) * power(2::float8, ((word >> 23) & 255) - 150)
       END)
    ORDER BY offs)::real[]::vector
FROM (
    SELECT offs,
           get_byte(bytes, offs)::bigint
           | (get_byte(bytes, offs + 1)::bigint << 8)
           | (get_byte(bytes, offs + 2)::bigint << 16)
           | (get_byte(bytes, offs + 3)::bigint << 24) AS word
    FROM generate_series(0, length(bytes) - 4, 4) AS offs
) AS words
$$
"""

# vector -> float32 little-endian bytes (float4send gives big-endian)
VECTOR_TO_BYTES = """
CREATE FUNCTION pg_temp.leadlens_vector_to_float32(v vector) RETURNS bytea
LANGUAGE sql IMMUTABLE STRICT AS $$
SELECT string_agg(
    substring(be FROM 4 FOR 1) || substring(be FROM 3 FOR 1)
    || substring(be FROM 2 FOR 1) || substring(be FROM 1 FOR 1),
    ''::bytea ORDER BY ord)
FROM unnest(v::real[]) WITH ORDINALITY AS elements(x, ord),
     LATERAL float4send(x) AS be
$$
"""


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
