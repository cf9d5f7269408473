"""New messages into stored topics: similarities to the centroids computed by pgvector where
the store has it, by numpy otherwise, and the same assignments as the pure topic model."""

from __future__ import annotations

import numpy as np
import pytest
from sqlalchemy import Engine, event
from sqlalchemy.orm import Session

from app.db.repositories.centroids import CentroidRepository
from app.db.tables import Topic
from app.enrichment.topic_assignment import assign_stored_topics
from models.topics import FittedTopic, assign_topics
from tests.store.vector_stores import unit_rows


@pytest.mark.postgres
def test_every_store_assigns_like_the_topic_model(stores: dict[str, Engine]) -> None:
    centroids = unit_rows(40, 384, seed=51)
    topics = [
        FittedTopic(id=100 + i, name=f"t{i}", keywords=(), size=10, centroid=c)
        for i, c in enumerate(centroids)
    ]
    narrow = unit_rows(1, 12, seed=52)[0]
    messages = unit_rows(300, 384, seed=53)
    messages[:40] = centroids + 0.01 * unit_rows(40, 384, seed=54)  # clearly in their topic
    messages[40] = 0.0  # a zero vector belongs nowhere
    expected = assign_topics(messages, topics)
    assert {a.topic_id for a in expected[:40]} == {t.id for t in topics}
    assert any(a.topic_id is None for a in expected[41:])  # the far ones are outliers
    for name, engine in stores.items():
        with Session(engine) as session, session.begin():
            session.add_all(
                Topic(id=t.id, name=t.name, keywords=[], size=t.size, centroid=t.centroid.tobytes())
                for t in topics
            )
            session.add(Topic(id=7, name="narrow", keywords=[], size=3, centroid=narrow.tobytes()))
        with Session(engine) as session:
            ids, similarities = CentroidRepository(session).similarities(messages)
            found = assign_stored_topics(session, messages, list(messages))
            narrow_only = assign_stored_topics(session, narrow[None, :], [narrow])
            other_width = unit_rows(2, 9, seed=55)
            none_yet = assign_stored_topics(session, other_width, list(other_width))
        assert ids == [t.id for t in topics], name
        exact = (messages.astype(np.float64) @ centroids.T.astype(np.float64)) / np.outer(
            np.maximum(np.linalg.norm(messages, axis=1), 1e-30), 1.0
        )
        np.testing.assert_allclose(similarities, exact, atol=1e-5, err_msg=name)
        assert [a.topic_id if a else None for a in found] == [a.topic_id for a in expected], name
        np.testing.assert_allclose(
            [a.confidence if a else 0.0 for a in found],
            [a.confidence for a in expected],
            atol=1e-4,
            err_msg=name,
        )
        assert narrow_only[0] is not None and narrow_only[0].topic_id == 7
        assert none_yet == (None, None)


@pytest.mark.postgres
@pytest.mark.parametrize("store", ["pgvector"], indirect=True)
def test_on_pgvector_the_database_computes_the_similarities(store: Engine) -> None:
    centroid = unit_rows(1, 384, seed=61)[0]
    with Session(store) as session, session.begin():
        session.add(Topic(id=1, name="t", keywords=[], size=1, centroid=centroid.tobytes()))
    statements: list[str] = []

    def record(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    event.listen(store, "before_cursor_execute", record)
    with Session(store) as session:
        [assigned] = assign_stored_topics(session, centroid[None, :], [centroid])
    event.remove(store, "before_cursor_execute", record)
    assert assigned is not None and assigned.topic_id == 1
    assert any("<=>" in s and "topics" in s for s in statements)
    assert not any("topics.centroid" in s for s in statements)  # centroids never read out


@pytest.mark.postgres
def test_messages_without_item_lines_join_only_clear_interest_topics(
    stores: dict[str, Engine],
) -> None:
    basis, _ = np.linalg.qr(np.random.default_rng(71).standard_normal((384, 3)))
    interest, matter, side = (basis[:, j].astype(np.float32) for j in range(3))

    def toward(target: np.ndarray, similarity: float) -> np.ndarray:
        return (similarity * target + np.sqrt(1 - similarity**2) * side).astype(np.float32)

    whole = np.stack([toward(matter, 0.9), toward(interest, 0.6), toward(interest, 0.4)])
    for name, engine in stores.items():
        with Session(engine) as session, session.begin():
            session.add(
                Topic(id=1, name="flanges", keywords=[], size=9, centroid=interest.tobytes())
            )
            session.add(
                Topic(
                    id=2, name="discount", keywords=[], size=9, centroid=matter.tobytes(),
                    interest=False,
                )
            )  # fmt: skip
        with Session(engine) as session:
            by_text = assign_stored_topics(session, whole, [None, None, None])
            by_items = assign_stored_topics(session, whole, list(whole))
        assert [a.topic_id if a else "?" for a in by_text] == [None, 1, None], name
        assert [a.topic_id if a else "?" for a in by_items] == [2, 1, 1], name
