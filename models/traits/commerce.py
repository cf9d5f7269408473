"""``incoterm``, ``payment_terms`` and ``certifications``: the commercial terms named.

These come from either direction (the quotation we send names its Incoterm) and from
subject and new text, never from signatures (ours list certifications we hold).

- Incoterms: a code written in capitals ("FOB Shenzhen") is strong; in lower or mixed
  case ("fob") it counts only beside a price, port or terms word, and never as a "key fob".
  FCA, CPT, CIP, FAS, DPU and the old DAT, DDU, CNF are common acronyms too ("the FCA",
  "REQ.DAT"): they need that context even in capitals. Spelled-out rules count in any case
  ("free on board", "ex works", "ab Werk", "到岸价"). Token boundaries keep "CIF" inside a
  word from counting.
- Payment terms: T/T, wire transfer … → ``tt``; L/C, letter of credit → ``lc``; D/P →
  ``dp``; D/A → ``da``; PayPal; Western Union; net 30/60, O/A, open account →
  ``open_account``; a deposit weakly suggests ``tt``. Bare "TT" and "LC" count only in
  capitals; "LC", D/P, D/A and O/A ("D/A converter") only beside a payment word.
- Certifications: short codes count only as written in capitals ("CE", not the French
  "ce"), not inside a run of capitalised words ("CE PRODUIT EST …"); the rarer two- and
  three-letter codes need a certification word or another certification nearby.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from models.lexicon import Rule, rules, word_set
from models.traits.base import Found, TraitHit, TraitInput, hit_at, outermost

__all__ = ["RULES", "collect"]

# Incoterm codes as written, with the old or informal ones mapped to the 2020 rules.
_CODES = {
    **{c.casefold(): c for c in word_set("EXW FCA FAS FOB CFR CIF CPT CIP DAP DPU DDP")},
    "c&f": "CFR", "cnf": "CFR", "ddu": "DAP", "dat": "DPU",
}  # fmt: skip
RULES: tuple[Rule, ...] = (
    *(rule for code, value in _CODES.items() for rule in rules("incoterm:" + value, 0.8, code)),
    *rules("incoterm:EXW", 0.85, "ex works|ex - works|exworks|ab werk|en fábrica|ex fábrica|"
           "franco fábrica|départ usine|франко - завод|出厂价"),
    *rules("incoterm:FCA", 0.85, "free carrier|franco transportista|franco transporteur|"
           "frei frachtführer"),
    *rules("incoterm:FAS", 0.85, "free alongside ship"),
    *rules("incoterm:FOB", 0.85, "free on board|franco a bordo|franco à bord|frei an bord|"
           "离岸价"),
    *rules("incoterm:CFR", 0.85, "cost and freight|coste y flete|custo e frete|coût et fret|"
           "kosten und fracht"),
    *rules("incoterm:CIF", 0.85, "cost insurance and freight|cost , insurance and freight|"
           "coste , seguro y flete|custo , seguro e frete|coût , assurance et fret|"
           "kosten , versicherung und fracht|到岸价"),
    *rules("incoterm:CPT", 0.85, "carriage paid to|porte pagado hasta|port payé jusqu'à"),
    *rules("incoterm:CIP", 0.85, "carriage and insurance paid|carriage and insurance paid to"),
    *rules("incoterm:DAP", 0.85, "delivered at place|entregada en lugar|rendu au lieu"),
    *rules("incoterm:DPU", 0.85, "delivered at place unloaded"),
    *rules("incoterm:DDP", 0.85, "delivered duty paid|entregada derechos pagados|"
           "rendu droits acquittés|geliefert verzollt|完税后交货"),
    *rules("payment_terms:tt", 0.8, "telegraphic transfer|wire transfer|bank transfer|"
           "transferencia bancaria|transferência bancária|virement bancaire|banküberweisung|"
           "überweisung|банковский перевод|банковским переводом|电汇"),
    *rules("payment_terms:tt", 0.4, "deposit|depósito|anticipo|acompte|anzahlung|"
           "предоплат*|定金|订金|预付款"),
    *rules("payment_terms:lc", 0.8, "letter of credit|letters of credit|"
           "carta de crédito|carta de credito|lettre de crédit|crédit documentaire|"
           "akkreditiv*|аккредитив*|信用证"),
    *rules("payment_terms:dp", 0.8, "documents against payment|documentos contra pago|"
           "documents contre paiement|dokumente gegen zahlung|付款交单"),
    *rules("payment_terms:da", 0.8, "documents against acceptance|"
           "documentos contra aceptación|documents contre acceptation|承兑交单"),
    *rules("payment_terms:paypal", 0.8, "paypal*|贝宝"),
    *rules("payment_terms:western_union", 0.8, "western union|westernunion|西联汇款|西联"),
    *rules("payment_terms:open_account", 0.75, "open account|net 30|net 45|net 60|"
           "net 90|net30|net45|net60|net90|30 days credit|60 days credit|90 days credit|"
           "cuenta abierta|crédito a 30 días|crédito a 60 días|pago a 30 días|"
           "pago a 60 días|prazo de 30 dias|prazo de 60 dias|à 30 jours|à 60 jours|"
           "zahlungsziel|30 tage netto|60 tage netto|отсрочка платежа|отсрочкой платежа|"
           "账期|月结|赊账"),
    *(
        rule
        for value, phrases in {
            "CE": "ce|ce mark|ce marking|marcado ce|marquage ce|marcação ce|ce认证",
            "RoHS": "rohs*|rohs认证", "FCC": "fcc|fcc认证", "UL": "ul|ul listed",
            "ETL": "etl", "SAA": "saa", "CB": "cb|cb scheme", "GS": "gs|gs mark",
            "TÜV": "tüv*|tuv*", "ErP": "erp", "ENEC": "enec", "DLC": "dlc",
            "Energy Star": "energy star|energystar", "ISO 9001": "iso 9001|iso9001",
            "ISO 14001": "iso 14001|iso14001", "REACH": "reach", "BIS": "bis", "SASO": "saso",
            "CCC": "ccc|3c认证", "KC": "kc", "PSE": "pse", "EMC": "emc", "LVD": "lvd",
            "IEC": "iec", "UKCA": "ukca", "CSA": "csa", "FDA": "fda", "EAC": "eac",
            "INMETRO": "inmetro", "ANATEL": "anatel", "NOM": "nom", "RCM": "rcm",
            "WEEE": "weee", "BSMI": "bsmi", "SIRIM": "sirim",
        }.items()
        for rule in rules("certifications:" + value, 0.7, phrases)
    ),
)  # fmt: skip

_INCOTERM_CONTEXT = re.compile(
    r"\b(?:prices?|terms?|incoterms?|ports?|shanghai|shenzhen|ningbo|qingdao|xiamen|"
    r"guangzhou|tianjin|yiwu|hong ?kong|basis|usd|eur|quot\w*|precio|preço|prix|preis|"
    r"цен\w*|cotiza\w*|cotaç\w*|devis|angebot|fob|cif|exw|cfr|ddp|dap)\b|us\$|\$|€|价"
)
# Codes that are common acronyms too (the FCA, CPT codes, .DAT files): context even in capitals.
_AMBIGUOUS_CODES = word_set("fca fas cpt cip dpu dat ddu cnf")
_KEY_FOB = re.compile(r"\b(?:key|remote|car|smart|rfid|nfc|llavero|proximity)\W*$")
# T/T, L/C, D/P, D/A, O/A in any case and spacing; bare TT and LC in capitals only
# (regular expressions: the tokenizer reads "L/C." as "L", "/", "C." and "30%TT" as one word).
_PAYMENT_CODE = re.compile(
    r"(?<![A-Za-z/])(?:(?P<pair>[TtLlDdOo]\s?/\s?[TtCcPpAa])|(?P<bare>TT|LC))(?![A-Za-z])"
)
_PAIRS = {"tt": "tt", "lc": "lc", "dp": "dp", "da": "da", "oa": "open_account"}
_PAYMENT_CONTEXT = re.compile(
    r"\b(?:pay\w*|sight|irrevocable|usance|bank|days?|terms?|pago|pagamento|paiement|"
    r"zahlung|оплат\w*)\b|付款"
)
_CERT_CONTEXT = re.compile(
    r"certif|zertifi|сертифик|认证|证书|approv|complian|conform|standard|norma|norme|\bnorm\b|"
    r"\bmark|listed|tested|homolog|registr|регистрац|标准|directive|richtlinie|directiva"
)
# Codes that must be written as here; the second set also needs certification context.
_EXACT = word_set("CE UL ETL SAA CB GS DLC REACH BIS CCC KC PSE EMC LVD IEC CSA FDA EAC NOM RCM")
_NEEDS_CONTEXT = _EXACT - {"CE", "UL", "REACH", "CCC"}
_CAPS_WORD = re.compile(r"[A-Z][A-Z]+")


def collect(message: TraitInput, found: Sequence[Found]) -> Iterator[TraitHit]:
    """Incoterms, payment terms and certifications named in the subject or new text, in
    either direction."""
    for text in (message.subject, message.new_text):
        if "/" in text or "TT" in text or "LC" in text:
            yield from _payment_codes(text)
    items = outermost(f for f in found if f.field != "signature")
    certs = [f for f in items if f.family == "certifications"]
    for item in items:
        if item.family == "incoterm":
            score = _incoterm_score(item)
        elif item.family == "payment_terms":
            score = item.match.weight
        elif item.family == "certifications":
            score = _cert_score(item, certs)
        else:
            continue
        if score > 0:
            yield item.hit(item.family, item.value, score)


def _incoterm_score(item: Found) -> float:
    phrase, code = item.phrase, item.phrase.casefold()
    if code not in _CODES:
        return item.match.weight  # spelled out
    if _KEY_FOB.search(item.before(24)):
        return 0.0
    if phrase.isupper() and code not in _AMBIGUOUS_CODES:
        return item.match.weight
    if not _INCOTERM_CONTEXT.search(item.before(40) + " " + item.after(40)):
        return 0.0
    return item.match.weight if phrase.isupper() else 0.55


def _payment_codes(text: str) -> Iterator[TraitHit]:
    for code in _PAYMENT_CODE.finditer(text):
        start, end = code.span()
        context = _PAYMENT_CONTEXT.search(text[max(0, start - 40) : end + 40].casefold())
        if code["pair"]:
            value = _PAIRS.get((code["pair"][0] + code["pair"][-1]).casefold())
            if value in {"tt", "lc"} or (value is not None and context):
                yield hit_at("payment_terms", value, 0.8, text, start, end)
        elif code["bare"] == "TT":
            yield hit_at("payment_terms", "tt", 0.7, text, start, end)
        elif context:
            yield hit_at("payment_terms", "lc", 0.6, text, start, end)


def _cert_score(item: Found, certs: Sequence[Found]) -> float:
    value, phrase = item.value, item.phrase
    if value == "ErP" and phrase.casefold() == "erp":
        return item.match.weight if phrase == "ErP" else 0.0
    near = item.before(40) + " " + item.after(40)
    context = bool(_CERT_CONTEXT.search(near)) or any(
        other is not item
        and other.field == item.field
        and abs(other.match.start - item.match.start) < 60
        for other in certs
    )
    if value in _EXACT and phrase.casefold() == value.casefold():
        if phrase != value or (value in _NEEDS_CONTEXT and not context):
            return 0.0
        if not context and _in_caps_run(item):
            return 0.0
    return 0.85 if context else item.match.weight


def _in_caps_run(item: Found) -> bool:
    """True when the words on both sides are capitalised words too ("CE PRODUIT")."""
    before = item.text[max(0, item.match.start - 20) : item.match.start].split()
    after = item.text[item.match.end : item.match.end + 20].split()
    words = [w.strip(".,;:!?()") for w in before[-1:] + after[:1]]
    caps = [bool(_CAPS_WORD.fullmatch(w)) for w in words]
    return bool(caps) and all(caps)
