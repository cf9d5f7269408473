"""What a company's name says about its business: "Al Noor Trading LLC" trades (imports and
wholesales), "Zenith Hotels & Resorts" runs hotels, "Kaspi Telecom" is an operator.

A name is read where the customer shows it: a labelled field of a form or notification
("Company: …", "Firma: …", "Empresa: …"), a signature line that ends in a legal form
("… Sdn. Bhd.", "… GmbH", "ООО «…»"), and the label of the customer's own e-mail domain
("andeshoteis.com.br"). Words are matched inside the name, casefolded, so that compounds
count too ("Haustechnik", "УралМонтаж", "clearwaterstore").
"""

from __future__ import annotations

import re
from collections.abc import Iterator

__all__ = ["company_names", "company_types"]

# Word stems of company names by customer type, in the languages the product reads; the
# more specific types first ("X Engineering & Construction General Trading" builds).
_TYPE_WORDS: dict[str, tuple[str, ...]] = {
    "hotel_hospitality": (
        "hotel", "hôtel", "hotéis", "hoteis", "hoteles", "resort", "hospitality", "otel",
        "гостиниц", "отел", "酒店", "宾馆",
    ),
    "telecom_operator": (
        "telecom", "telekom", "telecommunication", "télécom", "telecomunica", "wireless",
        "broadband", "mobile", "communications", "comunicaciones", "comunicações",
        "телеком", "связь", "电信", "通信",
    ),
    "system_integrator": (
        "integrat", "automation", "automatización", "automação", "automatisierung",
        "prozesstechnik", "process solutions", "process engineering",
        "автоматизац", "интеграц", "集成",
    ),
    "contractor_installer": (
        "contracting", "contractor", "construction", "construcciones", "constructora",
        "construções", "construtora", "installation", "instalaciones", "instalações",
        "instalacje", "installatie", "installateur", "haustechnik", "gebäudetechnik",
        "anlagenbau", "génie climatique", "fire protection", "mep ", "epc", "montazh",
        "electromechanical", "electro-mechanical", "mechanical services",
        "mechanical & electrical", "mechanical and electrical",
        "монтаж", "строй", "taahhüt", "montaje", "montagem", "工程", "建设",
    ),
    "ecommerce_seller": (
        "online", "e-shop", "eshop", "webshop", "e-commerce", "ecommerce", "shop",
        "versand", "mail order", "mail-order", "vente par correspondance",
        "интернет-магазин", "电商", "网店",
    ),
    "retailer": (
        "retail", "home improvement", "supermarket", "hypermarket", "department store",
        "megastore", "superstore", "home center", "homecenter", "home centre", " diy ",
        "home & garden", "home and garden", "ferreter", "heimwerker", "bricolage",
        "hipermercado",
        "supermercado", "magasins", "einzelhandel", "baumarkt", "ритейл", "гипермаркет",
        "супермаркет", "零售", "超市", " mart", " market",
    ),
    "distributor": (
        "distribut", "distribuidora", "vertrieb", "дистрибуц", "дистрибьют", "dağıtım",
        "分销", "经销",
    ),
    "importer_wholesaler": (
        "trading", "traders", "merchants", "import", "négoce", "negoce", "handels", "großhandel",
        "grosshandel", "wholesale", "mayorista", "atacad", "ticaret", "toptan", "торг",
        "импорт", "贸易", "进出口", "commerce général", "general trade",
    ),
}  # fmt: skip
# Where a word found inside a longer one means something else.
_NOT_INSIDE: dict[str, tuple[str, ...]] = {
    "otel": ("hotel", "motel"),
    "shop": ("workshop",),
    "import": ("important",),
    "mobile": ("automobile",),
    "торг": ("торгов",),
    " market": ("marketing",),
}
_DOT_ABOVE = "\u0307"
_LEGAL_FORM = re.compile(
    r"(?:\b(?:LLC|L\.L\.C\.|Ltd\.?|Limited|Inc\.?|Corp\.?|Co\.|GmbH|AG|KG|S\.A\.?|SA|S\.L\.?|"
    r"S\.R\.L\.?|SRL|S\.p\.A\.|SpA|SARL|SAS|S\.A\.S\.|B\.V\.|N\.V\.|LLP|LLLP|Pty|Pvt|PLC|"
    r"Sdn\.? Bhd\.?|Bhd|FZE|FZCO|FZ-LLC|SAOC|SAOG|S\.A\.E\.|QPSC|PJSC|PSC|W\.L\.L\.?|WLL|"
    r"Est\.|JSC|OOO|OOD|EOOD|A\.Ş\.|Ltd\. Şti\.|"
    r"Eireli|Ltda\.?|S\.A\. de C\.V\.|Sp\. z o\.o\.|s\.r\.o\.|a\.s\.|Oy|AB|ApS|A/S|AS|KFT|"
    r"Kft\.|d\.o\.o\.|MMC|LLP|TOO|PT|CV|I\.K\.E\.|Pte\.?)(?!\w)|"
    r"\b(?:ООО|ОАО|ЗАО|АО|ТОО|ИП)\s*«|有限公司|株式会社)"
)
# A line longer than this many words is a sentence: the name ends with its legal form.
_NAME_WORDS = 8
_FIELD = re.compile(
    r"^[ \t>*-]*(?:company(?: name)?|firma|firmenname|empresa|société|entreprise|azienda|"
    r"organi[sz]ation|компания|организация|公司(?:名称)?|şirket(?: adı)?|الشركة)[ \t]*[:：]"
    r"[ \t]*(?P<value>[^\n]{2,80})",
    re.I | re.M,
)
_INTRO = re.compile(
    r"(?:\bmy company\s*[:：]|\bour company is|\bwe are|\bthis is [^\n.,]{2,40} from|"
    r"\bmi empresa\s*:|\bsomos|\bnous sommes|\bwir sind|\bмы\s*[—-]|ben [^\n.,]{2,40} firmasından)"
    r"\s*(?P<value>[^\n.,;:]{3,80})",
    re.I,
)


