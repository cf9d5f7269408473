"""SQL about mailboxes and their folders."""

from __future__ import annotations

import builtins
from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from app.db.tables import FolderState, Mailbox, Message, OAuth2Grant, QuarantinedMessage
from app.db.types import new_id


class MailboxRepository:
    """Reads and writes mailboxes inside the caller's transaction (never commits)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, mailbox_id: str) -> Mailbox | None:
        """The mailbox with this id, or None."""
        return self.session.get(Mailbox, mailbox_id)

    def get_by_name(self, name: str) -> Mailbox | None:
        """The mailbox with this name, or None."""
        return self.session.scalars(select(Mailbox).where(Mailbox.name == name)).first()

    def list(self) -> Sequence[Mailbox]:
        """Every mailbox, oldest first."""
        return self.session.scalars(select(Mailbox).order_by(Mailbox.id)).all()

    def create_import_target(self, name: str, own_domains: Sequence[str]) -> Mailbox:
        """Add a mailbox that only receives mail from `leadlens import`."""
        mailbox = Mailbox(
            id=new_id("mbx"), name=name, kind="import", own_domains=sorted(set(own_domains))
        )
        self.session.add(mailbox)
        self.session.flush()
        return mailbox

    def message_count(self, mailbox_id: str) -> int:
        """How many messages are stored from this mailbox."""
        query = select(func.count()).select_from(Message).where(Message.mailbox_id == mailbox_id)
        return self.session.scalar(query) or 0

    def quarantine_count(self, mailbox_id: str) -> int:
        """How many quarantined inputs came from this mailbox."""
        query = (
            select(func.count())
            .select_from(QuarantinedMessage)
            .where(QuarantinedMessage.mailbox_id == mailbox_id)
        )
        return self.session.scalar(query) or 0

    def create_imap(self, **columns: Any) -> Mailbox:
        """Add an IMAP mailbox with these column values (``id`` and ``kind`` are set here)."""
        mailbox = Mailbox(id=new_id("mbx"), kind="imap", **columns)
        self.session.add(mailbox)
        self.session.flush()
        return mailbox

    def get_imap(self, mailbox_id: str) -> Mailbox | None:
        """The IMAP mailbox with this id, or None (import targets included)."""
        mailbox = self.session.get(Mailbox, mailbox_id)
        return mailbox if mailbox is not None and mailbox.kind == "imap" else None

    def page_imap(self, after_id: str | None, limit: int) -> Sequence[Mailbox]:
        """Up to ``limit`` IMAP mailboxes with an id above ``after_id``, by id."""
        query = select(Mailbox).where(Mailbox.kind == "imap")
        if after_id is not None:
            query = query.where(Mailbox.id > after_id)
        return self.session.scalars(query.order_by(Mailbox.id).limit(limit)).all()

    def message_counts(self, mailbox_ids: Collection[str]) -> dict[str, int]:
        """Messages stored per mailbox, for each of ``mailbox_ids`` (0 when none)."""
        return self._counts(Message.mailbox_id, mailbox_ids)

    def quarantine_counts(self, mailbox_ids: Collection[str]) -> dict[str, int]:
        """Quarantined inputs per mailbox, for each of ``mailbox_ids`` (0 when none)."""
        return self._counts(QuarantinedMessage.mailbox_id, mailbox_ids)

    def folder_states(self, mailbox_ids: Collection[str]) -> dict[str, builtins.list[FolderState]]:
        """The folder sync positions of each of ``mailbox_ids``, oldest folder first."""
        found: dict[str, builtins.list[FolderState]] = {
            mailbox_id: [] for mailbox_id in mailbox_ids
        }
        if found:
            query = (
                select(FolderState)
                .where(FolderState.mailbox_id.in_(found))
                .order_by(FolderState.mailbox_id, FolderState.id)
            )
            for state in self.session.scalars(query):
                found[state.mailbox_id].append(state)
        return found

    def grants(self, mailbox_ids: Collection[str]) -> dict[str, OAuth2Grant]:
        """The OAuth2 grants of those of ``mailbox_ids`` that have one."""
        if not mailbox_ids:
            return {}
        query = select(OAuth2Grant).where(OAuth2Grant.mailbox_id.in_(mailbox_ids))
        return {grant.mailbox_id: grant for grant in self.session.scalars(query)}

    def set_grant(self, mailbox_id: str, **columns: Any) -> OAuth2Grant:
        """Give the mailbox a grant with these column values, replacing every value of the
        one it had (a column left out is cleared)."""
        grant = self.session.get(OAuth2Grant, mailbox_id)
        if grant is None:
            grant = OAuth2Grant(mailbox_id=mailbox_id)
            self.session.add(grant)
        for column in OAuth2Grant.__table__.columns:
            if column.name != "mailbox_id":
                setattr(grant, column.name, columns.pop(column.name, None))
        if columns:
            raise TypeError(f"not columns of oauth2_grants: {sorted(columns)}")
        self.session.flush()
        return grant

    def drop_grant(self, mailbox_id: str) -> None:
        """Delete the mailbox's OAuth2 grant, if it has one."""
        self.session.execute(delete(OAuth2Grant).where(OAuth2Grant.mailbox_id == mailbox_id))

    def purge(self, mailbox_id: str) -> None:
        """Delete a mailbox with its messages, quarantine, folder states and OAuth2 grant.

        Deletes the children explicitly, so it does not depend on ON DELETE CASCADE being
        enforced (SQLite only enforces it with ``PRAGMA foreign_keys=ON``).
        """
        self.session.execute(delete(Message).where(Message.mailbox_id == mailbox_id))
        self.session.execute(
            delete(QuarantinedMessage).where(QuarantinedMessage.mailbox_id == mailbox_id)
        )
        self.session.execute(delete(FolderState).where(FolderState.mailbox_id == mailbox_id))
        self.drop_grant(mailbox_id)
        self.session.execute(delete(Mailbox).where(Mailbox.id == mailbox_id))

    def _counts(
        self, column: InstrumentedAttribute[str], mailbox_ids: Collection[str]
    ) -> dict[str, int]:
        counts = dict.fromkeys(mailbox_ids, 0)
        if counts:
            query = select(column, func.count()).where(column.in_(counts)).group_by(column)
            for mailbox_id, count in self.session.execute(query):
                counts[mailbox_id] = count
        return counts
