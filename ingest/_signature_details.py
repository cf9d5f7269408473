"""Title, phone and company of a contact, read from a signature block.

Heuristics over short lines, no model: a *title* is a short non-sentence piece holding a
role word from a curated list (EN/DE/ES/PT/FR/IT/NL/PL/TR/ZH/RU); a *phone* is a labelled
number (Tel/Phone/Mob/WhatsApp/Тел/电话/手机 …) or a piece that is mostly a ``+CC`` number;
a *company* is a piece ending in a legal form (GmbH, Ltd, Co., Ltd., ООО, 有限公司 …) or a
``Company:`` field.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ContactDetails:
    """What a signature says about its author; ``None`` where it says nothing."""

    title: str | None = None
    phone: str | None = None
    company: str | None = None


def _words(*items: str) -> str:
    return "|".join(re.escape(w) for w in sorted(items, key=len, reverse=True))


def _set(items: str, sep: str = "|") -> frozenset[str]:
    return frozenset(items.split(sep))


# Role words matched as whole words (casefolded text).
_ROLE_WORDS = _words(
    # English
    "manager", "director", "ceo", "cfo", "coo", "cto", "cio", "cmo", "cpo", "president",
    "vice president", "vp", "svp", "evp", "founder", "co-founder", "cofounder", "owner",
    "partner", "buyer", "purchaser", "procurement", "purchasing", "sourcing", "head of",
    "chief", "executive", "officer", "engineer", "consultant", "coordinator", "specialist",
    "assistant", "representative", "supervisor", "administrator", "chairman", "chairwoman",
    "merchandiser", "analyst", "accountant", "salesman", "saleswoman", "salesperson",
    "sales rep", "key account", "team lead", "team leader", "proprietor", "gm", "md",
    # German
    "inhaber", "inhaberin", "vorstand", "prokurist", "prokuristin", "referent",
    "referentin", "assistent", "assistentin",
    # Spanish / Portuguese
    "gerente", "directora", "diretor", "diretora", "jefe", "jefa", "comprador",
    "compradora", "presidente", "presidenta", "propietario", "propietaria", "proprietário",
    "proprietária", "dueño", "dueña", "socio", "socia", "sócio", "sócia", "ejecutivo",
    "ejecutiva", "executivo", "executiva", "representante", "coordinador", "coordinadora",
    "coordenador", "coordenadora", "encargado", "encargada", "asesor", "asesora",
    "ingeniero", "ingeniera", "engenheiro", "engenheira", "administrador", "administradora",
    "vendedor", "vendedora", "analista", "asistente", "assistente", "fundador", "fundadora",
    "gestor", "gestora", "consultor", "consultora",
    # French / Italian / Dutch
    "directeur", "directrice", "responsable", "gérant", "gérante", "acheteur", "acheteuse",
    "président", "présidente", "pdg", "fondateur", "fondatrice", "ingénieur", "ingénieure",
    "chef", "chargé", "chargée", "attaché", "attachée", "conseiller", "conseillère",
    "gestionnaire", "assistante", "associé", "associée", "direttore", "titolare",
    "amministratore", "ufficio acquisti", "inkoper", "eigenaar", "bedrijfsleider", "hoofd",
    "verkoper", "adviseur",
    # Polish / Turkish
    "dyrektor", "kierownik", "prezes", "specjalista", "właściciel", "müdür", "müdürü",
)  # fmt: skip
# Endings of (mostly German) compound titles: "Einkaufsleiter", "Produktmanager".
_ROLE_SUFFIXES = _words(
    "leiter", "leiterin", "leitung", "führer", "führerin", "manager", "managerin",
    "einkäufer", "einkäuferin", "verkäufer", "verkäuferin", "berater", "beraterin",
    "ingenieur", "ingenieurin", "direktor", "direktorin", "sachbearbeiter",
    "sachbearbeiterin", "mitarbeiter", "mitarbeiterin", "kaufmann", "kauffrau", "assistenz",
)  # fmt: skip
# Beginnings of Russian titles, which inflect: "менеджер", "руководителя".
_ROLE_STEMS = _words(
    "менеджер", "директор", "гендиректор", "руководител", "начальник", "закупщи",
    "специалист", "инженер", "владел", "президент", "заместител", "бухгалтер",
    "представител", "ассистент", "помощник", "управляющ", "координатор", "консультант",
    "основател", "снабжен",
)  # fmt: skip
_ROLE_CJK = _words(
    "经理", "經理", "总监", "總監", "主管", "采购", "採購", "董事", "总裁", "總裁", "老板",
    "老闆", "业务", "業務", "销售", "銷售", "工程师", "工程師", "助理", "专员", "專員",
    "主任", "厂长", "廠長", "部长", "部長", "负责人", "負責人", "创始人", "創始人", "合伙人",
    "代表", "社長", "課長",
)  # fmt: skip
_ROLE = re.compile(
    rf"(?<!\w)(?:{_ROLE_WORDS})(?!\w)|(?:{_ROLE_SUFFIXES})(?!\w)"
    rf"|(?<!\w)(?:{_ROLE_STEMS})|(?:{_ROLE_CJK})"
)
# Words that make a piece a sentence rather than a job title.
_SENTENCE_WORDS = _set(
    "i we you he she they it please will would can could should shall is are was were be "
    "let thanks thank regards me my our your if this that here there have has had do does "
    "did ich wir sie bitte ist sind wird haben danke grüße gruß yo nosotros usted favor es "
    "está gracias saludos je nous vous merci est sont cordialement я мы вы пожалуйста "
    "спасибо это будет",
    sep=" ",
)
_SENTENCE_CJK = re.compile(r"[我您你请請谢謝吗嗎]")

# Legal forms. Case-insensitive ones are long enough not to collide with words; short
# acronyms are case-sensitive. Longest alternatives come first so that "Co., Ltd." wins
# over "Co.".
_LEGAL_CI = (
    r"gmbh\s*&\s*co\.?\s*kg(?:aa)?|gmbh|co\.?\s*,?\s*ltd\.?|pte\.?\s*ltd\.?|pvt\.?\s*ltd\.?"
    r"|pty\.?\s*ltd\.?|private\s+limited|limited|ltd\.?|ltda\.?|lda\.?|l\.?l\.?c\.?|llp"
    r"|plc|inc\.?|incorporated|corp\.?|corporation|s\.a\.r\.l\.?|sarl|s\.a\.s\.?|sasu|eurl"
    r"|s\.a\.\s*de\s*c\.v\.?|s\.\s*de\s*r\.l\.?|s\.l\.u\.?|s\.a\.c\.?|s\.r\.l\.?|s\.p\.a\.?"
    r"|s\.a\.|s\.l\.|b\.v\.|n\.v\.|sp\.\s*z\s*o\.\s*o\.?|spol\.\s*s\s*r\.\s*o\.?|s\.r\.o\.?"
    r"|a\.s\.|kft\.?|zrt\.?|sdn\.?\s*bhd\.?|bhd\.?|tbk\.?|eireli|ltée|a\.ş\.|şti\.?"
)
_LEGAL_CS = (
    r"AG|KG|OHG|UG|GbR|SE|e\.K\.|SA|SAS|SL|SRL|Srl|SpA|SPA|BV|NV|VOF|AB|Ab|AS|ASA|A/S|ApS"
    r"|Oy|Oyj|S/A|JSC|OJSC|CJSC|LTD|INC|CORP|LLC|K\.K\.|ULC|DMCC|FZE|FZCO|FZ-LLC|W\.L\.L\.|WLL"
    r"|Co\.|Company|ООО|ОАО|ЗАО|ПАО|АО|ИП|ТОО|ТОВ|ЧП"
)
_LEGAL = re.compile(
    rf"(?<!\w)(?:(?i:{_LEGAL_CI})|{_LEGAL_CS})(?!\w)"
    r"|有限公司|有限責任公司|有限责任公司|公司|株式会社|有限会社|주식회사|\(주\)"
)
_LEGAL_PREFIX = re.compile(r"^(?:PT\.?|ООО|ОАО|ЗАО|ПАО|АО|ТОО|ТОВ|\(주\)|주식회사)\s+\S")

_TITLE_LABELS = _set(
    "title|job title|position|role|function|funktion|position/funktion|cargo|puesto|poste"
    "|fonction|ruolo|functie|职位|职务|職位|頭銜|头衔|должность"
)
_COMPANY_LABELS = _set(
    "company|company name|organization|organisation|firma|firmenname|unternehmen|empresa"
    "|société|societe|entreprise|azienda|bedrijf|公司|公司名称|公司名稱|单位|компания"
    "|организация"
)
_FIELD = re.compile(r"^(?P<label>[^\W\d_][^:]{0,30}?)\s*:\s*(?P<value>.*)$")

_LETTER_BEFORE = r"(?<![^\W\d_])"
_PHONE_LABEL_WORD = (
    r"tel(?:efon|ephone|efone|éfono|efono)?|téléphone|tél|phone|ph|mob(?:ile|il)?|móvil"
    r"|movil|cell(?:phone)?|celular|handy|portable|whatsapp|wechat|viber|direct|dir|office"
    r"|телефон|тел|мобильный|моб|сотовый|сот"
)
_PHONE_LABEL = (
    rf"(?:{_LETTER_BEFORE}(?:{_PHONE_LABEL_WORD})\.?"
    rf"(?:\s*[/&,]\s*(?:{_PHONE_LABEL_WORD}|fax|f)\.?)*"
    r"|(?:联系电话|电话|手机|電話|手機|座机|微信)"
    rf"|{_LETTER_BEFORE}[tmpd](?=\s*:|\s*\+))"
    r"(?:\s*\([^)\d]{0,20}\))?\s*:?\s*"
)
_NUMBER = r"\(?\+?\s?\d[\d \t\-./()]{4,}\d"
_LABELLED_PHONE = re.compile(rf"(?i:{_PHONE_LABEL})(?P<num>{_NUMBER})")
_BARE_PHONE = re.compile(r"\(?\+\s?\d[\d \t\-./()]{5,}\d")
_DATE = re.compile(r"\d{1,4}([./-])\d{1,2}\1\d{1,4}")
_SEPARATORS = re.compile(r"\s*(?:[|•·–—]|\s-\s)\s*|\s+(?i:at|@|bei|chez)\s+")
_DECORATION = " \t>*_=~-|•·"


def normalize_phone(raw: str) -> str | None:
    """``raw`` as digit groups separated by single spaces, ``+`` kept, ``(0)`` dropped.

    ``"+49 (0)30/123-4567"`` → ``"+49 30 123 4567"``. ``None`` when it is no phone number:
    a date, or fewer than 7 or more than 15 digits (ITU-T E.164 allows at most 15).
    """
    raw = raw.strip()
    if _DATE.fullmatch(raw):
        return None
    groups = re.findall(r"\d+", raw.replace("(0)", " "))
    if not 7 <= sum(len(g) for g in groups) <= 15:
        return None
    return ("+" if "+" in raw[:3] else "") + " ".join(groups)


def find_phone(line: str) -> str | None:
    """The first labelled phone number in ``line`` (fax numbers excluded), normalised."""
    for match in _LABELLED_PHONE.finditer(line):
        phone = normalize_phone(match["num"])
        if phone is not None:
            return phone
    return None


def labelled_field(line: str) -> tuple[str, str] | None:
    """``("company", "Acme Ltd")`` for a ``Company: Acme Ltd`` line: the label casefolded,
    with a leading "your " and required-field stars removed; ``None`` for no label."""
    match = _FIELD.match(line)
    if match is None:
        return None
    label = match["label"].strip(" *").casefold().removeprefix("your ")
    return label, match["value"].strip(" *\t")


def company_name(piece: str, skip: str | None) -> str | None:
    """The company ``piece`` names by a legal form, else ``None``.

    ``Purchasing Manager, Acme Co., Ltd., Hauptstr. 5`` → ``Acme Co., Ltd.``: title parts
    (and the author's folded name ``skip``) before it and address parts after the last
    legal form are dropped. Prefix forms (``ООО «Ромашка»``, ``PT Maju Jaya``) keep the piece.
    """
    if _LEGAL_PREFIX.match(piece):
        return piece
    ends = [
        m.end()
        for m in _LEGAL.finditer(piece)
        if _has_alnum(piece[: m.start()].rpartition(",")[2])  # "…, Co. Dublin" is no company
    ]
    if not ends:
        return None
    head, tail = piece[: ends[-1]], piece[ends[-1] :]
    parts = head.split(", ")
    while len(parts) > 1 and not _LEGAL.search(parts[0]):
        if _fold(parts[0]) != skip and not _ROLE.search(parts[0].casefold()):
            break
        parts.pop(0)
    return (", ".join(parts) + tail.split(",")[0]).strip(" ,;")


@functools.lru_cache(maxsize=4096)  # people sign every message alike
def signature_details(signature: str, name: str | None = None) -> ContactDetails:
    """Title, phone and company stated in ``signature`` (a signature block only, no quoted
    history); ``name``, the author's display name, is skipped so it is never taken as a
    title or company. Fields not found are ``None``; phones are normalised as by
    :func:`normalize_phone`. Text is NFKC-normalised first (full-width forms, ``：``).
    """
    text = unicodedata.normalize("NFKC", signature)
    skip = _fold(unicodedata.normalize("NFKC", name)) if name else None
    title = phone = company = None
    for raw_line in text.splitlines():
        line = raw_line.strip(_DECORATION)
        if not line:
            continue
        field = labelled_field(line)
        if field is not None and field[1]:
            if field[0] in _TITLE_LABELS:
                title = title or field[1]
                continue
            if field[0] in _COMPANY_LABELS:
                company = company or field[1]
                continue
        phone = phone or find_phone(line)
        for raw_piece in _SEPARATORS.split(line):
            piece = raw_piece.strip(_DECORATION + ",;")
            if not piece or _fold(piece) == skip:
                continue
            phone = phone or _bare_phone(piece)
            company = company or company_name(piece, skip)
            title = title or _title_part(piece, skip)
        if title and phone and company:
            break
    return ContactDetails(title=title, phone=phone, company=company)


def _fold(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))


def _has_alnum(text: str) -> bool:
    return any(c.isalnum() for c in text)


def _bare_phone(piece: str) -> str | None:
    match = _BARE_PHONE.match(piece)
    if match is None:
        return None
    rest = piece[match.end() :].strip()
    if len(rest) > 25 or any(c.isdigit() for c in rest):
        return None
    return normalize_phone(match.group())


def _title_part(piece: str, skip: str | None) -> str | None:
    for part in (p.strip() for p in piece.split(",")):
        if part and _fold(part) != skip and not _LEGAL.search(part) and _is_title(part):
            return part
    return None


def _is_title(part: str) -> bool:
    folded = part.casefold()
    words = folded.split()
    if (
        len(part) > 70
        or len(words) > 8
        or "@" in part
        or "http" in folded
        or "www." in folded
        or sum(c.isdigit() for c in part) > 2
        or "?" in part
        or "!" in part
        or (len(words) >= 4 and part[-1] in ".。")
        or _SENTENCE_CJK.search(part)
        or any(w.strip(".,;:()") in _SENTENCE_WORDS for w in words)
    ):
        return False
    return _ROLE.search(folded) is not None
