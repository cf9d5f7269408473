"""What a customer looked like at first contact: the mail the lookalike learns from and scores.

The rep asks "is this lead like our won customers?" when the first inquiry arrives, before
we quote. So every customer — a stored lead, a won customer years later, a lead that exists
only as pasted texts — is described by the same function over the same kind of input: the
mail *they* wrote up to our first quotation (:func:`first_contact_messages`), read from its
text alone (:func:`first_contact_features`). Our own replies are left out (a pasted inquiry
has none), and so is the sender's address (a pasted inquiry has none either): the country,
lead source and buyer identity count only where the text states them.

Pure: message facts and texts in, :class:`~models.lookalike.CustomerFeatures` out.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta

import numpy as np
from numpy.typing import NDArray

from models._refusal import find_refusal
from models._regions import region_of
from models.inquiry import check_inquiry
from models.language import detect_language
from models.lookalike import CustomerFeatures
from models.profiles import MessageFacts
from models.traits import SINGLE_VALUED, TRAIT_VOCABULARY, TraitInput, extract_traits

__all__ = [
    "FIRST_CONTACT_DAYS",
    "FIRST_CONTACT_MESSAGES",
    "EarlyMail",
    "first_contact_features",
    "first_contact_messages",
    "mean_embedding",
]

FIRST_CONTACT_MESSAGES = 3
"""At most this many of the customer's first messages describe them at first contact."""
FIRST_CONTACT_DAYS = 30
"""First contact lasts at most this long from the customer's first message: what the rep
knew in the first weeks (mail that comes later belongs to the journey, read or misread)."""

# Our message that ends first contact (we made an offer), and theirs (they are negotiating
# or ordering: the journey has moved on).
_OUR_OFFER = frozenset({"quotation"})
_THEIR_NEXT_STEP = frozenset({"negotiation", "purchase_order"})


@dataclass(frozen=True, slots=True)
class EarlyMail:
    """One message a customer wrote at first contact: its subject, new text (no quoted
    history) and signature, with the embedding and topic enrichment gave it (None when it
    has none)."""

    subject: str
    new_text: str
    signature: str
    embedding: NDArray[np.float32] | None
    topic_id: int | None


def first_contact_messages(messages: Iterable[MessageFacts]) -> list[MessageFacts]:
    """The customer's messages known at first contact, oldest first: their inbound messages
    (a marketplace or web-form notification of their inquiry included) from the first one
    until our first quotation, their first negotiation or purchase order, or a refusal of
    theirs, whichever comes first; at most :data:`FIRST_CONTACT_MESSAGES`, within
    :data:`FIRST_CONTACT_DAYS` of the first. The first inbound message always counts,
    whatever its intent (a first message is first contact)."""
    kept: list[MessageFacts] = []
    for m in sorted(messages, key=lambda m: (m.sent_at, m.id)):
        if len(kept) == FIRST_CONTACT_MESSAGES or (
            kept and m.sent_at - kept[0].sent_at > timedelta(days=FIRST_CONTACT_DAYS)
        ):
            break
        if m.direction == "outbound":
            if kept and m.intent in _OUR_OFFER:
                break
            continue
        if kept and (m.intent in _THEIR_NEXT_STEP or find_refusal(m.subject, m.text)):
            break
        kept.append(m)
    return kept


def mean_embedding(
    vectors: Iterable[NDArray[np.float32] | None],
) -> NDArray[np.float32] | None:
    """The L2-normalised mean of the finite ``vectors`` (None among them skipped); None
    when there is none or the mean is zero."""
    rows = [np.asarray(v, dtype=np.float64) for v in vectors if v is not None]
    rows = [row for row in rows if np.all(np.isfinite(row))]
    if not rows:
        return None
    mean = np.mean(rows, axis=0)
    norm = float(np.linalg.norm(mean))
    if norm == 0 or not math.isfinite(norm):
        return None
    unit: NDArray[np.float32] = (mean / norm).astype(np.float32)
    return unit


def first_contact_features(
    customer_id: str, name: str, mail: Sequence[EarlyMail]
) -> CustomerFeatures:
    """The lookalike features of a customer whose first-contact mail is ``mail`` (oldest
    first; only the first :data:`FIRST_CONTACT_MESSAGES` count).

    ``embedding`` is the mean of the messages' embeddings (:func:`mean_embedding`).
    ``tags`` (tag id → score in (0, 1]):

    - ``trait:<name>:<value>``: the trait rules over each message's subject, new text and
      signature, without its sender (:func:`models.traits.extract_traits`), combined over
      the messages by noisy-or; one value per single-valued trait, the best supported;
    - ``derived:region:<region>`` of the country trait;
    - ``derived:valid_inquiry:yes|no`` and ``derived:inquiry_missing:<part>`` of the first
      message's inquiry check (:func:`models.inquiry.check_inquiry`, no sender): did the
      lead name a product, a quantity or specification, and themselves, at once;
    - ``topic:<n>`` of each message's topic.
    """
    kept = list(mail[:FIRST_CONTACT_MESSAGES])
    tags: dict[str, float] = {}
    hits: dict[tuple[str, str], list[float]] = {}
    for message in kept:
        language = detect_language(f"{message.subject}\n{message.new_text}")
        found = extract_traits(
            TraitInput(
                subject=message.subject,
                new_text=message.new_text,
                signature=message.signature,
                sender_email=None,
                direction="inbound",
                language=language,
            )
        )
        for hit in found:
            if hit.value in TRAIT_VOCABULARY.get(hit.name, ()) and math.isfinite(hit.score):
                hits.setdefault((hit.name, hit.value), []).append(min(max(hit.score, 0.0), 1.0))
        if message.topic_id is not None:
            tags[f"topic:{message.topic_id}"] = 1.0
    tags.update(_trait_tags(hits))
    region = region_of(_value(tags, "country"))
    if region is not None:
        tags[f"derived:region:{region}"] = 1.0
    if kept:
        first = kept[0]
        check = check_inquiry(first.subject, first.new_text, first.signature, None)
        tags[f"derived:valid_inquiry:{'yes' if check.value else 'no'}"] = 1.0
        for part in check.missing:
            tags[f"derived:inquiry_missing:{part}"] = 1.0
    embedding = mean_embedding(m.embedding for m in kept)
    return CustomerFeatures(customer_id=customer_id, name=name, embedding=embedding, tags=tags)


def _trait_tags(hits: Mapping[tuple[str, str], list[float]]) -> dict[str, float]:
    combined = {key: 1.0 - math.prod(1.0 - s for s in scores) for key, scores in hits.items()}
    best: dict[str, tuple[float, str]] = {}
    tags: dict[str, float] = {}
    for (name, value), score in sorted(combined.items()):
        if score <= 0:
            continue
        if name in SINGLE_VALUED:
            if name not in best or score > best[name][0]:
                best[name] = (score, value)
        else:
            tags[f"trait:{name}:{value}"] = round(score, 4)
    for name, (score, value) in best.items():
        tags[f"trait:{name}:{value}"] = round(score, 4)
    return tags


def _value(tags: Mapping[str, float], name: str) -> str | None:
    prefix = f"trait:{name}:"
    return next((tag[len(prefix) :] for tag in tags if tag.startswith(prefix)), None)
