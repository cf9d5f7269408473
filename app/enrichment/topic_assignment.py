"""New messages into the stored topics: the similarity of each message's item-line embedding
(else its whole-text one) to every topic centroid, found by the store (pgvector where the
database has it); the rule of :func:`models.interests.assign_messages`."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray
from sqlalchemy.orm import Session

from app.db.repositories.centroids import CentroidRepository
from app.db.repositories.pipeline_state import TOPICS_BASIS, PipelineStateRepository
from app.db.repositories.topics import TopicRepository
from models.interests import assign_messages
from models.topics import Assignment


def assign_stored_topics(
    session: Session,
    embeddings: NDArray[np.float32],
    interest_embeddings: Sequence[NDArray[np.float32] | None],
) -> tuple[Assignment | None, ...]:
    """The stored topic of each message, from its whole-text embedding (a row of
    ``embeddings``) and its item-line embedding (None where it has no item lines); None for
    every message when there are no topics of that width. When the topics were clustered
    from whole messages (``topics_basis`` "text") every message is placed by its whole text
    as a row of that fit."""
    vectors = np.asarray(embeddings, dtype=np.float32)
    if len(vectors) == 0:
        return ()
    by_items = PipelineStateRepository(session).state(TOPICS_BASIS) != "text"
    chosen = [items if by_items and items is not None else None for items in interest_embeddings]
    rows = np.vstack(
        [vector if items is None else items for vector, items in zip(vectors, chosen, strict=True)]
    ).astype(np.float32)
    topic_ids, similarities = CentroidRepository(session).similarities(rows)
    if not topic_ids:
        return (None,) * len(vectors)
    return assign_messages(
        similarities,
        topic_ids,
        TopicRepository(session).interest_flags(topic_ids),
        [items is not None or not by_items for items in chosen],
    )
