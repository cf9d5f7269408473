"""Trait tags of one customer (SPEC §5) from its messages' trait hits, for
:func:`models.profiles.build_profile`: plain values out, the profile wraps them.

- Whose words count: traits that describe the customer (type, country, certifications,
  volume, price sensitivity) come from their mail; an inbound hit whose evidence is text of
  ours (our signature or quotation quoted back without quote marks) is dropped — text our
  mail showed before theirs did: their company name that our later quotation repeats stays
  theirs. Commercial terms (incoterm, payment terms) are agreed both ways: our mail counts
  at half its score. Lead sources count both ways (extraction already weighs our mentions
  less); a country in our mail is only ever a place of destination, at half its score.
- How the customer came is told at first contact: lead sources count from the first thread
  and the first three messages only (a later "I saw on your website …" says nothing of how
  they came). When our unsolicited mail opened the relationship (the customer's
  first message is ours, not a reply, names no other source, and they answered), that is
  ``cold_outreach`` evidence of its own.
- Where they are, at the least: the language they mostly write in, when one country
  mostly writes it, is a hint of 0.1 — the weakest of all.
- Agreement: hits of one value combine by noisy-or over *distinct* evidence, so that a line
  repeated in every signature (a phone number, a company name, an address) counts once and
  independent signals add up. A single-valued trait keeps its best-supported value.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from models._message_facts import MessageFacts
from models.traits import SINGLE_VALUED, TRAIT_VOCABULARY, TraitHit
from models.traits._countries import LANGUAGE_COUNTRIES

__all__ = ["TraitSupport", "trait_support"]

# Traits of the customer: their mail only (a country of ours is a destination, see above).
_INBOUND_ONLY = frozenset({"customer_type", "order_volume", "price_sensitive", "certifications"})
_HALF_OUTBOUND = frozenset({"incoterm", "payment_terms", "country"})
_BOTH_WAYS = frozenset({"lead_source"})
# Hits that describe the customer and so must not come from our own text quoted back.
_ABOUT_THEM = frozenset({"customer_type", "country", "certifications", "order_volume"})
_COLD_OUTREACH_SCORE = 0.5
_LANGUAGE_SCORE = 0.1
_FIRST_CONTACT_MESSAGES = 3
_REPLY_OR_FORWARD = re.compile(
    r"^\W*(?:re|fwd?|aw|wg|sv|vs|vb|tr|rv|r|rif|res|enc|antw|odp|ynt|ilt|yanıt|отв|пересл|"
    r"回复|回覆|答复|转发|轉寄)\s*(?:\[\d+\]|\(\d+\))?\s*[:：]",
    re.IGNORECASE,
)
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class TraitSupport:
    """One trait value of the customer, its combined ``score`` in [0, 1] and the messages
    behind it, each with the snippet that shows why."""

    name: str
    value: str
    score: float
    evidence: tuple[tuple[MessageFacts, str], ...]


def trait_support(ordered: Sequence[MessageFacts]) -> list[TraitSupport]:
    """The customer's trait values from its messages sorted by date (see the module
    docstring): every value of a multi-valued trait, the best one of a single-valued."""
    ours = _OurText(ordered)
    groups: dict[tuple[str, str], dict[str, tuple[float, MessageFacts, str]]] = {}
    for m, hit in _all_hits(ordered):
        score = _counted_score(m, hit)
        if score <= 0 or hit.value not in TRAIT_VOCABULARY.get(hit.name, ()):
            continue
        about_them = m.direction == "inbound" and hit.name in _ABOUT_THEM
        if about_them and ours.wrote_first(hit.evidence, m):
            continue
        by_evidence = groups.setdefault((hit.name, hit.value), {})
        key = _fold(hit.evidence)
        if key not in by_evidence or by_evidence[key][0] < score:
            by_evidence[key] = (score, m, hit.evidence)
    found: dict[str, list[TraitSupport]] = {}
    for (name, value), by_evidence in groups.items():
        items = by_evidence.values()
        score = 1.0 - math.prod(1.0 - s for s, _, _ in items)
        evidence = tuple((m, text) for _, m, text in items)
        found.setdefault(name, []).append(TraitSupport(name, value, score, evidence))
    kept: list[TraitSupport] = []
    for name, values in found.items():
        values.sort(key=lambda t: (-t.score, -len(t.evidence), t.value))
        kept.extend(values[:1] if name in SINGLE_VALUED else values)
    return kept


def _all_hits(ordered: Sequence[MessageFacts]) -> Iterable[tuple[MessageFacts, TraitHit]]:
    first_thread = ordered[0].thread_id if ordered else None
    for index, m in enumerate(ordered):
        at_first_contact = index < _FIRST_CONTACT_MESSAGES or m.thread_id == first_thread
        for hit in m.traits:
            if hit.name != "lead_source" or at_first_contact:
                yield m, hit
    cold = _cold_outreach(ordered)
    if cold is not None:
        yield cold
    spoken = _language_country(ordered)
    if spoken is not None:
        yield spoken


def _language_country(ordered: Sequence[MessageFacts]) -> tuple[MessageFacts, TraitHit] | None:
    """The weakest hint of where they are: the language most of their mail is written in,
    when mostly one country writes it (Japanese, Polish, Greek …)."""
    inbound = [m for m in ordered if m.direction == "inbound" and m.language]
    if not inbound:
        return None
    counts = Counter(m.language for m in inbound)
    language, count = counts.most_common(1)[0]
    code = LANGUAGE_COUNTRIES.get(language or "")
    if code is None or count * 2 < len(inbound):
        return None
    first = next(m for m in inbound if m.language == language)
    return first, TraitHit("country", code, _LANGUAGE_SCORE, f"they write in {language}")


def _cold_outreach(ordered: Sequence[MessageFacts]) -> tuple[MessageFacts, TraitHit] | None:
    """Our first message, when it opened the relationship unasked and was answered."""
    if not ordered or ordered[0].direction != "outbound":
        return None
    first = ordered[0]
    if _REPLY_OR_FORWARD.match(first.subject) or not any(m.direction == "inbound" for m in ordered):
        return None
    if any(h.name == "lead_source" and h.value != "cold_outreach" for h in first.traits):
        return None
    subject = " ".join(first.subject.split()) or "(no subject)"
    evidence = f"we wrote first: {subject}"
    hit = TraitHit("lead_source", "cold_outreach", _COLD_OUTREACH_SCORE, evidence)
    return first, hit


def _counted_score(message: MessageFacts, hit: TraitHit) -> float:
    """The hit's score as it counts for the customer; 0 for traits the profile takes from
    elsewhere (language, responsiveness)."""
    score = min(max(hit.score, 0.0), 1.0) if math.isfinite(hit.score) else 0.0
    if hit.name not in _INBOUND_ONLY | _HALF_OUTBOUND | _BOTH_WAYS:
        return 0.0
    if message.direction == "inbound":
        return score
    if message.direction != "outbound" or hit.name in _INBOUND_ONLY:
        return 0.0
    if hit.name in _HALF_OUTBOUND:
        return score / 2
    return score if hit.name in _BOTH_WAYS else 0.0


class _OurText:
    """Who wrote a piece of text first, we or the customer: a line of ours that they quote
    back (our signature, our quotation) is ours; their company name, signature or address
    that our later quotation or proforma repeats ("Consignee: Acme Trading LLC") stays
    theirs."""

    def __init__(self, ordered: Sequence[MessageFacts]) -> None:
        self._texts = [(m.id, m.direction, _fold(f"{m.subject} {m.text}")) for m in ordered]
        self._ours = "\n".join(text for _, way, text in self._texts if way == "outbound")

    def wrote_first(self, evidence: str, message: MessageFacts) -> bool:
        """Whether our mail showed ``evidence`` (a hit of ``message``, theirs) before any of
        the customer's mail did."""
        key = _fold(evidence)
        if key not in self._ours:
            return False
        for i, direction, text in self._texts:
            if i == message.id:
                return False
            if key in text:
                return direction == "outbound"
        return True


def _fold(text: str) -> str:
    return _SPACE.sub(" ", text).strip().casefold()
