"""Enrich what was stored, in committed batches; re-cluster topics on demand.

Both are idempotent and resumable: a batch is committed with its messages marked enriched,
so a kill loses at most the batch in flight, and enriching a message again replaces its
results.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import Row
from sqlalchemy.orm import Session, sessionmaker

from app.db.repositories.enrichment import EnrichmentRepository
from app.db.repositories.pipeline_state import (
    TOPICS_BASIS,
    TOPICS_FIT_SIZE,
    TOPICS_NEXT_ID,
    TOPICS_VERSION,
    PipelineStateRepository,
)
from app.db.repositories.profiles import ProfileRepository
from app.db.repositories.topics import EmbeddedMessage, TopicRepository
from app.db.tables import Topic as TopicRow
from app.db.types import new_id
from app.db.vector import vector_bytes, vector_of
from app.enrichment.enricher import MessageInput, enrich
from app.enrichment.topic_assignment import assign_stored_topics
from app.metrics import Metrics, observe_since
from ingest.identity import IdentityResolver
from models.embedder import Embedder
from models.interests import InterestRow, fit_interests, interest_text
from models.topics import Assignment, FittedTopic

log = logging.getLogger("leadlens.enrich")


def model_topics(rows: Sequence[TopicRow]) -> list[FittedTopic]:
    """Stored topics as the topic model sees them (a user-given name wins)."""
    return [
        FittedTopic(
            id=row.id,
            name=row.user_name or row.name,
            keywords=tuple(row.keywords),
            size=row.size,
            centroid=vector_of(row.centroid),
            interest=row.interest,
        )
        for row in rows
    ]


def enrich_pending(
    sessions: sessionmaker[Session],
    embedder: Embedder,
    batch_size: int = 256,
    on_progress: Callable[[int], None] | None = None,
    metrics: Metrics | None = None,
    stop: threading.Event | None = None,
) -> int:
    """Enrich every message stored and not enriched yet, or until ``stop`` is set (checked
    between batches); returns how many were enriched (each committed batch timed as
    ``enrich_batch`` in ``metrics``)."""
    done = 0
    while stop is None or not stop.is_set():
        started = time.perf_counter()
        with sessions() as session:
            repository = EnrichmentRepository(session)
            rows = repository.pending(batch_size)
        if not rows:
            return done
        _enrich_rows(sessions, embedder, rows)
        observe_since(metrics, "enrich_batch", started)
        done += len(rows)
        if on_progress is not None:
            on_progress(len(rows))
    return done


def pending_ids(sessions: sessionmaker[Session], limit: int) -> list[str]:
    """Ids of up to ``limit`` messages not enriched yet, oldest stored first."""
    with sessions() as session:
        return EnrichmentRepository(session).pending_ids(limit)


def enrich_messages(
    sessions: sessionmaker[Session],
    embedder: Embedder,
    ids: Sequence[str],
    metrics: Metrics | None = None,
) -> int:
    """Enrich those of ``ids`` that are stored and not enriched yet, in one committed batch
    (timed as ``enrich_batch`` in ``metrics`` when there was one); returns how many were
    enriched (0 when another run did them already)."""
    started = time.perf_counter()
    with sessions() as session:
        repository = EnrichmentRepository(session)
        rows = repository.pending(len(ids), ids)
    if rows:
        _enrich_rows(sessions, embedder, rows)
        observe_since(metrics, "enrich_batch", started)
    return len(rows)


def _message_input(row: Row[Any], resolvers: dict[str, IdentityResolver]) -> MessageInput:
    """What enrichment reads of a pending row: its notification source is told by the
    mailbox's own domains (see :meth:`IdentityResolver.notification_source`)."""
    key = "\n".join(sorted(row.own_domains or ()))
    resolver = resolvers.get(key) or resolvers.setdefault(key, IdentityResolver(row.own_domains))
    notification = (
        resolver.notification_source(row.from_email, row.contact_email)
        if row.direction == "inbound"
        else None
    )
    return MessageInput(
        row.subject,
        row.new_text,
        row.signature_text,
        row.from_email,
        row.direction,
        contact_email=row.contact_email,
        notification=notification,
    )


