"""Per-message intent, and whether a first inquiry is a valid one (SPEC §6).

``classify_intent`` weighs multilingual phrases (EN, ES, PT, FR, DE, RU, ZH; see
:mod:`models._intent_rules`): distinct phrases of an intent combine (noisy-or); the
subject counts fully and the body at 0.75 (a reply's inherited "Re: …" subject at 0.6);
the direction down-weights unlikely intents (we send quotations and shipping notices,
they send inquiries, orders and complaints); a phrase right after a negation ("not interested",
"nothing broken") does not count, nor an order phrase after a condition in its sentence
("if you can reach USD 8, we can place the order"). Below :data:`MIN_SCORE` the intent is
``other``. :func:`intent_phrases` gives the phrases themselves (for the stage rules).

``check_inquiry`` asks for a product, a quantity or a specification, and an identifiable
buyer, and names what is missing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal, get_args

from models._intent_rules import (
    FREEMAIL_BRANDS,
    FREEMAIL_DOMAINS,
    GENERIC_CJK,
    GENERIC_WORDS,
    INTENT_RULES,
    ORDER_PLACEMENT,
    UPPER_ONLY,
)
from models.lexicon import CJK, Lexicon, once, snippet, word_set
from models.traits.lead_source import MARKETPLACE_DOMAINS
from models.traits.volume import quantities

__all__ = [
    "INTENTS",
    "MIN_SCORE",
    "InquiryCheck",
    "Intent",
    "IntentResult",
    "Phrase",
    "check_inquiry",
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


@dataclass(frozen=True, slots=True)
class InquiryCheck:
    """Whether an inquiry is valid, and which of ``product``, ``quantity_or_spec`` and
    ``buyer`` it lacks (in that order)."""

    value: bool
    missing: tuple[str, ...]


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


# --- valid inquiry -------------------------------------------------------------------

_PRODUCT_CUE = re.compile(
    r"(?:\b(?:interested in|inquiry (?:for|about|of|on)|enquiry (?:for|about|of|on)|rfq|"
    r"inquiry|enquiry|quot(?:e|ation|ing) (?:for|on|of)|prices? (?:for|of|on)|looking for|"
    r"we need|i need|we require|requirement (?:for|of)|buy|purchase|import|supply of|"
    r"sourcing|interesad[oa]s? en|cotización (?:de|para)|precios? (?:de|del|para)|"
    r"necesitamos|comprar|buscamos|interessad[oa]s? em|cotação (?:de|para)|"
    r"preços? (?:de|do|da|dos|das|para)|precisamos de|procuramos|intéressée?s? par|"
    r"devis pour|prix (?:de|du|des|pour)|besoin de|acheter|recherchons|interessiert an|"
    r"anfrage (?:für|nach|zu)|anfrage|angebot (?:für|über)|preis (?:für|von)|benötigen|"
    r"suchen|kaufen|интересу(?:ет|ют)|цен[аы] на|нужн[аыо]?|нужен|купить|ищем|закупить|"
    r"запрос на)\b\s*[:\-–]?\s*)|(?:需要|采购|求购|购买|询价|想买|要买)[:：]?\s*",
    re.I,
)
_CONTINUATION = re.compile(r"[^\n.,;!?()。，；！？、]{1,80}")
_WORD = re.compile(r"[^\W\d_]{3,}")
_LEADING_QUANTITY = re.compile(
    r"^[\d\s,.]*(?:[万千kK]\s*)?(?:[个件台套只片支盏批]|(?:pcs|pieces|units|sets|pairs|stück|"
    r"unidades|piezas|peças|pièces|шт|штук)\b\.?)?\s*(?:of\s+|de\s+)?",
    re.I,
)
_COUNT = re.compile(r"(?<![\w.,])(\d{1,3}(?:[,.]\d{3})+|\d+)\s+([^\W\d_]{3,})")
_NOT_COUNTED = word_set(
    """years year days day months month weeks week hours hour minutes usd eur euro euros
    dollars percent años días meses semanas horas anos dias semanas ans jours mois semaines
    heures jahre jahren tage tagen monate monaten wochen stunden лет года дней месяцев
    недель часов"""
)
# A model number: letters then a digit ("X96", "GU10", "TX3-Mini"), not part of a word.
_MODEL = re.compile(
    r"(?<![A-Za-z0-9@./-])[A-Za-z]{1,8}\d[A-Za-z0-9]*(?:-[A-Za-z0-9]+)*(?![A-Za-z0-9@-])"
)
_NOT_MODEL = re.compile(
    r"(?i:usd|eur|rmb|cny|gbp|us|no|nr|q|h|fy|tel|fax|ext|ref|id|po|pi|b|p|covid|iso|top)\d.*"
)
_SPEC = re.compile(
    r"(?<![A-Za-z0-9.])\d+(?:[.,]\d+)?\s*(?:mah|kwh|wh|kw|w|kva|kv|v|ma|mm²|mm2|mm|cm|m|inch(?:es)?|"
    r"\"|ft|gb|tb|mb|ghz|mhz|hz|lm|lux|k|kg|g|ml|l|°c|db|dbi|rpm|bar|psi|mpa|awg|p|ah|"
    r"lbs?|oz|mbps|gbps|cores?|ports?|pins?)(?![a-zа-я])|\d+\s*[x×*]\s*\d+"
    r"|\bip\s?[1-6]\d\b|\b(?:cat\s?[5-8]e?|usb\s?[1-4](?:\.\d)?|android\s?\d+)\b"
    r"|^\s*(?:spec(?:ification)?s?|size|dimensions?|colou?r|material|voltage|power|capacity|"
    r"model|especificaci\w+|tamaño|medidas|especifica\w+|tamanho|cor|spécification\w*|"
    r"taille|couleur|tension|puissance|spezifikation\w*|größe|farbe|spannung|leistung|"
    r"характеристик\w*|размер|цвет|напряжение|мощность|规格|型号|尺寸|颜色|材质|功率|电压)"
    r"\s*[:：]\s*\S",
    re.I | re.M,
)
_LEGAL_FORM = re.compile(
    r"(?<!\w)(?:(?i:gmbh|co\.?,?\s*ltd\.?|ltd\.?|limited|llc|l\.l\.c\.|inc\.?|corp\.?|"
    r"corporation|s\.a\.|s\.l\.|s\.r\.l\.|s\.p\.a\.|ltda\.?|sarl|s\.a\.r\.l\.|b\.v\.|"
    r"n\.v\.|pty\.?\s*ltd|pvt\.?\s*ltd|sdn\.?\s*bhd|plc|sp\.\s*z\s*o\.\s*o\.|s\.r\.o\.)"
    r"|AG|KG|SA|SL|SRL|SpA|BV|NV|AB|Oy|SAS|ООО|ОАО|ЗАО|ПАО|АО|ИП|ТОО)(?!\w)"
    r"|有限公司|公司|株式会社"
)
_COMPANY_FIELD = re.compile(
    r"^\s*(?:company|empresa|firma|société|azienda|компания|организация|公司(?:名称)?)\s*[:：]\s*\S",
    re.I | re.M,
)
_PHONE = re.compile(r"\+?\d[\d\s().-]{6,}\d")


def check_inquiry(
    subject: str, new_text: str, signature: str, sender_email: str | None
) -> InquiryCheck:
    """SPEC §6: a valid inquiry names a product (a product noun phrase or a model number,
    not just "your products"), a quantity or a specification (units, containers, sizes,
    ratings, a model number, a "Specification:" field, a count of things such as "300
    lamps"), and an identifiable buyer (a
    company name or legal form in the signature or text, a sender domain that is not
    freemail or a marketplace, or a signature of two lines or more with a phone)."""
    text = f"{subject}\n{new_text}"
    models = [m for m in _MODEL.findall(text) if not _NOT_MODEL.fullmatch(m)]
    missing: list[str] = []
    if not models and not _names_product(text):
        missing.append("product")
    if not models and not any(quantities(text)) and not _SPEC.search(text) and not _counted(text):
        missing.append("quantity_or_spec")
    if not _has_buyer(new_text, signature, sender_email):
        missing.append("buyer")
    return InquiryCheck(not missing, tuple(missing))


def _counted(text: str) -> bool:
    """True for "300 lampes", "2,000 bulbs": a count of things (not of years or dollars)."""
    return any(m[2].casefold() not in _NOT_COUNTED for m in _COUNT.finditer(text))


def _names_product(text: str) -> bool:
    for cue in _PRODUCT_CUE.finditer(text):
        following = _CONTINUATION.match(text, cue.end())
        if following is None:
            continue
        phrase = _LEADING_QUANTITY.sub("", following.group().strip())
        if CJK.match(phrase):
            if len(phrase) >= 2 and not any(phrase.startswith(g) for g in GENERIC_CJK):
                return True
            continue
        for word in _WORD.findall(phrase.casefold()):
            if word not in GENERIC_WORDS:
                return True
    return False


def _has_buyer(new_text: str, signature: str, sender_email: str | None) -> bool:
    if _LEGAL_FORM.search(signature) or _LEGAL_FORM.search(new_text):
        return True
    if _COMPANY_FIELD.search(signature) or _COMPANY_FIELD.search(new_text):
        return True
    domain = (sender_email or "").rpartition("@")[2].strip().rstrip(".").casefold()
    labels = domain.split(".")
    if (
        len(labels) >= 2
        and all(labels)
        and not (
            domain in FREEMAIL_DOMAINS
            or labels[0] in FREEMAIL_BRANDS
            or any(domain == d or domain.endswith("." + d) for d in MARKETPLACE_DOMAINS)
        )
    ):
        return True
    lines = [line for line in signature.splitlines() if line.strip()]
    return len(lines) >= 2 and bool(_PHONE.search(signature))
