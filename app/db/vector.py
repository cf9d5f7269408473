"""Embeddings as pgvector ``vector`` columns where the server has it, else float32 bytes.

Migration 0004 converts ``message_embeddings.vector`` to pgvector's ``vector`` type when
``CREATE EXTENSION vector`` succeeds, and migration 0006 then converts the customers'
``feature_embedding`` and the topics' ``centroid`` too; SQLite and PostgreSQL without the
extension keep the ``bytea``/BLOB of float32 values. Which one a database has is read once
per engine from the column's type (``watch_engine``, ``detect_pgvector``) and remembered per
dialect, since an engine owns its dialect object. The ``Embedding`` column type turns
float32 bytes into pgvector's text form and back, so callers see float32 bytes either way.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import Connection, Dialect, Engine, LargeBinary, event, text
from sqlalchemy.dialects.postgresql.base import ischema_names
from sqlalchemy.types import TypeDecorator, TypeEngine, UserDefinedType

# The partial HNSW indexes (cosine distance over the default model's width): messages'
# embeddings (migration 0004) and won customers' feature embeddings (migration 0006).
HNSW_INDEX = "ix_message_embeddings_vector_hnsw"
WON_HNSW_INDEX = "ix_customers_won_feature_embedding_hnsw"
INDEXED_DIMENSIONS = 384

_COLUMN_TYPE = (
    "SELECT t.typname FROM pg_attribute AS a JOIN pg_type AS t ON t.oid = a.atttypid "
    "WHERE a.attrelid = to_regclass('message_embeddings') AND a.attname = 'vector' "
    "AND NOT a.attisdropped"
)

_pgvector: weakref.WeakKeyDictionary[Dialect, bool] = weakref.WeakKeyDictionary()


class Vector(UserDefinedType[str]):
    """pgvector's ``vector`` type (``vector(n)`` with a width); values travel as text."""

    cache_ok = True

    def __init__(self, dimensions: int | None = None) -> None:
        self.dimensions = dimensions

    def get_col_spec(self, **_kw: Any) -> str:
        """The type as DDL and casts spell it."""
        return "VECTOR" if self.dimensions is None else f"VECTOR({self.dimensions})"


# Reflection (Alembic's comparison, the inspector) then knows the type instead of warning.
ischema_names["vector"] = Vector


def to_pgvector_text(vector: NDArray[np.float32]) -> str:
    """pgvector's text form of a float32 vector; every value is written exactly (nine
    significant digits identify a float32)."""
    return "[" + ",".join(map("{:.9g}".format, vector.astype(np.float32).tolist())) + "]"


def from_pgvector_text(value: str) -> NDArray[np.float32]:
    """The float32 vector of pgvector's text form ``[x,y,...]``."""
    return np.array(value.strip("[]").split(","), dtype=np.float32)


def vector_bytes(vector: NDArray[np.floating[Any]]) -> bytes:
    """How a vector is stored outside pgvector: its values as float32 bytes (native order)."""
    return vector.astype(np.float32).tobytes()


def vector_of(data: bytes) -> NDArray[np.float32]:
    """The float32 vector stored as ``data`` (:func:`vector_bytes`); read-only, since it
    shares ``data``'s memory."""
    return np.frombuffer(data, dtype=np.float32)


def vectors_of(data: Iterable[bytes], count: int) -> NDArray[np.float32]:
    """``count`` stored vectors of one width as the rows of a matrix (read-only; no rows
    and no columns when ``count`` is 0)."""
    if count == 0:
        return np.zeros((0, 0), dtype=np.float32)
    return vector_of(b"".join(data)).reshape(count, -1)


def as_float32_bytes(value: Any) -> bytes:
    """A stored embedding (float32 bytes, a memoryview, or pgvector text) as float32 bytes."""
    if isinstance(value, str):
        return from_pgvector_text(value).tobytes()
    return bytes(value)


def uses_pgvector(dialect: Dialect) -> bool:
    """True when the engine of ``dialect`` was found to store embeddings as pgvector."""
    return _pgvector.get(dialect, False)