def _enrich_rows(
    sessions: sessionmaker[Session],
    embedder: Embedder,
    rows: Sequence[Row[Any]],
) -> None:
    """Enrich ``rows`` and commit their results, marked enriched, in one transaction."""

    def assign(
        vectors: NDArray[np.float32], items: Sequence[NDArray[np.float32] | None]
    ) -> Sequence[Assignment | None]:
        with sessions() as session:
            return assign_stored_topics(session, vectors, items)

    resolvers: dict[str, IdentityResolver] = {}
    results = enrich(embedder, assign, [_message_input(r, resolvers) for r in rows])
    messages: list[dict[str, Any]] = []
    embeddings: list[dict[str, Any]] = []
    interest_embeddings: list[dict[str, Any]] = []
    traits: list[dict[str, Any]] = []
    assignments: list[dict[str, Any]] = []
    for row, found in zip(rows, results, strict=True):
        inquiry = found.inquiry
        messages.append(
            {
                "id": row.id,
                "language": found.language,
                "intent": found.intent.intent,
                "intent_score": found.intent.score,
                "valid_inquiry": None
                if inquiry is None
                else {"value": inquiry.value, "missing": list(inquiry.missing)},
            }
        )
        embeddings.append(
            {
                "message_id": row.id,
                "model_version": embedder.version,
                "vector": vector_bytes(found.embedding),
            }
        )
        if found.interest_embedding is not None:
            interest_embeddings.append(
                {
                    "message_id": row.id,
                    "model_version": embedder.version,
                    "vector": vector_bytes(found.interest_embedding),
                }
            )
        traits.extend(
            {
                "message_id": row.id,
                "name": hit.name,
                "value": hit.value,
                "score": hit.score,
                "evidence": hit.evidence,
            }
            for hit in found.traits
        )
        if found.topic is not None:
            assignments.append(
                {
                    "message_id": row.id,
                    "topic_id": found.topic.topic_id,
                    "confidence": found.topic.confidence,
                }
            )
    with sessions.begin() as session:
        EnrichmentRepository(session).store(
            messages, embeddings, traits, assignments, interest_embeddings
        )
        ProfileRepository(session).mark_dirty_for_messages([m["id"] for m in messages])


def rebuild_topics(
    sessions: sessionmaker[Session], seed: int = 42, metrics: Metrics | None = None
) -> str:
    """Re-cluster the interest topics (:func:`models.interests.fit_interests`: the item
    lines of customer mail, owned by their customers) and place every embedded message;
    ids and user names of matched topics survive.

    The messages are fitted in content order (:meth:`TopicRepository.embedded_messages`),
    so two stores of the same mail, embedded on the same device and backend and fitted with
    the same ``seed`` and topics before, get the same topics, messages in the same topics.
    Returns the new ``topics_version`` (always a new value, even when nothing changed);
    the rebuild is timed as ``topics_rebuild`` in ``metrics``.
    """
    started = time.perf_counter()
    with sessions() as session:
        repository = EnrichmentRepository(session)
        embedded = TopicRepository(session).embedded_messages()
        stored = repository.topics()
        previous = model_topics(stored)
        user_names = {row.id: row.user_name for row in stored if row.user_name}
        next_id = int(PipelineStateRepository(session).state(TOPICS_NEXT_ID) or 1)
    ids = [message.message_id for message in embedded]
    fitted = fit_interests(
        [_interest_row(message) for message in embedded],
        previous=previous,
        seed=seed,
        next_id=next_id,
    )
    fit = fitted.fit
    version = new_id("tv")
    with sessions.begin() as session:
        repository = EnrichmentRepository(session)
        repository.replace_topics(
            [
                {
                    "id": topic.id,
                    "name": topic.name,
                    "user_name": user_names.get(topic.id),
                    "keywords": list(topic.keywords),
                    "size": topic.size,
                    "centroid": vector_bytes(topic.centroid),
                    "interest": topic.interest,
                }
                for topic in fit.topics
            ],
            [
                {"message_id": mid, "topic_id": a.topic_id, "confidence": a.confidence}
                for mid, a in zip(ids, fit.assignments, strict=True)
            ],
        )
        state = PipelineStateRepository(session)
        state.set_state(TOPICS_VERSION, version)
        state.set_state(TOPICS_BASIS, "items" if fitted.by_items else "text")
        ProfileRepository(session).mark_dirty()
        state.set_state(TOPICS_FIT_SIZE, str(len(ids)))
        issued = max((topic.id for topic in fit.topics), default=0) + 1
        state.set_state(TOPICS_NEXT_ID, str(max(next_id, issued)))
    observe_since(metrics, "topics_rebuild", started)
    log.info(
        "topics rebuilt: %d interest topics (%d in all) over %d messages, %.0f%% without one",
        sum(topic.interest for topic in fit.topics),
        len(fit.topics),
        len(ids),
        100 * fit.outlier_share,
    )
    return version


def _interest_row(message: EmbeddedMessage) -> InterestRow:
    items = None if message.items is None else vector_of(message.items)
    return InterestRow(
        vector=vector_of(message.vector),
        text=f"{message.subject}\n{message.new_text}",
        items=items,
        items_text=interest_text(message.new_text) if items is not None else "",
        owner=message.customer_id if message.customer_mail else None,
        inbound=message.inbound,
    )


def needs_rebuild(sessions: sessionmaker[Session], min_messages: int = 200) -> bool:
    """True when there are no topics yet over enough messages, or the corpus has doubled."""
    with sessions() as session:
        return rebuild_due(session, min_messages)


def rebuild_due(session: Session, min_messages: int = 200) -> bool:
    """:func:`needs_rebuild` inside the caller's session."""
    repository = EnrichmentRepository(session)
    fitted = int(PipelineStateRepository(session).state(TOPICS_FIT_SIZE) or 0)
    embedded = repository.embedded_count()
    return embedded >= min_messages and embedded >= 2 * max(fitted, min_messages // 2)
