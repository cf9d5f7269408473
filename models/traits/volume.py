"""``order_volume`` from the quantities named, and ``price_sensitive`` from what they say.

Order volume (either direction, subject and new text): a quantity with a unit ("500 pcs",
"2,000 units", "10.000 Stück", "1,5k sets", "500 шт", "10万个") is ``sample`` up to 10,
``small`` up to 500, ``medium`` up to 5,000 and ``large`` above; containers ("1x40HQ",
"2 containers", "整柜") are ``large``; an explicit sample ("sample order", "muestras",
"Muster", "образцы", "样品") is ``sample`` — "sample" in "for example" or "sample rate" is
not. Minimum order quantities ("MOQ 500 pcs") and packing counts ("50 pcs per carton")
are not order volumes.

Price sensitivity (inbound only: our own "best price" is sales talk): ``yes`` for "too
expensive", "best price", "discount", "target price", "demasiado caro", "zu teuer", "trop
cher", "дорого", "太贵", "最低价" … unless negated ("not too expensive"); ``no`` only for
explicit statements ("price is not the main concern", "quality first", "质量第一").
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Literal, NamedTuple

from models.lexicon import Rule, rules
from models.traits.base import Found, TraitHit, TraitInput, hit_at

__all__ = ["RULES", "Quantity", "collect", "quantities", "volume_of"]

RULES: tuple[Rule, ...] = (
    *rules(
        "order_volume:sample",
        0.6,
        """sample order|sample|samples|free sample|free samples|
        sample request|muestras|una muestra|la muestra|muestra gratis|pedido de muestra|
        amostras|uma amostra|a amostra|pedido de amostra|échantillon*|muster|
        musterbestellung|musterstück*|образец|образцы|образца|образцов|образцами|样品|样机|
        打样""",
    ),
    *rules(
        "order_volume:large",
        0.75,
        """full container|container load|one container|
        a container|contenedor completo|un contenedor|contêiner completo|um contêiner|
        conteneur complet|un conteneur|einen container|ein container|один контейнер|
        полный контейнер|集装箱|货柜|整柜|一个柜""",
    ),
    *rules(
        "price_sensitive:yes",
        0.75,
        """too expensive|too high|too pricey|price is high|
        prices are high|demasiado caro|muy caro|precio alto|muito caro|preço alto|
        trop cher|trop élevé|zu teuer|zu hoch|слишком дорого|дорого|дороговато|太贵|价格太高|
        偏贵""",
    ),
    *rules(
        "price_sensitive:yes",
        0.65,
        """target price|discount|cheaper|lower price|
        reduce the price|price reduction|lowest price|better price|precio objetivo|
        descuento|más barato|mejor precio|preço alvo|desconto|mais barato|melhor preço|
        prix cible|remise|moins cher|meilleur prix|zielpreis|rabatt|günstiger|
        preisnachlass|besten preis|целевая цена|скидк*|дешевле|лучшую цену|лучшая цена|
        最低价|优惠|折扣|便宜|目标价|降价""",
    ),
    *rules(
        "price_sensitive:yes",
        0.4,
        "best price|competitive price|precio competitivo|"
        "preço competitivo|prix compétitif|wettbewerbsfähigen preis|конкурентную цену|"
        "конкурентные цены|"
        "好价格|最好的价格",
    ),
    *rules(
        "price_sensitive:no",
        0.65,
        """price is not the main concern|
        price is not our main concern|price is not an issue|price is not the issue|
        price is secondary|quality first|quality is more important|
        quality is our priority|quality comes first|not price sensitive|
        la calidad es lo más importante|calidad primero|el precio no es lo más importante|
        qualidade em primeiro lugar|o preço não é o mais importante|la qualité avant tout|
        la qualité avant le prix|le prix n'est pas|qualität vor preis|qualität geht vor|
        qualität steht an erster stelle|der preis ist nicht entscheidend|
        качество важнее цены|цена не главное|цена не важна|质量第一|价格不是问题|
        质量比价格重要""",
    ),
)


class Quantity(NamedTuple):
    """A quantity found in ``text[start:end]``: ``number`` units or containers."""

    number: int
    kind: Literal["units", "containers"]
    start: int
    end: int


_NUMBER = r"(?<![A-Za-z0-9.,/-])(?P<num>\d{1,3}(?:[,.\u00a0\u202f\u2009 ]\d{3})+|\d+(?:[.,]\d+)?)"
_MULT = r"(?P<mult>k(?![a-z])|万|千|mil(?![a-z])|тыс\.?|thousand)?"
_UNIT = (
    r"(?P<unit>pcs|pc|pieces?|units?|sets?|pairs?|nos|stück|stk|unidades|unidad|uds|piezas|"
    r"pzas|peças|pçs|pièces?|unités|штук[аи]?|шт|единиц|комплект(?:ов|а)?|个|件|台|套|只|"
    r"片|支|盏)"
)
# Latin and Cyrillic units must end a word ("5 pcsX" is none); CJK ones need not.
_QUANTITY = re.compile(
    rf"{_NUMBER}\s*{_MULT}\s*{_UNIT}(?:(?<=[个件台套只片支盏])|(?![a-zа-я]))", re.I
)
# "1x40HQ", "20'GP", "2 containers", "FCL" (not "45 DC", "5 RF": those are volts and radio).
_CONTAINER = re.compile(
    r"(?<![A-Za-z0-9.])(?:(?P<n>\d+)\s*[x×*]\s*)?(?:20|40|45)\s*(?:'|’|ft|feet)?\s*(?:hq|hc|gp)\b"
    r"|(?<![A-Za-z0-9.])(?P<m>\d+)\s*(?:containers?|contenedor(?:es)?|contêiner(?:es)?|conteneurs?"
    r"|контейнер\w*)|\bfcl\b",
    re.I,
)
_DIGIT = re.compile(r"\d")
_MULTIPLIERS = {"k": 1000, "万": 10000, "千": 1000, "mil": 1000, "тыс": 1000, "thousand": 1000}
_MOQ = re.compile(r"moq|minimum|min\.? ?order|mínim|mindest|минимальн|起订|最小|最低起")
_PACKING = re.compile(
    r"\s*(?:/|per|each|in one|in a|por|pro|par|в|每)\s*(?:outer\s+|master\s+)?"
    r"(?:carton|ctn|box|case|pallet|bag|caja|karton|коробк|箱|托)"
)
_NEGATION = re.compile(r"(?:\bnot|n't|\bno|\bnicht|\bpas|\bnão|\bне|不)\W+(?:\w+\W+)?$")
_NOT_SAMPLE = re.compile(r"\s*(?:rate|size|data|text|code|file|period|frequency)\b")


def volume_of(count: int) -> str:
    """The ``order_volume`` of ``count`` units."""
    if count <= 10:
        return "sample"
    if count <= 500:
        return "small"
    return "medium" if count <= 5000 else "large"


def quantities(text: str) -> Iterator[Quantity]:
    """Order quantities named in ``text`` (MOQs and packing counts left out)."""
    if _DIGIT.search(text) is None:
        return
    folded = text.casefold()
    for match in _QUANTITY.finditer(text):
        start, end = match.span()
        if _MOQ.search(folded[max(0, start - 25) : start]) or _PACKING.match(folded, end):
            continue
        count = _count(match["num"], (match["mult"] or "").casefold().rstrip("."))
        if count is not None and (count > 10 or match["unit"] != "个"):
            yield Quantity(count, "units", start, end)
    for match in _CONTAINER.finditer(text):
        number = match["n"] or match["m"] or "1"
        yield Quantity(int(number), "containers", *match.span())


def _count(number: str, multiplier: str) -> int | None:
    grouped = re.fullmatch(r"\d{1,3}(?:[,.\u00a0\u202f\u2009 ]\d{3})+", number)
    value = float(re.sub(r"\D", "", number)) if grouped else float(number.replace(",", "."))
    value *= _MULTIPLIERS.get(multiplier, 1)
    return int(value) if value >= 1 and value == int(value) else None


def collect(message: TraitInput, found: Sequence[Found]) -> Iterator[TraitHit]:
    """Order volumes (either direction) and price sensitivity (inbound only)."""
    for text in (message.subject, message.new_text):
        for number, kind, start, end in quantities(text):
            value = "large" if kind == "containers" else volume_of(number)
            yield hit_at(
                "order_volume", value, 0.8 if kind == "containers" else 0.7, text, start, end
            )
    for item in found:
        if item.field == "signature":
            continue
        if item.family == "order_volume":
            if item.phrase.casefold() == "sample" and _NOT_SAMPLE.match(item.after()):
                continue
            yield item.hit("order_volume", item.value, item.match.weight)
        elif item.family == "price_sensitive" and message.direction == "inbound":
            if item.value == "yes" and _NEGATION.search(item.before(24)):
                continue
            yield item.hit("price_sensitive", item.value, item.match.weight)
