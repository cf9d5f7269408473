"""Engines and sessions: one engine per process, short sessions per request or batch."""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import URL, Engine, create_engine, event, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError
from sqlalchemy.orm import Session, sessionmaker

from app.db.migrations import ensure_migrated
from app.db.vector import watch_engine
from app.errors import DatabaseUnreachableError, DatabaseUrlError

SUPPORTED_URLS = "sqlite:///path/to/leadlens.db or postgresql+psycopg://user@host/dbname"
# libpq parameters PostgreSQL connections get unless the URL sets them: a connect gives up
# after 10 s, and a server gone without a word (a dead host, a dropped route) is noticed by
# TCP keepalives within about a minute instead of the system's two hours.
POSTGRES_CONNECT_DEFAULTS: dict[str, int] = {
    "connect_timeout": 10,
    "keepalives": 1,
    "keepalives_idle": 30,
    "keepalives_interval": 10,
    "keepalives_count": 3,
}
_DRIVERS = {"sqlite": "pysqlite", "postgresql": "psycopg"}
_SCHEMES = {"sqlite": "sqlite", "postgresql": "postgresql+psycopg"}


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA secure_delete=ON")  # erased data does not linger in free pages
    cursor.close()


def store_url(text: str) -> URL:
    """``text`` as the URL of a store leadlens can use: SQLite (pysqlite) or PostgreSQL
    (psycopg 3). Raises :class:`DatabaseUrlError`, naming the URL to use instead, for a
    malformed URL, another database or driver, or a SQLite file whose folder is missing."""
    try:
        url = make_url(text)
    except (ArgumentError, ValueError):
        raise DatabaseUrlError(
            f"the database URL cannot be parsed: set LEADLENS_DATABASE_URL to {SUPPORTED_URLS}"
        ) from None
    shown = url.render_as_string(hide_password=True)
    backend = url.drivername.partition("+")[0]
    if backend == "postgres":
        fixed = url.set(drivername=_SCHEMES["postgresql"]).render_as_string(hide_password=True)
        raise DatabaseUrlError(
            f"the database URL {shown} is not understood: write postgresql+psycopg:// instead "
            f"of postgres:// ({fixed})"
        )
    if backend not in _DRIVERS:
        raise DatabaseUrlError(
            f"the database URL {shown} names {backend}, which leadlens does not support: "
            f"use {SUPPORTED_URLS}"
        )
    try:
        driver = url.get_dialect().driver
    except NoSuchModuleError:
        driver = url.drivername.partition("+")[2]
    if driver != _DRIVERS[backend]:
        fixed = url.set(drivername=_SCHEMES[backend]).render_as_string(hide_password=True)
        raise DatabaseUrlError(
            f"the database URL {shown} asks for the driver {driver}, which leadlens does not "
            f"support: use {fixed}"
        )
    if backend == "sqlite":
        _check_sqlite_folder(url)
    return url


def _check_sqlite_folder(url: URL) -> None:
    """Refuse a SQLite file in a missing folder (SQLite would say only "unable to open")."""
    if not url.database or url.database == ":memory:" or "uri" in url.query:
        return
    folder = Path(url.database).absolute().parent
    if not folder.is_dir():
        raise DatabaseUrlError(
            f"the folder {folder} of the SQLite database does not exist: create it, or set "
            "LEADLENS_DATABASE_URL to a file in a folder that does"
        )


def _create_private(url: URL) -> None:
    """Create a missing SQLite file readable and writable by its owner only (0600): it holds
    the mail. SQLite gives its -wal and -shm files the same mode. An existing file is left as
    it is, and one that cannot be made is for SQLite to report."""
    if not url.database or url.database == ":memory:" or "uri" in url.query:
        return
    with contextlib.suppress(OSError):
        os.close(os.open(url.database, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def create_db_engine(url: str) -> Engine:
    """An engine for the store at ``url``, connected once to prove that it can be reached.

    A new SQLite file is made 0600; SQLite files get WAL, foreign keys and a busy timeout;
    PostgreSQL engines learn on their first connection whether embeddings are pgvector, and
    connect with a timeout and TCP keepalives (``POSTGRES_CONNECT_DEFAULTS``, each overridden
    by the URL's own). Raises
    :class:`DatabaseUrlError` for a URL leadlens cannot use (see :func:`store_url`) and
    :class:`DatabaseUnreachableError` when no connection can be made, each in one line
    that says what to do.
    """
    parsed = store_url(url)
    if parsed.get_backend_name() == "sqlite":
        _create_private(parsed)
        engine = create_engine(parsed, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        defaults = {k: v for k, v in POSTGRES_CONNECT_DEFAULTS.items() if k not in parsed.query}
        engine = create_engine(parsed, pool_pre_ping=True, connect_args=defaults)
        watch_engine(engine)
    try:
        with engine.connect():
            pass
    except DBAPIError as exc:
        engine.dispose()
        raise _unreachable(parsed, exc) from None
    return engine


def _unreachable(url: URL, exc: DBAPIError) -> DatabaseUnreachableError:
    lines = (line.strip() for line in str(exc.orig).splitlines())
    reason = "; ".join(line for line in lines if line).removeprefix("connection failed: ")
    if url.get_backend_name() == "sqlite":
        return DatabaseUnreachableError(
            f"cannot open the SQLite database {url.database} ({reason}): it must be a file "
            "this user may read and write, or set LEADLENS_DATABASE_URL to another one"
        )
    return DatabaseUnreachableError(
        f"cannot connect to the database {url.render_as_string(hide_password=True)} "
        f"({reason}): start PostgreSQL there, or correct LEADLENS_DATABASE_URL"
    )


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions bound to ``engine`` that keep loaded objects usable after commit."""
    return sessionmaker(engine, expire_on_commit=False)


@dataclass(frozen=True)
class Store:
    """An open store: its engine (one per process) and the sessions bound to it."""

    engine: Engine
    sessions: sessionmaker[Session]

    def close(self) -> None:
        """Close the engine's connections."""
        self.engine.dispose()


def open_store(url: str) -> Store:
    """The store at ``url``, ready to use: reachable and migrated to this version's schema.
    Raises :class:`DatabaseUrlError`, :class:`DatabaseUnreachableError` (see
    :func:`create_db_engine`) or :class:`~app.errors.DatabaseNotMigratedError`, leaving no
    connection open."""
    engine = create_db_engine(url)
    try:
        ensure_migrated(engine)
    except BaseException:
        engine.dispose()
        raise
    return Store(engine, session_factory(engine))
