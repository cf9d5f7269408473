"""Thread assignment against the store: RFC 5322 §3.6.4 links first, then the subject."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from app.db.repositories.messages import MessageRepository
from app.db.types import new_id
from ingest.message import ParsedMessage
from ingest.threads import parent_ids


@dataclass(frozen=True, slots=True)
class ThreadInput:
    """One message to place in a thread, with its subject key (None when too generic)."""

    message: ParsedMessage
    subject_key: str | None


class ThreadAssigner:
    """Gives each message of a batch a thread id, reusing stored threads where linked.

    A message joins the thread of: a stored message with the same Message-ID (a copy in
    another mailbox), its nearest stored parent (In-Reply-To, then References newest first),
    a stored reply that names it as parent (arrived out of order), and lastly a message with
    the same normalized subject among the same participants. Otherwise it starts a thread.
    """

    def __init__(self, repository: MessageRepository) -> None:
        self.repository = repository

    def assign(self, batch: Sequence[ThreadInput]) -> list[str]:
        """Thread ids for ``batch``, in order; later messages see earlier ones of the batch."""
        linked_ids = {
            mid
            for item in batch
            for mid in (item.message.message_id, *parent_ids(item.message))
            if mid
        }
        own_ids = {item.message.message_id for item in batch if item.message.message_id}
        by_id = self.repository.threads_by_message_id(linked_ids)
        by_reply = self.repository.threads_by_reply_parent(own_ids)
        by_subject = self.repository.threads_by_subject_key(
            {item.subject_key for item in batch if item.subject_key}
        )
        threads: list[str] = []
        for item in batch:
            msg = item.message
            candidates = [by_id.get(mid) for mid in (msg.message_id, *parent_ids(msg)) if mid]
            if msg.message_id:
                candidates.append(by_reply.get(msg.message_id))
            if item.subject_key:
                candidates.append(by_subject.get(item.subject_key))
            thread_id = next((c for c in candidates if c), None) or new_id("thr")
            if msg.message_id:
                by_id.setdefault(msg.message_id, thread_id)
            if msg.in_reply_to:
                by_reply.setdefault(msg.in_reply_to, thread_id)
            if item.subject_key:
                by_subject.setdefault(item.subject_key, thread_id)
            threads.append(thread_id)
        return threads
