"""Embeddings as pgvector `vector` (HNSW, cosine) where the extension exists, float32 bytes not.

Three stores: SQLite, the test PostgreSQL migrated by its superuser (pgvector created), and
a database migrated by a role that may not create the extension (bytes path on PostgreSQL).
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import psycopg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from numpy.typing import NDArray
from sqlalchemy import Engine, insert, inspect, text
from sqlalchemy.orm import Session

from alembic import command
from app.db.migrations import alembic_config, upgrade
from app.db.repositories.enrichment import EnrichmentRepository
from app.db.repositories.topics import TopicRepository
from app.db.tables import Base, Mailbox, Message
from app.db.vector import HNSW_INDEX, include_name, uses_pgvector
from tests.servers.postgres import PostgresServer
from tests.store.vector_stores import cosines, opened_store, planned_search, unit_rows


def _store(engine: Engine, rows: NDArray[np.float32], prefix: str = "msg") -> list[str]:
    """Messages with ``rows`` as their embeddings, through ``EnrichmentRepository.store``."""
    ids = [f"{prefix}_{i:05d}" for i in range(len(rows))]
    with Session(engine) as session, session.begin():
        if session.get(Mailbox, "mbx_test") is None:
            session.execute(insert(Mailbox), [{"id": "mbx_test", "name": "test", "kind": "import"}])
        session.execute(
            insert(Message),
            [
                {
                    "id": i,
                    "mailbox_id": "mbx_test",
                    "source": "test",
                    "thread_id": i,
                    "direction": "inbound",
                    "body_format": "text",
                    "raw_zlib": b"",
                    "raw_sha256": i,
                    "raw_size": 0,
                }
                for i in ids
            ],
        )
        embeddings = [
            {"message_id": i, "model_version": "test", "vector": row.tobytes()}
            for i, row in zip(ids, rows, strict=True)
        ]
        EnrichmentRepository(session).store([{"id": i} for i in ids], embeddings, [], [])
    return ids


def _column_type(engine: Engine) -> str:
    with engine.connect() as connection:
        return str(
            connection.execute(
                text(
                    "SELECT udt_name FROM information_schema.columns "
                    "WHERE table_name = 'message_embeddings' AND column_name = 'vector'"
                )
            ).scalar_one()
        )


def _index_definition(engine: Engine) -> str | None:
    with engine.connect() as connection:
        found = connection.execute(
            text("SELECT indexdef FROM pg_indexes WHERE indexname = :name"), {"name": HNSW_INDEX}
        ).scalar()
        return None if found is None else str(found)


@pytest.mark.postgres
@pytest.mark.parametrize("store", ["pgvector"], indirect=True)
def test_column_is_pgvector_with_a_partial_hnsw_cosine_index(store: Engine) -> None:
    assert uses_pgvector(store.dialect)
    assert _column_type(store) == "vector"
    with store.connect() as connection:
        typmod = connection.execute(
            text(
                "SELECT atttypmod FROM pg_attribute "
                "WHERE attrelid = 'message_embeddings'::regclass AND attname = 'vector'"
            )
        ).scalar_one()
    assert typmod == -1  # no fixed width: any configured model fits
    definition = _index_definition(store)
    assert definition is not None
    assert "USING hnsw" in definition
    assert "vector(384)) vector_cosine_ops" in definition
    assert "WHERE (vector_dims(vector) = 384)" in definition


@pytest.mark.postgres
def test_without_the_extension_postgresql_keeps_float32_bytes(
    request: pytest.FixtureRequest, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with opened_store(request, "postgres_plain", tmp_path, migrate=False) as engine:
        with caplog.at_level(logging.INFO, logger="alembic"):
            upgrade(engine)
        unavailable = [r for r in caplog.records if "pgvector unavailable" in r.getMessage()]
        assert len(unavailable) == 1
        assert unavailable[0].levelno == logging.WARNING
        assert "permission denied" in unavailable[0].getMessage()
        assert not uses_pgvector(engine.dialect)
        assert _column_type(engine) == "bytea"
        assert _index_definition(engine) is None
        with engine.connect() as connection:
            extensions = connection.execute(text("SELECT extname FROM pg_extension")).scalars()
            assert "vector" not in set(extensions)


@pytest.mark.postgres
def test_an_extension_created_beforehand_by_a_superuser_is_used(
    request: pytest.FixtureRequest, tmp_path: Path, postgres_server: PostgresServer
) -> None:
    with opened_store(request, "postgres_plain", tmp_path, migrate=False) as engine:
        database = engine.url.database
        dsn = f"host=127.0.0.1 port={postgres_server.port} user=postgres dbname={database}"
        with psycopg.connect(dsn, autocommit=True) as connection:
            connection.execute("CREATE EXTENSION vector")
        upgrade(engine)
        assert uses_pgvector(engine.dialect)
        assert _column_type(engine) == "vector"
        assert _index_definition(engine) is not None


def test_models_match_migrations_once_the_hnsw_index_is_left_out(store: Engine) -> None:
    with store.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_name": include_name})
        diff = compare_metadata(context, Base.metadata)
    tables = ("message_embeddings", "customers", "topics")
    assert [d for d in diff if any(table in repr(d) for table in tables)] == []


@pytest.mark.parametrize("width", [384, 7])
def test_float32_vectors_round_trip(store: Engine, width: int) -> None:
    rows = unit_rows(40, width, seed=width)
    rows[0, :3] = [0.0, -1.5e-40, 3.0e38]  # zero, subnormal, huge
    ids = _store(store, rows)
    with Session(store) as session:
        repository = EnrichmentRepository(session)
        embedded = TopicRepository(session).embedded_messages()
        stored_ids, vectors = [m.message_id for m in embedded], [m.vector for m in embedded]
        by_id = repository.vectors([ids[5], ids[0], "msg_missing"])
    assert stored_ids == ids
    assert all(isinstance(v, bytes) for v in vectors)
    back = np.vstack([np.frombuffer(v, dtype=np.float32) for v in vectors])
    assert back.shape == rows.shape
    np.testing.assert_allclose(back, rows, rtol=0, atol=1e-6)
    assert set(by_id) == {ids[5], ids[0]}
    np.testing.assert_allclose(by_id[ids[0]], rows[0], rtol=0, atol=1e-6)
    assert by_id[ids[5]].dtype == np.float32


def test_storing_again_replaces_the_embedding(store: Engine) -> None:
    first, second = unit_rows(2, 384, seed=1)
    (message_id,) = _store(store, first[None, :])
    with Session(store) as session, session.begin():
        embedding = {"message_id": message_id, "model_version": "v2", "vector": second.tobytes()}
        EnrichmentRepository(session).store([{"id": message_id}], [embedding], [], [])
    with Session(store) as session:
        found = EnrichmentRepository(session).vectors([message_id])
    np.testing.assert_allclose(found[message_id], second, rtol=0, atol=1e-6)


def _nearest_everywhere(
    stores: dict[str, Engine], query: NDArray[np.float32], limit: int, ids: list[str] | None
) -> dict[str, list[tuple[str, float]]]:
    results = {}
    for name, engine in stores.items():
        with Session(engine) as session:
            results[name] = EnrichmentRepository(session).nearest(query, limit, ids)
    return results


def _exact(
    rows: NDArray[np.float32], ids: list[str], query: NDArray[np.float32]
) -> dict[str, float]:
    """Every row's cosine similarity to ``query``, in float64."""
    return dict(zip(ids, cosines(rows, query).tolist(), strict=True))


