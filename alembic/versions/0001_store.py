"""store: mailboxes, folder states, messages, quarantine, customers, contacts

Revision ID: 0001
Revises: 
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('customers',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('key', sa.String(length=320), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=500), nullable=True),
    sa.Column('first_contact_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_contact_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_customers')),
    sa.UniqueConstraint('key', name=op.f('uq_customers_key'))
    )
    op.create_table('mailboxes',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=320), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('host', sa.String(length=255), nullable=True),
    sa.Column('port', sa.Integer(), nullable=True),
    sa.Column('security', sa.String(length=16), nullable=True),
    sa.Column('username', sa.String(length=320), nullable=True),
    sa.Column('auth_kind', sa.String(length=16), nullable=True),
    sa.Column('secret_ciphertext', sa.LargeBinary(), nullable=True),
    sa.Column('folders', sa.JSON(), nullable=True),
    sa.Column('own_domains', sa.JSON(), nullable=False),
    sa.Column('tls_verify', sa.Boolean(), nullable=False),
    sa.Column('ca_file', sa.Text(), nullable=True),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('last_sync_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mailboxes')),
    sa.UniqueConstraint('name', name=op.f('uq_mailboxes_name'))
    )
    op.create_table('contacts',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('customer_id', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=500), nullable=True),
    sa.Column('title', sa.String(length=500), nullable=True),
    sa.Column('phone', sa.String(length=100), nullable=True),
    sa.Column('company', sa.String(length=500), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_contacts_customer_id_customers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contacts')),
    sa.UniqueConstraint('email', name=op.f('uq_contacts_email'))
    )
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contacts_customer_id'), ['customer_id'], unique=False)

    op.create_table('folder_states',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('mailbox_id', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=1000), nullable=False),
    sa.Column('uidvalidity', sa.BigInteger(), nullable=True),
    sa.Column('last_uid', sa.BigInteger(), nullable=False),
    sa.Column('highestmodseq', sa.BigInteger(), nullable=True),
    sa.Column('messages', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['mailbox_id'], ['mailboxes.id'], name=op.f('fk_folder_states_mailbox_id_mailboxes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_folder_states')),
    sa.UniqueConstraint('mailbox_id', 'name', name=op.f('uq_folder_states_mailbox_id_name'))
    )
    op.create_table('quarantine',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('mailbox_id', sa.String(length=40), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('raw_zlib', sa.LargeBinary(), nullable=False),
    sa.Column('raw_sha256', sa.String(length=64), nullable=False),
    sa.Column('raw_size', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['mailbox_id'], ['mailboxes.id'], name=op.f('fk_quarantine_mailbox_id_mailboxes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_quarantine')),
    sa.UniqueConstraint('mailbox_id', 'raw_sha256', name=op.f('uq_quarantine_mailbox_id_raw_sha256'))
    )
    op.create_table('messages',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('mailbox_id', sa.String(length=40), nullable=False),
    sa.Column('folder', sa.String(length=1000), nullable=True),
    sa.Column('uid', sa.BigInteger(), nullable=True),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('message_id', sa.Text(), nullable=True),
    sa.Column('in_reply_to', sa.Text(), nullable=True),
    sa.Column('references', sa.JSON(), nullable=False),
    sa.Column('thread_id', sa.String(length=40), nullable=False),
    sa.Column('subject_key', sa.String(length=64), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('subject', sa.Text(), nullable=False),
    sa.Column('from_email', sa.String(length=320), nullable=True),
    sa.Column('from_name', sa.String(length=500), nullable=True),
    sa.Column('to', sa.JSON(), nullable=False),
    sa.Column('cc', sa.JSON(), nullable=False),
    sa.Column('reply_to', sa.JSON(), nullable=False),
    sa.Column('direction', sa.String(length=16), nullable=False),
    sa.Column('customer_id', sa.String(length=40), nullable=True),
    sa.Column('contact_id', sa.String(length=40), nullable=True),
    sa.Column('language', sa.String(length=8), nullable=True),
    sa.Column('body_format', sa.String(length=8), nullable=False),
    sa.Column('new_text', sa.Text(), nullable=False),
    sa.Column('quoted_text', sa.Text(), nullable=False),
    sa.Column('signature_text', sa.Text(), nullable=False),
    sa.Column('attachments', sa.JSON(), nullable=False),
    sa.Column('is_bulk', sa.Boolean(), nullable=False),
    sa.Column('is_auto', sa.Boolean(), nullable=False),
    sa.Column('defects', sa.JSON(), nullable=False),
    sa.Column('raw_zlib', sa.LargeBinary(), nullable=False),
    sa.Column('raw_sha256', sa.String(length=64), nullable=False),
    sa.Column('raw_size', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['contacts.id'], name=op.f('fk_messages_contact_id_contacts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['customer_id'], ['customers.id'], name=op.f('fk_messages_customer_id_customers'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['mailbox_id'], ['mailboxes.id'], name=op.f('fk_messages_mailbox_id_mailboxes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_messages')),
    sa.UniqueConstraint('mailbox_id', 'raw_sha256', name=op.f('uq_messages_mailbox_id_raw_sha256'))
    )
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_messages_contact_id'), ['contact_id'], unique=False)
        batch_op.create_index('ix_messages_customer_id_sent_at', ['customer_id', 'sent_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_messages_in_reply_to'), ['in_reply_to'], unique=False)
        batch_op.create_index('ix_messages_mailbox_id_folder_uid', ['mailbox_id', 'folder', 'uid'], unique=False)
        batch_op.create_index(batch_op.f('ix_messages_message_id'), ['message_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_messages_subject_key'), ['subject_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_messages_thread_id'), ['thread_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_messages_thread_id'))
        batch_op.drop_index(batch_op.f('ix_messages_subject_key'))
        batch_op.drop_index(batch_op.f('ix_messages_message_id'))
        batch_op.drop_index('ix_messages_mailbox_id_folder_uid')
        batch_op.drop_index(batch_op.f('ix_messages_in_reply_to'))
        batch_op.drop_index('ix_messages_customer_id_sent_at')
        batch_op.drop_index(batch_op.f('ix_messages_contact_id'))

    op.drop_table('messages')
    op.drop_table('quarantine')
    op.drop_table('folder_states')
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contacts_customer_id'))

    op.drop_table('contacts')
    op.drop_table('mailboxes')
    op.drop_table('customers')
