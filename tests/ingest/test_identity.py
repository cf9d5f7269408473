"""Identity: registrable domains, freemail, direction, counterparty, notifications, signatures."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ingest.identity import (
    MARKETPLACE_DOMAINS,
    ContactDetails,
    IdentityResolver,
    Party,
    customer_key,
    is_freemail,
    registrable_domain,
    signature_details,
)
from ingest.message import Address, BodyParts, ParsedMessage

OWN = IdentityResolver(["example.com", "Example-Group.DE"])


def addr(email: str, name: str | None = None) -> Address:
    return Address(email=email, name=name)


def make_msg(
    sender: str | Address | None = "buyer@acme.co.uk",
    to: tuple[str | Address, ...] = ("rep@example.com",),
    cc: tuple[str | Address, ...] = (),
    reply_to: tuple[str | Address, ...] = (),
    subject: str = "LED panels 600x600",
    body: str = "Please quote 500 pcs.",
    **extra: Any,
) -> ParsedMessage:
    def a(value: str | Address) -> Address:
        return value if isinstance(value, Address) else Address(value)

    fields: dict[str, Any] = {
        "raw_sha256": "0" * 64,
        "message_id": "<m1@example.com>",
        "in_reply_to": None,
        "references": (),
        "date": None,
        "subject": subject,
        "sender": None if sender is None else a(sender),
        "reply_to": tuple(a(x) for x in reply_to),
        "to": tuple(a(x) for x in to),
        "cc": tuple(a(x) for x in cc),
        "body": body,
        "body_format": "plain",
        "parts": BodyParts(new_text=body),
    }
    fields.update(extra)
    return ParsedMessage(**fields)


# --- registrable domain -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("domain", "expected"),
    [
        ("sales.acme.co.uk", "acme.co.uk"),
        ("acme.co.uk", "acme.co.uk"),
        ("mail.foo.com.cn", "foo.com.cn"),
        ("Sales.ACME.com.", "acme.com"),
        ("ｅｘａｍｐｌｅ．ｃｏｍ", "example.com"),  # full-width forms and IDNA dot
        # private PSL suffixes count: two companies under cn.com / github.io stay apart
        ("x.github.io", "x.github.io"),
        ("mail.acme.cn.com", "acme.cn.com"),
        # IDN: punycode and Unicode spellings agree
        ("xn--mnchen-3ya.de", "münchen.de"),
        ("shop.MÜNCHEN.de", "münchen.de"),
        ("shop.xn--d1acufc.xn--p1ai", "домен.рф"),
        ("Shop.Домен.РФ", "домен.рф"),
        ("abc.公司.cn", "abc.公司.cn"),
        # IP literals and garbage come back as they are
        ("[192.168.0.1]", "[192.168.0.1]"),
        ("[IPv6:2001:DB8::1]", "[ipv6:2001:db8::1]"),
        ("192.168.0.1", "192.168.0.1"),
        ("localhost", "localhost"),
        ("com", "com"),
        ("", ""),
        ("a b.com", "a b.com"),
    ],
)
def test_registrable_domain(domain: str, expected: str) -> None:
    assert registrable_domain(domain) == expected


def test_invalid_punycode_is_kept() -> None:
    assert registrable_domain("mail.xn--zz-é.com") == "xn--zz-é.com"


def _flanker_domains(fixtures: Path) -> list[str]:
    domains: list[str] = []
    for path in sorted(fixtures.glob("*_valid.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            value = line.split(",")[0] if path.name.startswith("domain_typos") else line
            domains.append(value.rpartition("@")[2])
    return domains


def test_flanker_fixture_domains_do_not_crash(shared_data: Path) -> None:
    fixtures = shared_data / "mime/flanker/tests/fixtures"
    domains = _flanker_domains(fixtures)
    assert len(domains) > 300
    for domain in domains:
        result = registrable_domain(domain)
        assert isinstance(result, str)
        assert result == registrable_domain(result)  # idempotent
        key, kind = customer_key(f"someone@{domain}")
        assert kind in {"organization", "person"}
        assert key
    assert registrable_domain("dept.example.com") == "example.com"


# --- freemail and customer keys -----------------------------------------------------------


@pytest.mark.parametrize(
    "domain",
    [
        "gmail.com", "googlemail.com", "outlook.com", "hotmail.co.uk", "hotmail.com.br",
        "live.fr", "msn.com", "yahoo.co.jp", "yahoo.com.tw", "ymail.com", "icloud.com",
        "me.com", "aol.com", "gmx.de", "gmx.net", "web.de", "mail.ru", "bk.ru", "yandex.ru",
        "ya.ru", "qq.com", "vip.qq.com", "163.com", "vip.163.com", "126.com", "yeah.net",
        "sina.com", "sina.cn", "sohu.com", "139.com", "aliyun.com", "naver.com",
        "hanmail.net", "rediffmail.com", "protonmail.com", "proton.me", "zohomail.com",
        "tutanota.com", "libero.it", "orange.fr", "wanadoo.fr", "free.fr", "t-online.de",
        "GMAIL.COM",
    ],
)  # fmt: skip
def test_is_freemail(domain: str) -> None:
    assert is_freemail(domain)


@pytest.mark.parametrize(
    "domain", ["acme.co.uk", "example.com", "live-sound.de", "mail.acme.com", "microsoft.com"]
)
def test_is_not_freemail(domain: str) -> None:
    assert not is_freemail(domain)


def test_customer_key() -> None:
    assert customer_key("Buyer@Sales.Acme.co.uk") == ("acme.co.uk", "organization")
    assert customer_key("John.Doe@Gmail.com") == ("john.doe@gmail.com", "person")
    assert customer_key("li@vip.163.com") == ("li@vip.163.com", "person")
    assert customer_key("info@xn--mnchen-3ya.de") == ("münchen.de", "organization")
    assert customer_key("no-domain") == ("no-domain", "person")


# --- own addresses and direction ----------------------------------------------------------


def test_is_own_includes_subdomains_only() -> None:
    assert OWN.is_own(addr("rep@example.com"))
    assert OWN.is_own(addr("rep@mail.EXAMPLE.com"))
    assert OWN.is_own(addr("rep@example-group.de"))
    assert not OWN.is_own(addr("rep@notexample.com"))
    assert not OWN.is_own(addr("rep@example.com.evil.net"))
    assert not OWN.is_own(addr("no-domain"))


def test_own_address_on_freemail_is_only_that_address() -> None:
    resolver = IdentityResolver(["Rep.Li@gmail.com", "@example.com"])
    assert resolver.is_own(addr("rep.li@gmail.com"))
    assert not resolver.is_own(addr("buyer@gmail.com"))
    assert resolver.is_own(addr("a@example.com"))


@pytest.mark.parametrize(
    ("sender", "to", "cc", "expected"),
    [
        ("buyer@acme.co.uk", ("rep@example.com",), (), "inbound"),
        (None, ("rep@example.com",), (), "inbound"),
        ("buyer@acme.co.uk", ("other@acme.co.uk",), (), "inbound"),
        ("rep@example.com", ("buyer@acme.co.uk",), (), "outbound"),
        ("rep@mail.example.com", ("boss@example.com",), ("buyer@acme.co.uk",), "outbound"),
        ("rep@example.com", ("boss@example.com",), ("x@sub.example-group.de",), "internal"),
        ("rep@example.com", (), (), "internal"),
    ],
)
def test_direction(
    sender: str | None, to: tuple[str, ...], cc: tuple[str, ...], expected: str
) -> None:
    assert OWN.direction(make_msg(sender=sender, to=to, cc=cc)) == expected


# --- counterparty and participants --------------------------------------------------------


def test_inbound_counterparty_is_sender() -> None:
    sender = addr("buyer@sales.acme.co.uk", "Jane Buyer")
    party = OWN.counterparty(make_msg(sender=sender))
    assert party == Party("acme.co.uk", "organization", sender)


def test_outbound_counterparty_first_external_to_then_cc() -> None:
    msg = make_msg(
        sender="rep@example.com",
        to=("boss@example.com", "li@qq.com"),
        cc=("x@acme.co.uk",),
    )
    party = OWN.counterparty(msg)
    assert party is not None
    assert (party.customer_key, party.customer_kind) == ("li@qq.com", "person")
    from_cc = OWN.counterparty(
        make_msg(sender="rep@example.com", to=("boss@example.com",), cc=("x@acme.co.uk",))
    )
    assert from_cc is not None
    assert from_cc.contact == addr("x@acme.co.uk")


def test_internal_has_no_counterparty() -> None:
    msg = make_msg(sender="rep@example.com", to=("boss@example.com",))
    assert OWN.counterparty(msg) is None
    assert OWN.participants(msg) == ()


def test_participants_sorted_unique_keys() -> None:
    msg = make_msg(
        sender="a@sales.acme.co.uk",
        to=("rep@example.com", "b@acme.co.uk", "z@gmail.com"),
        cc=("c@beta.de",),
        reply_to=("a@acme.co.uk",),
    )
    assert OWN.participants(msg) == ("acme.co.uk", "beta.de", "z@gmail.com")


# --- marketplace and web-form notifications -----------------------------------------------

ALIBABA_BODY = """You have a new inquiry from Alibaba.com