def _ranked(similarity: dict[str, float], limit: int) -> list[str]:
    return sorted(similarity, key=lambda i: -similarity[i])[:limit]


@pytest.mark.postgres
def test_nearest_agrees_between_postgresql_and_sqlite(stores: dict[str, Engine]) -> None:
    rows = unit_rows(600, 384, seed=7)
    narrow = unit_rows(50, 12, seed=8)
    for engine in stores.values():
        ids = _store(engine, rows)
        narrow_ids = _store(engine, narrow, prefix="narrow")
    for query in unit_rows(5, 384, seed=9):
        similarity = _exact(rows, ids, query)
        subset = ids[::7]
        in_subset = {i: similarity[i] for i in subset}
        for limit, restricted in ((10, None), (3, subset), (150, None)):
            expected = _ranked(similarity if restricted is None else in_subset, limit)
            results = _nearest_everywhere(stores, query, limit, restricted)
            for name, found in results.items():
                found_ids = [i for i, _ in found]
                sims = [s for _, s in found]
                np.testing.assert_allclose(sims, [similarity[i] for i in found_ids], atol=1e-5)
                assert sims == sorted(sims, reverse=True), name
                if name == "pgvector" and restricted is None and limit > 10:
                    # HNSW is approximate: the far tail of a long list may differ
                    assert len(set(found_ids) & set(expected)) >= 0.95 * limit
                else:
                    assert found_ids == expected, (name, limit)
    query = rows[0]
    assert all(found == [] for found in _nearest_everywhere(stores, query, 5, []).values())
    few = [ids[0], ids[1], narrow_ids[0], "msg_missing"]
    for name, found in _nearest_everywhere(stores, query, 10, few).items():
        assert [i for i, _ in found] == _ranked(_exact(rows[:2], ids[:2], query), 10), name
    best = narrow_ids[int(np.argmax(narrow @ narrow[3]))]
    for name, found in _nearest_everywhere(stores, narrow[3], 2, None).items():
        assert found[0] == (best, pytest.approx(1.0, abs=1e-6)), name


