"""What the service is doing now, told from outside: from the store (the folders' committed
positions against the server's, the pipeline's counts and marks, an open write
transaction), from its log (its sentence model loaded) and from the API writer.

A kill counts in every phase seen right before it: a fetch (a folder's committed position
behind the server's: its next batch is being fetched, parsed or committed), a batch
commit (a write transaction open in the store while a folder is behind: on SQLite, another
connection cannot take the write lock; on PostgreSQL, a backend holds a transaction id),
enrichment (mail waiting for it, the model loaded), clustering (nothing waiting, topics
due: the corpus doubled or a rebuild was requested and has not produced new topics yet),
profile refresh (nothing waiting, no clustering due, profiles stale or a retraining or a
requested rebuild unfinished), a UIDVALIDITY reset (a folder read again under its new
UIDVALIDITY), and API writes in flight.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import select, text
from sqlalchemy.orm import Session, sessionmaker

from app.api.operations.service import pipeline_status
from app.db.repositories.pipeline_state import (
    REBUILD_REQUESTED,
    TOPICS_VERSION,
    PipelineStateRepository,
)
from app.db.tables import FolderState, Mailbox
from app.enrichment.service import rebuild_due
from app.profiles.lookalike import retrain_due
from tests.soak.mail import Position

FETCH = "fetch"
COMMIT = "batch commit"
ENRICHMENT = "enrichment"
CLUSTERING = "clustering"
PROFILES = "profile refresh"
UIDVALIDITY = "UIDVALIDITY reset"
API_WRITES = "API writes in flight"
PHASES = (FETCH, COMMIT, ENRICHMENT, CLUSTERING, PROFILES, UIDVALIDITY, API_WRITES)

Folder = tuple[str, str]
"""(user, folder) on the server."""


@dataclass
class Observer:
    """Tells which phases are under way. ``server``: each folder's position on the server
    (kept current by whoever changes it); ``reset``: the folders given a new UIDVALIDITY, with
    their new position; ``requested``: the topics version in force when a rebuild was requested
    (None: none is); ``loaded`` and ``writing``: whether the enrichment has its model and
    an API write is in flight."""

    sessions: sessionmaker[Session]
    database_url: str
    loaded: Callable[[], bool]
    writing: Callable[[], bool]
    server: dict[Folder, Position] = field(default_factory=dict)
    reset: dict[Folder, Position] = field(default_factory=dict)
    requested: str | None = None

    def _stored(self) -> dict[Folder, Position]:
        """Each folder's committed position in the store."""
        with self.sessions() as session:
            rows = session.execute(
                select(Mailbox.username, FolderState.name, FolderState.uidvalidity,
                       FolderState.last_uid)
                .join(Mailbox, Mailbox.id == FolderState.mailbox_id)
            )  # fmt: skip
            return {(user, name): (validity, last) for user, name, validity, last in rows}

    def behind(self) -> set[Folder]:
        """The folders whose committed position is not the server's."""
        stored = self._stored()
        return {folder for folder, at in self.server.items() if stored.get(folder) != at}

    def resyncing(self) -> bool:
        """Whether a folder given a new UIDVALIDITY is being read again under it."""
        stored = self._stored()
        return any(
            folder in stored and stored[folder][0] == validity and stored[folder][1] < last
            for folder, (validity, last) in self.reset.items()
        )

    def writing_store(self) -> bool:
        """Whether another connection has a write transaction open in the store now."""
        prefix = "sqlite:///"
        if self.database_url.startswith(prefix):
            probe = sqlite3.connect(self.database_url.removeprefix(prefix), timeout=0)
            try:
                probe.execute("BEGIN IMMEDIATE")
                probe.rollback()
                return False
            except sqlite3.OperationalError:  # database is locked
                return True
            finally:
                probe.close()
        with self.sessions() as session:
            open_writes = text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL"
            )
            return bool(session.scalar(open_writes))

    def pipeline(self) -> set[str]:
        """Enrichment, clustering or profile refresh, when under way."""
        if not self.loaded():
            return set()
        with self.sessions() as session:
            status = pipeline_status(session)
            if status.pending_enrichment:
                return {ENRICHMENT}
            state = PipelineStateRepository(session)
            marked = state.state(REBUILD_REQUESTED) is not None
            fitting = marked and state.state(TOPICS_VERSION) == self.requested
            if rebuild_due(session) or fitting:
                return {CLUSTERING}
            if status.pending_profiles or retrain_due(session) or marked:
                return {PROFILES}
        return set()

    def now(self) -> set[str]:
        """Every phase under way now (the open write transaction looked at last)."""
        phases = self.pipeline()
        if self.writing():
            phases.add(API_WRITES)
        if self.resyncing():
            phases.add(UIDVALIDITY)
        if self.behind():
            phases.add(FETCH)
            if self.writing_store():
                phases.add(COMMIT)
        return phases
