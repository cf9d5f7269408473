"""First contact: which of a customer's messages describe it when its first inquiry arrives,
and the features read from them — the same for a stored lead as for its pasted texts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np

from ingest.mime import parse_message
from ingest.quoting import split_body
from models.first_contact import (
    FIRST_CONTACT_DAYS,
    FIRST_CONTACT_MESSAGES,
    EarlyMail,
    first_contact_features,
    first_contact_messages,
    mean_embedding,
)
from models.inquiry import check_inquiry
from models.profiles import MessageFacts
from models.traits import TraitInput, extract_traits
from tests.mail import make_email

DAY0 = datetime(2026, 2, 2, 9, 0, tzinfo=UTC)
INQUIRY = (
    "Dear Sirs,\n\nWe are a distributor of pumps and valves in Kenya. Please quote 40 pcs "
    "centrifugal pump 5.5 kW and 120 pcs ball valve DN50 PN16, CIF Mombasa.\n\n"
    "Best regards,\nGrace Wanjiru\nProcurement Manager\nNairobi Flow Systems Ltd\n"
    "Tel: +254 20 555 0134"
)
VAGUE = "Hello, send me your price list please."


def _fact(mid: str, day: float, direction: str, intent: str, text: str = "") -> MessageFacts:
    return MessageFacts(
        id=mid,
        sent_at=DAY0 + timedelta(days=day),
        direction="inbound" if direction == "inbound" else "outbound",
        thread_id="t",
        subject="Pumps",
        text=text or f"text of {mid}",
        intent=intent,
        valid_inquiry=None,
        language="en",
        topic_id=None,
        topic_confidence=0.0,
        traits=(),
    )


def _ids(messages: list[MessageFacts]) -> list[str]:
    return [m.id for m in first_contact_messages(messages)]


def test_first_contact_is_their_mail_until_our_quotation() -> None:
    messages = [
        _fact("our-intro", -5, "outbound", "other"),
        _fact("inquiry", 0, "inbound", "inquiry"),
        _fact("our-question", 1, "outbound", "other"),
        _fact("details", 2, "inbound", "other"),
        _fact("our-quote", 3, "outbound", "quotation"),
        _fact("haggle", 4, "inbound", "negotiation"),
        _fact("order", 9, "inbound", "purchase_order"),
    ]
    assert _ids(messages[::-1]) == ["inquiry", "details"]
    assert _ids(messages[:2]) == ["inquiry"]
    assert _ids([messages[0], messages[2], messages[4]]) == []
    assert _ids([]) == []


def test_the_first_message_always_counts_and_their_next_step_ends_first_contact() -> None:
    opening_order = [
        _fact("po", 0, "inbound", "purchase_order"),
        _fact("po-2", 1, "inbound", "purchase_order"),
    ]
    assert _ids(opening_order) == ["po"]
    refused = [
        _fact("inquiry", 0, "inbound", "inquiry"),
        _fact("no", 2, "inbound", "other", "We decided to go with another supplier, thanks."),
        _fact("again", 30, "inbound", "inquiry"),
    ]
    assert _ids(refused) == ["inquiry"]
    negotiating = [
        _fact("inquiry", 0, "inbound", "inquiry"),
        _fact("n", 1, "inbound", "negotiation"),
    ]
    assert _ids(negotiating) == ["inquiry"]
    many = [_fact(f"m{i}", i, "inbound", "inquiry") for i in range(FIRST_CONTACT_MESSAGES + 2)]
    assert _ids(many) == [f"m{i}" for i in range(FIRST_CONTACT_MESSAGES)]
    months_later = [
        _fact("inquiry", 0, "inbound", "inquiry"),
        _fact("late", FIRST_CONTACT_DAYS + 1, "inbound", "other"),
    ]
    assert _ids(months_later) == ["inquiry"]


def _mail(text: str, vector: list[float] | None = None, topic: int | None = None) -> EarlyMail:
    parts = split_body(text)
    embedding = None if vector is None else np.asarray(vector, dtype=np.float32)
    return EarlyMail("Inquiry: pumps and valves", parts.new_text, parts.signature, embedding, topic)


def test_features_are_read_from_the_text_alone() -> None:
    first, second = _mail(INQUIRY, [1.0, 0.0, 0.0], 4), _mail(VAGUE, [0.0, 1.0, 0.0], 7)
    features = first_contact_features("c1", "Nairobi Flow", [first, second])
    expected_traits = {
        f"trait:{hit.name}:{hit.value}"
        for mail in (first, second)
        for hit in extract_traits(
            TraitInput(mail.subject, mail.new_text, mail.signature, None, "inbound", "en")
        )
    }
    traits = {tag for tag in features.tags if tag.startswith("trait:")}
    assert traits and traits <= expected_traits
    assert "trait:customer_type:distributor" in traits
    assert {"topic:4", "topic:7"} <= features.tags.keys()
    check = check_inquiry(first.subject, first.new_text, first.signature, None)
    assert features.tags[f"derived:valid_inquiry:{'yes' if check.value else 'no'}"] == 1.0
    assert all(0 < score <= 1 for score in features.tags.values())
    assert features.stage_tags == {}
    assert features.embedding is not None
    np.testing.assert_allclose(features.embedding, np.array([1, 1, 0]) / np.sqrt(2), atol=1e-6)
    country = next(tag.split(":")[2] for tag in traits if tag.startswith("trait:country:"))
    assert country == "KE"
    assert features.tags["derived:region:sub_saharan_africa"] == 1.0


def test_the_first_message_decides_the_inquiry_check() -> None:
    vague_first = first_contact_features("c", "c", [_mail(VAGUE), _mail(INQUIRY)])
    assert vague_first.tags["derived:valid_inquiry:no"] == 1.0
    assert "derived:inquiry_missing:quantity_or_spec" in vague_first.tags
    nothing = first_contact_features("c", "c", [])
    assert nothing.tags == {}
    assert nothing.embedding is None


def test_a_stored_lead_and_its_pasted_text_are_described_the_same() -> None:
    raw = make_email(
        sender="grace@nairobiflow.co.ke",
        to="sales@example.com",
        subject="Inquiry: pumps and valves",
        body=INQUIRY,
        date=DAY0,
    )
    parsed = parse_message(raw)
    vector = [0.6, 0.8, 0.0]
    stored = EarlyMail(
        parsed.subject,
        parsed.parts.new_text,
        parsed.parts.signature,
        np.asarray(vector, dtype=np.float32),
        None,
    )
    from_store = first_contact_features("a", "a", [stored])
    from_texts = first_contact_features("a", "a", [_mail(INQUIRY, vector)])
    assert from_store.tags == from_texts.tags
    assert "derived:valid_inquiry:yes" in from_store.tags
    assert from_store.embedding is not None
    assert from_texts.embedding is not None
    np.testing.assert_array_equal(from_store.embedding, from_texts.embedding)


def test_mean_embedding() -> None:
    assert mean_embedding([]) is None
    assert mean_embedding([None]) is None
    assert mean_embedding([np.zeros(3, dtype=np.float32)]) is None
    nan = np.full(3, np.nan, dtype=np.float32)
    unit = mean_embedding([np.array([3.0, 4.0, 0.0], dtype=np.float32), nan, None])
    assert unit is not None
    assert unit.dtype == np.float32
    np.testing.assert_allclose(unit, [0.6, 0.8, 0.0], atol=1e-6)
