"""``customer_type``: what the buyer says its business is.

Only inbound messages count (our own mail describes us, not them). A keyword alone
("distributor", "Großhändler", "дистрибьютор", "经销商") is moderate evidence; the same
keyword after a self-reference of the sentence ("we are a …", "somos …", "wir sind …",
"мы являемся …", "我们是…") is strong; in a signature it only hints (company names such as
"Acme Distribution GmbH"). It is dropped when the nearest cue before it says the writer is
looking for one, talks about someone else's ("your distributor"), or about their own
customers ("we sell to retailers"), or denies it; "we need TVs for our hotel" keeps it, as
"our" is nearer.

What they do says it too: "we supply fittings to plumbers and contractors" (a distributor),
"we design and build pumping skids" (an integrator), "a chain of 58 stores", "99 stores
nationwide" (a retailer). So does the context they work in ("suitable for shelf display",
"photos on white background for our listings", "material submittals", "our base station
sites", "our skid design"): nobody looks for one of those as a partner, so only someone
else's ("your", "their") or a denial just before it sets such a cue aside.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from models.lexicon import Rule, rules
from models.traits._company import company_names, company_types
from models.traits._countries import FREEMAIL_BRANDS
from models.traits.base import Found, TraitHit, TraitInput, hit_at

__all__ = ["RULES", "collect"]

_K = "customer_type:"
_TYPE_RULES: tuple[Rule, ...] = (
    *rules(
        _K + "distributor",
        0.5,
        """distributor*|distribution|we distribute|
        distribuidor*|empresa distribuidor*|distribución|distribuição|distributeur*|
        société de distribution|
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
    # Said in other words: what they do, whom they sell through, how they buy.
    *rules(
        _K + "distributor",
        0.55,
        """distributes|distributing|vertreibt|vertreiben|distribuye|distribuimos|
        distribuímos|distribui|distribue|distribuons|дистрибутирует|dağıtıyoruz|
        our dealers|our resellers|our sub - dealers|sub - dealers|subdealers|
        our sub - distributor*|dealer network|network of dealers|reseller network|
        nuestros revendedores|nuestros concesionarios|red de distribuidor*|
        nossos revendedores|rede de revendedores|nos revendeurs|réseau de revendeurs|
        unsere händler|unsere wiederverkäufer|händlernetz|наши дилеры|наших дилеров|
        нашим дилерам|дилерск* сет*|bayilerimiz|bayi ağı|bayi ağımız|
        我们的经销商|经销网络|分销网络""",
    ),
    *rules(
        _K + "importer_wholesaler",
        0.55,
        """imports|importing|we import|importe des|importe du|importons|
        importamos|importiert|importieren|импортирует|импортируем|ввозим|ithal ediyoruz|
        ithalat yapıyoruz|ithalatçı|toptan|toptancı|wholesale|wholesaler|al por mayor|
        por mayor|por atacado|no atacado|en gros|im großhandel|оптом|
        resell|resale to|revendemos|revendons|weiterverkaufen|перепродаём|перепродаем|
        container loads|container quantities|by the container|full containers|
        contenedores completos|conteneurs complets|contêineres completos|
        контейнерами|نستورد|批发|进口商""",
    ),
    *rules(
        _K + "retailer",
        0.5,
        """stores across|shops across|outlets across|diy stores|hardware stores|
        home improvement|our outlets|
        nos points de vente|
        unsere märkte|наших магазин*|mağazalarımız|zincir mağaza""",
    ),
    *rules(
        _K + "ecommerce_seller",
        0.55,
        """amazon|ebay|etsy|aliexpress|lazada|shopee|jumia|flipkart|mercado livre|allegro|
        ozon|trendyol|hepsiburada|sell online|selling online|we sell online|shop online|
        fnsku|fulfilment centre|fulfillment center|fulfilment center|fulfillment centre|
        vendemos online|vendemos por internet|vendemos en línea|vendemos pela internet|
        nous vendons en ligne|wir verkaufen online|продаём онлайн|продаем онлайн|
        продаём через интернет|продаем через интернет|internetten satıyoruz|
        internet üzerinden satıyoruz|online satış|网上销售|在线销售""",
    ),
    *rules(
        _K + "contractor_installer",
        0.55,
        """general contractor|main contractor|mechanical contractor|epc contractor|
        mep contractor|генподрядчик*|генеральный подрядчик|contratista general|
        empreiteira|entreprise générale|generalunternehmer|müteahhit|taahhüt firması|
        we are tendering|tendering for|we are bidding|bidding for|licitación|licitação|
        appel d'offres|ausschreibung|тендер|ihale""",
    ),
    *rules(
        _K + "system_integrator",
        0.55,
        """we integrate|integrate them|integramos|nous intégrons|wir integrieren|
        design and build|we design and build|design , supply and install|design - build|
        design & build|design & construct|system integration|systems integration|
        process engineering company|process engineering firm|tasarım - imalat|
        diseño y fabricación|projeto e fabricação|planung und bau|
        design and install|design and commission|diseñamos y construimos|
        diseñamos e instalamos|projetamos e construímos|projetamos e instalamos|
        concevons et construisons|concevons et installons|planen und bauen|
        planen und errichten|проектируем и собираем|проектируем и монтируем|
        проектируем и строим|tasarlıyor ve kuruyoruz|设计和集成|
        интегрируем|turnkey|turn - key|llave en mano|chave na mão|clé en main|
        schlüsselfertig|под ключ|anahtar teslim|交钥匙""",
    ),
    *rules(
        _K + "hotel_hospitality",
        0.55,
        """our hotel*|hotel chain|hotel group|nuestros hotel*|nossos hotéis|nos hôtel*|
        unsere hotel*|наши отели|наших отелей|otellerimiz|otelimiz*|otel zinciri""",
    ),
)

