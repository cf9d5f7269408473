"""SQL of erasing one person (GDPR Art. 17): everything that names their address goes."""

from __future__ import annotations

import zlib
from collections.abc import Collection

from sqlalchemy import Text, cast, delete, func, or_, select, update
from sqlalchemy.orm import Session

from app.db.repositories._chunks import chunks
from app.db.tables import (
    Contact,
    Customer,
    CustomerTag,
    Message,
    QuarantinedMessage,
    WebhookEvent,
)


def _like(email: str) -> str:
    escaped = email.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class ErasureRepository:
    """Finds and deletes a person's data inside the caller's transaction."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def contact(self, email: str) -> Contact | None:
        """The contact with this (lower-cased) address, or None."""
        return self.session.scalar(select(Contact).where(Contact.email == email))

    def messages_naming(self, email: str, contact_id: str | None) -> dict[str, str | None]:
        """Messages from, to or about the address (headers, texts, quoted attributions):
        message id → its customer id."""
        pattern = _like(email)
        conditions = [
            func.lower(Message.from_email) == email,
            *(
                cast(column, Text).ilike(pattern, escape="\\")
                for column in (Message.to, Message.cc, Message.reply_to)
            ),
            *(
                column.ilike(pattern, escape="\\")
                for column in (Message.new_text, Message.quoted_text, Message.signature_text)
            ),
        ]
        if contact_id is not None:
            conditions.append(Message.contact_id == contact_id)
        query = select(Message.id, Message.customer_id).where(or_(*conditions))
        return {str(row[0]): row[1] for row in self.session.execute(query)}

    def quarantined_naming(self, email: str) -> list[str]:
        """Quarantined inputs whose raw bytes contain the address (case-insensitive)."""
        needle = email.encode()
        found = []
        query = select(QuarantinedMessage.id, QuarantinedMessage.raw_zlib)
        for quarantine_id, raw in self.session.execute(query.execution_options(yield_per=200)):
            if needle in zlib.decompress(raw).lower():
                found.append(quarantine_id)
        return found

    def delete(
        self, message_ids: Collection[str], quarantine_ids: Collection[str], contact_id: str | None
    ) -> None:
        """Delete these messages (their embeddings, topics and traits go with them), these
        quarantined inputs and the contact."""
        for chunk in chunks(message_ids):
            self.session.execute(delete(Message).where(Message.id.in_(chunk)))
        if quarantine_ids:
            self.session.execute(
                delete(QuarantinedMessage).where(QuarantinedMessage.id.in_(list(quarantine_ids)))
            )
        if contact_id is not None:
            self.session.execute(delete(Contact).where(Contact.id == contact_id))

    def forget_profiles(self, customer_ids: Collection[str]) -> list[str]:
        """Drop the tags (and their evidence) of these customers and flag them for a rebuild;
        customers left without contacts and messages are deleted. Returns the deleted ids."""
        ids = sorted(customer_ids)
        if not ids:
            return []
        self.session.execute(delete(CustomerTag).where(CustomerTag.customer_id.in_(ids)))
        self.session.execute(
            update(Customer).where(Customer.id.in_(ids)).values(profile_dirty=True)
        )
        empty = [
            customer_id
            for customer_id in ids
            if self.session.scalar(
                select(func.count()).select_from(Message).where(Message.customer_id == customer_id)
            )
            == 0
            and self.session.scalar(
                select(func.count()).select_from(Contact).where(Contact.customer_id == customer_id)
            )
            == 0
        ]
        if empty:
            self.session.execute(delete(Customer).where(Customer.id.in_(empty)))
        return empty

    def drop_from_explanations(self, customer_ids: Collection[str]) -> None:
        """Remove these customers from every stored lookalike explanation."""
        for customer_id in customer_ids:
            query = select(Customer).where(
                cast(Customer.lookalike_explanation, Text).like(_like(customer_id), escape="\\")
            )
            for customer in self.session.scalars(query):
                explained = dict(customer.lookalike_explanation or {})
                explained["nearest_won"] = [
                    n for n in explained.get("nearest_won", []) if n["customer_id"] != customer_id
                ]
                customer.lookalike_explanation = explained

    def drop_webhook_events(self, email: str, customer_ids: Collection[str]) -> None:
        """Delete the webhook events (sent or not, with their deliveries) that name the
        address or are about these (deleted) customers."""
        subjects = [f"customer:{customer_id}" for customer_id in customer_ids]
        self.session.execute(
            delete(WebhookEvent).where(
                or_(
                    func.lower(WebhookEvent.body).like(_like(email), escape="\\"),
                    WebhookEvent.subject.in_(subjects),
                )
            )
        )
