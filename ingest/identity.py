"""Identity: which customer and contact a message belongs to (SPEC §4).

A customer is an organization keyed by the registrable domain of its addresses (Public
Suffix List, offline), or a person keyed by the full address at a freemail provider.
Marketplace and web-form notifications are attributed to the buyer they carry.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

import tldextract

from ingest._freemail import FREEMAIL_BRANDS, FREEMAIL_DOMAINS
from ingest._notifications import (
    FORM_SERVICE_DOMAINS,
    MARKETPLACE_DOMAINS,
    SYSTEM_DOMAINS,
    body_emails,
    form_fields,
    is_form_sender,
    is_system_sender,
    looks_like_form,
)
from ingest._signature_details import ContactDetails, signature_details
from ingest.message import Address, Direction, ParsedMessage

__all__ = [
    "MARKETPLACE_DOMAINS",
    "ContactDetails",
    "CustomerKind",
    "IdentityResolver",
    "NotificationSource",
    "Party",
    "customer_key",
    "is_freemail",
    "registrable_domain",
    "signature_details",
]

CustomerKind = Literal["organization", "person"]
NotificationSource = Literal["marketplace", "website_form"]


@dataclass(frozen=True, slots=True)
class Party:
    """The external side a message belongs to: its customer and the contact address.

    ``details`` holds what a notification's labelled fields said about the buyer
    (company, phone); ``None`` for ordinary mail, whose details come from the signature.
    """

    customer_key: str
    customer_kind: CustomerKind
    contact: Address
    details: ContactDetails | None = None


@dataclass(frozen=True, slots=True)
class Resolution:
    """Who a message is with, seen from the mailbox: see :meth:`IdentityResolver.resolve`."""

    direction: Direction
    party: Party | None
    participants: tuple[str, ...]
    is_notification: bool


# IDNA label separators besides "." (RFC 3490 §3.1), after NFKC.
_IDNA_DOTS = str.maketrans({"\u3002": "."})
_LABEL = re.compile(r"[\w-]+")
_OUTER = re.compile(r"^[\s.]+|[\s.]+$")


@functools.lru_cache(maxsize=65536)
def _normalize_domain(domain: str) -> str:
    """``domain`` NFKC-normalised, lower-cased, without outer dots, ``xn--`` labels decoded
    to Unicode (IDNA A-label → U-label), so that punycode and Unicode spellings agree."""
    host = _OUTER.sub("", unicodedata.normalize("NFKC", domain).translate(_IDNA_DOTS).lower())
    if "xn--" in host:
        host = ".".join(_decode_label(label) for label in host.split("."))
    return host


def _decode_label(label: str) -> str:
    if not label.startswith("xn--"):
        return label
    try:
        return label[4:].encode("ascii").decode("punycode").lower()
    except UnicodeError:
        return label


@functools.cache
def _extractor() -> tldextract.TLDExtract:
    # The bundled PSL snapshot, never fetched; private suffixes (github.io, cn.com, uk.com)
    # count as public, so companies registered under them stay apart.
    return tldextract.TLDExtract(
        cache_dir=None,
        suffix_list_urls=(),
        fallback_to_snapshot=True,
        include_psl_private_domains=True,
    )


@functools.lru_cache(maxsize=1 << 16)
def registrable_domain(domain: str) -> str:
    """The registrable domain of ``domain`` by the Public Suffix List (bundled, offline):
    ``sales.acme.co.uk`` → ``acme.co.uk``, ``x.github.io`` → ``x.github.io`` (private
    suffixes included). Punycode and Unicode spellings give the same Unicode result
    (``xn--mnchen-3ya.de`` → ``münchen.de``). IP literals, bare suffixes and anything that
    is not a dotted host name come back normalised (lower-cased, outer dots removed) as is.
    """
    host = _normalize_domain(domain)
    if not all(_LABEL.fullmatch(label) for label in host.split(".")):
        return host
    found: str = _extractor().extract_str(host).top_domain_under_public_suffix
    return found or host


def is_freemail(domain: str) -> bool:
    """True when addresses at ``domain`` (or a subdomain of it) belong to individuals of a
    freemail provider: gmail, outlook/hotmail/live, yahoo, icloud, aol, gmx, web.de,
    mail.ru, yandex, qq.com, 163.com … including country variants (``hotmail.co.uk``)."""
    found = registrable_domain(domain)
    return found in FREEMAIL_DOMAINS or (
        "." in found and found.partition(".")[0] in FREEMAIL_BRANDS
    )


def customer_key(email: str) -> tuple[str, CustomerKind]:
    """The customer an address belongs to (SPEC §4): ``(registrable domain,
    "organization")``, or ``(full address, "person")`` for freemail. The key is lower-cased
    with the domain normalised as by :func:`registrable_domain`; an address without a
    domain is a person keyed by itself."""
    local, at, domain = email.strip().rpartition("@")
    if not (at and local and domain):
        return email.strip().lower(), "person"
    host = _normalize_domain(domain)
    if is_freemail(host):
        return f"{local.lower()}@{host}", "person"
    return registrable_domain(host), "organization"


class IdentityResolver:
    """Direction and counterparty of messages as seen from one mailbox's own domains."""

    __slots__ = ("_is_own_email", "_own_addresses", "_own_domains")

    def __init__(self, own_domains: Iterable[str]) -> None:
        """``own_domains``: the mailbox's domains; an address is own when its domain is one
        of them or a subdomain (``mail.example.com`` for ``example.com``). An item with a
        local part (``rep@gmail.com``) makes only that address own: pass the login that
        way when its domain is a freemail provider."""
        domains: set[str] = set()
        addresses: set[str] = set()
        for item in own_domains:
            local, _, domain = item.strip().rpartition("@")
            if local:
                addresses.add(f"{local.lower()}@{_normalize_domain(domain)}")
            elif _normalize_domain(domain):
                domains.add(_normalize_domain(domain))
        self._own_domains = frozenset(domains)
        self._own_addresses = frozenset(addresses)
        self._is_own_email = functools.lru_cache(maxsize=8192)(self._own_email)

    def is_own(self, address: Address) -> bool:
        """True when ``address`` is at an own domain or one of its subdomains, or is an own
        address; an address without a domain is never own."""
        return self._is_own_email(address.email)

    def is_party(self, address: Address) -> bool:
        """True when ``address`` could be a customer's: external, with a domain, and no
        marketplace's or form service's system address."""
        return self._is_party(address)

    def _own_email(self, email: str) -> bool:
        local, at, domain = email.rpartition("@")
        host = _normalize_domain(domain)
        if not (at and host):
            return False
        if f"{local.lower()}@{host}" in self._own_addresses:
            return True
        labels = host.split(".")
        return any(".".join(labels[i:]) in self._own_domains for i in range(len(labels)))

    def direction(self, msg: ParsedMessage) -> Direction:
        """``"outbound"`` when the sender is own and a To/Cc recipient is external;
        ``"internal"`` when the sender and every recipient are own (or there are no
        recipients); ``"inbound"`` otherwise: an external or missing sender, or a website
        form notification sent from an own address (see :meth:`notification_buyer`)."""
        return self._direction(msg, self.notification_buyer(msg))

    def counterparty(self, msg: ParsedMessage) -> Party | None:
        """Who ``msg`` is with: a notification's buyer; for other inbound mail the sender
        (or, without one, the first external Reply-To); for outbound mail the first
        external To, then Cc. ``None`` for internal mail and for marketplace or form-service
        mail that carries no buyer (system addresses are never customers)."""
        return self._counterparty(msg, self.notification_buyer(msg))

    def participants(self, msg: ParsedMessage) -> tuple[str, ...]:
        """Sorted unique customer keys of the external From, To, Cc and Reply-To addresses
        (system addresses of marketplaces and form services, and a notification's sender,
        left out) and of a notification's buyer."""
        return self._participants(msg, self.notification_buyer(msg))

    def resolve(self, msg: ParsedMessage) -> Resolution:
        """Direction, counterparty, participants and notification status of ``msg`` at once
        (the same answers as the single methods, the notification examined only once)."""
        buyer = self.notification_buyer(msg)
        return Resolution(
            direction=self._direction(msg, buyer),
            party=self._counterparty(msg, buyer),
            participants=self._participants(msg, buyer),
            is_notification=buyer is not None,
        )

    def is_notification(self, msg: ParsedMessage) -> bool:
        """True when ``msg`` is a marketplace or web-form notification carrying a buyer: the
        buyer's first inquiry, to be kept even when bulk headers mark the message."""
        return self.notification_buyer(msg) is not None

    def notification_source(
        self, sender_email: str | None, buyer_email: str | None
    ) -> NotificationSource | None:
        """Who notified us of an inbound message stored as ``buyer_email``'s:
        ``"website_form"`` when an own address or a form service sent it,
        ``"marketplace"`` when another platform did, ``None`` when the buyer's side wrote it
        (the same customer) or either address is unknown."""
        if not sender_email or not buyer_email:
            return None
        if customer_key(sender_email)[0] == customer_key(buyer_email)[0]:
            return None
        sender = Address(sender_email)
        if self.is_own(sender) or registrable_domain(sender.domain) in FORM_SERVICE_DOMAINS:
            return "website_form"
        return "marketplace"

    def notification_buyer(self, msg: ParsedMessage) -> Party | None:
        """The buyer a notification carries, else ``None``.

        A notification comes from an address at a marketplace (:data:`MARKETPLACE_DOMAINS`:
        Alibaba, Made-in-China, Global Sources …) or a form service (Formspree, WPForms,
        Jotform, Typeform …), or from an own ``noreply``/``wordpress``-style address to own
        recipients only, with a subject or body that speaks of a form or an inquiry; or it
        is relayed by a platform not named here (see :meth:`_is_platform_notice`). The
        buyer is the first external Reply-To, else the body's ``Email:`` field, else the
        first external address in the body; own and system addresses never qualify. The
        contact's name is the body's ``Name:`` field, else the Reply-To display name;
        ``details`` carries the ``Company:`` field and a labelled phone.
        """
        if msg.sender is None or not self._is_notification_sender(msg, msg.sender):
            return None
        fields = form_fields(msg.body)
        found = (
            *msg.reply_to,
            *((Address(fields.email),) if fields.email else ()),
            *(Address(e) for e in body_emails(msg.body)),
        )
        buyer = next((a for a in found if self._is_party(a)), None)
        if buyer is None:
            return None
        name = fields.name if fields.name and "@" not in fields.name else buyer.name
        details = ContactDetails(company=fields.company, phone=fields.phone)
        return _party(Address(buyer.email.lower(), name), details)

    def _counterparty(self, msg: ParsedMessage, buyer: Party | None) -> Party | None:
        if buyer is not None:
            return buyer
        direction = self._direction(msg, None)
        if direction == "internal":
            return None
        if direction == "outbound":
            candidates = (*msg.to, *msg.cc)
        else:
            candidates = (*((msg.sender,) if msg.sender else ()), *msg.reply_to)
        party = next((a for a in candidates if self._is_party(a)), None)
        return None if party is None else _party(party)

    def _participants(self, msg: ParsedMessage, buyer: Party | None) -> tuple[str, ...]:
        # A notification's sender is the platform that forwarded the buyer, never a party.
        sender = (msg.sender,) if msg.sender and buyer is None else ()
        addresses = (*sender, *msg.to, *msg.cc, *msg.reply_to)
        keys = {customer_key(a.email)[0] for a in addresses if self._is_party(a)}
        if buyer is not None:
            keys.add(buyer.customer_key)
        return tuple(sorted(keys))

    def _direction(self, msg: ParsedMessage, buyer: Party | None) -> Direction:
        if msg.sender is None or not self.is_own(msg.sender):
            return "inbound"
        if any(self._is_external(a) for a in (*msg.to, *msg.cc)):
            return "outbound"
        return "internal" if buyer is None else "inbound"

    def _is_notification_sender(self, msg: ParsedMessage, sender: Address) -> bool:
        if registrable_domain(sender.domain) in SYSTEM_DOMAINS:
            return True
        if self.is_own(sender):
            return (
                is_form_sender(sender.email.rpartition("@")[0])
                and not any(self._is_external(a) for a in (*msg.to, *msg.cc))
                and looks_like_form(msg.subject, msg.body)
            )
        return self._is_platform_notice(msg, sender)

    def _is_platform_notice(self, msg: ParsedMessage, sender: Address) -> bool:
        """A platform we do not know by name that relays a buyer's inquiry: an automatic
        sender (bulk or auto-submitted headers, or a system local part such as
        ``noreply``/``leads``/``buyer-inquiry``) whose body carries labelled buyer fields,
        an e-mail at another domain than the sender's and a name or company."""
        automatic = msg.is_bulk or msg.is_auto or is_system_sender(sender.email.rpartition("@")[0])
        if not automatic or not looks_like_form(msg.subject, msg.body):
            return False
        fields = form_fields(msg.body)
        if fields.email is None or not (fields.name or fields.company):
            return False
        buyer = Address(fields.email)
        return self._is_party(buyer) and (
            registrable_domain(buyer.domain) != registrable_domain(sender.domain)
        )

    def _is_party(self, address: Address) -> bool:
        return self._is_external(address) and (
            registrable_domain(address.domain) not in SYSTEM_DOMAINS
        )

    def _is_external(self, address: Address) -> bool:
        local, at, domain = address.email.rpartition("@")
        return bool(local and at and domain) and not self.is_own(address)


def _party(address: Address, details: ContactDetails | None = None) -> Party:
    key, kind = customer_key(address.email)
    return Party(customer_key=key, customer_kind=kind, contact=address, details=details)
