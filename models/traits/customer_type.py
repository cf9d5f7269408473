"""``customer_type``: what the buyer says its business is.

Only inbound messages count (our own mail describes us, not them). A keyword alone
("distributor", "Großhändler", "дистрибьютор", "经销商") is moderate evidence; the same
keyword after a self-reference of the sentence ("we are a …", "somos …", "wir sind …",
"мы являемся …", "我们是…") is strong; in a signature it only hints (company names such as
"Acme Distribution GmbH"). It is dropped when the nearest cue before it says the writer is
looking for one, talks about someone else's ("your distributor"), or about their own
customers ("we sell to retailers"), or denies it; "we need TVs for our hotel" keeps it, as
"our" is nearer.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from models.lexicon import Rule, rules
from models.traits.base import Found, TraitHit, TraitInput

__all__ = ["RULES", "collect"]

_K = "customer_type:"
RULES: tuple[Rule, ...] = (
    *rules(
        _K + "distributor",
        0.5,
        """distributor*|distribution|we distribute|
        distribuidor*|empresa distribuidor*|distributeur*|société de distribution|
        großhändler*|grosshändler*|vertriebspartner*|vertriebsgesellschaft|
        дистрибьютор*|дистрибутор*|дистрибуци*|经销商|分销商|代理商|总代理|总经销""",
    ),
    *rules(
        _K + "importer_wholesaler",
        0.5,
        """importer*|import company|we import|
        wholesaler*|wholesale company|wholesale business|importador*|empresa importador*|
        mayorista*|atacadista*|importateur*|grossiste*|importeur*|großhandel*|grosshandel*|
        импортер*|оптовик*|оптов* компани*|进口商|批发商""",
    ),
    *rules(
        _K + "retailer",
        0.5,
        """retailer*|retail chain*|retail store|retail stores|retail shop|retail shops|
        our stores|our shops|our store|our shop|chain of stores|shop chain|store chain|
        supermarket*|hypermarket*|department store|department stores|minorista*|nuestras tiendas|
        nuestra tienda|cadena de tiendas|varejista*|nossas lojas|nossa loja|rede de lojas|
        détaillant*|nos magasins|notre magasin|chaîne de magasins|einzelhändler*|
        einzelhandel*|unsere filialen|unser geschäft|unsere geschäfte|ритейлер*|
        розничн* сет*|наши магазин*|сет* магазин*|零售商|连锁店|门店|超市""",
    ),
    *rules(
        _K + "ecommerce_seller",
        0.55,
        """amazon seller*|sell on amazon|selling on amazon|
        amazon store|amazon fba|fba seller*|ebay seller*|sell on ebay|ebay store|
        online shop|online store|online - shop|onlineshop*|webshop*|web shop|e - commerce|
        ecommerce|e - shop|shopify|tienda online|tienda en línea|comercio electrónico|
        mercado libre|mercadolibre|loja virtual|loja online|comércio eletrônico|
        boutique en ligne|vente en ligne|online - händler|onlinehändler*|
        интернет - магазин*|маркетплейс*|wildberries|亚马逊卖家|电商|网店|跨境电商|淘宝店""",
    ),
    *rules(
        _K + "contractor_installer",
        0.5,
        """installer*|contractor*|installation company|
        we install|installateur*|elektroinstallateur*|elektriker*|handwerksbetrieb*|
        instalador*|empresa instalador*|contratista*|empreiteira*|électricien*|
        entreprise d'installation|монтажн* организаци*|монтажн* компани*|монтажник*|
        подрядчик*|安装商|承包商|工程商|安装公司""",
    ),
    *rules(
        _K + "hotel_hospitality",
        0.4,
        """hotel*|hôtel*|resort hotel|our resort|hospitality|guest rooms|
        hostel*|гостиниц*|отель|отеля|
        отелей|отелю|酒店|宾馆|度假村""",
    ),
    *rules(
        _K + "telecom_operator",
        0.55,
        """telecom operator*|telecommunications operator*|
        telecom company|mobile operator*|network operator*|cable operator*|iptv operator*|
        iptv provider*|isp|internet service provider*|internet provider*|
        operador de telecomunicaciones|operador de cable|operadora de telecomunicações|
        provedor de internet|provedores de internet|opérateur télécom|opérateur mobile|
        opérateur de télécommunications|fournisseur d'accès|netzbetreiber*|
        telekommunikationsanbieter*|internetanbieter*|kabelnetzbetreiber*|оператор* связи|
        телеком - оператор*|интернет - провайдер*|провайдер*|运营商|电信运营商""",
    ),
    *rules(
        _K + "system_integrator",
        0.55,
        """system integrator*|systems integrator*|
        integrator*|integrador*|intégrateur*|systemintegrator*|systemhaus|
        системн* интегратор*|интегратор*|系统集成商|集成商""",
    ),
    *rules(
        _K + "end_user",
        0.6,
        """for our own use|for own use|our own use|for our factory|
        for our own factory|for our plant|for our office|for our own project|internal use|
        end user|end - user|para uso propio|para nuestra fábrica|para nuestra planta|
        usuario final|para uso próprio|para nossa fábrica|usuário final|pour notre usage|
        pour notre propre usage|pour notre usine|utilisateur final|eigenbedarf|
        für unser werk|für unsere fabrik|für unser unternehmen|endanwender*|
        для собственных нужд|для собственного использования|для нашего завода|
        для нашего производства|конечный пользователь|自用|工厂自用|终端用户|最终用户""",
    ),
)

# Acronyms that count only in capitals ("ISP", not the "Isp" of rocketry).
_UPPER_ONLY = frozenset({"isp", "fba"})
_SELF = re.compile(
    r"\b(?:we|we're|our|as an?|i am|i'm|somos|nosotros|nuestr[ao]s?|nós|noss[ao]s?|nous|"
    r"notre|nos|sommes|wir|unser\w*|sind|мы|наш\w*|являемся)\b|我们|我司|本公司|我公司|我是"
)
_AWAY = re.compile(
    r"\b(?:look(?:ing)? for|seek\w*|search\w*|find|need|want|your|their|his|her|not|"
    r"customers?|clients?|sell(?:ing)? to|supply|serve|busc\w+|necesit\w+|su|sus|"
    r"procur\w+|precis\w+|seu|sua|clientes|vendemos|cherch\w+|recherch\w+|besoin|votre|vos|"
    r"pas|such\w*|brauch\w*|ihr\w*|kein\w*|kunden|ищем|нуж\w+|ваш\w*|не|клиент\w*)\b"
    r"|寻找|找|需要|贵司|你们|不是|客户"
)


def collect(message: TraitInput, found: Sequence[Found]) -> Iterator[TraitHit]:
    """Customer types the sender states about themselves (inbound messages only)."""
    if message.direction != "inbound":
        return
    for item in found:
        if item.family != "customer_type":
            continue
        if item.phrase.casefold() in _UPPER_ONLY and not item.phrase.isupper():
            continue
        before = item.before()
        away, own = _last(_AWAY, before), _last(_SELF, before)
        if away > own:  # the nearest cue is "looking for", "your", "customers", "not" …
            continue
        score = item.match.weight
        if item.field == "signature":
            score = min(score, 0.4)
        elif own >= 0:
            score = max(score, 0.85)
        yield item.hit("customer_type", item.value, score)


def _last(pattern: re.Pattern[str], text: str) -> int:
    """Where the last match of ``pattern`` in ``text`` ends; -1 for none."""
    end = -1
    for match in pattern.finditer(text):
        end = match.end()
    return end
