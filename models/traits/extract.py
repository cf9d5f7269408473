"""``extract_traits``: every trait rule run over one message, results merged.

One lexicon (a spaCy phrase matcher plus a CJK pattern, see :mod:`models.lexicon`) holds
the phrases of all trait families; it is built on first use and scans the subject, new
text and signature once each. Each family module then keeps what its rules allow (by
direction, field and context) and adds what phrases cannot express (phone prefixes,
quantities, payment codes, the sender's domain).
"""

from __future__ import annotations

from collections.abc import Iterable

from models.language import detect_language
from models.lexicon import Lexicon, once
from models.traits import commerce, country, customer_type, lead_source, volume
from models.traits.base import Field, Found, TraitHit, TraitInput
from models.traits.vocab import LANGUAGES

__all__ = ["extract_traits"]

_FAMILIES = (customer_type, lead_source, country, commerce, volume)
_FIELDS: tuple[Field, ...] = ("subject", "text", "signature")


@once
def _lexicon() -> Lexicon:
    return Lexicon(rule for family in _FAMILIES for rule in family.RULES)


def extract_traits(message: TraitInput) -> tuple[TraitHit, ...]:
    """The trait values ``message`` supports, one :class:`TraitHit` per (name, value).

    Only inbound messages give traits of the sender (customer type, country, language,
    price sensitivity); commercial terms and volumes come from either direction. Several
    hits for the same value combine (noisy-or of distinct phrases, at most 0.99) and keep
    the evidence of the strongest; a single-valued trait may still get several values
    from one message — the profile keeps the best supported. Ordered by name, then score.
    """
    lexicon = _lexicon()
    found = [
        Found(name, text, match)
        for name in _FIELDS
        if (text := message.field(name))
        for match in lexicon.scan(text)
    ]
    hits = [hit for family in _FAMILIES for hit in family.collect(message, found)]
    if message.direction == "inbound":
        hits.extend(_language(message))
    return _merge(hits)


def _language(message: TraitInput) -> list[TraitHit]:
    language = message.language if message.language in LANGUAGES else None
    language = language or detect_language(message.new_text)
    text = message.new_text.strip()
    if language is None or not text:
        return []
    return [TraitHit("language", language, 0.8, text[:160].strip())]


def _merge(hits: Iterable[TraitHit]) -> tuple[TraitHit, ...]:
    groups: dict[tuple[str, str], list[TraitHit]] = {}
    for hit in hits:
        groups.setdefault((hit.name, hit.value), []).append(hit)
    merged: list[TraitHit] = []
    for (name, value), group in groups.items():
        group.sort(key=lambda h: -h.score)
        seen: set[str] = set()
        miss = 1.0
        for hit in group:
            if hit.evidence.casefold() not in seen:
                seen.add(hit.evidence.casefold())
                miss *= 1.0 - hit.score
        score = round(min(1.0 - miss, 0.99), 3)
        merged.append(TraitHit(name, value, max(score, group[0].score), group[0].evidence))
    merged.sort(key=lambda h: (h.name, -h.score, h.value))
    return tuple(merged)
