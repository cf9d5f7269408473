"""SQL of the IMAP sync: folder positions and which mailboxes to sync."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.tables import FolderState, Mailbox


class SyncRepository:
    """Reads and writes sync state inside the caller's transaction (never commits)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def folder_state(self, mailbox_id: str, folder: str) -> FolderState | None:
        """The stored position of one folder, or None before its first sync."""
        query = select(FolderState).where(
            FolderState.mailbox_id == mailbox_id, FolderState.name == folder
        )
        return self.session.scalars(query).first()

    def ensure_folder_state(self, mailbox_id: str, folder: str) -> FolderState:
        """The stored position of one folder, created empty when missing."""
        state = self.folder_state(mailbox_id, folder)
        if state is None:
            state = FolderState(mailbox_id=mailbox_id, name=folder, last_uid=0, messages=0)
            self.session.add(state)
            self.session.flush()
        return state

    def syncable_mailbox_ids(self) -> Sequence[str]:
        """IMAP mailboxes that are neither disabled nor waiting for new credentials."""
        query = (
            select(Mailbox.id)
            .where(
                Mailbox.kind == "imap",
                Mailbox.state != "disabled",
                Mailbox.auth_failed_at.is_(None),
            )
            .order_by(Mailbox.id)
        )
        return self.session.scalars(query).all()
