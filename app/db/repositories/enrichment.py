"""SQL of enrichment: pending messages, embeddings, topics, traits, pipeline versions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, delete, func, insert, select, update
from sqlalchemy.orm import Session

from app.db.tables import (
    Mailbox,
    Message,
    MessageEmbedding,
    MessageTopic,
    MessageTrait,
    PipelineState,
    QuarantinedMessage,
    Topic,
)
from app.db.types import utcnow


class EnrichmentRepository:
    """Reads and writes enrichment results inside the caller's transaction."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def pending(self, limit: int) -> Sequence[Row[str, str, str, str, str | None, str]]:
        """Up to ``limit`` messages not enriched yet, oldest stored first."""
        query = (
            select(
                Message.id,
                Message.subject,
                Message.new_text,
                Message.signature_text,
                Message.from_email,
                Message.direction,
            )
            .where(Message.enriched_at.is_(None))
            .order_by(Message.id)
            .limit(limit)
        )
        return self.session.execute(query).all()

    def pending_count(self) -> int:
        """How many stored messages wait for enrichment."""
        query = select(func.count()).select_from(Message).where(Message.enriched_at.is_(None))
        return self.session.scalar(query) or 0

    def store(
        self,
        messages: Sequence[dict[str, Any]],
        embeddings: Sequence[dict[str, Any]],
        traits: Sequence[dict[str, Any]],
        topics: Sequence[dict[str, Any]],
    ) -> None:
        """Save one batch's results; enriching the same messages again replaces them."""
        ids = [m["id"] for m in messages]
        for table in (MessageEmbedding, MessageTrait, MessageTopic):
            self.session.execute(delete(table).where(table.message_id.in_(ids)))
        for table, rows in ((MessageEmbedding, embeddings), (MessageTrait, traits)):
            if rows:
                self.session.execute(insert(table), list(rows))
        if topics:
            self.session.execute(insert(MessageTopic), list(topics))
        now = utcnow()
        self.session.execute(update(Message), [{**m, "enriched_at": now} for m in messages])

    def embeddings(self) -> tuple[list[str], list[bytes], list[str]]:
        """Every stored embedding: message ids, float32 vectors, and the embedded texts."""
        query = (
            select(
                MessageEmbedding.message_id,
                MessageEmbedding.vector,
                Message.subject,
                Message.new_text,
            )
            .join(Message, Message.id == MessageEmbedding.message_id)
            .order_by(MessageEmbedding.message_id)
        )
        ids, vectors, texts = [], [], []
        for message_id, vector, subject, new_text in self.session.execute(query):
            ids.append(message_id)
            vectors.append(vector)
            texts.append(f"{subject}\n{new_text}")
        return ids, vectors, texts

    def embedded_count(self) -> int:
        """How many messages have an embedding."""
        return self.session.scalar(select(func.count()).select_from(MessageEmbedding)) or 0

    def topics(self) -> Sequence[Topic]:
        """The current topics, by id."""
        return self.session.scalars(select(Topic).order_by(Topic.id)).all()

    def get_topic(self, topic_id: int) -> Topic | None:
        """One topic, or None."""
        return self.session.get(Topic, topic_id)

    def replace_topics(
        self, topics: Sequence[dict[str, Any]], assignments: Sequence[dict[str, Any]]
    ) -> None:
        """Swap in a new topic set and every message's assignment (ids kept by the caller)."""
        self.session.execute(delete(MessageTopic))
        self.session.execute(delete(Topic))
        if topics:
            self.session.execute(insert(Topic), list(topics))
        if assignments:
            self.session.execute(insert(MessageTopic), list(assignments))

    def topic_counts(self) -> dict[int, tuple[int, int]]:
        """Per topic id: (customers, messages) assigned to it."""
        query = (
            select(
                MessageTopic.topic_id,
                func.count(func.distinct(Message.customer_id)),
                func.count(),
            )
            .join(Message, Message.id == MessageTopic.message_id)
            .where(MessageTopic.topic_id.is_not(None))
            .group_by(MessageTopic.topic_id)
        )
        counts: dict[int, tuple[int, int]] = {}
        for topic_id, customers, count in self.session.execute(query):
            if topic_id is not None:
                counts[topic_id] = (customers, count)
        return counts

    def trait_counts(self) -> list[tuple[str, str, int, int]]:
        """Per (trait, value): customers and messages that support it, most messages first."""
        query = (
            select(
                MessageTrait.name,
                MessageTrait.value,
                func.count(func.distinct(Message.customer_id)),
                func.count(func.distinct(MessageTrait.message_id)),
            )
            .join(Message, Message.id == MessageTrait.message_id)
            .group_by(MessageTrait.name, MessageTrait.value)
            .order_by(MessageTrait.name, MessageTrait.value)
        )
        return [(n, v, c, m) for n, v, c, m in self.session.execute(query)]

    def state(self, key: str) -> str | None:
        """A pipeline value (e.g. ``topics_version``), or None."""
        row = self.session.get(PipelineState, key)
        return None if row is None else row.value

    def set_state(self, key: str, value: str) -> None:
        """Set a pipeline value."""
        row = self.session.get(PipelineState, key)
        if row is None:
            self.session.add(PipelineState(key=key, value=value))
        else:
            row.value = value

    def status_counts(self) -> dict[str, int]:
        """Messages, quarantined inputs and mailboxes syncing right now."""
        return {
            "messages": self.session.scalar(select(func.count()).select_from(Message)) or 0,
            "quarantined": self.session.scalar(select(func.count()).select_from(QuarantinedMessage))
            or 0,
            "syncing_mailboxes": self.session.scalar(
                select(func.count()).select_from(Mailbox).where(Mailbox.state == "syncing")
            )
            or 0,
        }
