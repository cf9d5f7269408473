"""Nearest-won-customer search: exact on SQLite and PostgreSQL without pgvector, through the
HNSW index of won customers on pgvector, and the same answers on all three."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from numpy.typing import NDArray
from sqlalchemy import Engine, insert, select, text
from sqlalchemy.orm import Session

from app.db.repositories.won_neighbours import WonNeighbour, WonNeighbourRepository
from app.db.tables import Customer, Topic
from app.db.vector import WON_HNSW_INDEX
from tests.store.vector_stores import cosines, planned_search, unit_rows

OUTCOMES = ("won", "lost", "open")


def _customers(engine: Engine, rows: NDArray[np.float32], prefix: str = "cus") -> list[str]:
    """Customers with ``rows`` as feature embeddings; every third one won, then lost, open."""
    ids = [f"{prefix}_{i:04d}" for i in range(len(rows))]
    with Session(engine) as session, session.begin():
        session.execute(
            insert(Customer),
            [
                {
                    "id": customer_id,
                    "key": f"{customer_id}.example",
                    "kind": "organization",
                    "name": f"Name {customer_id}",
                    "outcome": OUTCOMES[i % 3],
                    "feature_embedding": row.tobytes(),
                }
                for i, (customer_id, row) in enumerate(zip(ids, rows, strict=True))
            ],
        )
    return ids


def _expected(
    ids: list[str], rows: NDArray[np.float32], query: NDArray[np.float32], key: str, limit: int
) -> list[str]:
    """The won customers but ``key`` by exact cosine similarity (float64), best first."""
    sims = cosines(rows, query)
    won = [i for i in range(len(ids)) if i % 3 == 0 and ids[i] != key]
    return [ids[i] for i in sorted(won, key=lambda i: -sims[i])[:limit]]


def _search(engine: Engine, queries: dict[str, NDArray[np.float32]], limit: int) -> Any:
    with Session(engine) as session:
        return WonNeighbourRepository(session).nearest_won(queries, limit)


@pytest.mark.postgres
def test_every_store_finds_the_same_nearest_won_customers(stores: dict[str, Engine]) -> None:
    rows = unit_rows(450, 384, seed=21)
    narrow = unit_rows(30, 12, seed=22)
    for engine in stores.values():
        ids = _customers(engine, rows)
        narrow_ids = _customers(engine, narrow, prefix="narrow")
    queries = {"lead": unit_rows(1, 384, seed=23)[0], ids[0]: rows[0], ids[1]: rows[1]}
    for name, engine in stores.items():
        found = _search(engine, queries, 5)
        for key, query in queries.items():
            got: list[WonNeighbour] = found[key]
            assert [n.customer_id for n in got] == _expected(ids, rows, query, key, 5), name
            assert all(n.name == f"Name {n.customer_id}" for n in got)
            similarities = [n.similarity for n in got]
            assert similarities == sorted(similarities, reverse=True)
            assert all(0.0 <= s <= 1.0 for s in similarities)
        assert ids[0] not in {n.customer_id for n in found[ids[0]]}  # itself left out
        only_narrow = _search(engine, {"n": narrow[4]}, 3)["n"]
        assert [n.customer_id for n in only_narrow] == _expected(
            narrow_ids, narrow, narrow[4], "n", 3
        )
        assert _search(engine, {"z": np.zeros(384, np.float32)}, 3) == {"z": []}
        assert _search(engine, {"lead": rows[0]}, 0) == {"lead": []}
        assert _search(engine, {"w": np.ones(5, np.float32)}, 3) == {"w": []}


@pytest.mark.postgres
@pytest.mark.parametrize("store", ["pgvector"], indirect=True)
def test_the_search_goes_through_the_hnsw_index_of_won_customers(store: Engine) -> None:
    _customers(store, unit_rows(1500, 384, seed=31))
    query = {"lead": unit_rows(1, 384, seed=32)[0]}
    found, plan = planned_search(store, "customers", lambda: _search(store, query, 5))
    assert len(found["lead"]) == 5
    assert f"Index Scan using {WON_HNSW_INDEX}" in plan, plan


@pytest.mark.postgres
def test_feature_embeddings_and_centroids_are_pgvector_columns_where_it_exists(
    stores: dict[str, Engine],
) -> None:
    row = unit_rows(1, 384, seed=41)[0]
    row[:3] = [0.0, -1.5e-40, 3.0e38]
    for name, engine in stores.items():
        _customers(engine, row[None, :])
        with Session(engine) as session, session.begin():
            session.add(Topic(id=1, name="t", keywords=[], size=1, centroid=row.tobytes()))
        with Session(engine) as session:
            stored = session.scalar(select(Customer.feature_embedding))
            centroid = session.scalar(select(Topic.centroid))
        assert stored == row.tobytes() and centroid == row.tobytes(), name
        if name == "sqlite":
            continue
        with engine.connect() as connection:
            kinds = dict(
                connection.execute(
                    text(
                        "SELECT table_name, udt_name FROM information_schema.columns WHERE "
                        "(table_name, column_name) IN "
                        "(('customers', 'feature_embedding'), ('topics', 'centroid'))"
                    )
                ).all()
            )
            index = connection.execute(
                text("SELECT indexdef FROM pg_indexes WHERE indexname = :name"),
                {"name": WON_HNSW_INDEX},
            ).scalar()
        if name == "pgvector":
            assert kinds == {"customers": "vector", "topics": "vector"}
            assert index is not None and "USING hnsw" in index and "'won'" in index
        else:
            assert kinds == {"customers": "bytea", "topics": "bytea"}
            assert index is None
