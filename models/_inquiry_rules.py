"""Patterns and word lists behind :func:`models.inquiry.check_inquiry` (SPEC §6): how an
inquiry names a product, a quantity or a specification, and who the buyer is, in English,
Spanish, Portuguese, French, German, Italian, Russian, Turkish, Arabic and Chinese."""

from __future__ import annotations

import re

from models.lexicon import word_set

# Phrases after which a product is named: "interested in <ball valves>", "need <…>".
PRODUCT_CUE = re.compile(
    r"(?:\b(?:interested in|inquiry (?:for|about|of|on)|enquiry (?:for|about|of|on)|rfq|"
    r"inquiry|enquiry|quot(?:e|ation|ing) (?:for|on|of)|prices? (?:for|of|on)|looking for|"
    r"we need|i need|we require|requirement (?:for|of|is)|buy|purchase|import|supply of|"
    r"sourcing|offer (?:for|on)|interesad[oa]s? en|cotización (?:de|para)|"
    r"precios? (?:de|del|para)|necesitamos|comprar|buscamos|interessad[oa]s? em|"
    r"cotação (?:de|para)|preços? (?:de|do|da|dos|das|para)|precisamos de|procuramos|"
    r"intéressée?s? par|devis pour|prix (?:de|du|des|pour)|besoin de|acheter|recherchons|"
    r"interessiert an|anfrage (?:für|nach|zu)|anfrage|angebot (?:für|über)|preis (?:für|von)|"
    r"benötigen|suchen|kaufen|interessati a|cerchiamo|abbiamo bisogno di|"
    r"интересу(?:ет|ют)|цен[аы] на|нужн[аыо]?|нужен|купить|ищем|закупить|запрос на|"
    r"потребность|ihtiyacımız|talep|teklif)\b\s*[:\-–]?\s*)"
    r"|(?:需要|采购|求购|购买|询价|想买|要买)[:：]?\s*"
    r"|(?:نحتاج|نبحث عن|نود الحصول على|مهتمون ب)\s*",
    re.I,
)
CONTINUATION = re.compile(r"[^\n.,;!?()。，；！？、]{1,80}")
WORD = re.compile(r"[^\W\d_]{3,}")
LEADING_QUANTITY = re.compile(
    r"^[\d\s,.]*(?:[万千kK]\s*)?(?:[个件台套只片支盏批]|(?:pcs|pieces|units|sets|pairs|stück|"
    r"unidades|piezas|peças|pièces|шт|штук|adet)\b\.?)?\s*(?:of\s+|de\s+)?",
    re.I,
)
# A labelled field of a form or a list: "Product: ball valves", "Quantity: 500 pcs".
FIELD = re.compile(r"^[ \t]*([^\W\d_][^:：\n]{0,40}?)[ \t]*[:：][ \t]*(.*)$", re.M)
PRODUCT_LABELS = word_set(
    """product products item items article goods model producto productos produto produtos
    produit produits articolo prodotto produkt produkte artikel товар товары продукция
    изделие ürün ürünler المنتج المنتجات 产品 商品 型号"""
)
QUANTITY_LABELS = word_set(
    """quantity qty amount volume cantidad quantidade quantité quantità menge anzahl
    количество miktar الكمية 数量"""
)
# A count of things on one line: "300 lampes", "2,000 bulbs" (not a phone, year or address).
COUNT = re.compile(
    r"(?<![\w.,+/-])(?<!\d )(\d{1,3}(?:[,.]\d{3})+|\d{1,6})[ \t]+([^\W\d_]{3,})(?![ \t]*\d)"
)
NOT_COUNTED = word_set(
    """years year days day months month weeks week hours hour minutes usd eur euro euros
    dollars percent años días meses semanas horas anos dias semanas ans jours mois semaines
    heures jahre jahren tage tagen monate monaten wochen stunden лет года дней месяцев
    недель часов yıl gün ay hafta saat"""
)
YEAR = re.compile(r"(?:19|20)\d\d")
# A model number: letters then a digit ("X96", "GU10", "TX3-Mini"), not part of a word.
MODEL = re.compile(
    r"(?<![A-Za-z0-9@./-])[A-Za-z]{1,8}\d[A-Za-z0-9]*(?:-[A-Za-z0-9]+)*(?![A-Za-z0-9@-])"
)
NOT_MODEL = re.compile(
    r"(?i:usd|eur|rmb|cny|gbp|us|no|nr|q|h|fy|tel|fax|ext|ref|id|po|pi|b|p|covid|iso|top)\d.*"
)
SPEC = re.compile(
    r"(?<![A-Za-z0-9.])\d+(?:[.,]\d+)?\s*(?:mah|kwh|wh|kw|w|kva|kv|v|ma|mm²|mm2|mm|cm|m|inch(?:es)?|"
    r"\"|ft|gb|tb|mb|ghz|mhz|hz|lm|lux|k|kg|g|ml|l|°c|db|dbi|rpm|bar|psi|mpa|awg|p|ah|"
    r"lbs?|oz|mbps|gbps|cores?|ports?|pins?|m3/h|m³/h|l/min|gpm|hp)(?![a-zа-я])|\d+\s*[x×*]\s*\d+"
    r"|\bip\s?[1-6]\d\b|\b(?:cat\s?[5-8]e?|usb\s?[1-4](?:\.\d)?|android\s?\d+)\b"
    r"|\b(?:dn|pn|nps|sch|class)\s?\d{1,4}\b|\b\d{1,2}(?:\s\d)?/\d{1,2}\s?(?:\"|in\b|inch)"
    r"|^\s*(?:spec(?:ification)?s?|size|dimensions?|colou?r|material|voltage|power|capacity|"
    r"model|especificaci\w+|tamaño|medidas|especifica\w+|tamanho|cor|spécification\w*|"
    r"taille|couleur|tension|puissance|spezifikation\w*|größe|farbe|spannung|leistung|"
    r"характеристик\w*|размер|цвет|напряжение|мощность|规格|型号|尺寸|颜色|材质|功率|电压)"
    r"\s*[:：]\s*\S",
    re.I | re.M,
)
LEGAL_FORM = re.compile(
    r"(?<!\w)(?:(?i:gmbh|co\.?,?\s*ltd\.?|ltd\.?|limited|llc|l\.l\.c\.|inc\.?|corp\.?|"
    r"corporation|s\.a\.|s\.l\.|s\.r\.l\.|s\.p\.a\.|ltda\.?|sarl|s\.a\.r\.l\.|s\.a\.l\.|"
    r"s\.a\.c\.|s\.a\.s\.?|s\. de r\.l\.|b\.v\.|n\.v\.|pty\.?\s*ltd|pvt\.?\s*ltd|pte\.?\s*ltd|"
    r"sdn\.?\s*bhd|plc|llp|w\.l\.l\.|fzco|fze|fz-llc|jsc|pjsc|a\.ş\.|ltd\.?\s*şti\.?|"
    r"sp\.\s*z\s*o\.\s*o\.|s\.r\.o\.|d\.o\.o\.|kft\.?|zrt\.?|a/s|aps|oü|eireli|mmc)"
    r"|AG|KG|SA|SL|SRL|SpA|BV|NV|AB|Oy|SAS|SAL|JSC|ООО|ОАО|ЗАО|ПАО|АО|ИП|ТОО|PT|CV|"
    r"Trading|Enterprises?|Industries|Group|Holding)(?!\w)"
    r"|有限公司|公司|株式会社|شركة|مؤسسة"
)
COMPANY_LABELS = word_set(
    """company empresa firma société entreprise azienda unternehmen компания организация
    şirket firma الشركة 公司 公司名称"""
)
# A buyer introducing their business: "we are a distributor", "our company", "somos una
# empresa", "nous sommes importateurs", "wir sind ein Großhändler", "мы — компания",
# "我们是…公司", "firmamız", "نحن شركة".
SELF_INTRODUCTION = re.compile(
    r"\b(?:we\s+are\s+(?:an?|the|one\s+of)\s|we're\s+an?\s|this\s+is\s+\w+\s+from\s|"
    r"(?:our|my)\s+(?:company|firm|business|group|shop|store|hotels?|chain)\b|"
    r"we\s+(?:distribute|import|resell|sell|supply|trade|install|operate|run|handle|buy)\b|"
    r"somos\s+(?:una?|los|las)\s|(?:nuestra|mi)\s+empresa|(?:distribuimos|importamos|"
    r"vendemos)\b|(?:nossa|minha)\s+empresa|(?:distribuímos|revendemos)\b|"
    r"nous\s+sommes\s+(?:une?|des|l[ae]s?)\s|(?:notre|ma)\s+(?:société|entreprise)|"
    r"nous\s+(?:distribuons|importons|vendons)\b|wir\s+sind\s+(?:ein|eine|der|die)\s|"
    r"unser(?:e)?\s+(?:firma|unternehmen)|wir\s+(?:vertreiben|importieren|handeln)\b|"
    r"siamo\s+(?:una?|il|la)\s|la\s+nostra\s+azienda|"
    r"мы\s*(?:[—–-]\s*)?(?:компания|дистрибьютор\w*|импортер\w*|оптов\w*)|наша\s+компания|"
    r"компания\s+\S+.{0,60}\s(?:занимается|является)|мы\s+занимаемся|"
    r"firmamız|şirketimiz|biz\s+\w+\s+(?:firmasıyız|şirketiyiz))"
    r"|我们是|我司|本公司|نحن\s+شركة|شركتنا",
    re.I,
)
PHONE = re.compile(r"\+?\d[\d\s().-]{6,}\d")
# A line with a person's name: two to four capitalised words ("Gabriela Flores").
_CAPITALISED = r"[A-ZÀ-ÖØ-ÞĀ-ſА-ЯЁ][\w'’.-]{1,30}"
NAME_LINE = re.compile(rf"[ \t]*(?:{_CAPITALISED}[ \t]+){{1,3}}{_CAPITALISED}[ \t]*")