def company_names(text: str) -> Iterator[tuple[str, int, int]]:
    """Company names ``text`` shows, with where each is: labelled fields, lines that end in
    a legal form, and self-introductions naming one ("My company: Acme Ltd.")."""
    for field in _FIELD.finditer(text):
        value = field["value"].strip()
        if value.strip("-–—. ") and "@" not in value:
            yield value, field.start("value"), field.end("value")
    start = 0
    for line in text.splitlines(keepends=True):
        form = _LEGAL_FORM.search(line) if len(line) <= 120 else None
        if form is not None and not _FIELD.match(line):
            end = len(line.rstrip())
            if len(line.split()) > _NAME_WORDS:  # a sentence naming the company: the name
                close = line.find("»", form.end())
                end = close + 1 if form.group().endswith("«") and close > 0 else form.end()
            name = line[:end]
            yield name.strip(), start + len(name) - len(name.lstrip()), start + end
        start += len(line)
    for intro in _INTRO.finditer(text):
        if _LEGAL_FORM.search(intro["value"]):
            yield intro["value"].strip(), intro.start("value"), intro.end("value")


def company_types(name: str) -> list[tuple[str, str]]:
    """The customer types the words of company name ``name`` point to, the most specific
    first, each with the word found (``[("hotel_hospitality", "hotel")]`` for "Zenith
    Hotels & Resorts")."""
    folded = f" {name.casefold().replace(_DOT_ABOVE, '')} "  # Turkish "İ" folds to "i̇"
    found: list[tuple[str, str]] = []
    for value, words in _TYPE_WORDS.items():
        for word in words:
            at = folded.find(word)
            if at < 0 or any(longer in folded for longer in _NOT_INSIDE.get(word, ())):
                continue
            found.append((value, word.strip()))
            break
    return found
