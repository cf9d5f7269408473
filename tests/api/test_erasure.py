"""``DELETE /v1/contacts/{email}``: afterwards nothing in any table names the person."""

from __future__ import annotations

import zlib

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.db.tables import Base, Contact, Message
from tests.api.helpers import assert_error

Headers = dict[str, dict[str, str]]


def _texts(value: object) -> str:
    """Every readable form of a stored value (compressed raw mail is decompressed)."""
    if isinstance(value, bytes):
        try:
            return zlib.decompress(value).decode("utf-8", "replace")
        except zlib.error:
            return value.decode("latin-1")
    return str(value)


def _found(sessions: sessionmaker[Session], needles: list[str]) -> list[str]:
    hits = []
    with sessions() as session:
        for table in Base.metadata.sorted_tables:
            for row in session.execute(select(table)):
                for column, value in zip(table.columns, row, strict=True):
                    text = _texts(value).lower()
                    hits.extend(
                        f"{table.name}.{column.name}: {needle}"
                        for needle in needles
                        if needle.lower() in text
                    )
    return hits


def test_erasure_leaves_nothing_of_the_person(
    demo_client: TestClient, demo_keys: Headers, demo_sessions: sessionmaker[Session]
) -> None:
    with demo_sessions() as session:
        contact = session.scalars(
            select(Contact)
            .join(Message, Message.contact_id == Contact.id)
            .where(Message.direction == "inbound")
            .order_by(Contact.email)
            .limit(1)
        ).one()
        texts = session.scalars(
            select(Message.new_text).where(
                Message.contact_id == contact.id, Message.direction == "inbound"
            )
        ).all()
    sentence = max((line.strip() for text in texts for line in text.splitlines()), key=len)
    assert len(sentence) > 30
    needles = [contact.email, sentence]
    assert _found(demo_sessions, needles)
    response = demo_client.delete(f"/v1/contacts/{contact.email}", headers=demo_keys["admin"])
    assert response.status_code == 204, response.text
    assert _found(demo_sessions, needles) == []
    profile = demo_client.get(f"/v1/customers/{contact.customer_id}", headers=demo_keys["read"])
    if profile.status_code == 200:
        assert contact.email not in {c["email"] for c in profile.json()["contacts"]}
    else:
        assert_error(profile, 404, "not_found")
    again = demo_client.delete(f"/v1/contacts/{contact.email}", headers=demo_keys["admin"])
    assert_error(again, 404, "not_found")
