"""What a message does for the deal, read from its text, for the stage rules (SPEC §6):
whether our message offers prices, whether theirs places an order, and which order
numbers a message names (so that mail about an order already counted is not a new one).

Pure and multilingual; the phrases come from :func:`models.intent.intent_phrases`.
"""

from __future__ import annotations

import re

from models.intent import intent_phrases, is_reply

__all__ = ["offers_prices", "order_references", "places_order"]

# A phrase this strong settles that a message quotes ("our offer", "unit price", "报价单");
# weaker ones ("quote") also ask for details "so that we can quote".
_OFFER_WEIGHT = 0.8
_PLACING_WEIGHT = 0.8
_CURRENCY = (
    r"(?:usd|us\$|eur|gbp|chf|cny|rmb|jpy|krw|inr|rub|aed|sar|qar|kwd|omr|bhd|egp|mad|"
    r"dzd|tnd|ngn|kes|ghs|zar|aud|nzd|cad|mxn|brl|ars|clp|uah|kzt|uzs|azn|gel|pln|"
    r"czk|huf|ron|bgn|sek|nok|dkk|idr|myr|sgd|thb|vnd|php|pkr|bdt|lkr|hkd|twd|"
    r"dollars?|euros?|руб\w*|долл\w*|евро|юан\w*|美元|欧元|人民币|元|"
    r"[$€£¥₹₽₺₩₫₦₴₸])"
)
_AMOUNT = r"\d[\d\s.,'’]*\d|\d"
# A price: an amount with a currency before or after it ("USD 5.20", "5,20 €", "$3").
_PRICE = re.compile(
    rf"(?<![\w$€£¥₹₽₺]){_CURRENCY}\s?(?:{_AMOUNT})|(?:{_AMOUNT})\s?{_CURRENCY}(?![^\W\d_])",
    re.I,
)
# A word that introduces the number of an order or of a document about it, then the
# number ("PO 2305/24", "order no. ORD-3802", "заказ № 2025/7838", "PI MF-PI-250172").
_REFERENCE = re.compile(
    r"(?:\b(?:p\.?o|purchase order|order|orden de compra|orden|pedido|encomenda|commande|"
    r"bestellung|auftrag|ordine|sipariş|заказ\w*|pi|proforma(?: invoice)?|pro forma invoice|"
    r"invoice|factura|fatura|facture|rechnung|fattura|сч[её]т\w*|contract|contrato|contrat|"
    r"vertrag|контракт\w*|договор\w*)|订单|合同|发票)"
    r"\s*(?:(?:no|nr|n[°º]|number|núm|número|num|#|№)\.?\s*)?[:#№-]?\s*"
    r"([A-Za-z]{0,6}[-/]?[A-Za-z]{0,6}[-/]?\d[\w/-]*)",
    re.I,
)
_MIN_REFERENCE_DIGITS = 3


def offers_prices(text: str) -> bool:
    """True when ``text`` (our message's new text) offers prices: it states a price (an
    amount with its currency) or says that it is or carries an offer ("please find our
    quotation attached", "unit price", "наше предложение"); asking for details "so that we
    can quote" is not an offer."""
    if _PRICE.search(text):
        return True
    return any(p.intent == "quotation" and p.weight >= _OFFER_WEIGHT for p in intent_phrases(text))


def places_order(subject: str, text: str) -> bool:
    """True when a message of the customer places an order: its new text says so ("please
    find our purchase order", "we confirm the order", "размещаем заказ"), not in a
    condition or a plan; or its own subject (not a reply's inherited one) names their
    order ("PO 4711", "Заказ 25-53"). A proforma invoice, a contract or an order number
    mentioned in a reply does not place one."""
    if any(
        p.intent == "purchase_order" and p.kind != "document" and p.weight >= _PLACING_WEIGHT
        for p in intent_phrases(text)
    ):
        return True
    return not is_reply(subject) and any(
        p.intent == "purchase_order" and p.kind != "document" for p in intent_phrases(subject)
    )


def order_references(subject: str, text: str) -> frozenset[str]:
    """The numbers of orders and of their documents that a message names (its digits, at
    least three: "PO 2305/24" → ``"230524"``), so that "PI MF-PI-250172 for your PO
    2025/7750" ties the invoice to that order."""
    found: set[str] = set()
    for source in (subject, text):
        for match in _REFERENCE.finditer(source):
            digits = "".join(ch for ch in match.group(1) if ch.isdigit())
            if len(digits) >= _MIN_REFERENCE_DIGITS:
                found.add(digits)
    return frozenset(found)
