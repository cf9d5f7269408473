"""Item lines: the lines of a message that name goods together with a quantity.

What a customer is interested in is what it asks prices for and orders, and in B2B mail
that is written as item lines — "Please quote 4 pcs vertical multistage pump",
"- brass ball valve, 1": 400 pcs", "1 | slip-on flange DN65 | 3000 units | 6.16" — in
inquiries, quotations, purchase orders and proforma invoices alike, whatever the trade.
A line is an item line when it has at least two words and a quantity: a number followed
by a count or measure unit (pieces, units, sets, kilograms, metres… in the languages the
product reads), a quantity label followed by a number ("Qty: 500", "Menge: 500"), or a
table row whose cells hold a description and numbers. Lines that carry an e-mail
address, a web address or a phone number are contact data, never items.

The words are not product words of any trade: units and quantity labels are the grammar
of ordering, the same for valves, lamps and fabric.
"""

from __future__ import annotations

import re

_UNITS = (
    # English
    "pcs|pc|pce|pces|piece|pieces|unit|units|set|sets|nos|ea|each|pair|pairs|roll|rolls"
    "|box|boxes|carton|cartons|ctn|ctns|kg|kgs|ton|tons|tonne|tonnes|mt|m|meter|meters"
    "|metre|metres|ft|feet|lot|lots|drum|drums|bag|bags|pallet|pallets|dozen|dozens|doz"
    "|lb|lbs|sqm|m2|m3|liter|liters|litre|litres"
    # Spanish, Portuguese, Italian
    "|unidad|unidades|ud|uds|pieza|piezas|pza|pzas|juego|juegos|equipo|equipos|caja|cajas"
    "|rollo|rollos|metro|metros|kilos|tonelada|toneladas|par|pares|peça|peças|pç|pçs"
    "|conjunto|conjuntos|caixa|caixas|rolo|rolos|pezzo|pezzi|pz|unità|scatola|scatole"
    "|rotolo|rotoli|metri|tonnellate|paia"
    # French, German
    "|pièce|pièces|unité|unités|ensemble|ensembles|jeu|jeux|rouleau|rouleaux|mètre|mètres"
    "|paire|paires|stück|stk|stck|satz|sätze|einheit|einheiten|karton|kartons|rolle|rollen"
    "|tonne|tonnen|paar"
    # Russian, Turkish, Arabic
    "|шт|штук|штуки|штука|компл|комплект|комплекта|комплектов|ед|единиц|упак|кг|тонн|метров"
    "|м|пар|adet|takım|kutu|koli|metre|çift|قطعة|قطع|حبة|وحدة|وحدات|مجموعة|مجموعات|طقم"
    "|كرتون|متر|طن"
)
UNIT_ABBREVIATIONS = frozenset(
    {
        "pcs", "pc", "pce", "pces", "nos", "ea", "ctn", "ctns", "kg", "kgs", "mt", "m", "ft",
        "lb", "lbs", "sqm", "m2", "m3", "doz", "ud", "uds", "pza", "pzas", "pç", "pçs", "stk",
        "stck", "pz", "шт", "компл", "ед", "кг", "м",
    }
)  # fmt: skip
"""Abbreviated units of :func:`item_lines` (never part of the name of goods, unlike "set")."""
CURRENCY_CODES = frozenset(
    {
        "usd", "eur", "gbp", "cny", "rmb", "jpy", "try", "rub", "aed", "sar", "qar", "kwd",
        "inr", "brl", "mxn", "chf", "cad", "aud", "zar", "egp",
    }
)  # fmt: skip
"""ISO codes of currencies that prices in item lines are commonly given in."""
_QUANTITY = re.compile(
    rf"(?<![\w.,])\d[\d.,]*\s*(?:x\s*)?(?:{_UNITS})\.?(?![^\W\d_])"
    # Chinese measure words follow the number directly.
    r"|\d\s*[个件套台只片箱米吨对支条]",
    re.IGNORECASE,
)
_QUANTITY_LABEL = re.compile(
    r"\b(?:qty|quantity|quantities|cantidad|quantidade|quantité|quantità|menge|anzahl"
    r"|количество|кол-во|miktar|الكمية)\b\s*[:：=]?\s*\d"
    r"|数量\s*[:：]?\s*\d",
    re.IGNORECASE,
)
_CONTACT = re.compile(
    r"[\w.+-]+@[\w-]+\.\w|https?://|\bwww\.|\+\s?\d[\d ()./-]{6,}\d", re.IGNORECASE
)
_WORD = re.compile(r"[^\W\d_]{3,}")
_CELL_SPLIT = re.compile(r"\s*(?:\||\t)\s*")
_NUMERIC_CELL = re.compile(r"^[^\w]*\d[\d.,' ]*[^\w]*$")
_NUMBER = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)*(?![\w])")
_MIN_WORDS = 2
_MAX_CHARS = 1500


def _is_table_row(line: str) -> bool:
    """A row of a pipe- or tab-separated table: a described cell and two numeric ones."""
    cells = [cell for cell in _CELL_SPLIT.split(line) if cell]
    if len(cells) < 3:
        return False
    numeric = sum(bool(_NUMERIC_CELL.match(cell)) for cell in cells)
    described = any(len(_WORD.findall(cell)) >= _MIN_WORDS for cell in cells)
    return numeric >= 2 and described


def item_lines(text: str) -> list[str]:
    """The item lines of ``text`` (stripped, in order): lines of at least two words that
    name a quantity (a number with a count or measure unit, a quantity label with a
    number, or a table row of a description and numbers) and hold no e-mail address,
    web address or phone number."""
    found = []
    for raw in text.splitlines():
        line = raw.strip()
        if len(_WORD.findall(line)) < _MIN_WORDS or _CONTACT.search(line):
            continue
        if _QUANTITY.search(line) or _QUANTITY_LABEL.search(line) or _is_table_row(line):
            found.append(line)
    return found


def interest_text(text: str) -> str:
    """What ``text`` says about goods, ready to embed and cluster: its item lines with the
    bare numbers (quantities, prices, item numbers) taken out, one line each, at most 1,500
    characters; ``""`` when it has no item line. Two messages that order the same goods in
    other quantities give the same text."""
    lines = [" ".join(_NUMBER.sub(" ", line).split()) for line in item_lines(text)]
    joined = "\n".join(line for line in lines if line)
    if len(joined) <= _MAX_CHARS:
        return joined
    cut = joined.rfind("\n", 0, _MAX_CHARS + 1)
    return joined[: cut if cut > 0 else _MAX_CHARS]
