"""Enrichment over a real store and the real sentence model: resumable and idempotent."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from app.db.tables import Message, MessageEmbedding, MessageTrait
from app.enrichment.service import enrich_pending
from app.ingestion.imports import import_path, import_target
from app.ingestion.preparer import Preparer
from models.embedder import Embedder, load_embedder
from tests.mail import make_email

OWN = "lumora-lighting.com"
BODIES = [
    ("Inquiry LED panels", "We are a distributor in Spain. Please quote 2000 pcs, FOB Ningbo."),
    ("Anfrage Flutlicht", "Wir sind Großhändler. Bitte Angebot für 500 Stück, CIF Hamburg."),
    ("Consulta tiras LED", "Somos un hotel en Valencia, necesitamos 300 metros, pago por T/T."),
    ("Sample request", "Could you send 2 samples of the 150W high bay by DHL?"),
    ("Complaint", "Five of the lamps arrived broken, this is not acceptable."),
]


class StopAfterFirstBatchError(Exception):
    """Stops an enrichment run after its first committed batch."""


@pytest.fixture(scope="module")
def embedder() -> Embedder:
    """The bundled MiniLM model, loaded once for the module."""
    return load_embedder()


def _import(sessions: sessionmaker[Session], folder: Path) -> None:
    folder.mkdir()
    for i in range(30):
        subject, body = BODIES[i % len(BODIES)]
        raw = make_email(
            sender=f"buyer{i}@customer{i % 6}.es",
            to=f"sales@{OWN}",
            subject=f"{subject} {i}",
            body=body,
            message_id=f"m{i}@test",
        )
        (folder / f"{i}.eml").write_bytes(raw)
    with sessions.begin() as session:
        target = import_target(session, "sales", [OWN])
    with Preparer(workers=0) as preparer:
        import_path(sessions, target.id, folder, 100, preparer)


def _counts(sessions: sessionmaker[Session]) -> tuple[int, int, int]:
    with sessions() as session:
        enriched = select(func.count()).select_from(Message).where(Message.enriched_at.is_not(None))
        return (
            session.scalar(enriched) or 0,
            session.scalar(select(func.count()).select_from(MessageEmbedding)) or 0,
            session.scalar(select(func.count()).select_from(MessageTrait)) or 0,
        )


def test_enrichment_resumes_after_a_crash_and_never_duplicates(
    sessions: sessionmaker[Session], embedder: Embedder, tmp_path: Path
) -> None:
    _import(sessions, tmp_path / "mail")

    def crash(_done: int) -> None:
        raise StopAfterFirstBatchError

    with pytest.raises(StopAfterFirstBatchError):
        enrich_pending(sessions, embedder, batch_size=7, on_progress=crash)
    assert _counts(sessions)[:2] == (7, 7)

    assert enrich_pending(sessions, embedder, batch_size=7) == 23
    enriched, embeddings, traits = _counts(sessions)
    assert (enriched, embeddings) == (30, 30)
    assert traits > 0

    with sessions.begin() as session:
        session.execute(update(Message).values(enriched_at=None))
    assert enrich_pending(sessions, embedder, batch_size=11) == 30
    assert _counts(sessions) == (30, 30, traits)

    with sessions() as session:
        rows = dict(session.execute(select(Message.subject, Message.language)).all())
        intents = dict(session.execute(select(Message.subject, Message.intent)).all())
    assert rows["Anfrage Flutlicht 1"] == "de"
    assert rows["Consulta tiras LED 2"] == "es"
    assert intents["Sample request 3"] == "sample_request"
    assert intents["Complaint 4"] == "complaint"
