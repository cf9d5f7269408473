"""The per-folder sync planner: pure decisions from stored state and the server's SELECT.

IMAP identifies a message in a folder by (UIDVALIDITY, UID) (RFC 3501 §2.3.1.1): while
UIDVALIDITY stays the same, UIDs only grow, so "fetch every UID above the last one
committed" is a complete incremental sync. When UIDVALIDITY changes, every stored UID of
the folder is meaningless and the folder is read again from the start.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

from ingest.imap.folders import FolderStatus

SyncAction = Literal["initial", "incremental", "resync", "up_to_date"]


@dataclass(frozen=True, slots=True)
class StoredFolderState:
    """What the store committed for one folder after its last successful sync."""

    uidvalidity: int | None
    last_uid: int
    highestmodseq: int | None


@dataclass(frozen=True, slots=True)
class SyncPlan:
    """What to do with one folder: fetch the UIDs greater than ``from_uid`` (none if up to date).

    ``resync`` tells the caller that UIDs restarted: it fetches everything again and must
    recognise messages it already has by content (Message-ID + sha256), not by UID.
    """

    action: SyncAction
    from_uid: int


def plan_folder_sync(stored: StoredFolderState | None, server: FolderStatus) -> SyncPlan:
    """Decide how to sync a folder.

    - nothing stored, or no UIDVALIDITY stored → ``initial`` from UID 0;
    - UIDVALIDITY differs from the server's → ``resync`` from UID 0 (RFC 3501 §2.3.1.1);
    - UIDNEXT known and ≤ last_uid + 1, and HIGHESTMODSEQ unchanged or unknown on either
      side (RFC 7162 §3.1.2) → ``up_to_date``;
    - otherwise ``incremental`` from the last committed UID.
    """
    if stored is None or stored.uidvalidity is None:
        return SyncPlan("initial", 0)
    if stored.uidvalidity != server.uidvalidity:
        return SyncPlan("resync", 0)
    no_new_uids = server.uidnext is not None and server.uidnext <= stored.last_uid + 1
    modseq_same = (
        server.highestmodseq is None
        or stored.highestmodseq is None
        or server.highestmodseq == stored.highestmodseq
    )
    if no_new_uids and modseq_same:
        return SyncPlan("up_to_date", stored.last_uid)
    return SyncPlan("incremental", stored.last_uid)


def batched(uids: Sequence[int], size: int) -> Iterator[list[int]]:
    """``uids`` in order, in lists of ``size`` (the last may be shorter); ``size`` must be ≥ 1."""
    if size < 1:
        raise ValueError(f"batch size must be at least 1, not {size}")
    for start in range(0, len(uids), size):
        yield list(uids[start : start + size])
