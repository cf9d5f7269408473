"""What a profile is built from: the journey's stages and one message's enriched facts
(re-exported by :mod:`models.profiles`, where callers take them from)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from models.traits import TraitHit

Stage = Literal[
    "lead", "inquiry", "quotation", "sample", "trial_order", "bulk_order", "repeat_order"
]  # fmt: skip
STAGES: tuple[Stage, ...] = (
    "lead", "inquiry", "quotation", "sample", "trial_order", "bulk_order", "repeat_order"
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class MessageFacts:
    """One customer message as enrichment left it (bulk and automatic mail excluded)."""

    id: str
    sent_at: datetime  # timezone-aware
    direction: Literal["inbound", "outbound"]
    thread_id: str
    subject: str
    text: str  # the new text (no quoted history, no signature)
    intent: str | None
    valid_inquiry: tuple[bool, tuple[str, ...]] | None  # (value, missing) for inbound mail
    language: str | None
    topic_id: int | None
    topic_confidence: float
    traits: tuple[TraitHit, ...]
