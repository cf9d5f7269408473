"""profiles: customer profile columns, customer tags, lookalike models

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

def _customer_columns() -> list[sa.Column]:
    return [
        sa.Column("profile_dirty", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column("profiled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("stage", sa.String(length=16), nullable=False, server_default="lead"),
        sa.Column("stage_reached", sa.JSON(), nullable=False, server_default="{}"),
        sa.Column("valid_inquiry", sa.JSON(), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("languages", sa.JSON(), nullable=False, server_default="[]"),
        sa.Column("inbound", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("outbound", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("outcome", sa.String(length=8), nullable=False, server_default="open"),
        sa.Column("outcome_source", sa.String(length=8), nullable=False, server_default="inferred"),
        sa.Column("outcome_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome_reason", sa.Text(), nullable=True),
        sa.Column("outcome_set", sa.String(length=8), nullable=True),
        sa.Column("outcome_set_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("feature_embedding", sa.LargeBinary(), nullable=True),
        sa.Column("feature_tags", sa.JSON(), nullable=False, server_default="{}"),
        sa.Column("lookalike_score", sa.Float(), nullable=True),
        sa.Column("lookalike_percentile", sa.Float(), nullable=True),
        sa.Column("lookalike_version", sa.String(length=40), nullable=True),
        sa.Column("lookalike_explanation", sa.JSON(), nullable=True),
    ]


def upgrade() -> None:
    with op.batch_alter_table("customers") as batch:
        for column in _customer_columns():
            batch.add_column(column)
        batch.create_index("ix_customers_profile_dirty", ["profile_dirty"])
        batch.create_index("ix_customers_stage", ["stage"])
        batch.create_index("ix_customers_outcome", ["outcome"])
        batch.create_index("ix_customers_lookalike_score", ["lookalike_score"])
    op.create_table(
        "customer_tags",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("customer_id", sa.String(length=40), nullable=False),
        sa.Column("tag_id", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("value", sa.String(length=60), nullable=True),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_customer_tags_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_tags")),
    )
    op.create_index("ix_customer_tags_customer_id", "customer_tags", ["customer_id"])
    op.create_index("ix_customer_tags_tag_id", "customer_tags", ["tag_id"])
    op.create_table(
        "lookalike_models",
        sa.Column("version", sa.String(length=40), nullable=False),
        sa.Column("trained_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("n_won", sa.Integer(), nullable=False),
        sa.Column("n_lost", sa.Integer(), nullable=False),
        sa.Column("n_open", sa.Integer(), nullable=False),
        sa.Column("cv_auc", sa.Float(), nullable=True),
        sa.Column("outcomes_digest", sa.String(length=64), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("version", name=op.f("pk_lookalike_models")),
    )


def downgrade() -> None:
    op.drop_table("lookalike_models")
    op.drop_index("ix_customer_tags_tag_id", table_name="customer_tags")
    op.drop_index("ix_customer_tags_customer_id", table_name="customer_tags")
    op.drop_table("customer_tags")
    with op.batch_alter_table("customers") as batch:
        for name in ("lookalike_score", "outcome", "stage", "profile_dirty"):
            batch.drop_index(f"ix_customers_{name}")
        for column in reversed(_customer_columns()):
            batch.drop_column(column.name)
