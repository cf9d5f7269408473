"""New messages into the stored topics: nearest centroid, found by the store (pgvector where
the database has it)."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from sqlalchemy.orm import Session

from app.db.repositories.centroids import CentroidRepository
from models.topics import Assignment, assign_by_similarity


def assign_stored_topics(
    session: Session, embeddings: NDArray[np.float32]
) -> tuple[Assignment | None, ...]:
    """The stored topic of each row of ``embeddings`` (the rule of
    :func:`models.topics.assign_topics`: nearest centroid, an outlier below the minimum
    similarity); None for every row when there are no topics of that width."""
    vectors = np.asarray(embeddings, dtype=np.float32)
    topic_ids, similarities = CentroidRepository(session).similarities(vectors)
    if not topic_ids:
        return (None,) * len(vectors)
    return assign_by_similarity(similarities, topic_ids)
