"""Freemail staff belong to their company (SPEC §4), whatever order the mail arrives in:
on SQLite and PostgreSQL, the same mail imported forwards, backwards or one message per
batch ends with the same customers, and a freemail contact first seen alone moves to its
company when the company's mail arrives. Copied strangers stay customers of their own."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.db.tables import Contact, Customer, Message
from app.ingestion.imports import import_path, import_target
from app.ingestion.preparer import Preparer
from tests.mail import make_email

OWN = "exporter.com"
REP = f"Rep <rep@{OWN}>"
DAY = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def _mail(n: int, sender: str, to: str, subject: str, body: str, cc: str | None = None) -> bytes:
    return make_email(
        sender=sender,
        to=to,
        cc=cc,
        subject=subject,
        body=body,
        message_id=f"m{n}@test",
        date=DAY + timedelta(days=n),
    )


# Kelvin writes from his work address and, while travelling, from a personal one that
# copies the work address; Ana (a freemail customer of her own) gets our mail with a
# forwarder copied; Ahmed's colleague writes from freemail and copies Ahmed.
MAIL = [
    _mail(0, "Tan Kelvin <kelvin@granitefire.co>", REP, "RFQ check valves",
          "Please quote 20 pcs DN80 check valves.\n\nTan Kelvin\nGranite Fire Pte Ltd"),
    _mail(1, REP, "Tan Kelvin <kelvin@granitefire.co>", "Re: RFQ check valves",
          "Our offer: DN80 check valve, USD 36.43 per piece."),
    _mail(2, "Tan Kelvin <kelvin84@163.com>", REP, "Re: RFQ check valves",
          "Writing from my private e-mail while travelling. Too expensive.",
          cc="kelvin@granitefire.co"),
    _mail(3, REP, "Tan Kelvin <kelvin84@163.com>", "Re: RFQ check valves",
          "We can offer USD 33.88.", cc="kelvin@granitefire.co"),
    _mail(4, "Ana Costa <ana.costa@gmail.com>", REP, "Pumps",
          "Please quote 5 submersible pumps, 1.1 kW."),
    _mail(5, REP, "Ana Costa <ana.costa@gmail.com>", "Re: Pumps",
          "Shipped today, B/L attached.", cc="Ops <ops@fastfreight.com>"),
    _mail(6, "Omar Saleh <omar.saleh77@hotmail.com>", REP, "PO 118",
          "Please find our purchase order 118.", cc="Ahmed <ahmed@gulfpumps.ae>"),
    _mail(7, "Omar Saleh <omar.saleh77@hotmail.com>", REP, "Payment PO 118",
          "Deposit paid, swift attached.", cc="ahmed@gulfpumps.ae"),
]  # fmt: skip


def _import(
    sessions: sessionmaker[Session], folder: Path, raws: list[bytes], batch_size: int
) -> None:
    folder.mkdir(parents=True)
    for i, raw in enumerate(raws):
        (folder / f"{i:03d}.eml").write_bytes(raw)
    with sessions.begin() as session:
        target = import_target(session, "sales", [OWN])
    with Preparer(workers=0) as preparer:
        import_path(sessions, target.id, folder, batch_size, preparer)


def _customers(sessions: sessionmaker[Session]) -> dict[str, tuple[str, ...]]:
    """Each customer's key with its contacts' addresses, and where each message went."""
    with sessions() as session:
        keys = dict(session.execute(select(Customer.id, Customer.key)).all())
        found: dict[str, list[str]] = {key: [] for key in keys.values()}
        for email, owner in session.execute(select(Contact.email, Contact.customer_id)):
            found[keys[owner]].append(email)
        for subject, holder in session.execute(select(Message.subject, Message.customer_id)):
            assert holder in keys, subject
        return {key: tuple(sorted(emails)) for key, emails in found.items()}


EXPECTED = {
    "granitefire.co": ("kelvin84@163.com", "kelvin@granitefire.co"),
    "ana.costa@gmail.com": ("ana.costa@gmail.com",),
    "gulfpumps.ae": ("omar.saleh77@hotmail.com",),
}


@pytest.mark.parametrize(
    ("order", "batch_size"), [("forwards", 500), ("backwards", 500), ("backwards", 1)]
)
def test_freemail_staff_join_their_company_in_any_order(
    sessions: sessionmaker[Session], tmp_path: Path, order: str, batch_size: int
) -> None:
    raws = MAIL if order == "forwards" else MAIL[::-1]
    _import(sessions, tmp_path / "mail", raws, batch_size)
    assert _customers(sessions) == EXPECTED
    with sessions() as session:
        company = session.scalars(select(Customer).where(Customer.key == "granitefire.co")).one()
        assert (company.first_contact_at, company.last_contact_at) == (
            DAY,
            DAY + timedelta(days=3),
        )
        moved = session.scalars(select(Message).where(Message.message_id == "m2@test")).one()
        assert moved.customer_id == company.id
    # the same mail again changes nothing
    _import(sessions, tmp_path / "again", raws, batch_size)
    assert _customers(sessions) == EXPECTED


def test_a_contact_first_seen_alone_moves_to_its_company(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    alone = _mail(10, "Tan Kelvin <kelvin84@163.com>", REP, "Flanges", "Price for DN80 flanges?")
    _import(sessions, tmp_path / "first", [alone], 500)
    assert _customers(sessions) == {"kelvin84@163.com": ("kelvin84@163.com",)}
    _import(sessions, tmp_path / "later", MAIL[:4], 500)
    assert _customers(sessions) == {
        "granitefire.co": ("kelvin84@163.com", "kelvin@granitefire.co"),
    }
    with sessions() as session:
        first = session.scalars(select(Message).where(Message.message_id == "m10@test")).one()
        company = session.scalars(select(Customer).where(Customer.key == "granitefire.co")).one()
        assert first.customer_id == company.id
        assert company.last_contact_at == DAY + timedelta(days=10)
