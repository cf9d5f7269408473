"""Two stores of the same mail cluster the same topics, whatever order they stored it in.

The demo generator's mail is imported into two SQLite stores, once in its own order and
once reversed (so the message ids, minted at insert time, order the mail differently), and
enriched in batches of different sizes (so every text sits in another batch beside other
texts). Then each store re-clusters its topics with the same seed. The vectors must be the
same bits, the fit must see the mail in the same order, and the topics, with every
message's place in them, must be the same.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from app.db.repositories.topics import TopicRepository
from app.db.session import create_db_engine, session_factory
from app.db.tables import Mailbox, Message, MessageTopic, Topic
from app.demo import generate
from app.enrichment.service import enrich_pending, rebuild_topics
from app.ingestion.imports import import_path, import_target
from app.ingestion.preparer import Preparer
from models.embedder import Embedder

SEED = 5
NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)  # the mail's clock: the same mail on any day
ContentKey = tuple[str, str]  # (raw SHA-256, mailbox name): the same mail in any store


@dataclass(frozen=True)
class Clustered:
    """What one store holds after the rebuild, by content key rather than by message id."""

    order: list[ContentKey]
    vectors: dict[ContentKey, bytes]
    topics: list[tuple[tuple[str, ...], int]]
    members: dict[ContentKey, tuple[tuple[str, ...] | None, float]]


@pytest.fixture
def engines() -> Iterator[list[Engine]]:
    """Where the test's engines go, to be disposed of at the end."""
    opened: list[Engine] = []
    yield opened
    for engine in opened:
        engine.dispose()


def _store(
    engines: list[Engine],
    template: Path,
    folder: Path,
    mail: list[bytes],
    own_domain: str,
    batch: int,
) -> sessionmaker[Session]:
    """A fresh SQLite store holding ``mail``, imported in that order ``batch`` at a time."""
    folder.mkdir()
    path = folder / "leadlens.db"
    shutil.copyfile(template, path)
    engines.append(create_db_engine(f"sqlite:///{path}"))
    sessions = session_factory(engines[-1])
    source = folder / "mail"
    source.mkdir()
    for index, raw in enumerate(mail):
        (source / f"{index:05d}.eml").write_bytes(raw)
    with sessions.begin() as session:
        target = import_target(session, "sales", [own_domain])
    with Preparer(workers=0) as preparer:
        import_path(sessions, target.id, source, batch, preparer)
    return sessions


def _clustered(sessions: sessionmaker[Session], embedder: Embedder, batch: int) -> Clustered:
    enrich_pending(sessions, embedder, batch_size=batch)
    rebuild_topics(sessions, seed=SEED)
    with sessions() as session:
        keys: dict[str, ContentKey] = {
            message_id: (sha, name)
            for message_id, sha, name in session.execute(
                select(Message.id, Message.raw_sha256, Mailbox.name).join(
                    Mailbox, Mailbox.id == Message.mailbox_id
                )
            )
        }
        embedded = TopicRepository(session).embedded_messages()
        ids, vectors = [m.message_id for m in embedded], [m.vector for m in embedded]
        topics = {t.id: (tuple(t.keywords), t.size) for t in session.scalars(select(Topic))}
        members = {
            keys[a.message_id]: (
                None if a.topic_id is None else topics[a.topic_id][0],
                a.confidence,
            )
            for a in session.scalars(select(MessageTopic))
        }
    return Clustered(
        order=[keys[i] for i in ids],
        vectors={keys[i]: v for i, v in zip(ids, vectors, strict=True)},
        topics=sorted(topics.values()),
        members=members,
    )


def _id_order(sessions: sessionmaker[Session]) -> list[str]:
    """Raw SHA-256 of the stored messages in message-id order."""
    with sessions() as session:
        return list(session.scalars(select(Message.raw_sha256).order_by(Message.id)))


def test_the_same_mail_in_another_order_gives_the_same_topics(
    engines: list[Engine], sqlite_template: Path, shared_embedder: Embedder, tmp_path: Path
) -> None:
    corpus = generate(20, seed=SEED, now=NOW)
    mail = [raw for rep in corpus.reps for raw in corpus.mail[rep]]
    own = corpus.own_domain
    forward = _store(engines, sqlite_template, tmp_path / "a", mail, own, 50)
    backward = _store(engines, sqlite_template, tmp_path / "b", mail[::-1], own, 17)
    forward_ids, backward_ids = _id_order(forward), _id_order(backward)
    assert sorted(forward_ids) == sorted(backward_ids) and len(forward_ids) >= 100
    assert forward_ids != backward_ids, "the ids should order the mail differently"

    one = _clustered(forward, shared_embedder, 256)
    other = _clustered(backward, shared_embedder, 7)
    assert one.order == other.order
    assert one.vectors == other.vectors, "a text's vector moved with its batch"
    assert len(one.topics) >= 2, one.topics
    assert one.topics == other.topics
    assert one.members == other.members
