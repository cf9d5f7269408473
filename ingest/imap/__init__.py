"""The network side of IMAP sync: connect, list, select, find new UIDs, fetch, IDLE.

Pure of any database: :mod:`ingest.imap.state` plans a folder's sync from what the caller
stored, and :class:`ImapSession` carries the plan out against the server.
"""

from ingest.imap.config import ImapConfig, Security
from ingest.imap.connection import ImapSession
from ingest.imap.errors import ImapAuthError, ImapError, ImapProtocolError, ImapUnreachableError
from ingest.imap.folders import SENT_FALLBACK_NAMES, FolderStatus
from ingest.imap.state import StoredFolderState, SyncAction, SyncPlan, batched, plan_folder_sync

__all__ = [
    "SENT_FALLBACK_NAMES",
    "FolderStatus",
    "ImapAuthError",
    "ImapConfig",
    "ImapError",
    "ImapProtocolError",
    "ImapSession",
    "ImapUnreachableError",
    "Security",
    "StoredFolderState",
    "SyncAction",
    "SyncPlan",
    "batched",
    "plan_folder_sync",
]