Name: Ahmed Khan
Company: Khan Electronics LLC
Country: United Arab Emirates
Message: We need 2000 pcs of LED panel 600x600, CE certified. Please send price.
"""


def test_marketplace_domains_are_one_frozen_set() -> None:
    assert isinstance(MARKETPLACE_DOMAINS, frozenset)
    assert {"alibaba.com", "made-in-china.com", "globalsources.com"} <= MARKETPLACE_DOMAINS


def test_marketplace_notification_buyer_from_reply_to() -> None:
    msg = make_msg(
        sender="notice@service.alibaba.com",
        reply_to=(addr("ahmed@khan-electronics.ae", "Ahmed"),),
        subject="New inquiry: LED panel 600x600",
        body=ALIBABA_BODY,
        is_bulk=True,
    )
    assert OWN.is_notification(msg)
    assert OWN.direction(msg) == "inbound"
    party = OWN.counterparty(msg)
    assert party is not None
    assert party.customer_key == "khan-electronics.ae"
    assert party.contact == addr("ahmed@khan-electronics.ae", "Ahmed Khan")
    assert party.details == ContactDetails(company="Khan Electronics LLC")
    assert OWN.participants(msg) == ("khan-electronics.ae",)


def test_marketplace_notification_buyer_only_in_body() -> None:
    body = (
        "Made-in-China.com inquiry\nContact: service@made-in-china.com\n"
        "Buyer name: Maria Rossi\nE-mail:\nmaria.rossi@libero.it\nTel: +39 02 1234 5678\n"
    )
    msg = make_msg(sender="inquiry@made-in-china.com", body=body)
    party = OWN.counterparty(msg)
    assert party == Party(
        "maria.rossi@libero.it",
        "person",
        addr("maria.rossi@libero.it", "Maria Rossi"),
        ContactDetails(phone="+39 02 1234 5678"),
    )


def test_marketplace_mail_without_buyer_is_no_customer() -> None:
    msg = make_msg(
        sender="promo@globalsources.com",
        reply_to=("service@globalsources.com",),
        body="Upgrade your membership: write to service@globalsources.com",
    )
    assert not OWN.is_notification(msg)
    assert OWN.counterparty(msg) is None
    assert OWN.participants(msg) == ()


def test_website_form_from_own_noreply() -> None:
    body = (
        "New submission from Contact Form\n\nYour Name: Peter Wolf\n"
        "Your Email: peter.wolf@wolf-bau.de\nCompany: Wolf Bau GmbH\n"
        "Message: Please send your catalogue (info@example.com)."
    )
    msg = make_msg(
        sender="wordpress@www.example.com",
        to=("info@example.com",),
        subject='[Example] New submission from "Contact Form"',
        body=body,
    )
    assert OWN.is_notification(msg)
    assert OWN.direction(msg) == "inbound"
    party = OWN.counterparty(msg)
    assert party is not None
    assert party.customer_key == "wolf-bau.de"
    assert party.contact == addr("peter.wolf@wolf-bau.de", "Peter Wolf")
    assert party.details is not None
    assert party.details.company == "Wolf Bau GmbH"


def test_form_service_notification_with_reply_to() -> None:
    msg = make_msg(
        sender="noreply@formspree.io",
        reply_to=("lee@gmail.com",),
        subject="New submission from example.com",
        body="email: lee@gmail.com\nmessage: price for 100 units?",
    )
    party = OWN.counterparty(msg)
    assert party is not None
    assert (party.customer_key, party.customer_kind) == ("lee@gmail.com", "person")


RELAYED_BODY = """Dear Member,

