"""``country``: where the buyer is, as ISO 3166-1 alpha-2.

Only inbound messages count: an outbound message carries *our* signature and address.
Sources, strongest first:

- a country name on an address-like line of the signature ("Berlin, Germany",
  "Deutschland", "Москва, Россия", "中国广东省深圳市") — 0.7;
- the international phone prefix of a number in the signature (+49 → DE): 0.6; +1 is
  Canada or a Caribbean state by its area code, else the United States with a weak 0.3;
  +7 is Kazakhstan for 6xx/7xx numbers, else Russia;
- a country named with a self-location cue in the new text ("we are based in Spain",
  "somos de Chile", "мы из России", "来自德国") — 0.55;
- the sender's country-code top-level domain (``.de`` → DE, ``.co.uk`` → GB): 0.3;
  generic and vanity TLDs (``.com``, ``.io``, ``.co``, ``.eu`` …) give nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from models.lexicon import Rule, rules
from models.traits._countries import CALLING_CODES, COUNTRY_NAMES, NANP_AREAS, NON_COUNTRY_TLDS
from models.traits.base import Found, TraitHit, TraitInput, hit_at, outermost
from models.traits.vocab import COUNTRIES

__all__ = ["RULES", "collect", "country_of_phone"]

RULES: tuple[Rule, ...] = tuple(
    rule for code, names in COUNTRY_NAMES.items() for rule in rules("country:" + code, 0.7, names)
)

_PHONE = re.compile(r"(?:\+|(?<![\d.])00(?=[1-9]))[\s(]*(\d[\d\s().\-/]{5,22}\d)")
_ADDRESS_MARK = re.compile(
    r"[\d,|•·/，省市区县路号街]|^\W*(?:add(?:ress)?|country|dirección|endereço|adresse|"
    r"anschrift|land|país|pays|адрес|страна|地址|国家)",
    re.I,
)
_CAPITALISED_WORD = re.compile(r"\s+[A-Z][a-z]")
_BASED = re.compile(
    r"(?:\b(?:based in|located in|headquartered in|we are from|i am from|i'm from|"
    r"we're from|company from|somos de|estamos en|ubicad[oa]s? en|somos do|somos da|"
    r"estamos em|localizad[oa]s? em|sediad[oa]s? em|basée? en|basés en|situé\w* en|"
    r"nous sommes en|nous sommes au|aus|mit sitz in|ansässig in|мы из|находимся в|"
    r"компания из)|来自|位于|我们是)\s*(?:the\s+)?$"
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


def collect(message: TraitInput, found: Sequence[Found]) -> Iterator[TraitHit]:
    """Countries the sender's signature, phone number, words or domain point to."""
    if message.direction != "inbound":
        return
    for item in outermost(f for f in found if f.family == "country"):
        if item.field == "signature" and _is_address(item):
            yield item.hit("country", item.value, item.match.weight)
        elif item.field == "text" and _BASED.search(item.before(32)):
            yield item.hit("country", item.value, 0.55)
    signature = message.signature
    for phone in _PHONE.finditer(signature):
        digits = re.sub(r"\D", "", phone.group(1))
        country = country_of_phone(digits) if 8 <= len(digits) <= 15 else None
        if country is not None:
            yield hit_at("country", country[0], country[1], signature, phone.start(), phone.end())
    sender = (message.sender_email or "").strip()
    tld = sender.rpartition("@")[2].rstrip(".").rpartition(".")[2].casefold()
    if "@" in sender and len(tld) == 2 and tld not in NON_COUNTRY_TLDS:
        code = "GB" if tld == "uk" else tld.upper()
        if code in COUNTRIES:
            yield hit_at("country", code, 0.3, sender, 0, len(sender))


def _is_address(item: Found) -> bool:
    """True when the match sits on an address-like line of the signature: one holding a
    digit, comma or separator, a label such as "Address:", or nothing but the name."""
    text, start, end = item.text, item.match.start, item.match.end
    left = text.rfind("\n", 0, start) + 1
    right = text.find("\n", end)
    line = text[left : len(text) if right < 0 else right]
    if line[: start - left].strip(" \t>*-") == "" and _CAPITALISED_WORD.match(text, end):
        return False  # "Jordan Smith": a name that starts the line
    rest = line.replace(item.phrase, "", 1)
    return not rest.strip(" \t.;:-()") or bool(_ADDRESS_MARK.search(line))
