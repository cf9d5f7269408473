"""SQL of topic fitting: every embedded message with what the interest fit needs, in
content order, and which stored topics are interests."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db.tables import Mailbox, Message, MessageEmbedding, MessageInterestEmbedding, Topic


@dataclass(frozen=True, slots=True)
class EmbeddedMessage:
    """One embedded message: its embeddings (float32 bytes; ``items`` None when it has no
    item lines), its new text, and whose mail it is."""

    message_id: str
    vector: bytes
    items: bytes | None
    subject: str
    new_text: str
    customer_id: str | None
    inbound: bool
    customer_mail: bool  # inbound or outbound customer mail, not bulk or automatic


class TopicRepository:
    """Reads what topic fitting and assignment need, inside the caller's transaction."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def embedded_messages(self) -> list[EmbeddedMessage]:
        """Every message with an embedding, in content order: by subject, new text, raw
        SHA-256, then mailbox name — the same order in every store that holds the same
        mail, whatever ids it minted and whatever order it stored the mail in (raw SHA-256
        and mailbox are unique together, so no two rows tie). Sorted in Python, so no
        database collation changes it: topic fitting depends on the order of its rows, and
        this lets two stores of the same mail cluster the same topics."""
        query = (
            select(
                Message.subject,
                Message.new_text,
                Message.raw_sha256,
                Mailbox.name,
                Message.id,
                MessageEmbedding.vector,
                MessageInterestEmbedding.vector,
                Message.customer_id,
                Message.direction,
                Message.is_bulk,
                Message.is_auto,
            )
            .join(Message, Message.id == MessageEmbedding.message_id)
            .join(Mailbox, Mailbox.id == Message.mailbox_id)
            .outerjoin(MessageInterestEmbedding, MessageInterestEmbedding.message_id == Message.id)
        )
        rows = sorted(self.session.execute(query).all(), key=lambda row: row[:4])
        return [
            EmbeddedMessage(
                message_id=message_id,
                vector=vector,
                items=items,
                subject=subject,
                new_text=new_text,
                customer_id=customer_id,
                inbound=direction == "inbound",
                customer_mail=customer_id is not None
                and direction in ("inbound", "outbound")
                and not (bulk or auto),
            )
            for (
                subject,
                new_text,
                _sha,
                _mailbox,
                message_id,
                vector,
                items,
                customer_id,
                direction,
                bulk,
                auto,
            ) in rows
        ]

    def interest_flags(self, topic_ids: Sequence[int]) -> list[bool]:
        """Whether each of ``topic_ids`` is an interest topic (an unknown id is not)."""
        found: dict[int, bool] = dict(self.session.execute(select(Topic.id, Topic.interest)).all())
        return [bool(found.get(topic_id, False)) for topic_id in topic_ids]
