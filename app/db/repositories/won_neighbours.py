"""SQL of the nearest-won-customer search: the won customers whose pre-outcome mail reads
most like a given mean embedding (``customers.feature_embedding``)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import Integer, String, bindparam, func, select, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from app.db.repositories._chunks import chunks
from app.db.tables import Customer
from app.db.vector import INDEXED_DIMENSIONS, ensure_detected, to_pgvector_text, vectors_of

# One lateral search per query vector, through the partial HNSW index of won customers.
_PGVECTOR_SEARCH = text(
    """
    SELECT q.key, w.id, w.name, w.distance
    FROM unnest(CAST(:keys AS text[]), CAST(:vectors AS text[])) AS q(key, v)
    CROSS JOIN LATERAL (
        SELECT c.id, coalesce(c.name, c.key) AS name,
               c.feature_embedding::vector(384) <=> q.v::vector(384) AS distance
        FROM customers AS c
        WHERE c.outcome = 'won' AND vector_dims(c.feature_embedding) = 384
        ORDER BY c.feature_embedding::vector(384) <=> q.v::vector(384)
        LIMIT :fetch
    ) AS w
    """
).bindparams(
    bindparam("keys", type_=ARRAY(String)),
    bindparam("vectors", type_=ARRAY(String)),
    bindparam("fetch", type_=Integer),
)


# Candidates HNSW keeps while searching (pgvector's default is 40); for the rest of the
# transaction. bench/vector_search.py: recall@5 0.78 with 40 on 3,334 won customers.
_EF_SEARCH = 200


@dataclass(frozen=True, slots=True)
class WonNeighbour:
    """A won customer and the cosine similarity, in [0, 1], of its mean embedding."""

    customer_id: str
    name: str
    similarity: float


class WonNeighbourRepository:
    """Nearest-won-customer search inside the caller's transaction."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def nearest_won(
        self, queries: Mapping[str, NDArray[np.float32]], limit: int
    ) -> dict[str, list[WonNeighbour]]:
        """For each query (key → mean embedding), up to ``limit`` won customers whose
        ``feature_embedding`` is most cosine-similar, best first (ties: lower id first).

        A query keyed by a customer id never finds that customer itself; only embeddings as
        wide as the query count; similarities are clipped to [0, 1] and rounded to 4 places.
        On pgvector, queries of the default width (384) go through the HNSW index of won
        customers (approximate, as HNSW is); all other searches are exact.
        """
        found: dict[str, list[WonNeighbour]] = {key: [] for key in queries}
        if limit <= 0 or not queries:
            return found
        pgvector = ensure_detected(self.session.connection())
        indexed = {
            key: vector
            for key, vector in queries.items()
            if pgvector and vector.size == INDEXED_DIMENSIONS
        }
        if indexed:
            found.update(self._through_index(indexed, limit))
        exact = {key: vector for key, vector in queries.items() if key not in indexed}
        if exact:
            found.update(self._exact(exact, limit))
        return found

    def _through_index(
        self, queries: Mapping[str, NDArray[np.float32]], limit: int
    ) -> dict[str, list[WonNeighbour]]:
        keys = list(queries)
        self.session.execute(
            text("SELECT set_config('hnsw.ef_search', :value, true)"),
            {"value": str(max(limit + 1, _EF_SEARCH))},
        )
        rows = self.session.execute(
            _PGVECTOR_SEARCH,
            {
                "keys": keys,
                "vectors": [to_pgvector_text(np.asarray(queries[k], np.float32)) for k in keys],
                "fetch": limit + 1,
            },
        )
        candidates: dict[str, list[tuple[str, str, float]]] = {key: [] for key in keys}
        for key, customer_id, name, distance in rows:
            if customer_id != key and distance is not None and math.isfinite(distance):
                candidates[key].append((customer_id, name, 1.0 - float(distance)))
        return {key: _best(found, limit) for key, found in candidates.items()}

    def _exact(
        self, queries: Mapping[str, NDArray[np.float32]], limit: int
    ) -> dict[str, list[WonNeighbour]]:
        query = select(Customer.id, Customer.feature_embedding).where(
            Customer.outcome == "won", Customer.feature_embedding.is_not(None)
        )
        rows: dict[int, list[tuple[str, bytes]]] = {}
        for customer_id, stored in self.session.execute(query):
            if stored is not None:
                rows.setdefault(len(stored) // 4, []).append((customer_id, stored))
        won = {width: _WonMatrix(group) for width, group in rows.items()}
        found: dict[str, list[tuple[str, float]]] = {}
        for key, vector in queries.items():
            target = np.asarray(vector, dtype=np.float32).ravel()
            matrix = won.get(target.size)
            found[key] = [] if matrix is None else matrix.top(key, target, limit)
        names = self._names({customer_id for top in found.values() for customer_id, _ in top})
        return {
            key: _best([(i, names[i], similarity) for i, similarity in top], limit)
            for key, top in found.items()
        }

    def _names(self, customer_ids: set[str]) -> dict[str, str]:
        query = select(Customer.id, func.coalesce(Customer.name, Customer.key))
        return {
            customer_id: name
            for chunk in chunks(customer_ids)
            for customer_id, name in self.session.execute(query.where(Customer.id.in_(chunk)))
        }


class _WonMatrix:
    """The won customers' embeddings of one width, as unit rows (zero rows stay zero)."""

    def __init__(self, rows: list[tuple[str, bytes]]) -> None:
        self.ids = [customer_id for customer_id, _ in rows]
        self.index = {customer_id: i for i, customer_id in enumerate(self.ids)}
        matrix = vectors_of((v for _, v in rows), len(rows))
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        self.defined = norms[:, 0] > 0
        self.unit = matrix / np.where(norms > 0, norms, 1.0)

    def top(self, key: str, target: NDArray[np.float32], limit: int) -> list[tuple[str, float]]:
        """The ``limit`` customers but ``key`` most cosine-similar to ``target`` (a zero
        vector on either side has no similarity) as (id, similarity)."""
        norm = float(np.linalg.norm(target))
        if norm == 0 or not np.isfinite(norm):
            return []
        similarity = np.where(self.defined, self.unit @ (target / norm), -np.inf)
        own = self.index.get(key)
        if own is not None:
            similarity[own] = -np.inf
        count = min(limit, len(self.ids))
        top = np.argpartition(-similarity, count - 1)[:count]
        return [(self.ids[i], float(similarity[i])) for i in top if np.isfinite(similarity[i])]


def _best(candidates: list[tuple[str, str, float]], limit: int) -> list[WonNeighbour]:
    candidates.sort(key=lambda c: (-round(c[2], 4), c[0]))
    return [
        WonNeighbour(customer_id, name, min(1.0, max(0.0, round(similarity, 4))))
        for customer_id, name, similarity in candidates[:limit]
    ]
