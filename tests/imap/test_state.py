"""The pure sync planner: every branch of plan_folder_sync, and batched."""

from __future__ import annotations

import pytest

from ingest.imap import FolderStatus, StoredFolderState, SyncPlan, batched, plan_folder_sync


def server(uidvalidity: int = 7, uidnext: int | None = 11, modseq: int | None = 40) -> FolderStatus:
    return FolderStatus("INBOX", uidvalidity, uidnext, exists=10, highestmodseq=modseq)


def test_nothing_stored_is_initial() -> None:
    assert plan_folder_sync(None, server()) == SyncPlan("initial", 0)


def test_stored_without_uidvalidity_is_initial() -> None:
    assert plan_folder_sync(StoredFolderState(None, 0, None), server()) == SyncPlan("initial", 0)


def test_changed_uidvalidity_is_resync_from_zero() -> None:
    stored = StoredFolderState(uidvalidity=6, last_uid=10, highestmodseq=40)
    assert plan_folder_sync(stored, server()) == SyncPlan("resync", 0)


@pytest.mark.parametrize(
    ("stored_modseq", "server_modseq"), [(40, 40), (None, 40), (40, None), (None, None)]
)
def test_no_new_uid_and_same_or_unknown_modseq_is_up_to_date(
    stored_modseq: int | None, server_modseq: int | None
) -> None:
    stored = StoredFolderState(uidvalidity=7, last_uid=10, highestmodseq=stored_modseq)
    plan = plan_folder_sync(stored, server(modseq=server_modseq))
    assert plan == SyncPlan("up_to_date", 10)


def test_uidnext_below_last_uid_is_up_to_date() -> None:
    stored = StoredFolderState(uidvalidity=7, last_uid=30, highestmodseq=40)
    assert plan_folder_sync(stored, server(uidnext=11)).action == "up_to_date"


def test_new_uids_are_incremental_from_last_uid() -> None:
    stored = StoredFolderState(uidvalidity=7, last_uid=8, highestmodseq=40)
    assert plan_folder_sync(stored, server(uidnext=11)) == SyncPlan("incremental", 8)


def test_changed_modseq_is_incremental_even_without_new_uids() -> None:
    stored = StoredFolderState(uidvalidity=7, last_uid=10, highestmodseq=39)
    assert plan_folder_sync(stored, server(modseq=40)) == SyncPlan("incremental", 10)


def test_unknown_uidnext_is_incremental() -> None:
    stored = StoredFolderState(uidvalidity=7, last_uid=10, highestmodseq=40)
    assert plan_folder_sync(stored, server(uidnext=None)) == SyncPlan("incremental", 10)


def test_batched_splits_in_order() -> None:
    assert list(batched([1, 2, 3, 4, 5], 2)) == [[1, 2], [3, 4], [5]]
    assert list(batched([], 3)) == []
    assert list(batched(range(1, 4), 5)) == [[1, 2, 3]]


def test_batched_rejects_size_below_one() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        list(batched([1], 0))