# Cues of the context the buyer works in rather than names of their trade ("suitable for
# shelf display", "our base station sites", "material submittals"): nobody looks for one
# as a partner, so only someone else's ("your", "their") or a denial sets them aside.
_C = "customer_cue:"
_CONTEXT_RULES: tuple[Rule, ...] = (
    *rules(
        _C + "retailer",
        0.5,
        """shelf display|shelf displays|shelf - ready|retail packaging|retail - ready|
        retail division|stores nationwide|shops nationwide|outlets nationwide|
        store shelves|our shelves|exposición en lineal|exposição em gôndola|
        mise en rayon|regalfertig|выкладка на полке|выкладки на полках""",
    ),
    *rules(
        _C + "ecommerce_seller",
        0.5,
        """white background|white - background|fondo blanco|fundo branco|fond blanc|
        weißem hintergrund|weissem hintergrund|белом фоне|for our listings|our listings|
        our product listings|nuestros anuncios|nossos anúncios|nos annonces en ligne|
        白底图|dropshipping|drop shipping|drop - shipping|dropship|drop - ship|
        on marketplaces|marketplace listings|our marketplace store|一件代发""",
    ),
    *rules(
        _C + "contractor_installer",
        0.5,
        """material submittal|material submittals|submittals|submittal approval|
        approved by the consultant|consultant's approval|consultant approval|
        aprobado por la supervisión|aprovado pela fiscalização|
        approuvé par le bureau de contrôle|our installation team|our installation teams|
        our installation crews|our crews|our fitters|nuestras cuadrillas|
        nuestros equipos de instalación|nossas equipes de instalação|nos équipes de pose|
        unsere monteure|наши монтажник*|наших монтажник*""",
    ),
    *rules(
        _C + "telecom_operator",
        0.5,
        """base station sites|base station site|base station generator|
        base station generators|bts sites|bts site|telecom sites|telecom towers|
        tower sites|cell sites|cell towers|base stations|our network sites|
        estaciones base|estações rádio base|stations de base|basisstationen|
        базовых станций|baz istasyonu|baz istasyonları|基站|sitios de estaciones base|
        sites de stations de base|базовых станциях|базовые станции|our subscribers|
        our subscriber base|nuestros abonados|nossos assinantes|nos abonnés|
        наших абонентов|нашим абонентам|ftth rollout|fttx rollout|our ftth network|
        our fiber network|our fibre network|nuestra red de fibra|nossa rede de fibra|
        notre réseau fibre|unser glasfasernetz""",
    ),
    *rules(
        _C + "system_integrator",
        0.5,
        """process skid|process skids|dosing skid|dosing skids|our skid|our skids|
        skid design|skid packages|skid fabrication|nuestros skids|nos skids|
        unsere skids""",
    ),
)
RULES: tuple[Rule, ...] = (*_TYPE_RULES, *_CONTEXT_RULES)
# Acronyms that count only in capitals ("ISP", not the "Isp" of rocketry).
_UPPER_ONLY = frozenset({"isp", "fba", "mep", "epc"})
_SELF = re.compile(
    r"\b(?:we|we're|our|as an?|i am|i'm|somos|nosotros|nuestr[ao]s?|nós|noss[ao]s?|nous|"
    r"notre|nos|sommes|wir|unser\w*|sind|мы|наш\w*|являемся|biz|firmamız|şirketimiz|"
    r"my company|our company|is an?|es una?|est une?|ist eine?|é uma?)\b"
    r"|我们|我司|本公司|我公司|我是"
)
_AWAY = re.compile(
    r"\b(?:look(?:ing)? for|seek\w*|search\w*|find|need|want|your|their|his|her|not|by|"
    r"from|with|through|via|customers?|clients?|sell(?:ing)? to|supply|supplies|serve|"
    r"поставк\w*|поставля\w*|busc\w+|necesit\w+|su|sus|"
    r"procur\w+|precis\w+|seu|sua|clientes|vendemos|cherch\w+|recherch\w+|besoin|votre|vos|"
    r"pas|such\w*|brauch\w*|ihr\w*|kein\w*|kunden|ищем|нуж\w+|ваш\w*|не|клиент\w*)\b"
    r"|寻找|找|需要|贵司|你们|不是|客户"
)
# Whose context it is, for context cues: someone else's, or none.
_OTHERS = re.compile(
    r"\b(?:your|their|his|her|not|no|su|sus|seu|sua|votre|vos|ihr\w*|kein\w*|ваш\w*|их|не|"
    r"sizin|değil)\b|贵司|你们|不是"
)
# "… to installers and OEMs", "para instaladores": the people they sell to, not them.
_TO_WHOM = re.compile(
    r"\b(?:to|for|aux|à|para|для|给|向)\s+(?:[\w'-]+\s+){0,2}"
    r"(?:(?:[\w'-]+\s*,\s*|[\w'-]+\s+(?:and|or|y|e|et|und|и|ve)\s+))*$"
)
# Phrases that name their own subject ("we distribute", "our hotels").
_SELF_PHRASE = re.compile(r"(?:we|our|nuestr|noss|nos|unser|наш|мы|bayi|我们)\b", re.I)
# "a chain of 58 stores", "cadena de 20 tiendas", "сеть из 12 магазинов": a retailer.
_STORE_CHAIN = re.compile(
    r"\b(?:chain|network|group|cadena|red|rede|cadeia|chaîne|réseau|kette|сеть|zincir)"
    r"\s+(?:of|de|von|из|da|do)?\s*\d[\d,.]*\s+(?:[\w-]+\s+){0,3}?(?:stores|shops|outlets|"
    r"supermarkets|tiendas|almacenes|lojas|magasins|boutiques|filialen|geschäften|märkten|"
    r"магазин\w*|mağaza\w*)\b|\b(?:we|nous|wir|мы)\s+(?:run|operate|have|own|exploitons|"
    r"avons|betreiben|haben|управляем|имеем)\s+\d[\d,.]*\s+(?:[\w-]+\s+){0,3}?"
    r"(?:stores|shops|outlets|magasins|filialen|märkte|магазин\w*)\b"
    # "99 stores nationwide", "(58 магазинов)": a count of their stores.
    r"|\b\d[\d,.]*\s+(?:retail\s+)?(?:stores|shops|outlets|tiendas|lojas|magasins|filialen|"
    r"märkte|магазин\w*|mağaza\w*)\s+(?:nationwide|countrywide|across|throughout|"
    r"en todo el país|em todo o país|dans toute la france|dans tout le pays|bundesweit|"
    r"по всей стране|по всей россии|türkiye genelinde)"
    r"|\(\s*\d[\d,.]*\s+(?:stores|shops|outlets|tiendas|lojas|magasins|filialen|märkte|"
    r"магазин\w*|mağaza\w*)\s*\)",
    re.IGNORECASE,
)
# "we supply valves to installers and contractors", "занимается поставками арматуры
# монтажным организациям": they sell on to the trade, a distributor.
_TRADE = (
    r"installers|contractors|plumbers|electricians|retailers|dealers|resellers|shops|"
    r"hardware stores|oems|builders"
)
_SELLS_TO = re.compile(
    rf"\b(?:we|company|firm)\s+(?:(?:supply|supplies|sell|sells|distribute|distributes)\b"
    rf"(?:[\s,&]*(?:and\s+)?)?)+(?:[\w/-]+\s+){{0,6}}?to\s+(?:[\w-]+\s+){{0,2}}?(?:{_TRADE})\b"
    r"|\b(?:suministramos|vendemos|distribuimos|fornecemos|distribuímos|fournissons|"
    r"vendons|distribuons|liefern|beliefern|vertreiben)\s+(?:[\w/-]+\s+){0,6}?"
    r"(?:a|para|aux|à|an)\s+(?:[\w-]+\s+){0,2}?(?:instaladores|contratistas|constructoras|"
    r"ferreterías|revendedores|instaladoras|construtoras|installateurs|revendeurs|"
    r"artisans|installateure|handwerker|händler|fachhändler)\b"
    r"|\b(?:поставк\w+|поставля\w+|продаём|продаем|продаж\w+)\s+(?:[\w-]+\s+){0,6}?"
    r"(?:монтажным|строительным|розничным|дилер\w*|магазин\w*|монтажник\w*)",
    re.IGNORECASE,
)
# "we design and build pumping skids", "diseñamos y fabricamos plantas compactas": they
# build systems of what they buy (an integrator, an OEM of packages).
_BUILD = r"design|build|assemble|fabricate|manufacture|engineer|integrate"
_AND = r"install|commission|supply|test"
_BUILDS = re.compile(
    rf"\b(?:we|company|firm)\s+(?:{_BUILD})(?:s|ing)?\b"
    rf"(?:[\s,&]*(?:and\s+)?(?:{_BUILD}|{_AND})(?:s|ing)?\b)*\s+"
    r"(?:[\w/-]+\s+){0,4}?(?:skids|packages|package units|packaged units|systems|plants|"
    r"stations)\b"
    r"|\b(?:diseñamos|fabricamos|construimos|ensamblamos|integramos)(?:[\s,]*(?:y\s+)?"
    r"(?:diseñamos|fabricamos|construimos|ensamblamos|integramos|instalamos)\b)*\s+"
    r"(?:[\w-]+\s+){0,4}?(?:skids|sistemas|plantas|estaciones)\b"
    r"|\b(?:projetamos|fabricamos|construímos|montamos|integramos)(?:[\s,]*(?:e\s+)?"
    r"(?:projetamos|fabricamos|construímos|montamos|integramos|instalamos)\b)*\s+"
    r"(?:[\w-]+\s+){0,4}?(?:skids|sistemas|plantas|estações)\b"
    r"|\b(?:concevons|fabriquons|construisons|assemblons|intégrons)(?:[\s,]*(?:et\s+)?"
    r"(?:concevons|fabriquons|construisons|assemblons|intégrons|installons)\b)*\s+"
    r"(?:[\w'-]+\s+){0,4}?(?:skids|systèmes|installations|stations)\b"
    r"|\bwir\s+(?:(?:planen|bauen|konstruieren|fertigen|integrieren)[\s,]*(?:und\s+)?)+"
    r"(?:[\w-]+\s+){0,4}?(?:skids|systeme|anlagen|stationen)\b"
    r"|\b(?:(?:проектируем|изготавливаем|собираем|производим|монтируем)[\s,]*(?:и\s+)?)+"
    r"(?:[\w-]+\s+){0,4}?(?:систем\w*|установк\w*|станци\w*|блок\w*)",
    re.IGNORECASE,
)
_COMPANY_SCORE = 0.4
_DOMAIN_SCORE = 0.3


