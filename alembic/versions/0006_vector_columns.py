"""pgvector: customer feature embeddings and topic centroids as `vector`, won customers indexed

Where migration 0004 made ``message_embeddings.vector`` a pgvector ``vector``, the two other
embedding columns follow: ``customers.feature_embedding`` (the mean embedding the lookalike
reads) and ``topics.centroid``, both converted bit-exactly from their float32 bytes. Won
customers get a partial HNSW index (cosine) over the 384 dimensions of the default model,
which the nearest-won-customer search goes through. Without pgvector (and on SQLite) both
columns stay float32 bytes and nothing happens.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27
"""

from __future__ import annotations

from alembic import op
from app.db._vector_sql import BYTES_TO_VECTOR, VECTOR_TO_BYTES
from app.db.vector import WON_HNSW_INDEX, detect_pgvector

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

COLUMNS = (("customers", "feature_embedding"), ("topics", "centroid"))


def upgrade() -> None:
    bind = op.get_bind()
    if not detect_pgvector(bind):
        return
    op.execute(BYTES_TO_VECTOR)
    for table, column in COLUMNS:
        op.execute(
            f"ALTER TABLE {table} ALTER COLUMN {column} TYPE vector "
            f"USING pg_temp.leadlens_float32_to_vector({column})"
        )
    op.execute("DROP FUNCTION pg_temp.leadlens_float32_to_vector(bytea)")
    op.execute(
        f"CREATE INDEX {WON_HNSW_INDEX} ON customers USING hnsw "
        "((feature_embedding::vector(384)) vector_cosine_ops) "
        "WHERE vector_dims(feature_embedding) = 384 AND outcome = 'won'"
    )


def downgrade() -> None:
    bind = op.get_bind()
    if not detect_pgvector(bind):
        return
    op.execute(f"DROP INDEX IF EXISTS {WON_HNSW_INDEX}")
    op.execute(VECTOR_TO_BYTES)
    for table, column in COLUMNS:
        op.execute(
            f"ALTER TABLE {table} ALTER COLUMN {column} TYPE bytea "
            f"USING pg_temp.leadlens_vector_to_float32({column})"
        )
    op.execute("DROP FUNCTION pg_temp.leadlens_vector_to_float32(vector)")