def detect_pgvector(connection: Connection) -> bool:
    """Read the type of ``message_embeddings.vector`` and remember it for the engine."""
    found = False
    if connection.dialect.name == "postgresql":
        found = connection.execute(text(_COLUMN_TYPE)).scalar() == "vector"
    _pgvector[connection.dialect] = found
    return found


def ensure_detected(connection: Connection) -> bool:
    """``uses_pgvector`` for the connection's engine, detecting it now when not known yet."""
    known = _pgvector.get(connection.dialect)
    return detect_pgvector(connection) if known is None else known


def watch_engine(engine: Engine) -> None:
    """Detect the embedding column's type on the engine's first connection."""
    if engine.dialect.name != "postgresql":
        return
    dialect = engine.dialect

    def first_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(_COLUMN_TYPE)
            row = cursor.fetchone()
        finally:
            cursor.close()
        dbapi_connection.rollback()
        _pgvector[dialect] = row is not None and row[0] == "vector"

    event.listen(engine, "first_connect", first_connect)


class Embedding(TypeDecorator[bytes]):
    """An embedding column: float32 bytes in and out; pgvector ``vector`` or BLOB/bytea inside.

    The DDL type follows the detected column (so Alembic's comparison matches either form);
    binding writes pgvector's text form on a pgvector column and the bytes otherwise.
    """

    impl = LargeBinary
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        """``vector`` on an engine whose column is pgvector, else the binary type."""
        return Vector() if uses_pgvector(dialect) else LargeBinary()

    def bind_processor(self, dialect: Dialect) -> Any:
        """Convert with ``process_bind_param`` only: the driver takes bytes and text as is."""

        def process(value: Any) -> Any:
            return self.process_bind_param(value, dialect)

        return process

    def result_processor(self, dialect: Dialect, coltype: object) -> Any:
        """Convert with ``process_result_value`` only."""

        def process(value: Any) -> Any:
            return self.process_result_value(value, dialect)

        return process

    def process_bind_param(self, value: Any, dialect: Dialect) -> bytes | str | None:
        """Float32 bytes (or a float32 array) as the column of this engine stores them."""
        if value is None:
            return None
        if uses_pgvector(dialect):
            if isinstance(value, np.ndarray):
                return to_pgvector_text(value)
            return to_pgvector_text(vector_of(value))
        if isinstance(value, np.ndarray):
            return vector_bytes(value)
        return bytes(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> bytes | None:
        """The stored value as float32 bytes, whichever form the column has."""
        return None if value is None else as_float32_bytes(value)


def cosine_top(
    batches: Iterable[tuple[Sequence[str], NDArray[np.float32]]],
    query: NDArray[np.float32],
    limit: int,
) -> list[tuple[str, float]]:
    """The ``limit`` rows most cosine-similar to ``query``, best first, with their similarity.

    ``batches`` yields (ids, one row per id) in id order; ties keep the earlier id first. A
    zero vector has no defined similarity (NaN) and ranks last, as on pgvector.
    """
    target = query.astype(np.float64)
    target_norm = float(np.linalg.norm(target))
    best_ids: NDArray[np.object_] = np.empty(0, dtype=object)
    best: NDArray[np.float64] = np.empty(0)
    for ids, rows in batches:
        matrix = rows.astype(np.float64)
        with np.errstate(divide="ignore", invalid="ignore"):
            similarity = (matrix @ target) / (np.linalg.norm(matrix, axis=1) * target_norm)
        candidates = np.concatenate([best_ids, np.asarray(ids, dtype=object)])
        scores = np.concatenate([best, similarity])
        keep = np.argsort(-scores, kind="stable")[:limit]
        best_ids, best = candidates[keep], scores[keep]
    return [(str(i), float(s)) for i, s in zip(best_ids, best, strict=True)]


def include_name(name: str | None, type_: str, _parent_names: Mapping[str, str | None]) -> bool:
    """Alembic ``include_name`` hook: leave the HNSW indexes out of model/database comparisons.

    They exist only where pgvector does, so the models cannot declare them; without this
    hook autogenerate would propose dropping them.
    """
    return not (type_ == "index" and name in (HNSW_INDEX, WON_HNSW_INDEX))