def collect(message: TraitInput, found: Sequence[Found]) -> Iterator[TraitHit]:
    """Customer types the sender states about themselves, in words or in their company's
    name (inbound messages only)."""
    if message.direction != "inbound":
        return
    for item in found:
        if item.family == "customer_cue":
            yield from _context_cue(item)
            continue
        if item.family != "customer_type":
            continue
        if item.phrase.casefold() in _UPPER_ONLY and not item.phrase.isupper():
            continue
        before = item.before(80).rpartition("|")[2]  # "Water Systems | Design - Build"
        away, own = _last(_AWAY, before), _last(_SELF, before)
        to_whom = _TO_WHOM.search(before)
        if _SELF_PHRASE.match(item.phrase):
            own = len(before)
        elif away > own or (to_whom is not None and to_whom.start() >= own):
            continue  # "looking for", "your", "customers", "not" … or "to installers"
        score = item.match.weight
        if item.field == "signature":
            score = min(score, 0.4)
        elif own >= 0:
            score = max(score, 0.85)
        yield item.hit("customer_type", item.value, score)
    for field, text in (("text", message.new_text), ("signature", message.signature)):
        score = 0.85 if field == "text" else 0.4
        for chain in _STORE_CHAIN.finditer(text):
            yield hit_at("customer_type", "retailer", score, text, *chain.span())
        for value, pattern in (("distributor", _SELLS_TO), ("system_integrator", _BUILDS)):
            for said in pattern.finditer(text):
                before = text[max(0, said.start() - 40) : said.start()].casefold()
                if _last(_OTHERS, before) < 0:  # not "your company supplies …"
                    yield hit_at("customer_type", value, score, text, *said.span())
    yield from _from_company_names(message)