@pytest.mark.postgres
@pytest.mark.parametrize("store", ["pgvector"], indirect=True)
def test_the_planner_answers_nearest_from_the_hnsw_index(store: Engine) -> None:
    _store(store, unit_rows(1500, 384, seed=3))
    query = unit_rows(1, 384, seed=4)[0]

    def search() -> list[tuple[str, float]]:
        with Session(store) as session:
            return EnrichmentRepository(session).nearest(query, 5)

    found, plan = planned_search(store, "message_embeddings", search)
    assert len(found) == 5
    assert f"Index Scan using {HNSW_INDEX}" in plan, plan


@pytest.mark.postgres
def test_upgrade_and_downgrade_convert_existing_embeddings(
    fresh_postgres: Engine,
) -> None:
    rows = unit_rows(30, 384, seed=11)
    rows[0, :4] = [0.0, -0.0, 1.0e-45, -3.4e38]
    upgrade(fresh_postgres, "0003")
    assert not uses_pgvector(fresh_postgres.dialect)
    ids = [f"msg_{i:05d}" for i in range(len(rows))]
    with fresh_postgres.begin() as connection:
        # rows as revision 0003 stored them; replica mode skips the messages foreign key
        connection.execute(text("SET LOCAL session_replication_role = replica"))
        connection.execute(
            text("INSERT INTO message_embeddings VALUES (:id, 'test', :vector)"),
            [{"id": i, "vector": row.tobytes()} for i, row in zip(ids, rows, strict=True)],
        )
    upgrade(fresh_postgres)
    assert uses_pgvector(fresh_postgres.dialect)
    assert _column_type(fresh_postgres) == "vector"
    assert _index_definition(fresh_postgres) is not None
    with Session(fresh_postgres) as session:
        found = EnrichmentRepository(session).vectors(ids)
    assert all(found[i].tobytes() == row.tobytes() for i, row in zip(ids, rows, strict=True))
    command.downgrade(alembic_config(fresh_postgres), "0003")
    assert not uses_pgvector(fresh_postgres.dialect)
    assert _column_type(fresh_postgres) == "bytea"
    assert _index_definition(fresh_postgres) is None
    with fresh_postgres.connect() as connection:
        raw = dict(
            connection.execute(text("SELECT message_id, vector FROM message_embeddings")).all()
        )
    assert all(raw[i] == row.tobytes() for i, row in zip(ids, rows, strict=True))
    upgrade(fresh_postgres)
    with Session(fresh_postgres) as session:
        assert EnrichmentRepository(session).nearest(rows[4], 1) == [
            (ids[4], pytest.approx(1.0, abs=1e-6))
        ]
    command.downgrade(alembic_config(fresh_postgres), "base")
    assert "message_embeddings" not in inspect(fresh_postgres).get_table_names()
