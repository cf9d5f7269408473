"""SQL about customers and their contacts."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.db.tables import Contact, Customer


def _insert_ignoring_conflicts(
    session: Session,
    table: type[Customer] | type[Contact],
    rows: Sequence[dict[str, Any]],
    unique: str,
) -> None:
    """INSERT rows, skipping any whose ``unique`` column value exists (race-safe)."""
    if not rows:
        return
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(table).on_conflict_do_nothing(index_elements=[unique])
    session.execute(statement, list(rows))


class CustomerRepository:
    """Reads and writes customers and contacts inside the caller's transaction."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def ensure_customers(self, rows: Sequence[dict[str, Any]]) -> dict[str, Customer]:
        """Create the customers (rows with id, key, kind, name) not stored yet; map key → row."""
        _insert_ignoring_conflicts(self.session, Customer, rows, "key")
        keys = [row["key"] for row in rows]
        return {c.key: c for c in self.by_keys(keys)}

    def by_keys(self, keys: Collection[str]) -> Sequence[Customer]:
        """The stored customers with these keys."""
        if not keys:
            return []
        return self.session.scalars(select(Customer).where(Customer.key.in_(set(keys)))).all()

    def get_by_key(self, key: str) -> Customer | None:
        """The customer with this key, or None."""
        return self.session.scalars(select(Customer).where(Customer.key == key)).first()

    def ensure_contacts(self, rows: Sequence[dict[str, Any]]) -> dict[str, Contact]:
        """Create the contacts (rows with id, email, customer_id) not stored; map email → row."""
        _insert_ignoring_conflicts(self.session, Contact, rows, "email")
        emails = {row["email"] for row in rows}
        if not emails:
            return {}
        contacts = self.session.scalars(select(Contact).where(Contact.email.in_(emails)))
        return {c.email: c for c in contacts}

    def get_contact(self, email: str) -> Contact | None:
        """The contact with this address, or None."""
        return self.session.scalars(select(Contact).where(Contact.email == email)).first()
