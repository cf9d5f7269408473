"""Importing a message over the size limit: never read whole, never parsed, never dropped —
quarantined with its first bytes, its size and the reason, in every kind of source."""

from __future__ import annotations

import mailbox
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app.db.tables import Message, QuarantinedMessage
from app.ingestion.batches import by_bytes
from app.ingestion.imports import import_path, import_target
from app.ingestion.preparer import Preparer
from app.ingestion.service import BatchResult
from ingest.sources import KEPT_BYTES, iter_messages
from tests.mail import make_email

OWN = "exporter.com"
LIMIT = 200_000


def _small(i: int) -> bytes:
    return make_email(sender="buyer@acme.de", to=f"rep@{OWN}", subject=f"RFQ {i}", body="Hi")


BIG = make_email(
    sender="buyer@acme.de",
    to=f"rep@{OWN}",
    subject="Catalogue attached",
    body="Our full catalogue follows.\n" + "LED panel 600x600 40W, FOB Ningbo.\n" * 20_000,
)


def _folder(root: Path) -> Path:
    folder = root / "mail"
    folder.mkdir()
    for i, data in enumerate([_small(0), BIG, _small(1)]):
        (folder / f"{i}.eml").write_bytes(data)
    return folder


def _mbox(root: Path) -> Path:
    box = mailbox.mbox(root / "archive.mbox")
    for data in [_small(0), BIG, _small(1)]:
        box.add(data)
    box.close()
    return root / "archive.mbox"


def _maildir(root: Path) -> Path:
    box = mailbox.Maildir(root / "Maildir")
    for data in [_small(0), BIG, _small(1)]:
        box.add(data)
    box.close()
    return root / "Maildir"


def _single(root: Path) -> Path:
    (root / "big.eml").write_bytes(BIG)
    return root / "big.eml"


SOURCES: dict[str, tuple[Callable[[Path], Path], int]] = {
    "folder": (_folder, 2),
    "mbox": (_mbox, 2),
    "maildir": (_maildir, 2),
    "single file": (_single, 0),
}


def _import(sessions: sessionmaker[Session], path: Path) -> BatchResult:
    with sessions.begin() as session:
        target = import_target(session, "sales", [OWN])
    with Preparer(workers=0) as preparer:
        return import_path(sessions, target.id, path, 500, preparer, max_message_bytes=LIMIT)


def test_the_big_message_is_over_the_test_limit() -> None:
    assert len(BIG) > LIMIT > 2 * KEPT_BYTES


@pytest.mark.parametrize("kind", SOURCES)
def test_a_message_over_the_limit_is_quarantined_with_its_head_size_and_reason(
    sessions: sessionmaker[Session], tmp_path: Path, kind: str
) -> None:
    make, small = SOURCES[kind]
    path = make(tmp_path)

    first = _import(sessions, path)
    assert (first.imported, first.duplicates) == (small, 0)
    [(_source, reason)] = first.quarantined
    assert reason == (
        f"too large: {len(BIG)} bytes, over LEADLENS_MAX_MESSAGE_BYTES; "
        f"only its first {KEPT_BYTES} bytes are kept"
    )
    with sessions() as session:
        kept = session.scalars(select(QuarantinedMessage)).one()
        assert kept.reason == reason
        assert kept.raw_size == len(BIG)
        assert zlib.decompress(kept.raw_zlib) == BIG[:KEPT_BYTES]
        assert b"Subject: Catalogue attached" in zlib.decompress(kept.raw_zlib)
        subjects = set(session.scalars(select(Message.subject)))
        assert "Catalogue attached" not in subjects

    again = _import(sessions, path)
    assert (again.imported, again.duplicates, again.quarantined) == (0, small + 1, [])
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(QuarantinedMessage)) == 1


def test_sources_read_only_the_head_of_a_message_over_the_limit(tmp_path: Path) -> None:
    folder = tmp_path / "mail"
    folder.mkdir()
    (folder / "a.eml").write_bytes(b"x" * LIMIT)
    (folder / "b.eml").write_bytes(b"y" * (LIMIT + 1))
    within, over = iter_messages(folder, LIMIT)
    assert (within.data, within.whole_size, within.size) == (b"x" * LIMIT, None, LIMIT)
    assert (over.data, over.whole_size, over.size) == (b"y" * KEPT_BYTES, LIMIT + 1, LIMIT + 1)


def test_batches_are_cut_by_bytes_as_well_as_by_count() -> None:
    sizes = [10, 10, 10, 50, 1, 1, 1, 1]
    assert list(by_bytes(sizes, lambda size: size, max_count=3, max_bytes=30)) == [
        [10, 10, 10],
        [50],
        [1, 1, 1],
        [1],
    ]
    assert list(by_bytes([], lambda size: size, max_count=3)) == []
