"""SQL of enrichment: pending messages, embeddings, topics, traits, pipeline versions."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import (
    ARRAY,
    Float,
    Row,
    String,
    any_,
    bindparam,
    cast,
    delete,
    func,
    insert,
    literal_column,
    select,
    text,
    update,
)
from sqlalchemy.orm import Session

from app.db.tables import (
    Contact,
    CustomerTag,
    Mailbox,
    Message,
    MessageEmbedding,
    MessageInterestEmbedding,
    MessageTopic,
    MessageTrait,
    QuarantinedMessage,
    Topic,
)
from app.db.types import utcnow
from app.db.vector import (
    INDEXED_DIMENSIONS,
    Vector,
    cosine_top,
    ensure_detected,
    to_pgvector_text,
    vector_of,
    vectors_of,
)

# Rows per statement when reading embeddings by id or scanning them (bytes path).
_BATCH = 2000
# pgvector's HNSW search returns at most ``hnsw.ef_search`` rows (1..1000).
_MIN_EF_SEARCH, _MAX_EF_SEARCH = 100, 1000


class EnrichmentRepository:
    """Reads and writes enrichment results inside the caller's transaction."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def pending(self, limit: int, ids: Sequence[str] | None = None) -> Sequence[Row[Any]]:
        """Up to ``limit`` messages not enriched yet (only among ``ids`` when given), oldest
        stored first: id, subject, new text, signature, sender, direction, the customer's
        contact address (``contact_email``) and the mailbox's ``own_domains``."""
        query = (
            select(
                Message.id,
                Message.subject,
                Message.new_text,
                Message.signature_text,
                Message.from_email,
                Message.direction,
                Contact.email.label("contact_email"),
                Mailbox.own_domains,
            )
            .join(Mailbox, Mailbox.id == Message.mailbox_id)
            .outerjoin(Contact, Contact.id == Message.contact_id)
            .where(Message.enriched_at.is_(None))
        )
        if ids is not None:
            query = query.where(Message.id.in_(list(ids)))
        return self.session.execute(query.order_by(Message.id).limit(limit)).all()

    def pending_ids(self, limit: int) -> list[str]:
        """Ids of up to ``limit`` messages not enriched yet, oldest stored first."""
        query = select(Message.id).where(Message.enriched_at.is_(None)).order_by(Message.id)
        return list(self.session.scalars(query.limit(limit)))

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
        interest_embeddings: Sequence[dict[str, Any]] = (),
    ) -> None:
        """Save one batch's results; enriching the same messages again replaces them.

        Embedding rows carry ``vector`` as float32 bytes, whichever way the column stores them;
        ``interest_embeddings`` those of the messages' item lines (for those that have any).
        """
        ensure_detected(self.session.connection())
        ids = [m["id"] for m in messages]
        for table in (MessageEmbedding, MessageInterestEmbedding, MessageTrait, MessageTopic):
            self.session.execute(delete(table).where(table.message_id.in_(ids)))
        for table, rows in (
            (MessageEmbedding, embeddings),
            (MessageInterestEmbedding, interest_embeddings),
            (MessageTrait, traits),
        ):
            if rows:
                self.session.execute(insert(table), list(rows))
        if topics:
            self.session.execute(insert(MessageTopic), list(topics))
        now = utcnow()
        self.session.execute(update(Message), [{**m, "enriched_at": now} for m in messages])

    def vectors(self, message_ids: Sequence[str]) -> dict[str, NDArray[np.float32]]:
        """The embeddings of those of ``message_ids`` that have one, by message id."""
        found: dict[str, NDArray[np.float32]] = {}
        for start in range(0, len(message_ids), _BATCH):
            chunk = list(message_ids[start : start + _BATCH])
            query = select(MessageEmbedding.message_id, MessageEmbedding.vector).where(
                MessageEmbedding.message_id.in_(chunk)
            )
            for message_id, vector in self.session.execute(query):
                found[message_id] = vector_of(vector).copy()
        return found

    def nearest(
        self,
        vector: NDArray[np.float32],
        limit: int,
        message_ids: Sequence[str] | None = None,
    ) -> list[tuple[str, float]]:
        """Up to ``limit`` (message id, cosine similarity) most similar to ``vector``, best first.

        Only embeddings as wide as ``vector`` count, and only those of ``message_ids`` when
        given. On pgvector an unrestricted search over the indexed width goes through the HNSW
        index (approximate, as HNSW is; it raises ``hnsw.ef_search`` for the rest of the
        transaction); otherwise the answer is exact.
        """
        query = np.asarray(vector, dtype=np.float32).ravel()
        if limit <= 0 or query.size == 0:
            return []
        if ensure_detected(self.session.connection()):
            return self._nearest_pgvector(query, limit, message_ids)
        if message_ids is not None:
            found = self.vectors(message_ids)
            ids = sorted(i for i, v in found.items() if v.size == query.size)
            rows = np.array([found[i] for i in ids], dtype=np.float32).reshape(len(ids), query.size)
            return cosine_top([(ids, rows)], query, limit)
        return cosine_top(self._embeddings_of_width(query.size), query, limit)

    def _embeddings_of_width(
        self, dimensions: int
    ) -> Iterator[tuple[list[str], NDArray[np.float32]]]:
        query = (
            select(MessageEmbedding.message_id, MessageEmbedding.vector)
            .where(func.length(MessageEmbedding.vector) == 4 * dimensions)
            .order_by(MessageEmbedding.message_id)
            .execution_options(yield_per=_BATCH)
        )
        for partition in self.session.execute(query).partitions():
            ids = [row[0] for row in partition]
            yield ids, vectors_of((row[1] for row in partition), len(ids))

    def _nearest_pgvector(
        self, query: NDArray[np.float32], limit: int, message_ids: Sequence[str] | None
    ) -> list[tuple[str, float]]:
        dimensions = query.size
        indexed = (
            message_ids is None and dimensions == INDEXED_DIMENSIONS and limit <= _MAX_EF_SEARCH
        )
        column = MessageEmbedding.vector
        # the index is on ``vector::vector(384)`` WHERE vector_dims(vector) = 384: the query
        # must repeat both, with the width as a literal so the planner can prove the predicate
        target = cast(column, Vector(dimensions)) if indexed else column
        distance = target.op("<=>", return_type=Float())(
            bindparam("query_vector", to_pgvector_text(query), type_=Vector())
        )
        statement = (
            select(MessageEmbedding.message_id, distance)
            .where(func.vector_dims(column) == literal_column(str(int(dimensions))))
            .order_by(distance)
            .limit(limit)
        )
        if message_ids is not None:
            statement = statement.where(
                MessageEmbedding.message_id
                == any_(bindparam("ids", list(message_ids), type_=ARRAY(String)))
            )
        if indexed:
            self.session.execute(
                text("SELECT set_config('hnsw.ef_search', :value, true)"),
                {"value": str(max(limit, _MIN_EF_SEARCH))},
            )
        return [(message_id, 1.0 - float(d)) for message_id, d in self.session.execute(statement)]

    def embedded_count(self) -> int:
        """How many messages have an embedding."""
        return self.session.scalar(select(func.count()).select_from(MessageEmbedding)) or 0

    def topics(self, *, interests_only: bool = False) -> Sequence[Topic]:
        """The current topics (only the interest topics with ``interests_only``), by id."""
        query = select(Topic).order_by(Topic.id)
        if interests_only:
            query = query.where(Topic.interest.is_(True))
        return self.session.scalars(query).all()

    def get_topic(self, topic_id: int, *, interests_only: bool = False) -> Topic | None:
        """One topic (only an interest topic with ``interests_only``), or None."""
        topic = self.session.get(Topic, topic_id)
        return None if topic is None or (interests_only and not topic.interest) else topic

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
        """Per topic id: (customers carrying it as an interest tag, messages assigned to it)."""
        messages = (
            select(MessageTopic.topic_id, func.count())
            .where(MessageTopic.topic_id.is_not(None))
            .group_by(MessageTopic.topic_id)
        )
        carriers = (
            select(CustomerTag.tag_id, func.count(func.distinct(CustomerTag.customer_id)))
            .where(CustomerTag.kind == "interest")
            .group_by(CustomerTag.tag_id)
        )
        customers: dict[str, int] = dict(self.session.execute(carriers).all())
        return {
            topic_id: (customers.get(f"topic:{topic_id}", 0), count)
            for topic_id, count in self.session.execute(messages)
            if topic_id is not None
        }

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

    def unsynced_mailboxes(self) -> int:
        """IMAP mailboxes that were never synced and are not disabled or in error."""
        query = (
            select(func.count())
            .select_from(Mailbox)
            .where(
                Mailbox.kind == "imap",
                Mailbox.last_sync_at.is_(None),
                Mailbox.state.in_(("idle", "syncing")),
            )
        )
        return self.session.scalar(query) or 0

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
