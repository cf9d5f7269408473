"""The store's tables (SQLAlchemy 2 declarative models); Alembic migrations mirror them."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from app.db.types import UTCDateTime, utcnow
from app.db.vector import Embedding

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base of every table, with constraint names Alembic can refer to."""

    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime,
        dict[str, Any]: JSON,
        list[Any]: JSON,
    }


class Mailbox(Base):
    """A source of mail: an IMAP account, or a named target of `leadlens import`."""

    __tablename__ = "mailboxes"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(320), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    host: Mapped[str | None] = mapped_column(String(255))
    port: Mapped[int | None] = mapped_column(Integer)
    security: Mapped[str | None] = mapped_column(String(16))
    username: Mapped[str | None] = mapped_column(String(320))
    auth_kind: Mapped[str | None] = mapped_column(String(16))
    secret_ciphertext: Mapped[bytes | None] = mapped_column(LargeBinary)
    folders: Mapped[list[Any] | None] = mapped_column(JSON)
    own_domains: Mapped[list[Any]] = mapped_column(JSON, default=list)
    tls_verify: Mapped[bool] = mapped_column(Boolean, default=True)
    ca_file: Mapped[str | None] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16), default="idle")
    last_sync_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    auth_failed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class OAuth2Grant(Base):
    """The OAuth2 grant an IMAP mailbox logs in with (auth kind ``oauth2_grant``): who issued
    it, the client and the refresh token, and the access token last obtained with it.

    Every secret (client secret, refresh token, access token) is a SecretBox ciphertext.
    ``refused_at`` is set when the token endpoint answered ``invalid_grant``: the grant is
    not used again until it is replaced.
    """

    __tablename__ = "oauth2_grants"

    mailbox_id: Mapped[str] = mapped_column(
        ForeignKey("mailboxes.id", ondelete="CASCADE"), primary_key=True
    )
    provider: Mapped[str] = mapped_column(String(16))
    token_endpoint: Mapped[str] = mapped_column(Text)
    client_id: Mapped[str] = mapped_column(Text)
    client_secret_ciphertext: Mapped[bytes | None] = mapped_column(LargeBinary)
    refresh_token_ciphertext: Mapped[bytes] = mapped_column(LargeBinary)
    scopes: Mapped[list[Any]] = mapped_column(JSON, default=list)
    access_token_ciphertext: Mapped[bytes | None] = mapped_column(LargeBinary)
    access_token_expires_at: Mapped[datetime | None]
    refreshed_at: Mapped[datetime | None]
    refused_at: Mapped[datetime | None]