A buyer sent you a message through our trade portal:

Buyer: Olu Adebayo
Company: Adebayo Pumps Ltd
E-posta: olu@adebayopumps.com.ng
Phone: +234 803 555 0199

Message:
We need 40 submersible pumps, 2 hp. Please send your price.
"""


@pytest.mark.parametrize(
    ("sender", "headers"),
    [
        ("leads@b2b-portal.example.net", {}),
        ("alerts@tradehub.example.org", {"is_bulk": True}),
        ("team@exportsite.example.biz", {"is_auto": True}),
    ],
)
def test_an_unknown_platform_relaying_a_buyer(sender: str, headers: dict[str, bool]) -> None:
    msg = make_msg(sender=sender, subject="New buyer inquiry #4471", body=RELAYED_BODY, **headers)
    assert OWN.is_notification(msg)
    party = OWN.counterparty(msg)
    assert party is not None
    assert party.customer_key == "adebayopumps.com.ng"
    assert party.contact == addr("olu@adebayopumps.com.ng", "Olu Adebayo")
    assert OWN.participants(msg) == ("adebayopumps.com.ng",)


@pytest.mark.parametrize(
    ("sender", "body"),
    [
        # a person quoting a colleague's details is no platform
        ("john.smith@acme.co.uk", RELAYED_BODY),
        # a platform's own news, no buyer of another domain
        (
            "news@tradehub.example.org",
            "Inquiry tips\nName: Tradehub\nEmail: x@tradehub.example.org",
        ),
    ],
)
def test_not_a_relay(sender: str, body: str) -> None:
    msg = make_msg(sender=sender, subject="Inquiry", body=body)
    assert not OWN.is_notification(msg)
    party = OWN.counterparty(msg)
    assert party is not None
    assert party.customer_key == registrable_domain(sender.partition("@")[2])


def test_unlisted_platform_notification_buyer() -> None:
    body = (
        "Dear Member,\n\nA buyer has contacted you through TradeHub. Details below:\n\n"
        "Buyer: Leyla Abbasova\nCompany: Baku Star Trade LLC\nCountry/Region: Azerbaijan\n"
        "E-mail: l.abbasova@bakustar.com\nPhone: +994 55 944 63 49\n\nMessage:\nPrices please."
    )
    msg = make_msg(
        sender="alerts@tradehub-b2b.com",
        reply_to=(addr("l.abbasova@bakustar.com", "Leyla Abbasova"),),
        subject="Buyer inquiry #3146072 - Butterfly Valves",
        body=body,
        is_bulk=True,
    )
    assert OWN.is_notification(msg)
    party = OWN.counterparty(msg)
    assert party is not None
    assert party.customer_key == "bakustar.com"
    assert party.contact == addr("l.abbasova@bakustar.com", "Leyla Abbasova")
    assert OWN.participants(msg) == ("bakustar.com",)


@pytest.mark.parametrize(
    ("subject", "body"),
    [
        # A colleague's address in a signature-like field: no inquiry cue, no buyer fields.
        ("Shipment update", "Container loaded today.\nE-mail: ops@acme-logistics.com"),
        # The labelled address is the sender's own company.
        ("Inquiry", "Name: Bob\nE-mail: bob@acme.co.uk\nMessage: price for 100 units?"),
    ],
)
def test_ordinary_mail_with_an_address_field_is_no_notification(subject: str, body: str) -> None:
    msg = make_msg(sender="buyer@acme.co.uk", subject=subject, body=body)
    assert not OWN.is_notification(msg)
    party = OWN.counterparty(msg)
    assert party is not None
    assert party.customer_key == "acme.co.uk"


def test_own_noreply_internal_mail_is_not_a_form() -> None:
    msg = make_msg(
        sender="noreply@example.com",
        to=("rep@example.com",),
        subject="Your password was changed",
        body="Contact admin@example.com if this was not you.",
    )
    assert not OWN.is_notification(msg)
    assert OWN.direction(msg) == "internal"
    assert OWN.counterparty(msg) is None


# --- signature details --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("signature", "name", "expected"),
    [
        (
            "John Smith\nPurchasing Manager\nAcme Trading Co., Ltd.\n"
            "Tel: +1 (555) 123-4567\nFax: +1 555 123 4568\njohn@acme.com",
            "John Smith",
            ContactDetails("Purchasing Manager", "+1 555 123 4567", "Acme Trading Co., Ltd."),
        ),
        (
            "Mit freundlichen Grüßen\nHans Müller\nEinkaufsleiter\n"
            "Müller Elektro GmbH & Co. KG\nHauptstr. 5, 10115 Berlin\nTel.: +49 (0)30 1234567",
            "Hans Müller",
            ContactDetails("Einkaufsleiter", "+49 30 1234567", "Müller Elektro GmbH & Co. KG"),
        ),
        (
            "Saludos\nCarlos Pérez\nGerente de Compras\nDistribuciones Pérez S.L.\n"
            "Móvil: +34 612 345 678",
            "Carlos Pérez",
            ContactDetails("Gerente de Compras", "+34 612 345 678", "Distribuciones Pérez S.L."),
        ),
        (
            "Atenciosamente\nJoão Silva\nGerente de Compras | Silva Importação Ltda\n"
            "+55 11 98765-4321 (WhatsApp)",
            None,
            ContactDetails("Gerente de Compras", "+55 11 98765 4321", "Silva Importação Ltda"),
        ),
        (
            "Cordialement,\nMarie Dupont\nDirecteur commercial\nDupont Import SARL\n"
            "Tél : +33 1 23 45 67 89",
            None,
            ContactDetails("Directeur commercial", "+33 1 23 45 67 89", "Dupont Import SARL"),
        ),
        (
            "张伟\n采购经理\n深圳市华强电子有限公司\n电话：+86 755 8888 9999\n手机：13800138000",
            "张伟",
            ContactDetails("采购经理", "+86 755 8888 9999", "深圳市华强电子有限公司"),
        ),
        (
            "С уважением,\nИван Петров\nМенеджер по закупкам\nООО «Ромашка»\n"
            "Тел.: +7 (495) 123-45-67",
            None,
            ContactDetails("Менеджер по закупкам", "+7 495 123 45 67", "ООО «Ромашка»"),
        ),
        (
            "Tom Baker | Sales Director at Acme Ltd\nT: +44 20 7946 0958 | F: +44 20 7946 0959",
            None,
            ContactDetails("Sales Director", "+44 20 7946 0958", "Acme Ltd"),
        ),
        (
            "Best regards,\nTom\nCEO, Widget Inc.\nM +1 415 555 0100",
            "Tom",
            ContactDetails("CEO", "+1 415 555 0100", "Widget Inc."),
        ),
        (
            "Anna Lee\nTitle: Head of Sourcing\nCompany: Lee Family Stores\n"
            "WhatsApp: 0086 138 0013 8000",
            "Anna Lee",
            ContactDetails("Head of Sourcing", "0086 138 0013 8000", "Lee Family Stores"),
        ),
    ],
)
def test_signature_details(signature: str, name: str | None, expected: ContactDetails) -> None:
    assert signature_details(signature, name) == expected


@pytest.mark.parametrize(
    "signature",
    [
        "Please let me know if the manager approves the price.",
        "I will forward this to our purchasing manager",
        "Date: 2024-05-01\n01.05.2024\nTel: 12.05.2024",
        "Order no. 12345678\nSent from my iPhone",
        "Fax: +49 30 1234568",
        "Best regards,\nTom",
        "",
    ],
)
def test_signature_details_negatives(signature: str) -> None:
    assert signature_details(signature) == ContactDetails()


def test_signature_name_is_never_title_or_company() -> None:
    details = signature_details("Director Lee Ltd\nSales", name="Director Lee Ltd")
    assert details == ContactDetails()


def test_signature_company_stops_before_address() -> None:
    details = signature_details("Acme Ltd, 12 Main St\nMain St, Co. Dublin")
    assert details.company == "Acme Ltd"
    assert signature_details("12 Main St, Co. Dublin").company is None


def test_notification_source_tells_our_form_from_a_platform() -> None:
    assert OWN.notification_source("wordpress@www.example.com", "b@wolf-bau.de") == "website_form"
    assert OWN.notification_source("noreply@formspree.io", "lee@gmail.com") == "website_form"
    assert OWN.notification_source("alerts@tradehub-b2b.com", "l@bakustar.com") == "marketplace"
    assert OWN.notification_source("anna@wolf-bau.de", "peter@wolf-bau.de") is None
    assert OWN.notification_source(None, "peter@wolf-bau.de") is None
