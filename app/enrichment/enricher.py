"""What enrichment computes for messages: language, intent, inquiry check, traits, embedding,
topic — pure of the store, so the API's stateless tagging uses the same code."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from models.embedder import Embedder, message_text
from models.inquiry import InquiryCheck, check_inquiry
from models.intent import IntentResult, classify_intent
from models.interests import interest_text
from models.language import detect_language
from models.topics import Assignment
from models.traits import (
    TraitHit,
    TraitInput,
    extract_traits,
    prototype_hits,
    prototypes_for,
    self_statements,
    statement_hits,
)
from models.traits.base import Notification


@dataclass(frozen=True, slots=True)
class MessageInput:
    """One message as enrichment needs it: ``contact_email`` is the customer's address it
    is stored under (for a marketplace's or web form's notification, the buyer it carries;
    the sender is then the platform), ``notification`` who notified us of a buyer's inquiry
    (see :class:`models.traits.TraitInput`)."""

    subject: str
    new_text: str
    signature: str
    sender_email: str | None
    direction: str
    contact_email: str | None = None
    notification: Notification | None = None


@dataclass(frozen=True, slots=True)
class Enrichment:
    """Everything enrichment found in one message."""

    language: str | None
    intent: IntentResult
    inquiry: InquiryCheck | None
    traits: tuple[TraitHit, ...]
    embedding: NDArray[np.float32]
    interest_embedding: NDArray[np.float32] | None  # of its item lines; None: it has none
    topic: Assignment | None


TopicAssigner = Callable[
    [NDArray[np.float32], Sequence[NDArray[np.float32] | None]], Sequence[Assignment | None]
]
"""Puts messages into topics from their whole-text embeddings (one row per message) and
their item-line embeddings (None where a message has no item lines): one assignment per
message (None: there are no topics yet)."""


def _trait_input(message: MessageInput) -> TraitInput:
    return TraitInput(
        subject=message.subject,
        new_text=message.new_text,
        signature=message.signature,
        sender_email=message.sender_email,
        direction=message.direction,  # type: ignore[arg-type]
        contact_email=message.contact_email,
        notification=message.notification,
    )


def embed_mail(
    embedder: Embedder, mail: Sequence[tuple[str, str]]
) -> tuple[NDArray[np.float32], list[NDArray[np.float32] | None]]:
    """The embeddings of messages given as (subject, new text): one row per message of its
    whole text (:func:`models.embedder.message_text`), and the embedding of its item lines
    (:func:`models.interests.interest_text`; None where it has none), in one call."""
    items = [interest_text(new_text) for _, new_text in mail]
    distinct = sorted({text for text in items if text})
    whole = [message_text(subject, new_text) for subject, new_text in mail]
    embedded = embedder.embed(whole + distinct)
    by_text = dict(zip(distinct, embedded[len(mail) :], strict=True))
    return embedded[: len(mail)], [by_text[text] if text else None for text in items]


def enrich(
    embedder: Embedder, assign: TopicAssigner, messages: Sequence[MessageInput]
) -> list[Enrichment]:
    """Enrich ``messages`` (one embedding call for the whole texts of the batch, one for
    their distinct item-line texts, :func:`models.interests.interest_text`; ``assign`` gives
    the topics).

    Every inbound message gets the valid-inquiry check (the customer's first inquiry may
    read as another intent); a notification's is made on the buyer it carries. Traits are
    the rules' hits plus, for inbound messages, the prototype hits of the trait
    families the rules found no value of (:mod:`models.traits.prototypes`, prototypes
    embedded once per ``embedder.version``): of the whole message, else of one of the
    sentences in which the writer speaks of themselves (embedded in a second call), ordered
    by name, then score.
    """
    vectors, interest_vectors = embed_mail(embedder, [(m.subject, m.new_text) for m in messages])
    assignments = assign(vectors, interest_vectors)
    prototypes = prototypes_for(embedder)
    inputs = [_trait_input(m) for m in messages]
    statements = [self_statements(t) for t in inputs]
    flat = [s for found in statements for s in found]
    statement_vectors = embedder.embed(flat)
    results = []
    start = 0
    for message, unread, said, vector, interest_vector, topic in zip(
        messages, inputs, statements, vectors, interest_vectors, assignments, strict=True
    ):
        language = detect_language(f"{message.subject}\n{message.new_text}")
        intent = classify_intent(message.subject, message.new_text, message.direction)
        inquiry = _inquiry(message) if message.direction == "inbound" else None
        trait_input = replace(unread, language=language)
        rule_hits = extract_traits(trait_input)
        extra = prototype_hits(prototypes, trait_input, vector, rule_hits)
        said_vectors = statement_vectors[start : start + len(said)]
        start += len(said)
        extra += statement_hits(prototypes, trait_input, said, said_vectors, (*rule_hits, *extra))
        traits = tuple(sorted((*rule_hits, *extra), key=lambda h: (h.name, -h.score, h.value)))
        results.append(
            Enrichment(language, intent, inquiry, traits, vector, interest_vector, topic)
        )
    return results


def _inquiry(message: MessageInput) -> InquiryCheck:
    relayed = message.contact_email not in (None, message.sender_email)
    return check_inquiry(
        message.subject,
        message.new_text,
        message.signature,
        message.contact_email if relayed else message.sender_email,
        relayed_by=message.sender_email if relayed else None,
    )
