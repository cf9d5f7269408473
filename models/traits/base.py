"""The typed input and output of trait extraction, and what trait rules share."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from models.lexicon import Match, snippet

__all__ = [
    "Direction",
    "Field",
    "Found",
    "Notification",
    "TraitHit",
    "TraitInput",
    "clamp",
    "hit_at",
    "outermost",
]

Direction = Literal["inbound", "outbound", "internal"]
Field = Literal["subject", "text", "signature"]

_SENTENCE_END = re.compile(r".*[.!?;。！？；\n]", re.S)


Notification = Literal["marketplace", "website_form"]


@dataclass(frozen=True, slots=True)
class TraitInput:
    """One message, as the caller has it: ``new_text`` is what the author wrote now (no
    quoted history), ``signature`` their signature block, ``language`` an ISO 639-1 code
    when already detected. ``contact_email`` is the customer's address the message belongs
    to (the buyer of a notification, the recipient of our mail; ``None``: the sender's).
    ``notification`` says the message is a marketplace's or our website form's
    notification of the buyer's inquiry (the sender is then the platform, not the buyer)."""

    subject: str
    new_text: str
    signature: str
    sender_email: str | None
    direction: Direction
    language: str | None = None
    contact_email: str | None = None
    notification: Notification | None = None

    @property
    def customer_email(self) -> str | None:
        """The customer's address: ``contact_email``, else the sender's of inbound mail."""
        if self.contact_email:
            return self.contact_email
        return self.sender_email if self.direction == "inbound" else None

    def field(self, name: Field) -> str:
        """The text of field ``name``."""
        if name == "subject":
            return self.subject
        return self.new_text if name == "text" else self.signature


@dataclass(frozen=True, slots=True)
class TraitHit:
    """One trait value supported by a message: ``score`` in [0, 1] says how strongly;
    ``evidence`` is the span (≤ ~160 characters) of the input that produced it."""

    name: str
    value: str
    score: float
    evidence: str


@dataclass(frozen=True, slots=True)
class Found:
    """A lexicon match in one field of a message, with its surroundings at hand."""

    field: Field
    text: str
    match: Match

    @property
    def family(self) -> str:
        """The trait (or cue) the rule belongs to: the key before ``:``."""
        return self.match.key.partition(":")[0]

    @property
    def value(self) -> str:
        """The trait value the rule stands for: the key after ``:``."""
        return self.match.key.partition(":")[2]

    @property
    def phrase(self) -> str:
        """The matched text, as written."""
        return self.text[self.match.start : self.match.end]

    def before(self, chars: int = 48) -> str:
        """Up to ``chars`` characters before the match, within its sentence, casefolded."""
        head = self.text[max(0, self.match.start - chars) : self.match.start]
        return _SENTENCE_END.sub("", head, count=1).casefold()

    def after(self, chars: int = 32) -> str:
        """Up to ``chars`` characters after the match, casefolded."""
        return self.text[self.match.end : self.match.end + chars].casefold()

    def hit(self, name: str, value: str, score: float) -> TraitHit:
        """A :class:`TraitHit` with this match's line as evidence."""
        return hit_at(name, value, score, self.text, self.match.start, self.match.end)


def clamp(score: float) -> float:
    """``score`` limited to [0, 1] (NaN counts as 0)."""
    return 0.0 if math.isnan(score) else min(max(score, 0.0), 1.0)


def hit_at(name: str, value: str, score: float, text: str, start: int, end: int) -> TraitHit:
    """A :class:`TraitHit` whose evidence is the line of ``text`` around ``start:end``."""
    return TraitHit(name, value, round(clamp(score), 3), snippet(text, start, end))


def outermost(items: Iterable[Found]) -> list[Found]:
    """``items`` less those inside a longer one of the same field ("Ireland" within
    "Northern Ireland", "delivered at place" within "delivered at place unloaded")."""
    pool = list(items)
    return [
        a
        for a in pool
        if not any(
            b.field == a.field
            and b.match.start <= a.match.start
            and a.match.end <= b.match.end
            and b.match.end - b.match.start > a.match.end - a.match.start
            for b in pool
        )
    ]
