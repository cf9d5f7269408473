"""Per-message intent (SPEC §6).

``classify_intent`` weighs multilingual phrases (EN, ES, PT, FR, DE, RU, ZH; see
:mod:`models._intent_rules`): distinct phrases of an intent combine (noisy-or); the
subject counts fully and the body at 0.75 (a reply's inherited "Re: …" subject at 0.6);
the direction down-weights unlikely intents (we send quotations and shipping notices,
they send inquiries, orders and complaints); a phrase right after a negation ("not interested",
"nothing broken") does not count, nor an order phrase after a condition in its sentence
("if you can reach USD 8, we can place the order"). Below :data:`MIN_SCORE` the intent is
``other``. :func:`intent_phrases` gives the phrases themselves (for the stage rules).

Whether an inquiry is a valid one is :mod:`models.inquiry`'s business.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal, get_args

from models._intent_rules import INTENT_RULES, ORDER_PLACEMENT, UPPER_ONLY
from models.lexicon import Lexicon, once, snippet

__all__ = [
    "INTENTS",
    "MIN_SCORE",
    "Intent",
    "IntentResult",
    "Phrase",
    "classify_intent",
    "intent_phrases",
    "is_reply",
]

Intent = Literal[
    "inquiry", "quotation", "negotiation", "sample_request", "sample_feedback",
    "purchase_order", "shipment", "payment", "complaint", "other",
]  # fmt: skip
INTENTS: tuple[Intent, ...] = get_args(Intent)
MIN_SCORE = 0.3
_OTHER_SCORE = 0.1
_MAX_SCORE = 0.99
_BODY_FACTOR = 0.75
_REPLY_SUBJECT_FACTOR = 0.6
# Down-weights by direction; ties go to the intent listed first here.
_PRIOR: dict[Intent, tuple[float, float, float]] = {  # inbound, outbound, internal
    "complaint": (1.0, 0.45, 0.7),
    "purchase_order": (1.0, 0.7, 0.8),
    "sample_feedback": (1.0, 0.45, 0.7),
    "payment": (0.95, 0.85, 0.85),
    "shipment": (0.7, 1.0, 0.9),
    "sample_request": (1.0, 0.6, 0.8),
    "negotiation": (1.0, 0.85, 0.8),
    "quotation": (0.5, 1.0, 0.7),
    "inquiry": (1.0, 0.3, 0.55),
}
_DIRECTIONS = {"inbound": 0, "outbound": 1, "internal": 2}
_BOX = re.compile(r"\s*(?:box|bin)\b", re.I)
_BY_NAME: dict[str, Intent] = {intent: intent for intent in INTENTS}
_REPLY = re.compile(
    r"^\s*(?:re|aw|wg|fw|fwd|sv|vs|rv|r|tr|enc|res|ответ|回复|答复|转发)\s*(?:\[\d+\])?\s*[:：]",
    re.I,
)
# A condition or a plan before an order phrase in its sentence: the order is not placed (yet).
_CONDITIONAL = re.compile(
    r"(?:\b(?:if|once|before|unless|provided|in case|as soon as|si|cuando|antes de|una vez|"
    r"en caso|caso|quando|assim que|desde que|avant de|avant que|dès que|lorsque|wenn|falls|"
    r"bevor|sobald|sofern|если|когда|прежде чем|перед тем|как только|eğer|إذا|لو|عندما|"
    r"prima di|qualora)\b)|\bse\s[^,]{2,80},|如果|假如|若是|一旦|之前",
    re.I,
)
# After an order phrase in its sentence: the order went to someone else.
_ELSEWHERE = re.compile(
    r"\b(?:with|from|at|to|chez|auprès d[eu]|com|con|de|bei|von|у|от|da|presso)\s+"
    r"(?:(?:an?|un|une|um|uma|einem|einer|einen|the)\s+)?(?:another|other|different|otro|"
    r"otra|outro|outra|autre|anderen?|другого|другой|других|altro|altra)\b|\belsewhere\b|"
    r"\bailleurs\b|\bwoanders\b|\bbaşka\b|其他|别家|另一家|آخر|أخرى",
    re.I,
)
_SENTENCE_END = re.compile(r"[.!?;](?=\s|$)|[\n。！？；]")
_SENTENCE_REACH = 300
_PLACEMENT_WEIGHT = 0.85
# Intents whose phrases say that something was done: not in a condition or a question.
_GUARDED = frozenset({"purchase_order", "quotation"})
_NEGATED = re.compile(
    r"(?:\b(?:not|no|nothing|never|without|sin|sem|sans|ohne|kein\w*|nicht|ni|нет|не|без))"
    r"\s+(?:\w+\s+)?$|没有$|无$|不$"
)


@dataclass(frozen=True, slots=True)
class IntentResult:
    """The intent of a message, with a score in [0, 1] and the text span behind it."""

    intent: Intent
    score: float
    evidence: str


@dataclass(frozen=True, slots=True)
class Phrase:
    """An intent phrase found in a text at ``[start, end)``, with its weight; ``kind`` is
    ``"document"`` for a phrase that names a document of an order (a proforma invoice, an
    order confirmation, a contract) rather than the act of ordering, else ``""``."""

    intent: Intent
    weight: float
    start: int
    end: int
    kind: str


@once
def _lexicon() -> Lexicon:
    return Lexicon(INTENT_RULES)


def classify_intent(subject: str, new_text: str, direction: str) -> IntentResult:
    """The most likely :data:`Intent` of a message from its subject and new text (no quoted
    history) and its direction (``inbound``, ``outbound`` or ``internal``; anything else
    counts as internal). ``other`` with a low score when no phrase is convincing."""
    column = _DIRECTIONS.get(direction, 2)
    reply = is_reply(subject)
    scores: dict[Intent, list[tuple[float, str, str, int, int]]] = {}
    sources = [(new_text, _BODY_FACTOR), (subject, _REPLY_SUBJECT_FACTOR if reply else 1.0)]
    for index, (text, factor) in enumerate(sources):
        if index == 1 and reply and scores:
            break  # an inherited "Re: …" subject speaks only when the body says nothing
        for found in intent_phrases(text):
            phrase = text[found.start : found.end].casefold()
            item = (found.weight * factor, phrase, text, found.start, found.end)
            scores.setdefault(found.intent, []).append(item)
    best: IntentResult | None = None
    for intent, priors in _PRIOR.items():
        items = sorted(scores.get(intent, ()), reverse=True)
        if not items:
            continue
        miss, seen = 1.0, set()
        for weight, phrase, *_ in items:
            if phrase not in seen:
                seen.add(phrase)
                miss *= 1.0 - weight
        score = round(min(1.0 - miss, _MAX_SCORE) * priors[column], 3)
        if best is None or score > best.score:
            _, _, text, start, end = items[0]
            best = IntentResult(intent, score, snippet(text, start, end))
    if best is None or best.score < MIN_SCORE:
        return IntentResult("other", _OTHER_SCORE, "")
    return best


def is_reply(subject: str) -> bool:
    """True when ``subject`` starts with a reply or forward prefix ("Re:", "AW:", "回复：" …)."""
    return _REPLY.match(subject) is not None


def intent_phrases(text: str) -> list[Phrase]:
    """The intent phrases of ``text`` that count, in order of position: short codes ("PO",
    "ETA") only in capitals, not "P.O. Box", none right after a negation ("not
    interested"), and no order or quotation phrase in a condition, a plan or a question
    ("if you can reach USD 8, we can place the order", "before we place an order …", "did
    you get our PO?", "would you like our price list?"), nor an order placed elsewhere
    ("we placed the order with another manufacturer"). Besides the phrase lists, an order
    placed in words of one's own ("we confirm our first order") counts as a strong order
    phrase."""
    found: list[Phrase] = []
    for match in _lexicon().scan(text):
        phrase = text[match.start : match.end]
        if phrase.casefold() in UPPER_ONLY and not phrase.isupper():
            continue
        if phrase.casefold() in {"po", "p.o."} and _BOX.match(text, match.end):
            continue  # "P.O. Box"
        _, _, name = match.key.partition(":")
        name, _, kind = name.partition(":")
        intent = _BY_NAME.get(name)
        if intent is not None and _counts(text, intent, match.start, match.end):
            found.append(Phrase(intent, match.weight, match.start, match.end, kind))
    for placed in ORDER_PLACEMENT.finditer(text):
        if _counts(text, "purchase_order", placed.start(), placed.end()):
            found.append(
                Phrase("purchase_order", _PLACEMENT_WEIGHT, placed.start(), placed.end(), "")
            )
    found.sort(key=lambda p: (p.start, p.end))
    return found


def _counts(text: str, intent: Intent, start: int, end: int) -> bool:
    if _NEGATED.search(text[max(0, start - 24) : start].casefold()):
        return False
    if intent not in _GUARDED:
        return True
    if _CONDITIONAL.search(_sentence_head(text, start)):
        return False
    stop = _SENTENCE_END.search(text, end)
    if stop is not None and stop.group() in "?？":
        return False
    rest = text[end : stop.start() if stop else end + _SENTENCE_REACH]
    return intent != "purchase_order" or not _ELSEWHERE.search(rest)


def _sentence_head(text: str, start: int) -> str:
    """The part of ``start``'s sentence (or line) before it."""
    begin = max(0, start - _SENTENCE_REACH)
    for end in _SENTENCE_END.finditer(text, begin, start):
        begin = end.end()
    return text[begin:start]
