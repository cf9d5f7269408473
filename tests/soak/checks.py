"""What a store holds, for comparing it with the mail server and with another store built
from the same mail: messages by content, their enrichment, and what was built from them
(customers, tags, stages, outcomes, topics, lookalike scores). Messages are known across
stores by their raw SHA-256 and their mailbox's name, topics by their keywords."""

from __future__ import annotations

import sqlite3
from collections import Counter, defaultdict
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app.db.repositories.pipeline_state import TOPICS_FIT_SIZE
from app.db.tables import (
    Customer,
    CustomerTag,
    Mailbox,
    Message,
    MessageEmbedding,
    MessageInterestEmbedding,
    MessageTopic,
    MessageTrait,
    PipelineState,
    Topic,
)

Keywords = tuple[str, ...]
ContentKey = tuple[str, str]
"""(raw SHA-256, mailbox name): the same message in either store."""


@dataclass(frozen=True)
class Built:
    """What a store built: customer keys, trait tag ids and stage by customer key; the
    (keywords, size) of each topic, the messages the last fit covered, each message's topic
    (by keywords) and confidence, and each customer's interest tags (by topic keywords)."""

    customers: set[str]
    traits: dict[str, set[str]]
    stages: dict[str, str]
    topics: list[tuple[Keywords, int]]
    fit_size: int
    members: dict[ContentKey, tuple[Keywords | None, float]]
    interests: dict[str, set[Keywords]]


def built(sessions: sessionmaker[Session]) -> Built:
    """Customers, their tags and stages, the topics and every message's place in them."""
    with sessions() as session:
        customers = {c.id: c for c in session.scalars(select(Customer))}
        topics = {t.id: (tuple(t.keywords), t.size) for t in session.scalars(select(Topic))}
        traits: dict[str, set[str]] = {c.key: set() for c in customers.values()}
        interests: dict[str, set[Keywords]] = {c.key: set() for c in customers.values()}
        for tag in session.scalars(select(CustomerTag)):
            key = customers[tag.customer_id].key
            if tag.kind == "trait":
                traits[key].add(tag.tag_id)
            else:
                interests[key].add(topics[int(tag.tag_id.removeprefix("topic:"))][0])
        assigned = (
            select(Message.raw_sha256, Mailbox.name, MessageTopic.topic_id, MessageTopic.confidence)
            .join(Message, Message.id == MessageTopic.message_id)
            .join(Mailbox, Mailbox.id == Message.mailbox_id)
        )
        members = {
            (sha, mailbox): (None if topic is None else topics[topic][0], confidence)
            for sha, mailbox, topic, confidence in session.execute(assigned)
        }
        return Built(
            customers=set(traits),
            traits=traits,
            stages={c.key: c.stage for c in customers.values()},
            topics=sorted(topics.values()),
            fit_size=int(session.get_one(PipelineState, TOPICS_FIT_SIZE).value),
            members=members,
            interests=interests,
        )


@dataclass(frozen=True)
class Scored:
    """Each customer's outcome (value, source, date) and lookalike score (to 1e-9), by key."""

    outcomes: dict[str, tuple[str, str, str | None]]
    scores: dict[str, float | None]


def scored(sessions: sessionmaker[Session]) -> Scored:
    """The outcomes and lookalike scores of a store's customers."""
    with sessions() as session:
        customers = list(session.scalars(select(Customer)))
    return Scored(
        outcomes={
            c.key: (c.outcome, c.outcome_source, c.outcome_at and c.outcome_at.isoformat())
            for c in customers
        },
        scores={
            c.key: None if c.lookalike_score is None else round(c.lookalike_score, 9)
            for c in customers
        },
    )


@dataclass(frozen=True)
class Enriched:
    """Per message (by content): its embedding's bytes and its trait rows, counted."""

    vectors: dict[ContentKey, bytes]
    traits: dict[ContentKey, Counter[tuple[str, str, float, str]]]


def enriched(sessions: sessionmaker[Session]) -> Enriched:
    """What the enrichment stored for each message."""
    with sessions() as session:
        keys = {
            mid: (sha, name)
            for mid, sha, name in session.execute(
                select(Message.id, Message.raw_sha256, Mailbox.name).join(
                    Mailbox, Mailbox.id == Message.mailbox_id
                )
            )
        }
        vectors = {
            keys[row.message_id]: bytes(row.vector)
            for row in session.scalars(select(MessageEmbedding))
        }
        traits: dict[ContentKey, Counter[tuple[str, str, float, str]]] = defaultdict(Counter)
        for t in session.scalars(select(MessageTrait)):
            traits[keys[t.message_id]][(t.name, t.value, round(t.score, 9), t.evidence)] += 1
    return Enriched(vectors, dict(traits))


def item_vectors(sessions: sessionmaker[Session]) -> dict[ContentKey, bytes]:
    """Per message (by content): the bytes of its item-line embedding, where it has one."""
    with sessions() as session:
        rows = session.execute(
            select(Message.raw_sha256, Mailbox.name, MessageInterestEmbedding.vector)
            .join(Message, Message.id == MessageInterestEmbedding.message_id)
            .join(Mailbox, Mailbox.id == Message.mailbox_id)
        )
        return {(sha, name): bytes(vector) for sha, name, vector in rows}


def stored(sessions: sessionmaker[Session]) -> dict[str, Counter[str]]:
    """Each mailbox's messages (by name): raw SHA-256, counted (a repeat would show)."""
    found: dict[str, Counter[str]] = defaultdict(Counter)
    with sessions() as session:
        rows = session.execute(
            select(Mailbox.name, Message.raw_sha256).join(Mailbox, Mailbox.id == Message.mailbox_id)
        )
        for name, sha in rows:
            found[name][sha] += 1
    return dict(found)


def unenriched(sessions: sessionmaker[Session]) -> int:
    """Messages without an enrichment date or without their (one) embedding."""
    with sessions() as session:
        undated = session.scalar(
            select(func.count()).select_from(Message).where(Message.enriched_at.is_(None))
        )
        embedded = session.scalar(select(func.count()).select_from(MessageEmbedding))
        total = session.scalar(select(func.count()).select_from(Message))
    return (undated or 0) + (total or 0) - (embedded or 0)


def integrity(database_url: str) -> str:
    """SQLite's ``PRAGMA integrity_check`` of the store (``ok``), or ``n/a`` elsewhere."""
    prefix = "sqlite:///"
    if not database_url.startswith(prefix):
        return "n/a"
    with sqlite3.connect(database_url.removeprefix(prefix)) as connection:
        rows = connection.execute("PRAGMA integrity_check").fetchall()
    connection.close()
    return "; ".join(str(row[0]) for row in rows)
