"""Importing mail into the store, on SQLite and on PostgreSQL: counts, dedupe, identity, threads."""

from __future__ import annotations

import mailbox
import zlib
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app.db.tables import Contact, Customer, Message, QuarantinedMessage
from app.ingestion.imports import import_path, import_target
from app.ingestion.preparer import Preparer
from app.ingestion.service import BatchResult
from ingest.errors import SourceError
from tests.mail import make_email

OWN = "exporter.com"


def _import(sessions: sessionmaker[Session], path: Path, batch_size: int = 500) -> BatchResult:
    with sessions.begin() as session:
        target = import_target(session, "sales", [OWN])
    with Preparer(workers=2) as preparer:
        return import_path(sessions, target.id, path, batch_size, preparer)


def _write(folder: Path, name: str, data: bytes) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data)


def _thread_of(session: Session, message_id: str) -> str:
    thread = session.scalar(select(Message.thread_id).where(Message.message_id == message_id))
    assert thread is not None
    return thread


def test_folder_import_counts_quarantines_and_is_idempotent(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    folder = tmp_path / "mail"
    for i in range(3):
        body = f"Please quote 500 units of model X{i}."
        raw = make_email(sender="buyer@acme.de", to=f"rep@{OWN}", subject=f"RFQ {i}", body=body)
        _write(folder, f"{i}.eml", raw)
    garbage = bytes(range(256)) * 4
    _write(folder, "picture.gif", garbage)

    first = _import(sessions, folder)
    assert (first.imported, first.duplicates, len(first.quarantined)) == (3, 0, 1)
    source, reason = first.quarantined[0]
    assert source.endswith("picture.gif")
    assert reason

    second = _import(sessions, folder)
    assert (second.imported, second.duplicates, len(second.quarantined)) == (0, 4, 0)

    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(Message)) == 3
        kept = session.scalars(select(QuarantinedMessage)).one()
        assert zlib.decompress(kept.raw_zlib) == garbage
        assert kept.reason == reason
        stored = session.scalars(select(Message).where(Message.subject == "RFQ 1")).one()
        assert stored.new_text.startswith("Please quote 500 units of model X1.")


