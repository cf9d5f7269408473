"""Erase one person: their messages, embeddings, evidence and profile data (SPEC §8)."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from app.db.repositories.erasure import ErasureRepository
from app.errors import NotFoundError
from app.profiles.lookalike import ModelCache
from app.profiles.service import refresh_profiles


def erase_contact(
    sessions: sessionmaker[Session], models: ModelCache, email: str, *, lost_after_days: int
) -> None:
    """Delete every message from, to or naming ``email``, quarantined inputs that contain
    it, webhook events that name it, and the contact; rebuild the profiles it touched.
    NotFoundError when nothing in the store names the address."""
    address = email.strip().lower()
    with sessions.begin() as session:
        repository = ErasureRepository(session)
        contact = repository.contact(address)
        messages = repository.messages_naming(address, None if contact is None else contact.id)
        quarantined = repository.quarantined_naming(address)
        if contact is None and not messages and not quarantined:
            raise NotFoundError(f"nothing in the store names {email!r}")
        customers = {c for c in messages.values() if c is not None}
        if contact is not None:
            customers.add(contact.customer_id)
        repository.delete(messages, quarantined, None if contact is None else contact.id)
        deleted = repository.forget_profiles(customers)
        repository.drop_from_explanations(deleted)
        repository.drop_webhook_events(address, deleted)
    refresh_profiles(sessions, models, lost_after_days=lost_after_days)
