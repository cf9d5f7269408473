"""Profiles built by the real pipeline (store → enrich → profile) from small hand-built
threads, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from app.db.repositories.enrichment import EnrichmentRepository
from app.db.tables import Customer, CustomerTag, Message
from app.enrichment.service import enrich_pending
from app.ingestion.imports import import_path, import_target
from app.ingestion.preparer import Preparer
from app.profiles.lookalike import ModelCache
from app.profiles.service import refresh_profiles
from models.embedder import Embedder
from tests.mail import make_email

OURS = "anna@lumora-lighting.com"
DAY0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
THREAD = [
    (
        "buyer@lichtwerk.de",
        OURS,
        "Inquiry LED panels",
        "Dear Anna, we are a distributor of lighting in Germany. Please quote 2000 pcs LED "
        "panel 600x600 40W, CE and RoHS, FOB Ningbo.\n\nJonas Weber\nLichtwerk GmbH\n"
        "Tel +49 40 1234 5678",
        0,
    ),
    (
        OURS,
        "buyer@lichtwerk.de",
        "Re: Inquiry LED panels",
        "Dear Jonas, please find our quotation: LED panel 600x600 40W USD 9.80/pc FOB "
        "Ningbo, MOQ 500 pcs, payment T/T 30% deposit.",
        1,
    ),
    (
        "buyer@lichtwerk.de",
        OURS,
        "Re: Inquiry LED panels",
        "Could you send 2 samples first so we can test them?",
        3,
    ),
    (
        "buyer@lichtwerk.de",
        OURS,
        "Purchase order PO-2026-17",
        "Please find attached our purchase order PO-2026-17 for 500 pcs LED panel 600x600 "
        "as a trial order. Please confirm the delivery date.",
        20,
    ),
]


def _import(sessions: sessionmaker[Session], folder: Path) -> None:
    folder.mkdir()
    previous = None
    for i, (sender, to, subject, body, day) in enumerate(THREAD):
        raw = make_email(
            sender=sender,
            to=to,
            subject=subject,
            body=body,
            message_id=f"m{i}@test",
            in_reply_to=previous,
            date=DAY0 + timedelta(days=day),
        )
        (folder / f"{i}.eml").write_bytes(raw)
        previous = f"m{i}@test"
    with sessions.begin() as session:
        target = import_target(session, "anna", ["lumora-lighting.com"])
    with Preparer(workers=0) as preparer:
        import_path(sessions, target.id, folder, 100, preparer)


def test_a_thread_becomes_a_dated_profile(
    sessions: sessionmaker[Session], shared_embedder: Embedder, tmp_path: Path
) -> None:
    _import(sessions, tmp_path / "mail")
    enrich_pending(sessions, shared_embedder)
    assert refresh_profiles(sessions, ModelCache(), now=DAY0 + timedelta(days=30)) == 1
    with sessions() as session:
        customer = session.scalars(select(Customer)).one()
        tags = {t.tag_id: t for t in session.scalars(select(CustomerTag))}
    assert customer.key == "lichtwerk.de"
    assert customer.stage == "trial_order"
    assert customer.stage_reached == {
        "lead": DAY0.isoformat(),
        "inquiry": DAY0.isoformat(),
        "quotation": (DAY0 + timedelta(days=1)).isoformat(),
        "sample": (DAY0 + timedelta(days=3)).isoformat(),
        "trial_order": (DAY0 + timedelta(days=20)).isoformat(),
    }
    assert (customer.outcome, customer.outcome_source) == ("won", "inferred")
    assert customer.outcome_at == DAY0 + timedelta(days=20)
    assert (customer.inbound, customer.outbound) == (3, 1)
    assert customer.country == "DE"
    assert customer.valid_inquiry == {"value": True, "missing": []}
    assert "trait:customer_type:distributor" in tags
    assert "trait:incoterm:FOB" in tags
    assert all(tag.evidence for tag in tags.values())
    assert not customer.profile_dirty
    first_contact = customer.feature_tags["first_contact"]
    assert "trait:customer_type:distributor" in first_contact
    assert first_contact["derived:valid_inquiry:yes"] == 1.0
    assert not any(tag.startswith("derived:stage:") for tag in first_contact)
    stage_aware = customer.feature_tags["stage_aware"]
    assert {"derived:stage:quotation", "derived:stage:sample", "trait:incoterm:FOB"} <= set(
        stage_aware
    )
    # our quotation ended first contact: the lookalike's embedding is the inquiry's own
    with sessions() as session:
        inquiry_id = session.scalar(select(Message.id).where(Message.message_id == "m0@test"))
        assert inquiry_id is not None
        inquiry_vector = EnrichmentRepository(session).vectors([inquiry_id])[inquiry_id]
    assert customer.feature_embedding is not None
    np.testing.assert_allclose(
        np.frombuffer(customer.feature_embedding, np.float32), inquiry_vector, atol=1e-6
    )