def test_mbox_and_maildir_import(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    box = mailbox.mbox(tmp_path / "archive.mbox")
    for i in range(4):
        box.add(make_email(sender="a@b.fr", to=f"rep@{OWN}", subject=f"mbox {i}", body="bonjour"))
    box.close()
    maildir = mailbox.Maildir(tmp_path / "Maildir")
    for i in range(2):
        maildir.add(make_email(sender="c@d.es", to=f"rep@{OWN}", subject=f"md {i}", body="hola"))
    maildir.close()

    assert _import(sessions, tmp_path / "archive.mbox").imported == 4
    assert _import(sessions, tmp_path / "Maildir").imported == 2
    assert _import(sessions, tmp_path / "archive.mbox").duplicates == 4


def test_identity_direction_customers_and_contacts(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    signature = (
        "Thanks, we need it fast.\n\n"
        "Best regards,\nJohn Smith\nPurchasing Manager\nAcme Trading GmbH\nTel: +49 30 1234567\n"
    )
    mails = {
        "in.eml": make_email(
            sender="John Smith <john@sales.acme.co.uk>",
            to=f"rep@{OWN}",
            subject="Price for LED panels",
            body=signature,
            message_id="in@acme",
        ),
        "out.eml": make_email(
            sender=f"Rep <rep@{OWN}>",
            to="Jane <jane@acme.co.uk>",
            subject="Quotation LED panels",
            body="Please find our offer.",
        ),
        "internal.eml": make_email(
            sender=f"rep@{OWN}",
            to=f"boss@mail.{OWN}",
            subject="FYI",
            body="internal note",
        ),
        "freemail.eml": make_email(
            sender="Li Wei <li.wei@gmail.com>",
            to=f"rep@{OWN}",
            subject="Sample request",
            body="Can you send one sample?",
        ),
        "bulk.eml": make_email(
            sender="news@tradeshow.example",
            to=f"rep@{OWN}",
            subject="Newsletter",
            body="Visit our fair",
            headers={"List-Unsubscribe": "<mailto:u@tradeshow.example>"},
        ),
    }
    for name, raw in mails.items():
        _write(tmp_path / "m", name, raw)
    assert _import(sessions, tmp_path / "m").imported == 5

    with sessions() as session:
        directions = dict(session.execute(select(Message.subject, Message.direction)).all())
        assert directions == {
            "Price for LED panels": "inbound",
            "Quotation LED panels": "outbound",
            "FYI": "internal",
            "Sample request": "inbound",
            "Newsletter": "inbound",
        }
        customers = {c.key: c for c in session.scalars(select(Customer))}
        assert set(customers) == {"acme.co.uk", "li.wei@gmail.com"}
        assert customers["acme.co.uk"].kind == "organization"
        assert customers["acme.co.uk"].name == "Acme Trading GmbH"
        assert customers["li.wei@gmail.com"].kind == "person"
        john = session.scalars(
            select(Contact).where(Contact.email == "john@sales.acme.co.uk")
        ).one()
        assert john.customer_id == customers["acme.co.uk"].id
        assert john.name == "John Smith"
        assert john.title == "Purchasing Manager"
        assert john.phone is not None
        assert john.phone.replace(" ", "").endswith("301234567")
        jane = session.scalars(select(Contact).where(Contact.email == "jane@acme.co.uk")).one()
        assert jane.customer_id == customers["acme.co.uk"].id
        bulk = session.scalars(select(Message).where(Message.subject == "Newsletter")).one()
        assert bulk.is_bulk
        assert bulk.customer_id is None
        internal = session.scalars(select(Message).where(Message.subject == "FYI")).one()
        assert internal.customer_id is None


def test_threads_from_references_out_of_order_and_subject(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    buyer, rep = "buyer@acme.de", f"rep@{OWN}"
    day = datetime(2024, 5, 1, tzinfo=UTC)
    first_batch = {
        "a.eml": make_email(
            sender=buyer,
            to=rep,
            subject="Inquiry solar lamps 2000 pcs",
            body="price?",
            message_id="a@x",
            date=day,
        ),
        "b.eml": make_email(
            sender=rep,
            to=buyer,
            subject="Re: Inquiry solar lamps 2000 pcs",
            body="USD 3",
            message_id="b@x",
            in_reply_to="a@x",
            references="<a@x>",
            date=day,
        ),
        "c.eml": make_email(
            sender=buyer,
            to=rep,
            subject="Re: Inquiry solar lamps 2000 pcs",
            body="ok",
            message_id="c@x",
            references="<a@x> <b@x>",
            date=day,
        ),
        "late-reply.eml": make_email(
            sender=buyer,
            to=rep,
            subject="Re: Catalogue",
            body="thanks",
            message_id="f@x",
            in_reply_to="e@x",
            date=day,
        ),
        "other.eml": make_email(
            sender="z@other.it",
            to=rep,
            subject="Completely different",
            body="hello",
            message_id="d@x",
            date=day,
        ),
        "s1.eml": make_email(
            sender=buyer, to=rep, subject="Shipping schedule for PO 4711", body="when?", date=day
        ),
    }
    for name, raw in first_batch.items():
        _write(tmp_path / "one", name, raw)
    later = {
        "e.eml": make_email(
            sender=rep, to=buyer, subject="Catalogue", body="attached", message_id="e@x", date=day
        ),
        "s2.eml": make_email(
            sender=rep,
            to=buyer,
            subject="RE: Shipping schedule for PO 4711",
            body="next week",
            date=day,
        ),
    }
    for name, raw in later.items():
        _write(tmp_path / "two", name, raw)
    _import(sessions, tmp_path / "one", batch_size=2)
    _import(sessions, tmp_path / "two")

    with sessions() as session:
        assert (
            _thread_of(session, "a@x") == _thread_of(session, "b@x") == _thread_of(session, "c@x")
        )
        assert _thread_of(session, "d@x") != _thread_of(session, "a@x")
        assert _thread_of(session, "e@x") == _thread_of(session, "f@x")
        by_subject = session.scalars(
            select(Message.thread_id).where(Message.subject.like("%PO 4711"))
        ).all()
        assert len(by_subject) == 2
        assert len(set(by_subject)) == 1


def test_a_20ng_sample_imports_cleanly(
    sessions: sessionmaker[Session], shared_data: Path, tmp_path: Path
) -> None:
    sample = tmp_path / "sample"
    groups = sorted((shared_data / "20ng-train").iterdir())[::4]
    for group in groups:
        for file in sorted(group.iterdir())[:30]:
            (sample / group.name).mkdir(parents=True, exist_ok=True)
            (sample / group.name / file.name).symlink_to(file)
    expected = sum(1 for _ in sample.rglob("*") if _.is_file())

    first = _import(sessions, sample, batch_size=64)
    assert first.quarantined == []
    assert first.imported == expected
    second = _import(sessions, sample, batch_size=64)
    assert (second.imported, second.duplicates) == (0, expected)
    with sessions() as session:
        empty = session.scalar(
            select(func.count()).select_from(Message).where(Message.new_text == "")
        )
        assert empty is not None
        assert empty < expected * 0.02
        senders = session.scalar(
            select(func.count()).select_from(Message).where(Message.from_email.is_not(None))
        )
        assert senders == expected


def test_import_of_a_missing_path_is_a_clear_error(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    with pytest.raises(SourceError, match="no such file"):
        _import(sessions, tmp_path / "missing")
