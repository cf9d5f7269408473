"""SQL about stored messages and quarantined input."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any, cast

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from app.db.repositories._chunks import chunks
from app.db.tables import Message, QuarantinedMessage


def _table(model: type[Message] | type[QuarantinedMessage]) -> Table:
    """The Core table of a model: plain executemany INSERTs, without the ORM's bookkeeping."""
    return cast(Table, model.__table__)


class MessageRepository:
    """Reads and writes messages inside the caller's transaction (never commits)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def known_hashes(self, mailbox_id: str, hashes: Collection[str]) -> set[str]:
        """The raw sha256 values among ``hashes`` already stored or quarantined for a mailbox."""
        found: set[str] = set()
        for chunk in chunks(hashes):
            for table in (Message, QuarantinedMessage):
                query = select(table.raw_sha256).where(
                    table.mailbox_id == mailbox_id, table.raw_sha256.in_(chunk)
                )
                found.update(self.session.scalars(query))
        return found

    def _threads_by(
        self, column: InstrumentedAttribute[str | None], values: Collection[str]
    ) -> dict[str, str]:
        """Map values of ``column`` among ``values`` to the thread of a message holding them."""
        found: dict[str, str] = {}
        for chunk in chunks(values):
            query = select(column, Message.thread_id).where(column.in_(chunk))
            found.update({value: tid for value, tid in self.session.execute(query) if value})
        return found

    def threads_by_message_id(self, message_ids: Collection[str]) -> dict[str, str]:
        """Map RFC Message-IDs of stored messages (any mailbox) to their thread ids."""
        return self._threads_by(Message.message_id, message_ids)

    def threads_by_reply_parent(self, message_ids: Collection[str]) -> dict[str, str]:
        """Map Message-IDs to the thread of a stored reply that names them in In-Reply-To."""
        return self._threads_by(Message.in_reply_to, message_ids)

    def threads_by_subject_key(self, keys: Collection[str]) -> dict[str, str]:
        """Map subject keys (subject + participants) to the thread of a stored message."""
        return self._threads_by(Message.subject_key, keys)

    def insert_many(self, rows: Sequence[dict[str, Any]]) -> None:
        """Insert message rows (dicts of Message columns) in one statement."""
        if rows:
            self.session.execute(insert(_table(Message)), list(rows))

    def quarantine_many(self, rows: Sequence[dict[str, Any]]) -> None:
        """Insert quarantine rows (dicts of QuarantinedMessage columns) in one statement."""
        if rows:
            self.session.execute(insert(_table(QuarantinedMessage)), list(rows))

    def quarantined(self, mailbox_id: str) -> Sequence[QuarantinedMessage]:
        """The quarantine entries of a mailbox, oldest first."""
        query = (
            select(QuarantinedMessage)
            .where(QuarantinedMessage.mailbox_id == mailbox_id)
            .order_by(QuarantinedMessage.id)
        )
        return self.session.scalars(query).all()
