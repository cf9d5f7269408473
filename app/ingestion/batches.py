"""Write a stream of raw messages to the store in batches, one batch prepared ahead.

For each batch: leave out what the mailbox has already (by raw sha256), prepare the rest
(hash, compress, parse — in worker processes when there are some) while the previous batch
is stored, then store it and commit, together with the caller's position (an IMAP folder's
last UID) in the same transaction. A kill at any instant loses at most the batches not yet
committed, which the next run fetches again, and never stores a message twice.
"""

from __future__ import annotations

import hashlib
import time
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from app.db.repositories.messages import MessageRepository
from app.db.tables import Mailbox
from app.ingestion.preparer import Preparer
from app.ingestion.service import BatchResult, store_batch
from app.metrics import Metrics
from ingest.prepare import COMPRESS_LEVEL, Prepared
from ingest.sources import RawMessage

Marker = TypeVar("Marker")
Item = TypeVar("Item")
BATCH_MAX_BYTES = 64 * 1024 * 1024
"""The most bytes of raw mail one batch holds, whatever its message count: with one batch
stored while the next is prepared, an import or a sync holds a few of these at a time."""
# PostgreSQL deadlock_detected and serialization_failure: the batch is simply stored again.
_RETRYABLE = frozenset({"40P01", "40001"})
_ATTEMPTS = 3


@dataclass(slots=True)
class _Pending(Generic[Marker]):
    raws: list[RawMessage]
    hashes: set[str]
    prepared: Callable[[], list[Prepared]]
    duplicates: int
    marker: Marker | None


class BatchWriter(Generic[Marker]):
    """Stores batches for one mailbox; ``after_store(session, result, marker)`` runs in each
    batch's transaction (to move a folder position with it); ``metrics`` counts each
    committed batch as a ``sync_batch``."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        mailbox_id: str,
        preparer: Preparer,
        after_store: Callable[[Session, BatchResult, Marker | None], None] | None = None,
        metrics: Metrics | None = None,
    ) -> None:
        self.metrics = metrics
        self.sessions = sessions
        self.mailbox_id = mailbox_id
        self.preparer = preparer
        self.after_store = after_store
        self.total = BatchResult()
        self._pending: _Pending[Marker] | None = None

    def write(self, raws: Sequence[RawMessage], marker: Marker | None = None) -> None:
        """Queue one batch; the batch before it is stored and committed meanwhile."""
        in_flight = self._pending.hashes if self._pending else set()
        hashed = [(raw, hashlib.sha256(raw.data).hexdigest()) for raw in raws]
        with self.sessions() as session:
            known = MessageRepository(session).known_hashes(
                self.mailbox_id, {sha for _, sha in hashed}
            )
        fresh: list[RawMessage] = []
        hashes: set[str] = set()
        for raw, sha in hashed:
            if sha not in known and sha not in in_flight and sha not in hashes:
                hashes.add(sha)
                fresh.append(raw)
        parsed = self.preparer.submit([raw.data for raw in fresh if raw.whole_size is None])
        self.flush()
        prepared = _with_oversized(fresh, parsed)
        self._pending = _Pending(fresh, hashes, prepared, len(raws) - len(fresh), marker)

    def flush(self) -> None:
        """Store and commit the queued batch, if any."""
        pending, self._pending = self._pending, None
        if pending is None:
            return
        started = time.perf_counter()
        prepared = pending.prepared()
        for attempt in range(1, _ATTEMPTS + 1):
            try:
                result = self._store(pending, prepared)
                break
            except DBAPIError as exc:
                if getattr(exc.orig, "sqlstate", None) not in _RETRYABLE or attempt == _ATTEMPTS:
                    raise
                time.sleep(0.05 * attempt)  # another mailbox's batch held the same customers
        if self.metrics is not None:
            seconds = time.perf_counter() - started
            self.metrics.batch_stored(result.imported, len(result.quarantined), seconds)
        self.total.add(result)

    def _store(self, pending: _Pending[Marker], prepared: list[Prepared]) -> BatchResult:
        with self.sessions.begin() as session:
            mailbox = session.get_one(Mailbox, self.mailbox_id)
            result = store_batch(session, mailbox, list(zip(pending.raws, prepared, strict=True)))
            result.duplicates = pending.duplicates
            if self.after_store is not None:
                self.after_store(session, result, pending.marker)
        return result

    def close(self) -> BatchResult:
        """Store what is queued and return the totals of every batch written."""
        self.flush()
        return self.total


def by_bytes(
    items: Iterable[Item],
    size_of: Callable[[Item], int],
    max_count: int,
    max_bytes: int = BATCH_MAX_BYTES,
) -> Iterator[list[Item]]:
    """``items`` in order, in lists of at most ``max_count`` items whose ``size_of`` adds up
    to at most ``max_bytes`` (an item larger than that makes a list of its own)."""
    batch: list[Item] = []
    total = 0
    for item in items:
        size = size_of(item)
        if batch and (len(batch) == max_count or total + size > max_bytes):
            yield batch
            batch, total = [], 0
        batch.append(item)
        total += size
    if batch:
        yield batch


def _oversized(raw: RawMessage) -> Prepared:
    """The quarantine entry of a message over the size limit (``raw.whole_size`` set): the
    bytes read of it, kept as they are and never parsed, and the reason."""
    reason = (
        f"too large: {raw.whole_size} bytes, over LEADLENS_MAX_MESSAGE_BYTES; "
        f"only its first {len(raw.data)} bytes are kept"
    )
    compressed = zlib.compress(raw.data, COMPRESS_LEVEL)
    return Prepared(hashlib.sha256(raw.data).hexdigest(), compressed, None, reason)


def _with_oversized(
    raws: Sequence[RawMessage], parsed: Callable[[], list[Prepared]]
) -> Callable[[], list[Prepared]]:
    """The prepared form of every raw, in order: ``parsed`` gives those read whole."""
    if all(raw.whole_size is None for raw in raws):
        return parsed

    def merged() -> list[Prepared]:
        done = iter(parsed())
        return [next(done) if raw.whole_size is None else _oversized(raw) for raw in raws]

    return merged
