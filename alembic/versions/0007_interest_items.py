"""interests from item lines: the embedding of each message's item lines; topics that are
interests and topics that are not

``message_interest_embeddings`` holds the sentence embedding of a message's item lines
(:func:`models._item_lines.interest_text`), for the messages that have any: interest topics
are clustered from them. ``topics.interest`` tells the topics customers are interested in
from those every customer writes about now and then (terms, samples); existing topics stay
interests.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "message_interest_embeddings",
        sa.Column("message_id", sa.String(length=40), nullable=False),
        sa.Column("model_version", sa.String(length=200), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["messages.id"],
            name=op.f("fk_message_interest_embeddings_message_id_messages"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("message_id", name=op.f("pk_message_interest_embeddings")),
    )
    with op.batch_alter_table("topics") as batch:
        batch.add_column(
            sa.Column("interest", sa.Boolean(), nullable=False, server_default=sa.true())
        )


def downgrade() -> None:
    with op.batch_alter_table("topics") as batch:
        batch.drop_column("interest")
    op.drop_table("message_interest_embeddings")