# Words that do not name a product: "your products", "price list", "more information".
GENERIC_WORDS = word_set(
    """product products item items goods merchandise your our the a an some any all price
    prices list pricelist catalog catalogue company it them this that these those more
    information info details best new latest quotation quote you us me sample samples offer
    stuff thing things business cooperation partnership service services website site
    line range kind kinds type types of for and or to with from in on at by please kindly
    good quality cheap cheapest top high low buy purchase order know about send share
    productos producto produtos produto produits produit produkte produkt artikel waren
    ware su sus seu seus sua suas votre vos ihre ihren lista precios preços prix preise
    liste catálogo katalog información informações informations informationen de del la
    las los el le les des du und der die das товар товары товаров продукция продукцию
    продукции изделия ваш ваши вашу вашей каталог прайс цены информацию на о об pcs pieces
    piece units unit sets set pairs stück stk unidades piezas peças pièces шт штук containers
    container supplier suppliers manufacturer manufacturers factory partner partners reliable
    professional chinese china long term urgently asap soon help support urgent proveedor
    proveedores fornecedor fournisseur lieferanten lieferant поставщик поставщика alibaba
    buyer buyers customer customers client clients inquiry enquiry made global sources
    from mr mrs ms sir madam dear hello hi industrial negotiable discussed discuss tbd
    various general other others etc ürün ürünler fiyat"""
)
GENERIC_CJK = frozenset(
    {"产品", "商品", "货物", "东西", "你们的产品", "贵司产品", "贵公司产品", "价格", "报价"}
)

FREEMAIL_BRANDS = word_set(
    "gmail googlemail yahoo ymail hotmail outlook live aol gmx yandex protonmail rediffmail icloud"
)
FREEMAIL_DOMAINS = word_set(
    """msn.com me.com mac.com web.de t-online.de freenet.de mail.ru bk.ru list.ru inbox.ru
    ya.ru rambler.ru qq.com foxmail.com 163.com 126.com yeah.net 188.com sina.com sina.cn
    sohu.com 139.com aliyun.com naver.com daum.net hanmail.net proton.me pm.me zoho.com
    mail.com libero.it orange.fr wanadoo.fr free.fr laposte.net sfr.fr terra.com.br
    uol.com.br bol.com.br ukr.net tut.by seznam.cz wp.pl o2.pl onet.pl interia.pl"""
)
