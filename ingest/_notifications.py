"""Marketplace and web-form notifications: who sends them, and the buyer fields they carry.

Pure text helpers; :class:`ingest.identity.IdentityResolver` decides with them (it knows
the own domains).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest._signature_details import find_phone, labelled_field

# B2B marketplaces whose system addresses forward buyers' inquiries (registrable domains).
MARKETPLACE_DOMAINS: frozenset[str] = frozenset(
    {
        "alibaba.com",
        "made-in-china.com",
        "globalsources.com",
        "dhgate.com",
        "ec21.com",
        "ecplaza.net",
        "tradekey.com",
        "indiamart.com",
        "tradeindia.com",
        "europages.com",
    }
)
# Hosted form services that mail a website's submissions (registrable domains).
FORM_SERVICE_DOMAINS: frozenset[str] = frozenset(
    {
        "formspree.io",
        "wpforms.com",
        "jotform.com",
        "typeform.com",
        "formstack.com",
        "cognitoforms.com",
        "123formbuilder.com",
        "wufoo.com",
        "getform.io",
        "squarespace.info",
    }
)
SYSTEM_DOMAINS: frozenset[str] = MARKETPLACE_DOMAINS | FORM_SERVICE_DOMAINS

# Local parts a website (WordPress, Contact Form 7, a mailer script) sends from.
_FORM_LOCAL_PART = re.compile(
    r"(?:no[-_.]?reply|do[-_.]?not[-_.]?reply|wordpress|www-data|webmaster|website|web"
    r"|forms?|contact[-_.]?form|formular|mailer)(?:[-_.+].*)?",
    re.IGNORECASE,
)
# Local parts of the system addresses a platform relays buyers' messages from.
_SYSTEM_LOCAL_PART = re.compile(
    r"(?:[\w.+-]*[-_.])?(?:no[-_.]?reply|do[-_.]?not[-_.]?reply|notifications?|notify|alerts?|"
    r"leads?|buy[-_.]?leads?|inquir(?:y|ies)|enquir(?:y|ies)|rfqs?|buyers?|buyer[-_.]inquiry|"
    r"messages?|message[-_.]center|service|system|mailer|bounce|info|news)(?:[-_.+][\w.+-]*)?",
    re.IGNORECASE,
)
# Words by which a subject or body opening says it is a form submission.
_FORM_CUE = re.compile(
    r"form|submission|formular|formulario|formulaire|anfrage|inquiry|enquiry|contact|kontakt"
    r"|contacto|website|web site|表单|询盘|留言|заявка|форма",
    re.IGNORECASE,
)
# The lookbehind starts a match only where a run of address characters starts: linear time.
_EMAIL = re.compile(r"(?<![\w.+%'-])[\w.+%'-]+@[\w-]+(?:\.[\w-]+)+")

_NAME_LABELS = frozenset(
    {
        "name", "full name", "your name", "contact name", "contact person", "buyer",
        "buyer name", "nombre", "nombre completo", "nom", "nom complet", "nome",
        "nome completo", "vorname und nachname", "ad soyad", "ad", "isim", "imię i nazwisko",
        "姓名", "名字", "联系人", "имя", "фио", "контактное лицо", "الاسم", "adı soyadı",
    }
)  # fmt: skip
_EMAIL_LABELS = frozenset(
    {
        "email", "e-mail", "mail", "email address", "e-mail address", "correo",
        "correo electrónico", "courriel", "adresse e-mail", "e-mail-adresse", "e-posta",
        "eposta", "邮箱", "电子邮件", "電子郵件", "почта", "эл. почта", "электронная почта",
        "البريد الإلكتروني",
    }
)  # fmt: skip
_COMPANY_LABELS = frozenset(
    {
        "company", "company name", "organization", "organisation", "firma", "firmenname",
        "firma adı", "şirket", "unternehmen", "empresa", "société", "entreprise", "azienda",
        "公司", "公司名称", "公司名稱", "компания", "организация", "الشركة", "şirket adı",
    }
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class FormFields:
    """The labelled buyer fields of a notification body (``None`` where absent)."""

    name: str | None = None
    email: str | None = None
    company: str | None = None
    phone: str | None = None


def is_form_sender(local_part: str) -> bool:
    """True for the local part of an address a website's form mails from (``noreply``,
    ``wordpress``, ``no-reply-forms`` …)."""
    return _FORM_LOCAL_PART.fullmatch(local_part) is not None


def is_system_sender(local_part: str) -> bool:
    """True for the local part of a platform's system address (``noreply``,
    ``notifications``, ``buyer-inquiry``, ``leads`` …), not a person's."""
    return _SYSTEM_LOCAL_PART.fullmatch(local_part) is not None


def looks_like_form(subject: str, body: str) -> bool:
    """True when the subject or the opening of the body speaks of a form or an inquiry."""
    return _FORM_CUE.search(subject) is not None or _FORM_CUE.search(body[:500]) is not None


def form_fields(body: str) -> FormFields:
    """Name, email, company and phone from ``Label: value`` lines of ``body``; a label
    alone on its line takes the next non-empty line as its value (HTML tables as text)."""
    found: dict[str, str] = {}
    phone: str | None = None
    lines = [ln.strip() for ln in body.splitlines()]
    for i, line in enumerate(lines):
        phone = phone or find_phone(line)
        field = labelled_field(line)
        if field is None:
            continue
        label, value = field
        if not value:
            value = next((ln for ln in lines[i + 1 : i + 3] if ln), "")
        for key, labels in (
            ("name", _NAME_LABELS),
            ("email", _EMAIL_LABELS),
            ("company", _COMPANY_LABELS),
        ):
            if label in labels and value and key not in found:
                found[key] = value
    email = _EMAIL.search(found.get("email", ""))
    return FormFields(
        name=found.get("name"),
        email=email.group().lower() if email else None,
        company=found.get("company"),
        phone=phone,
    )


def body_emails(body: str) -> list[str]:
    """Every email address in ``body``, lower-cased, in order of appearance."""
    return [m.group().lower() for m in _EMAIL.finditer(body)]