class ApiKey(Base):
    """A key for the REST API: only its SHA-256 is stored, with its scope."""

    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str | None] = mapped_column(String(200))
    scope: Mapped[str] = mapped_column(String(16))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class FolderState(Base):
    """Sync position of one IMAP folder (RFC 3501 UIDVALIDITY, RFC 7162 HIGHESTMODSEQ)."""

    __tablename__ = "folder_states"
    __table_args__ = (UniqueConstraint("mailbox_id", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    mailbox_id: Mapped[str] = mapped_column(ForeignKey("mailboxes.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(1000))
    uidvalidity: Mapped[int | None] = mapped_column(BigInteger)
    last_uid: Mapped[int] = mapped_column(BigInteger, default=0)
    highestmodseq: Mapped[int | None] = mapped_column(BigInteger)
    messages: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Customer(Base):
    """An external organization (registrable domain) or, for freemail, one person."""

    __tablename__ = "customers"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    key: Mapped[str] = mapped_column(String(320), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str | None] = mapped_column(String(500))
    first_contact_at: Mapped[datetime | None]
    last_contact_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The profile (SPEC §5-§7), rebuilt from the enriched mail whenever ``profile_dirty``.
    profile_dirty: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    profiled_at: Mapped[datetime | None]
    stage: Mapped[str] = mapped_column(String(16), default="lead", index=True)
    stage_reached: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    valid_inquiry: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    country: Mapped[str | None] = mapped_column(String(2))
    languages: Mapped[list[Any]] = mapped_column(JSON, default=list)
    inbound: Mapped[int] = mapped_column(Integer, default=0)
    outbound: Mapped[int] = mapped_column(Integer, default=0)
    # The outcome in force: the one set through the API if any, else the inferred one.
    outcome: Mapped[str] = mapped_column(String(8), default="open", index=True)
    outcome_source: Mapped[str] = mapped_column(String(8), default="inferred")
    outcome_at: Mapped[datetime | None]
    outcome_reason: Mapped[str | None] = mapped_column(Text)
    outcome_set: Mapped[str | None] = mapped_column(String(8))
    outcome_set_at: Mapped[datetime | None]
    # What the lookalike model reads (mean embedding, tag scores) and what it said.
    feature_embedding: Mapped[bytes | None] = mapped_column(Embedding)
    feature_tags: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    lookalike_score: Mapped[float | None] = mapped_column(Float, index=True)
    lookalike_percentile: Mapped[float | None] = mapped_column(Float)
    lookalike_version: Mapped[str | None] = mapped_column(String(40))
    lookalike_explanation: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class CustomerTag(Base):
    """One tag of a customer's profile, with the evidence (messages and snippets) behind it."""

    __tablename__ = "customer_tags"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    customer_id: Mapped[str] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    tag_id: Mapped[str] = mapped_column(String(120), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    name: Mapped[str] = mapped_column(String(200))
    value: Mapped[str | None] = mapped_column(String(60))
    score: Mapped[float] = mapped_column(Float)
    evidence: Mapped[list[Any]] = mapped_column(JSON, default=list)


class LookalikeModelRow(Base):
    """A trained lookalike model: its figures and its self-contained serialisation."""

    __tablename__ = "lookalike_models"

    version: Mapped[str] = mapped_column(String(40), primary_key=True)
    trained_at: Mapped[datetime]
    n_won: Mapped[int] = mapped_column(Integer)
    n_lost: Mapped[int] = mapped_column(Integer)
    n_open: Mapped[int] = mapped_column(Integer)
    cv_auc: Mapped[float | None] = mapped_column(Float)
    outcomes_digest: Mapped[str] = mapped_column(String(64))
    payload: Mapped[bytes] = mapped_column(LargeBinary)


class Contact(Base):
    """One external address, with what headers and signatures told about its owner."""

    __tablename__ = "contacts"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    customer_id: Mapped[str] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str | None] = mapped_column(String(500))
    title: Mapped[str | None] = mapped_column(String(500))
    phone: Mapped[str | None] = mapped_column(String(100))
    company: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime | None]


class Message(Base):
    """One stored email: headers, the split text, attachment metadata and the raw bytes."""

    __tablename__ = "messages"
    __table_args__ = (
        UniqueConstraint("mailbox_id", "raw_sha256"),
        Index("ix_messages_mailbox_id_folder_uid", "mailbox_id", "folder", "uid"),
        Index("ix_messages_customer_id_sent_at", "customer_id", "sent_at"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    mailbox_id: Mapped[str] = mapped_column(ForeignKey("mailboxes.id", ondelete="CASCADE"))
    folder: Mapped[str | None] = mapped_column(String(1000))
    uid: Mapped[int | None] = mapped_column(BigInteger)
    source: Mapped[str] = mapped_column(Text)
    message_id: Mapped[str | None] = mapped_column(Text, index=True)
    in_reply_to: Mapped[str | None] = mapped_column(Text, index=True)
    references: Mapped[list[Any]] = mapped_column(JSON, default=list)
    thread_id: Mapped[str] = mapped_column(String(40), index=True)
    subject_key: Mapped[str | None] = mapped_column(String(64), index=True)
    sent_at: Mapped[datetime | None]
    subject: Mapped[str] = mapped_column(Text, default="")
    from_email: Mapped[str | None] = mapped_column(String(320))
    from_name: Mapped[str | None] = mapped_column(String(500))
    to: Mapped[list[Any]] = mapped_column(JSON, default=list)
    cc: Mapped[list[Any]] = mapped_column(JSON, default=list)
    reply_to: Mapped[list[Any]] = mapped_column(JSON, default=list)
    direction: Mapped[str] = mapped_column(String(16))
    customer_id: Mapped[str | None] = mapped_column(ForeignKey("customers.id", ondelete="SET NULL"))
    contact_id: Mapped[str | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="SET NULL"), index=True
    )
    language: Mapped[str | None] = mapped_column(String(8))
    intent: Mapped[str | None] = mapped_column(String(24))
    intent_score: Mapped[float | None] = mapped_column(Float)
    valid_inquiry: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    enriched_at: Mapped[datetime | None] = mapped_column(index=True)
    body_format: Mapped[str] = mapped_column(String(8))
    new_text: Mapped[str] = mapped_column(Text, default="")
    quoted_text: Mapped[str] = mapped_column(Text, default="")
    signature_text: Mapped[str] = mapped_column(Text, default="")
    attachments: Mapped[list[Any]] = mapped_column(JSON, default=list)
    is_bulk: Mapped[bool] = mapped_column(Boolean, default=False)
    is_auto: Mapped[bool] = mapped_column(Boolean, default=False)
    defects: Mapped[list[Any]] = mapped_column(JSON, default=list)
    raw_zlib: Mapped[bytes] = mapped_column(LargeBinary)
    raw_sha256: Mapped[str] = mapped_column(String(64))
    raw_size: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class QuarantinedMessage(Base):
    """Input that could not be parsed: kept whole, with the reason, never dropped."""

    __tablename__ = "quarantine"
    __table_args__ = (UniqueConstraint("mailbox_id", "raw_sha256"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    mailbox_id: Mapped[str] = mapped_column(ForeignKey("mailboxes.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    raw_zlib: Mapped[bytes] = mapped_column(LargeBinary)
    raw_sha256: Mapped[str] = mapped_column(String(64))
    raw_size: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class MessageEmbedding(Base):
    """The sentence embedding of what a message says (subject + new text), as float32 bytes.

    Stored as a pgvector ``vector`` where migration 0004 could enable the extension, else as
    the bytes themselves; ``Embedding`` hides the difference.
    """

    __tablename__ = "message_embeddings"

    message_id: Mapped[str] = mapped_column(
        ForeignKey("messages.id", ondelete="CASCADE"), primary_key=True
    )
    model_version: Mapped[str] = mapped_column(String(200))
    vector: Mapped[bytes] = mapped_column(Embedding)


class MessageInterestEmbedding(Base):
    """The sentence embedding of a message's item lines (:func:`models._item_lines.
    interest_text`), as float32 bytes; only messages that have item lines have one."""

    __tablename__ = "message_interest_embeddings"

    message_id: Mapped[str] = mapped_column(
        ForeignKey("messages.id", ondelete="CASCADE"), primary_key=True
    )
    model_version: Mapped[str] = mapped_column(String(200))
    vector: Mapped[bytes] = mapped_column(LargeBinary)


class Topic(Base):
    """A discovered topic; its id and a user-given name survive re-clustering. ``interest``:
    customers are interested in it (an interest tag); else it is a matter every customer
    writes about now and then, kept only so that new mail about it is recognised."""

    __tablename__ = "topics"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(200))
    user_name: Mapped[str | None] = mapped_column(String(200))
    keywords: Mapped[list[Any]] = mapped_column(JSON, default=list)
    size: Mapped[int] = mapped_column(Integer, default=0)
    centroid: Mapped[bytes] = mapped_column(Embedding)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    interest: Mapped[bool] = mapped_column(Boolean, default=True)


class MessageTopic(Base):
    """The topic a message was assigned to (None: an outlier), with the confidence."""

    __tablename__ = "message_topics"

    message_id: Mapped[str] = mapped_column(
        ForeignKey("messages.id", ondelete="CASCADE"), primary_key=True
    )
    topic_id: Mapped[int | None] = mapped_column(
        ForeignKey("topics.id", ondelete="SET NULL"), index=True
    )
    confidence: Mapped[float] = mapped_column(Float)


class MessageTrait(Base):
    """One trait a message supports (SPEC §5 vocabularies), with the text that produced it."""

    __tablename__ = "message_traits"
    __table_args__ = (Index("ix_message_traits_name_value", "name", "value"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    message_id: Mapped[str] = mapped_column(
        ForeignKey("messages.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(40))
    value: Mapped[str] = mapped_column(String(40))
    score: Mapped[float] = mapped_column(Float)
    evidence: Mapped[str] = mapped_column(Text)


class PipelineState(Base):
    """Small named values of the pipeline: the current topics and model versions."""

    __tablename__ = "pipeline_state"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class WebhookEndpoint(Base):
    """A URL that receives signed events (Standard Webhooks), and how its deliveries go."""

    __tablename__ = "webhook_endpoints"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    url: Mapped[str] = mapped_column(Text)
    events: Mapped[list[Any]] = mapped_column(JSON, default=list)
    secret_ciphertext: Mapped[bytes] = mapped_column(LargeBinary)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # failing since the first failed attempt with no success after it; a disabled reason
    # when the service turned it off after persistent failure
    failing_since: Mapped[datetime | None]
    disabled_at: Mapped[datetime | None]
    disabled_reason: Mapped[str | None] = mapped_column(Text)
    last_attempt_at: Mapped[datetime | None]
    last_status_code: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)


class WebhookEvent(Base):
    """One event, written in the transaction of the change it reports: the exact JSON body
    that is signed and sent, and what orders it (``subject``: the customer or mailbox)."""

    __tablename__ = "webhook_events"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    type: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(80))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class WebhookDelivery(Base):
    """One event to one endpoint: the outbox row a sender works through, in ``seq`` order
    per (endpoint, subject), with its attempts."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        Index("ix_webhook_deliveries_status_next_attempt_at", "status", "next_attempt_at"),
        Index("ix_webhook_deliveries_endpoint_id_subject_seq", "endpoint_id", "subject", "seq"),
    )

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(
        ForeignKey("webhook_events.id", ondelete="CASCADE"), index=True
    )
    endpoint_id: Mapped[str] = mapped_column(ForeignKey("webhook_endpoints.id", ondelete="CASCADE"))
    subject: Mapped[str] = mapped_column(String(80))
    status: Mapped[str] = mapped_column(String(12), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    last_attempt_at: Mapped[datetime | None]
    last_status_code: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)
    delivered_at: Mapped[datetime | None]
    history: Mapped[list[Any]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
