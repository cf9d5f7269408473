"""enrichment: embeddings, topics, traits, intents

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('pipeline_state',
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_pipeline_state'))
    )
    op.create_table('topics',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('user_name', sa.String(length=200), nullable=True),
    sa.Column('keywords', sa.JSON(), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('centroid', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_topics'))
    )
    op.create_table('message_embeddings',
    sa.Column('message_id', sa.String(length=40), nullable=False),
    sa.Column('model_version', sa.String(length=200), nullable=False),
    sa.Column('vector', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['message_id'], ['messages.id'], name=op.f('fk_message_embeddings_message_id_messages'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('message_id', name=op.f('pk_message_embeddings'))
    )
    op.create_table('message_topics',
    sa.Column('message_id', sa.String(length=40), nullable=False),
    sa.Column('topic_id', sa.Integer(), nullable=True),
    sa.Column('confidence', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['message_id'], ['messages.id'], name=op.f('fk_message_topics_message_id_messages'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['topic_id'], ['topics.id'], name=op.f('fk_message_topics_topic_id_topics'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('message_id', name=op.f('pk_message_topics'))
    )
    with op.batch_alter_table('message_topics', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_message_topics_topic_id'), ['topic_id'], unique=False)

    op.create_table('message_traits',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('message_id', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('value', sa.String(length=40), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('evidence', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['message_id'], ['messages.id'], name=op.f('fk_message_traits_message_id_messages'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_message_traits'))
    )
    with op.batch_alter_table('message_traits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_message_traits_message_id'), ['message_id'], unique=False)
        batch_op.create_index('ix_message_traits_name_value', ['name', 'value'], unique=False)

    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('intent', sa.String(length=24), nullable=True))
        batch_op.add_column(sa.Column('intent_score', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('valid_inquiry', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('enriched_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_messages_enriched_at'), ['enriched_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_messages_enriched_at'))
        batch_op.drop_column('enriched_at')
        batch_op.drop_column('valid_inquiry')
        batch_op.drop_column('intent_score')
        batch_op.drop_column('intent')

    with op.batch_alter_table('message_traits', schema=None) as batch_op:
        batch_op.drop_index('ix_message_traits_name_value')
        batch_op.drop_index(batch_op.f('ix_message_traits_message_id'))

    op.drop_table('message_traits')
    with op.batch_alter_table('message_topics', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_message_topics_topic_id'))

    op.drop_table('message_topics')
    op.drop_table('message_embeddings')
    op.drop_table('topics')
    op.drop_table('pipeline_state')
