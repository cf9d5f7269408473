"""Whether an inquiry is a valid one (SPEC §6): it names a product, a quantity or a
specification, and an identifiable buyer; :func:`check_inquiry` names what is missing.

Pure and multilingual (the patterns are in :mod:`models._inquiry_rules`). The check reads
what the buyer wrote: a marketplace's or web form's own words (its name, its layout) are
no product of theirs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

from models._inquiry_rules import (
    COMPANY_LABELS,
    CONTINUATION,
    COUNT,
    FIELD,
    FREEMAIL_BRANDS,
    FREEMAIL_DOMAINS,
    GENERIC_CJK,
    GENERIC_WORDS,
    LEADING_QUANTITY,
    LEGAL_FORM,
    MODEL,
    NAME_LINE,
    NOT_COUNTED,
    NOT_MODEL,
    PHONE,
    PRODUCT_CUE,
    PRODUCT_LABELS,
    QUANTITY_LABELS,
    SELF_INTRODUCTION,
    SPEC,
    WORD,
    YEAR,
)
from models.lexicon import CJK, word_set
from models.traits.lead_source import MARKETPLACE_DOMAINS
from models.traits.volume import quantities

__all__ = ["InquiryCheck", "check_inquiry"]

# Words of a request that name nothing ("we need 500 pcs", "please send the price").
_REQUEST_WORDS = word_set(
    """need needs require required want wants would like could can please send quote offer
    provide advise give have has are was were will shall this that with what which also
    only each per total approx approximately around about kindly dear hello thanks thank
    regards following below above attached necesitamos queremos quisiéramos favor envíen
    precisamos gostaríamos nous voudrions besoin pouvez brauchen benötigen bitte möchten
    нужно нужны просим прошу пришлите ihtiyacımız lütfen"""
)
# First words of a line that is a greeting or a closing, not a name ("Best Regards").
_NOT_A_NAME = word_set(
    """best kind warm warmest regards thanks thank many sincerely yours cordially greetings
    cheers dear hello hi good hola estimado estimada estimados saludos atentamente
    cordialmente muchas olá prezado prezada atenciosamente abraços bonjour cher chère
    cordialement salutations hallo sehr liebe lieber mit freundliche beste viele ciao
    gentile cordiali distinti здравствуйте уважаемый уважаемая добрый с спасибо merhaba
    sayın iyi saygılarımla teşekkürler"""
)
_SIGNATURE_TAIL_LINES = 8
_MAX_TITLE_WORDS = 6
_PHONE_DIGITS = 8
_EMPTY_VALUES = frozenset({"", "-", "--", "n/a", "na", "none", "nil", "/", "."})


@dataclass(frozen=True, slots=True)
class InquiryCheck:
    """Whether an inquiry is valid, and which of ``product``, ``quantity_or_spec`` and
    ``buyer`` it lacks (in that order)."""

    value: bool
    missing: tuple[str, ...]


def check_inquiry(
    subject: str,
    new_text: str,
    signature: str,
    sender_email: str | None,
    *,
    relayed_by: str | None = None,
) -> InquiryCheck:
    """SPEC §6 for one message: ``sender_email`` is the buyer's address (for a marketplace
    or web-form notification, the buyer it carries; ``relayed_by`` is then the address the
    notification came from, whose name is no product).

    - a *product*: a model number, a product named after a request ("interested in ball
      valves", "нужны насосы"), a labelled ``Product:`` field, or an item line that gives a
      quantity or a rating next to what it is ("pressure booster set … – 2 sets"); not
      "your products" or "price list";
    - a *quantity or specification*: quantities with units, sizes and ratings ("DN50",
      "7.5 kW", "3/4\\"", "600x600"), a model number, a ``Specification:`` or
      ``Quantity:`` field with a figure, a count of things ("300 lamps");
    - an identifiable *buyer*: a company (a legal form, a ``Company:`` field), an address
      at a company's own domain (not freemail, not a marketplace), a signature with a name
      and a title or phone, or a buyer who introduces their business ("we are a
      distributor", "nuestra empresa", "мы — компания", "我们是")."""
    body, tail = _signature_tail(new_text)
    text = f"{subject}\n{body}"
    fields = _fields(new_text)
    platform = _names_of(relayed_by)
    models = [m for m in MODEL.findall(text) if not _not_a_model(m, platform)]
    missing: list[str] = []
    if not (models or _names_product(text) or _product_field(fields) or _item_line(text)):
        missing.append("product")
    if not (models or _quantity_or_spec(text) or _quantity_field(fields)):
        missing.append("quantity_or_spec")
    if not _has_buyer(new_text, (*signature.splitlines(), *tail), sender_email, fields):
        missing.append("buyer")
    return InquiryCheck(not missing, tuple(missing))


def _fields(text: str) -> dict[str, str]:
    """The ``Label: value`` lines of ``text`` (first value per casefolded label)."""
    found: dict[str, str] = {}
    for match in FIELD.finditer(text):
        found.setdefault(match[1].strip().casefold(), match[2].strip())
    return found


def _names_of(address: str | None) -> frozenset[str]:
    """The name labels of an address's domain: ``inquiry@ec21.com`` → ``{"ec21"}``."""
    domain = (address or "").rpartition("@")[2].casefold()
    return frozenset(label for label in domain.split(".")[:-1] if len(label) > 2)


def _not_a_model(token: str, platform: frozenset[str]) -> bool:
    return NOT_MODEL.fullmatch(token) is not None or token.casefold() in platform


def _product_field(fields: dict[str, str]) -> bool:
    return any(
        _content_words(value)
        for label, value in fields.items()
        if label.split()[0] in PRODUCT_LABELS or label.split()[-1] in PRODUCT_LABELS
    )


def _quantity_field(fields: dict[str, str]) -> bool:
    return any(
        any(ch.isdigit() for ch in value)
        for label, value in fields.items()
        if label.split()[0] in QUANTITY_LABELS
    )


def _quantity_or_spec(text: str) -> bool:
    return any(quantities(text)) or SPEC.search(text) is not None or _counted(text)


def _counted(text: str) -> bool:
    """True for "300 lampes", "2,000 bulbs": a count of things on one line (not of years
    or dollars, not a year, a phone number or a street number)."""
    for match in COUNT.finditer(text):
        number, noun = match[1], match[2]
        if noun.casefold() in NOT_COUNTED or YEAR.fullmatch(number) or noun[0].isupper():
            continue
        return True
    return False


def _names_product(text: str) -> bool:
    for cue in PRODUCT_CUE.finditer(text):
        following = CONTINUATION.match(text, cue.end())
        if following is None:
            continue
        phrase = LEADING_QUANTITY.sub("", following.group().strip())
        if CJK.match(phrase):
            if len(phrase) >= 2 and not any(phrase.startswith(g) for g in GENERIC_CJK):
                return True
            continue
        if _content_words(phrase):
            return True
    return False


def _item_line(text: str) -> bool:
    """True when a line gives a quantity or a rating next to at least two words that say
    what the item is ("1) brass ball valve, full bore – 140 piezas")."""
    for line in text.splitlines():
        field = FIELD.match(line)
        if field is not None and field[1].strip().casefold().split()[0] in QUANTITY_LABELS:
            continue
        if _quantity_or_spec(line) and len(_content_words(line)) >= 2:
            return True
    return False


def _content_words(phrase: str) -> list[str]:
    words = WORD.findall(phrase.casefold())
    return [w for w in words if w not in GENERIC_WORDS and w not in _REQUEST_WORDS]


def _signature_tail(text: str) -> tuple[str, list[str]]:
    """``text`` without the run of short lines that ends it (a signature the splitter left
    in: a name, a title, an address; not an item with its quantity), and those lines."""
    lines = text.rstrip().splitlines()
    cut = len(lines)
    while cut > 0 and _signature_line(lines[cut - 1].strip()):
        cut -= 1
    if len(lines) - cut > _SIGNATURE_TAIL_LINES:
        cut = len(lines) - _SIGNATURE_TAIL_LINES
    return "\n".join(lines[:cut]), [line for line in lines[cut:] if line.strip()]


def _signature_line(line: str) -> bool:
    return not line or (_is_short_line(line) and not _quantity_or_spec(line))


def _has_buyer(
    new_text: str, signature: tuple[str, ...], sender_email: str | None, fields: dict[str, str]
) -> bool:
    if LEGAL_FORM.search(new_text) or any(LEGAL_FORM.search(line) for line in signature):
        return True
    if any(
        label in COMPANY_LABELS and value.casefold() not in _EMPTY_VALUES
        for label, value in fields.items()
    ):
        return True
    if _business_domain(sender_email):
        return True
    return SELF_INTRODUCTION.search(new_text) is not None or _signed(signature)


def _business_domain(email: str | None) -> bool:
    domain = (email or "").rpartition("@")[2].strip().rstrip(".").casefold()
    labels = domain.split(".")
    return (
        len(labels) >= 2
        and all(labels)
        and not (
            domain in FREEMAIL_DOMAINS
            or labels[0] in FREEMAIL_BRANDS
            or any(domain == d or domain.endswith("." + d) for d in MARKETPLACE_DOMAINS)
        )
    )


def _signed(lines: tuple[str, ...]) -> bool:
    """A signature that names its author: two lines or more with a phone number, or a
    name line followed by a short line (a title, a company)."""
    kept = [line.strip() for line in lines if line.strip()]
    if len(kept) >= 2 and any(_is_phone(m.group()) for m in PHONE.finditer("\n".join(kept))):
        return True
    for name, after in pairwise(kept):
        first = name.split()[0].casefold() if name.split() else ""
        if NAME_LINE.fullmatch(name) and first not in _NOT_A_NAME and _is_short_line(after):
            return True
    return False


def _is_phone(found: str) -> bool:
    return sum(ch.isdigit() for ch in found) >= _PHONE_DIGITS


def _is_short_line(line: str) -> bool:
    return len(line.split()) <= _MAX_TITLE_WORDS and not re.search(r"[.!?:]$", line)