def _context_cue(item: Found) -> Iterator[TraitHit]:
    """A context cue counts unless the words just before it make it someone else's or deny
    it ("your shelf display", "not for base stations"); what the writer looks for or needs
    around it does not matter ("I need pumps for our base station sites")."""
    before = item.before(40).rpartition("|")[2]
    if _last(_OTHERS, before) > _last(_SELF, before):
        return
    score = item.match.weight
    if item.field == "signature":
        score = min(score, 0.4)
    elif _SELF_PHRASE.match(item.phrase) or _last(_SELF, before) >= 0:
        score = max(score, 0.85)
    yield item.hit("customer_type", item.value, score)


def _from_company_names(message: TraitInput) -> Iterator[TraitHit]:
    """The type the customer's company name shows, in a field, a signature line or an
    introduction, else the label of their e-mail domain."""
    for text in (message.new_text, message.signature):
        for name, start, end in company_names(text):
            for value, _ in company_types(name)[:1]:
                yield hit_at("customer_type", value, _COMPANY_SCORE, text, start, end)
    email = message.customer_email or ""
    label = email.rpartition("@")[2].partition(".")[0]
    if "@" in email and label.partition(".")[0] not in FREEMAIL_BRANDS:
        for value, _ in company_types(label)[:1]:
            yield hit_at("customer_type", value, _DOMAIN_SCORE, email, 0, len(email))


def _last(pattern: re.Pattern[str], text: str) -> int:
    """Where the last match of ``pattern`` in ``text`` ends; -1 for none."""
    end = -1
    for match in pattern.finditer(text):
        end = match.end()
    return end
