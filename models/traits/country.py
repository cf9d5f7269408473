"""``country``: where the buyer is, as ISO 3166-1 alpha-2, from every signal a message holds.

The customer's own mail counts (an outbound message carries *our* signature and address),
except for one thing our mail states about them: the place of destination of the goods.
Signals, strongest first (the profile adds them up over distinct evidence, so agreeing
signals win and a line repeated in every signature counts once):

- a labelled field ("Country: Kenya", "Country/Region", "País", "Ülke", "Страна", "国家"),
  as web forms, marketplace notifications and some signatures print it — 0.8;
- a country name on an address-like line of the signature ("Berlin, Germany",
  "Москва, Россия", "中国广东省深圳市") — 0.7, or of the new text (a signature the parser
  left in the body: the name ends a line that holds a comma or a digit) — 0.6;
- the international prefix of a phone number (+49 → DE) in the signature (0.6) or the new
  text (0.5); +1 is Canada or a Caribbean state by its area code, else the United States
  with a weak 0.3; +7 is Kazakhstan for 6xx/7xx numbers, else Russia;
- a country named with a self-location cue ("we are based in Spain", "greetings from
  Kenya", "somos de Chile", "мы из России", "来自德国") — 0.55;
- the place of destination: a country after "destination", "port of discharge",
  "delivery to" … or after a C- or D-rule Incoterm (which names the destination; "CIF
  Mombasa, Kenya") — 0.5, in either direction (our quotation states it too);
- the customer's address's country code top-level domain (``.de``, ``.com.tr``, ``.co.uk``)
  — 0.3, only 0.15 at a freemail provider (``yahoo.fr``, ``mail.ru``); generic and vanity
  TLDs (``.com``, ``.io``, ``.co`` …) give nothing. For a notification the address is the
  buyer's (``TraitInput.customer_email``), never the platform's;
- a currency only one country uses, in their words ("our customers pay in PHP") — 0.3.

The weakest hint, the language the customer writes in, is the profile's to add (it knows
all their mail): see :mod:`models._profile_traits`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence

from models.lexicon import Rule, once, rules
from models.traits._countries import (
    CALLING_CODES,
    COUNTRY_NAMES,
    CURRENCY_COUNTRIES,
    FREEMAIL_BRANDS,
    NANP_AREAS,
    NON_COUNTRY_TLDS,
    cldr_country_names,
)
from models.traits.base import Found, TraitHit, TraitInput, hit_at, outermost
from models.traits.vocab import COUNTRIES

__all__ = ["RULES", "collect", "country_of_name", "country_of_phone"]


def _rules() -> tuple[Rule, ...]:
    """The hand-written names, then the CLDR names they do not already hold, as optional
    rules (one whose word a stem covers, "Германия" beside "Германи*", is left out)."""
    found: list[Rule] = []
    seen: set[str] = set()
    for code, spelled in COUNTRY_NAMES.items():
        for rule in rules("country:" + code, 0.7, spelled):
            seen.add(rule.phrase.casefold())
            found.append(rule)
    for code, names in cldr_country_names().items():
        for name in names:
            if code in COUNTRIES and name.casefold() not in seen:
                seen.add(name.casefold())
                found.append(Rule("country:" + code, 0.7, name, optional=True))
    return tuple(found)


RULES: tuple[Rule, ...] = _rules()

_PHONE = re.compile(r"(?:\+|(?<![\d.])00(?=[1-9]))[\s(]*(\d[\d\s().\-/]{5,22}\d)")
_ADDRESS_MARK = re.compile(
    r"[\d,|•·/，省市区县路号街]|^\W*(?:add(?:ress)?|country|dirección|endereço|adresse|"
    r"anschrift|land|país|pays|адрес|страна|地址|国家)",
    re.I,
)
_CAPITALISED_WORD = re.compile(r"\s+[A-Z][a-z]")
_BASED = re.compile(
    r"(?:\b(?:based in|located in|headquartered in|we are from|i am from|i'm from|"
    r"we're from|company from|greetings from|regards from|writing from|here in|"
    r"somos de|estamos en|ubicad[oa]s? en|saludos desde|somos do|somos da|estamos em|"
    r"localizad[oa]s? em|sediad[oa]s? em|saudações d[eoa]|basée? en|basés en|situé\w* en|"
    r"nous sommes en|nous sommes au|salutations d[eu]|aus|mit sitz in|ansässig in|"
    r"grüße aus|мы из|находимся в|компания из|привет из|siamo in|con sede in|"
    r"saluti da)|来自|位于|我们是)\s*(?:the\s+)?$"
)
_DESTINATION = re.compile(
    r"(?:\b(?:destination|destination port|port of destination|port of discharge|"
    r"final destination|discharge port|pod|delivery to|delivered to|shipment to|"
    r"shipment will be to|freight to|freight cost to|cfr|cif|cpt|cip|dap|dpu|ddp|c&f|cnf|"
    r"destino|puerto de destino|entrega en|envío a|destino final|porto de destino|"
    r"entrega em|livraison à|livraison en|port de destination|lieferung nach|"
    r"bestimmungshafen|zielhafen|порт назначения|доставка в|назначения|"
    r"varış limanı|teslim yeri)\b|目的港|交货地)\W{0,3}(?:(?:is|es|é|est|ist|:)\s+)?"
    r"(?:\w[\w'.-]*\s*[,(/-]?\s*){0,3}$",
    re.I,
)
_FIELD = re.compile(
    r"^[ \t>*-]*(?:country(?:/region)?|country of destination|país|pais|pays|land|"
    r"страна|国家|ülke|paese|البلد|الدولة|nazione)[ \t]*[:：][ \t]*(?P<value>[^\n,;|]{2,40})",
    re.I | re.M,
)
_CURRENCY = re.compile(r"(?<![A-Za-z])(?P<code>[A-Z]{3})(?![A-Za-z])")
_CURRENCY_CUE = re.compile(
    r"\b(?:in|pay|paid|prices?|price list|local currency|quote|currency|en|em|monnaie|"
    r"moneda|moeda|währung|валют\w*|в)\b",
    re.I,
)


def country_of_phone(digits: str) -> tuple[str, float] | None:
    """The country of an international number given as its digits after ``+`` (or ``00``),
    with how sure that is; ``None`` for no known calling code."""
    if digits.startswith("1"):
        area = NANP_AREAS.get(digits[1:4])
        return (area, 0.55) if area else ("US", 0.3)
    if digits.startswith("7"):
        return ("KZ", 0.55) if digits[1:2] in {"6", "7"} else ("RU", 0.6)
    for size in (3, 2):
        code = CALLING_CODES.get(digits[:size])
        if code is not None:
            return code, 0.6
    return None


@once
def _names() -> Mapping[str, str]:
    """Every country name the rules know (stems left out), casefolded, to its code."""
    return {
        rule.phrase.casefold(): rule.key.partition(":")[2]
        for rule in RULES
        if not rule.phrase.endswith("*")
    }


def country_of_name(text: str) -> str | None:
    """The ISO code of the country ``text`` names (a whole name, any known language or
    spelling, case and outer punctuation ignored), else ``None``."""
    return _names().get(text.strip(" \t.:;()[]\"'").casefold())


def collect(message: TraitInput, found: Sequence[Found]) -> Iterator[TraitHit]:
    """Countries the message's fields, names, phones, destination, domain and currency
    point to (see the module docstring)."""
    inbound = message.direction == "inbound"
    for item in outermost(f for f in found if f.family == "country"):
        if item.field == "subject":
            continue
        if _DESTINATION.search(item.before(40)):
            yield item.hit("country", item.value, 0.5)
        elif not inbound:
            continue
        elif item.field == "signature" and _is_address(item):
            yield item.hit("country", item.value, item.match.weight)
        elif item.field == "text" and _BASED.search(item.before(32)):
            yield item.hit("country", item.value, 0.55)
        elif item.field == "text" and _ends_address_line(item):
            yield item.hit("country", item.value, 0.6)
    if not inbound:
        return
    for text in (message.new_text, message.signature):
        yield from _labelled(text)
    yield from _phones(message.signature, 1.0)
    yield from _phones(message.new_text, 5 / 6)
    yield from _domain(message.customer_email)
    yield from _currencies(message.new_text)


def _labelled(text: str) -> Iterator[TraitHit]:
    for field in _FIELD.finditer(text):
        code = country_of_name(field["value"])
        if code is not None:
            yield hit_at("country", code, 0.8, text, field.start(), field.end())


def _phones(text: str, factor: float) -> Iterator[TraitHit]:
    for phone in _PHONE.finditer(text):
        digits = re.sub(r"\D", "", phone.group(1))
        country = country_of_phone(digits) if 8 <= len(digits) <= 15 else None
        if country is not None:
            score = country[1] * factor
            yield hit_at("country", country[0], score, text, phone.start(), phone.end())


def _domain(address: str | None) -> Iterator[TraitHit]:
    email = (address or "").strip()
    domain = email.rpartition("@")[2].rstrip(".").casefold()
    tld = domain.rpartition(".")[2]
    if "@" not in email or len(tld) != 2 or tld in NON_COUNTRY_TLDS:
        return
    code = "GB" if tld == "uk" else tld.upper()
    if code in COUNTRIES:
        freemail = domain.partition(".")[0] in FREEMAIL_BRANDS
        yield hit_at("country", code, 0.15 if freemail else 0.3, email, 0, len(email))


def _currencies(text: str) -> Iterator[TraitHit]:
    for match in _CURRENCY.finditer(text):
        code = CURRENCY_COUNTRIES.get(match["code"])
        before = text[max(0, match.start() - 24) : match.start()]
        if code is not None and _CURRENCY_CUE.search(before):
            yield hit_at("country", code, 0.3, text, match.start(), match.end())


# A sentence inside the line ("… lower. Compared to Malaysia"): not an address.
_SENTENCE_IN = re.compile(r"[.!?]\s+[A-ZÀ-ÖА-ЯЁ][a-zà-öа-яё]+\s+[a-zà-öа-яё]")


def _line(item: Found) -> tuple[str, int]:
    """The line of ``item``'s text around the match, and where it starts."""
    text, start, end = item.text, item.match.start, item.match.end
    left = text.rfind("\n", 0, start) + 1
    right = text.find("\n", end)
    return text[left : len(text) if right < 0 else right], left


def _is_address(item: Found) -> bool:
    """True when the match sits on an address-like line of the signature: one holding a
    digit, comma or separator, a label such as "Address:", or nothing but the name."""
    line, left = _line(item)
    start, end = item.match.start, item.match.end
    if line[: start - left].strip(" \t>*-") == "" and _CAPITALISED_WORD.match(item.text, end):
        return False  # "Jordan Smith": a name that starts the line
    rest = line.replace(item.phrase, "", 1)
    return not rest.strip(" \t.;:-()") or bool(_ADDRESS_MARK.search(line))


def _ends_address_line(item: Found) -> bool:
    """True when the name ends its line of the new text ("…, 41200 Klang, Malaysia") and
    the line is address-like: short, with a comma or a digit before the name."""
    line, left = _line(item)
    head = line[: item.match.start - left]
    tail = line[item.match.end - left :]
    return (
        len(line) <= 120
        and tail.strip(" \t.;)") == ""
        and bool(re.search(r"[\d,，]", head))
        and not _SENTENCE_IN.search(head)
    )
