"""SQL behind attaching freemail contacts to their organizations (SPEC §4)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import Row, delete, func, select, update
from sqlalchemy.orm import Session, aliased

from app.db.repositories._chunks import chunks
from app.db.tables import Contact, Customer, Mailbox, Message


class AffiliationRepository:
    """Reads evidence and moves contacts between customers, in the caller's transaction."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def contacts(self, emails: Collection[str]) -> list[Row[Any]]:
        """(id, email, name, company, customer_id) of the contacts with these addresses."""
        rows: list[Row[Any]] = []
        for chunk in chunks(emails):
            query = select(
                Contact.id, Contact.email, Contact.name, Contact.company, Contact.customer_id
            ).where(Contact.email.in_(chunk))
            rows.extend(self.session.execute(query))
        return rows

    def contacts_named(self, names: Collection[str]) -> list[Row[Any]]:
        """The same columns for contacts whose name is one of ``names`` (any case)."""
        rows: list[Row[Any]] = []
        for chunk in chunks({n.casefold() for n in names}):
            query = select(
                Contact.id, Contact.email, Contact.name, Contact.company, Contact.customer_id
            ).where(func.lower(Contact.name).in_(chunk))
            rows.extend(self.session.execute(query))
        return rows

    def messages_of(self, contact_ids: Collection[str]) -> list[Row[Any]]:
        """(contact_id, mailbox_id, from_email, to, cc, reply_to) of these contacts' mail."""
        rows: list[Row[Any]] = []
        for chunk in chunks(contact_ids):
            query = select(
                Message.contact_id,
                Message.mailbox_id,
                Message.from_email,
                Message.to,
                Message.cc,
                Message.reply_to,
            ).where(Message.contact_id.in_(chunk))
            rows.extend(self.session.execute(query))
        return rows

    def contacts_in_threads(self, thread_ids: Collection[str]) -> list[Row[Any]]:
        """The same columns for the contacts of the mail in these threads."""
        rows: list[Row[Any]] = []
        for chunk in chunks(thread_ids):
            ids = select(Message.contact_id).where(Message.thread_id.in_(chunk))
            query = select(
                Contact.id, Contact.email, Contact.name, Contact.company, Contact.customer_id
            ).where(Contact.id.in_(ids))
            rows.extend(self.session.execute(query))
        return rows

    def thread_organizations(self, contact_ids: Collection[str]) -> list[tuple[str, str]]:
        """(contact id, organization key) for the organizations whose own mail shares a
        thread with these contacts' mail."""
        theirs = aliased(Message)
        found: list[tuple[str, str]] = []
        for chunk in chunks(contact_ids):
            query = (
                select(Message.contact_id, Customer.key)
                .join(theirs, theirs.thread_id == Message.thread_id)
                .join(Contact, Contact.id == theirs.contact_id)
                .join(Customer, Customer.id == theirs.customer_id)
                .where(
                    Message.contact_id.in_(chunk),
                    Customer.kind == "organization",
                    Contact.email == theirs.from_email,
                )
                .distinct()
            )
            found.extend((c, key) for c, key in self.session.execute(query) if c is not None)
        return found

    def own_domains(self) -> dict[str, list[str]]:
        """Each mailbox's own domains, by mailbox id."""
        query = select(Mailbox.id, Mailbox.own_domains)
        return {i: list(domains or []) for i, domains in self.session.execute(query)}

    def organizations_with_names(self, names: Collection[str]) -> list[tuple[str, str]]:
        """(organization key, contact name) for organizations' contacts with these names."""
        found: list[tuple[str, str]] = []
        for chunk in chunks({n.casefold() for n in names}):
            query = (
                select(Customer.key, Contact.name)
                .join(Contact, Contact.customer_id == Customer.id)
                .where(Customer.kind == "organization", func.lower(Contact.name).in_(chunk))
            )
            found.extend((key, name) for key, name in self.session.execute(query) if name)
        return found

    def organizations_with_companies(self, companies: Collection[str]) -> list[tuple[str, str]]:
        """(organization key, company) for organizations named so or with a contact whose
        signature names that company."""
        found: list[tuple[str, str]] = []
        for chunk in chunks({c.casefold() for c in companies}):
            named = select(Customer.key, Customer.name).where(
                Customer.kind == "organization", func.lower(Customer.name).in_(chunk)
            )
            signed = (
                select(Customer.key, Contact.company)
                .join(Contact, Contact.customer_id == Customer.id)
                .where(Customer.kind == "organization", func.lower(Contact.company).in_(chunk))
            )
            for query in (named, signed):
                found.extend((key, name) for key, name in self.session.execute(query) if name)
        return found

    def customer_ids(self, keys: Collection[str]) -> dict[str, str]:
        """Customer ids by key, for the keys stored."""
        found: dict[str, str] = {}
        for chunk in chunks(keys):
            query = select(Customer.key, Customer.id).where(Customer.key.in_(chunk))
            found.update(dict(self.session.execute(query).all()))
        return found

    def move_contact(self, contact_id: str, customer_id: str) -> None:
        """Give a contact, and the mail attached to it, to another customer."""
        self.session.execute(
            update(Contact).where(Contact.id == contact_id).values(customer_id=customer_id)
        )
        self.session.execute(
            update(Message).where(Message.contact_id == contact_id).values(customer_id=customer_id)
        )

    def refresh_customers(self, customer_ids: Collection[str]) -> None:
        """Set first and last contact from the customers' mail and flag their profiles;
        delete those left without contacts."""
        for chunk in chunks(customer_ids):
            span = select(
                Message.customer_id, func.min(Message.sent_at), func.max(Message.sent_at)
            ).where(Message.customer_id.in_(chunk))
            spans: dict[str, tuple[datetime | None, datetime | None]] = {
                owner: (first, last)
                for owner, first, last in self.session.execute(span.group_by(Message.customer_id))
                if owner is not None
            }
            kept = set(
                self.session.scalars(
                    select(Contact.customer_id).where(Contact.customer_id.in_(chunk)).distinct()
                )
            )
            self.session.execute(delete(Customer).where(Customer.id.in_(set(chunk) - kept)))
            for customer_id in sorted(kept):
                first, last = spans.get(customer_id, (None, None))
                self.session.execute(
                    update(Customer)
                    .where(Customer.id == customer_id)
                    .values(first_contact_at=first, last_contact_at=last, profile_dirty=True)
                )
