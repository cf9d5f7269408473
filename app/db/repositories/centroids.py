"""SQL of topic assignment: the cosine similarity of new messages' embeddings to every
stored topic centroid (``topics.centroid``)."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import Integer, String, bindparam, select, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from app.db.tables import Topic
from app.db.vector import ensure_detected, to_pgvector_text, vector_of

# Each message's similarity to every centroid as wide as the batch (by topic id), computed
# by pgvector: one row per message.
_PGVECTOR_SIMILARITIES = text(
    """
    SELECT q.n - 1 AS row,
           array_agg(t.id ORDER BY t.id) AS ids,
           array_agg(1 - (t.centroid <=> q.v) ORDER BY t.id) AS similarities
    FROM unnest(CAST(:vectors AS vector[])) WITH ORDINALITY AS q(v, n)
    CROSS JOIN topics AS t
    WHERE vector_dims(t.centroid) = :dimensions
    GROUP BY q.n
    """
).bindparams(bindparam("vectors", type_=ARRAY(String)), bindparam("dimensions", type_=Integer))


class CentroidRepository:
    """Similarities to the stored topic centroids, inside the caller's transaction."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def similarities(self, vectors: NDArray[np.float32]) -> tuple[list[int], NDArray[np.float64]]:
        """The ids of the topics whose centroid is as wide as ``vectors`` (one row each, 2-D),
        by id, and the cosine similarity of every row to each of them (rows × topics).

        On pgvector PostgreSQL computes them (``<=>``); otherwise the centroids are read and
        multiplied here. A zero vector on either side has similarity 0.
        """
        rows, width = vectors.shape
        if rows == 0:
            return [], np.zeros((0, 0))
        if ensure_detected(self.session.connection()):
            return self._in_database(vectors)
        found = [
            (topic_id, vector_of(centroid))
            for topic_id, centroid in self.session.execute(
                select(Topic.id, Topic.centroid).order_by(Topic.id)
            )
        ]
        kept = [(topic_id, c) for topic_id, c in found if c.size == width]
        if not kept:
            return [], np.zeros((rows, 0))
        centroids = np.stack([c for _, c in kept]).astype(np.float64)
        return [topic_id for topic_id, _ in kept], _cosine(vectors.astype(np.float64), centroids)

    def _in_database(self, vectors: NDArray[np.float32]) -> tuple[list[int], NDArray[np.float64]]:
        rows, width = vectors.shape
        found = self.session.execute(
            _PGVECTOR_SIMILARITIES,
            {"vectors": [to_pgvector_text(row) for row in vectors], "dimensions": width},
        ).all()
        if not found:
            return [], np.zeros((rows, 0))
        ids = list(found[0].ids)
        matrix = np.zeros((rows, len(ids)))
        for row, _ids, similarities in found:
            matrix[row] = np.array(similarities, dtype=np.float64)
        return ids, np.nan_to_num(matrix, nan=0.0)


def _cosine(rows: NDArray[np.float64], centroids: NDArray[np.float64]) -> NDArray[np.float64]:
    """Cosine similarity of every row to every centroid; 0 where either is a zero vector."""
    norms = np.outer(np.linalg.norm(rows, axis=1), np.linalg.norm(centroids, axis=1))
    with np.errstate(divide="ignore", invalid="ignore"):
        similarity = (rows @ centroids.T) / norms
    return np.where(norms > 0, similarity, 0.0)
