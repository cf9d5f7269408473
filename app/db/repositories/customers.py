"""SQL about customers and their contacts."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import Row, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import InstrumentedAttribute, Session

from app.db.repositories._chunks import chunks
from app.db.tables import Contact, Customer


class CustomerRepository:
    """Reads and writes customers and contacts inside the caller's transaction."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def _insert_ignoring_conflicts(
        self, table: type[Customer] | type[Contact], rows: Sequence[dict[str, Any]], unique: str
    ) -> None:
        """INSERT rows, skipping any whose ``unique`` column value exists (race-safe). Rows
        go in ``unique`` order, so concurrent batches lock shared keys in the same order."""
        if not rows:
            return
        name = self.session.get_bind().dialect.name
        dialect = postgresql if name == "postgresql" else sqlite
        statement = dialect.insert(table).on_conflict_do_nothing(index_elements=[unique])
        self.session.execute(statement, sorted(rows, key=lambda row: str(row[unique])))

    def customer_rows(self, keys: Collection[str]) -> dict[str, Row[Any]]:
        """Map customer keys to (id, key, kind, name, first_contact_at, last_contact_at)."""
        return self._customer_rows(Customer.key, keys)

    def customer_rows_by_id(self, ids: Collection[str]) -> dict[str, Row[Any]]:
        """Map customer ids to the same columns as :meth:`customer_rows`."""
        return self._customer_rows(Customer.id, ids)

    def _customer_rows(
        self, column: InstrumentedAttribute[str], values: Collection[str]
    ) -> dict[str, Row[Any]]:
        found: dict[str, Row[Any]] = {}
        for chunk in chunks(values):
            query = select(
                Customer.id,
                Customer.key,
                Customer.kind,
                Customer.name,
                Customer.first_contact_at,
                Customer.last_contact_at,
            ).where(column.in_(chunk))
            found.update({getattr(row, column.key): row for row in self.session.execute(query)})
        return found

    def insert_customers(self, rows: Sequence[dict[str, Any]]) -> None:
        """Insert customers (dicts of columns) whose key is not stored yet."""
        self._insert_ignoring_conflicts(Customer, rows, "key")

    def _update_by_id(
        self, table: type[Customer] | type[Contact], rows: Sequence[dict[str, Any]]
    ) -> None:
        """UPDATE rows by id, in id order, so concurrent batches lock rows in the same order."""
        if rows:
            self.session.execute(update(table), sorted(rows, key=lambda row: str(row["id"])))

    def delete_customers_without_contacts(self, ids: Collection[str]) -> None:
        """Delete those of these customers that have no contact (nor, then, any mail)."""
        for chunk in chunks(ids):
            used = select(Contact.customer_id).where(Contact.customer_id.in_(chunk))
            self.session.execute(
                delete(Customer).where(Customer.id.in_(chunk), Customer.id.not_in(used))
            )

    def update_customers(self, rows: Sequence[dict[str, Any]]) -> None:
        """Update customers by id (each dict holds ``id`` and the columns to change)."""
        self._update_by_id(Customer, rows)

    def contact_rows(self, emails: Collection[str]) -> dict[str, Row[Any]]:
        """Map addresses to (id, email, customer_id, name, title, phone, company, last_seen_at)."""
        found: dict[str, Row[Any]] = {}
        for chunk in chunks(emails):
            query = select(
                Contact.id,
                Contact.email,
                Contact.customer_id,
                Contact.name,
                Contact.title,
                Contact.phone,
                Contact.company,
                Contact.last_seen_at,
            ).where(Contact.email.in_(chunk))
            found.update({row.email: row for row in self.session.execute(query)})
        return found

    def insert_contacts(self, rows: Sequence[dict[str, Any]]) -> None:
        """Insert contacts (dicts of columns) whose address is not stored yet."""
        self._insert_ignoring_conflicts(Contact, rows, "email")

    def update_contacts(self, rows: Sequence[dict[str, Any]]) -> None:
        """Update contacts by id (each dict holds ``id`` and the columns to change)."""
        self._update_by_id(Contact, rows)
