"""RFC 5322 messages from composed text: headers, quoted history, notifications, files.

Replies quote the previous message of their thread the way the writer's mail client
does: Gmail and Thunderbird put an attribution line in the writer's language ("On …
wrote:", "Am … schrieb …:", "… a écrit :") above ``>`` lines, Outlook a rule and a
``From:/Sent:/To:/Subject:`` block (translated) above the unmarked original. Marketplace
and web-form notifications follow the formats :mod:`ingest._notifications` reads.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.header import Header
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, formataddr

_MAX_QUOTED_LINES = 60
_WEEKDAYS = {
    "en": "Mon Tue Wed Thu Fri Sat Sun", "de": "Mo. Di. Mi. Do. Fr. Sa. So.",
    "es": "lun mar mié jue vie sáb dom", "fr": "lun. mar. mer. jeu. ven. sam. dim.",
    "pt": "seg. ter. qua. qui. sex. sáb. dom.", "ru": "пн вт ср чт пт сб вс",
}  # fmt: skip
_MONTHS = {
    "en": "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec",
    "de": "Jan. Feb. März Apr. Mai Juni Juli Aug. Sept. Okt. Nov. Dez.",
    "es": "ene feb mar abr may jun jul ago sept oct nov dic",
    "fr": "janv. févr. mars avr. mai juin juil. août sept. oct. nov. déc.",
    "pt": "jan. fev. mar. abr. mai. jun. jul. ago. set. out. nov. dez.",
    "ru": "янв. февр. мар. апр. мая июн. июл. авг. сент. окт. нояб. дек.",
}
_ATTRIBUTION = {
    "en": "On {wd}, {mon} {d}, {y} at {h12}:{mi} {ampm} {name} <{email}> wrote:",
    "de": "Am {wd}, {d}. {mon} {y} um {hh}:{mi} Uhr schrieb {name} <{email}>:",
    "es": "El {wd}, {d} {mon} {y} a las {h}:{mi}, {name} (<{email}>) escribió:",
    "fr": "Le {wd} {d} {mon} {y} à {hh}:{mi}, {name} <{email}> a écrit :",
    "pt": "Em {wd}, {d} de {mon} de {y} às {hh}:{mi}, {name} <{email}> escreveu:",
    "ru": "{wd}, {d} {mon} {y} г. в {hh}:{mi}, {name} <{email}>:",
}
_OUTLOOK = {  # original-message line, From, Sent, To, Subject
    "en": ("-----Original Message-----", "From", "Sent", "To", "Subject"),
    "de": ("-----Ursprüngliche Nachricht-----", "Von", "Gesendet", "An", "Betreff"),
    "es": ("-----Mensaje original-----", "De", "Enviado el", "Para", "Asunto"),
    "fr": ("-----Message d'origine-----", "De ", "Envoyé ", "À ", "Objet "),
    "pt": ("-----Mensagem original-----", "De", "Enviada em", "Para", "Assunto"),
    "ru": ("-----Исходное сообщение-----", "От", "Отправлено", "Кому", "Тема"),
}
_LONG_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_LONG_MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip
_MAILERS = {
    "outlook": "Microsoft Outlook 16.0",
    "thunderbird": "Mozilla Thunderbird",
}


@dataclass(frozen=True, slots=True)
class Sent:
    """A message already written, as a reply quotes and threads it."""

    msg_id: str
    when: datetime
    name: str
    email: str
    to: str
    subject: str
    body: str
    references: tuple[str, ...]


def local(when: datetime, tz_hours: float) -> datetime:
    """``when`` in a fixed-offset time zone of ``tz_hours``."""
    return when.astimezone(timezone(timedelta(hours=tz_hours)))


def quote(prev: Sent, language: str, outlook: bool, tz_hours: float) -> str:
    """The quoted history a reply to ``prev`` carries, written by a client of ``language``."""
    lines = prev.body.split("\n")[:_MAX_QUOTED_LINES]
    when = local(prev.when, tz_hours)
    if outlook:
        rule, frm, sent, to, subject = _OUTLOOK[language]
        top = "________________________________" if prev.when.minute % 2 else rule
        stamp = (
            f"{_LONG_DAYS[when.weekday()]}, {_LONG_MONTHS[when.month - 1]} {when.day}, "
            f"{when.year} {_clock12(when)}"
            if language == "en"
            else f"{when:%d.%m.%Y %H:%M}"
        )
        head = [top, f"{frm}: {prev.name} <{prev.email}>", f"{sent}: {stamp}",
                f"{to}: {prev.to}", f"{subject}: {prev.subject}"]  # fmt: skip
        return "\n".join([*head, "", *lines])
    attribution = _ATTRIBUTION[language].format(
        wd=_WEEKDAYS[language].split()[when.weekday()],
        mon=_MONTHS[language].split()[when.month - 1],
        d=when.day, y=when.year, h=when.hour, hh=f"{when.hour:02d}", mi=f"{when.minute:02d}",
        h12=(when.hour % 12) or 12, ampm="PM" if when.hour >= 12 else "AM",
        name=prev.name, email=prev.email,
    )  # fmt: skip
    return "\n".join([attribution, *(f"> {line}" if line else ">" for line in lines)])


def _clock12(when: datetime) -> str:
    return f"{(when.hour % 12) or 12}:{when.minute:02d} {'PM' if when.hour >= 12 else 'AM'}"


def message_id(rng: random.Random, client: str, domain: str) -> str:
    """A Message-ID in the style of ``client`` for a sender at ``domain``."""
    token = f"{rng.getrandbits(96):024x}"
    if client == "gmail":
        return f"<CA{token.upper()}@mail.gmail.com>"
    if client == "outlook":
        return f"<{token[:16].upper()}${token[16:]}@{domain}>"
    return f"<{token[:8]}-{token[8:12]}-{token[12:16]}-{token[16:]}@{domain}>"


def address(name: str, email: str) -> Address:
    """A header address: display name and address."""
    local_part, _, domain = email.rpartition("@")
    return Address(display_name=name, username=local_part, domain=domain)


def _addresses(items: list[Address]) -> str:
    """``items`` as an address-list field value, names RFC 2047-encoded where needed and
    folded one address per line."""
    return ",\n ".join(formataddr((a.display_name, a.addr_spec), charset="utf-8") for a in items)


def _unstructured(value: str) -> str:
    """``value`` RFC 2047-encoded when it is not ASCII, folded to 76 characters."""
    if value.isascii() and len(value) <= 66:
        return value
    return Header(value, "us-ascii" if value.isascii() else "utf-8", 76, "Subject").encode()


def build(
    *,
    sender: Address,
    to: list[Address],
    cc: list[Address],
    subject: str,
    when: datetime,
    msg_id: str,
    body: str,
    reply_to: Address | None = None,
    prev: Sent | None = None,
    client: str = "gmail",
    attachment: tuple[str, bytes] | None = None,
    boundary: str = "",
) -> bytes:
    """One message as bytes: headers in the usual order, a UTF-8 text body, a file.

    ``boundary`` is the multipart boundary used when there is a file (the ``email``
    package would draw one from the global random generator, which is not reproducible).
    Header values are formatted here (``email.utils.formataddr``, ``email.header``) and
    stored as they are, which spares the ``email`` package parsing each one again.
    """
    msg = EmailMessage()
    msg.set_raw("From", _addresses([sender]))
    msg.set_raw("To", _addresses(to))
    if cc:
        msg.set_raw("Cc", _addresses(cc))
    if reply_to is not None:
        msg.set_raw("Reply-To", _addresses([reply_to]))
    msg.set_raw("Subject", _unstructured(subject))
    msg.set_raw("Date", format_datetime(when))
    msg.set_raw("Message-ID", msg_id)
    if prev is not None:
        msg.set_raw("In-Reply-To", prev.msg_id)
        msg.set_raw("References", "\n ".join((*prev.references[-9:], prev.msg_id)))
    if client in _MAILERS:
        msg.set_raw("X-Mailer", _MAILERS[client])
    if body.isascii():
        cte = "7bit"
    else:
        cte = {"outlook": "quoted-printable", "system": "base64"}.get(client, "8bit")
    msg.set_content(body, cte=cte)
    if attachment is not None:
        name, data = attachment
        maintype, subtype = ("image", "jpeg") if name.endswith(".jpg") else ("application", "pdf")
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
        msg.set_boundary(boundary)
    return msg.as_bytes()


def fake_file(rng: random.Random, name: str) -> bytes:
    """Small stand-in bytes for an attached PDF or JPEG named ``name``."""
    if name.endswith(".jpg"):
        return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + rng.randbytes(600) + b"\xff\xd9"
    title = name.rsplit(".", 1)[0].encode("ascii", "replace")
    return (
        b"%PDF-1.4\n1 0 obj << /Title ("
        + title
        + b") /Producer (Lumora ERP) >> endobj\n"
        + rng.randbytes(400).hex().encode("ascii")
        + b"\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    )


@dataclass(frozen=True, slots=True)
class Buyer:
    """What a notification says about the buyer."""

    name: str
    email: str
    company: str | None
    country: str
    phone: str


def notification(
    platform: str, buyer: Buyer, product: str | None, qty: str | None, text: str
) -> tuple[Address, Address | None, str, str]:
    """Sender, Reply-To, subject and body of a marketplace or web-form notification.

    ``platform`` is ``Alibaba``, ``Made-in-China``, ``wordpress`` (our own site's form,
    sent from our domain) or ``formspree``; ``text`` is the buyer's message; ``product``
    and ``qty`` are the product page and quantity the form filled in (None: left empty).
    """
    buyer_address = address(buyer.name, buyer.email)
    wanted = _field("Product", product) + _field("Quantity", f"{qty} Pieces" if qty else None)
    about = f": {product}" if product else ""
    if platform == "Alibaba":
        body = (
            "You have received a new inquiry on Alibaba.com.\n\n"
            f"Buyer: {buyer.name}\n{_field('Company', buyer.company)}Country: {buyer.country}\n"
            f"Email: {buyer.email}\n{wanted}Message: {text}\n\n"
            "Reply to this inquiry on Alibaba.com or by email within 24 hours to keep "
            "a good response rate."
        )
        return (address("Alibaba.com", "notice@service.alibaba.com"), buyer_address,
                f"New inquiry from {buyer.name}{about}", body)  # fmt: skip
    if platform == "Made-in-China":
        body = (
            "Made-in-China.com inquiry\n\n"
            f"Buyer name: {buyer.name}\n{_field('Company name', buyer.company)}"
            f"E-mail: {buyer.email}\n"
            f"Tel: {buyer.phone}\nCountry/Region: {buyer.country}\n{wanted}"
            f"Message:\n{text}\n\n"
            "Please contact the buyer directly. This is an automatic notification."
        )
        return (address("Made-in-China.com", "inquiry@made-in-china.com"), None,
                f"Inquiry from {buyer.company or buyer.name}{about}", body)  # fmt: skip
    if platform == "wordpress":
        body = (
            "You have a new contact form submission on www.lumora-lighting.com:\n\n"
            f"Your Name: {buyer.name}\nYour Email: {buyer.email}\n"
            f"{_field('Company', buyer.company)}"
            f"Country: {buyer.country}\nPhone: {buyer.phone}\n{wanted}Message: {text}\n\n"
            "--\nThis e-mail was sent from the contact form of Lumora Lighting "
            "(https://www.lumora-lighting.com)"
        )
        return (address("Lumora Lighting Website", "wordpress@lumora-lighting.com"), None,
                f"[Lumora Lighting] New website inquiry from {buyer.name}", body)  # fmt: skip
    body = (
        f"name: {buyer.name}\nemail: {buyer.email}\n{_field('company', buyer.company)}"
        f"country: {buyer.country}\nmessage: {text}\n\n"
        "Submitted via the contact form on lumora-lighting.com"
    )
    return (address("Formspree", "noreply@formspree.io"), buyer_address,
            "Website inquiry: new submission from lumora-lighting.com", body)  # fmt: skip


def _field(label: str, value: str | None) -> str:
    """A ``Label: value`` line of a form, or nothing when the field was left empty."""
    return f"{label}: {value}\n" if value else ""
