"""The valid-inquiry check (SPEC §6): a product, a quantity or a specification, and an
identifiable buyer, in several languages; what is missing is named; a notification is read
for what the buyer wrote, not for the platform's own words."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.inquiry import InquiryCheck, check_inquiry

SIGNATURE = "John Smith\nPurchasing Manager\nACME Trading Ltd\nTel: +44 20 7946 0000"


@pytest.mark.parametrize(
    ("subject", "text", "signature", "sender"),
    [
        ("Inquiry", "We are interested in 500 pcs of LED panel lights.", SIGNATURE, None),
        ("", "Necesitamos 1000 unidades de cable HDMI de 2m.", "", "compras@tienda.es"),
        ("Cotação", "Precisamos de 300 luminárias 40W.", "Ana\nLuz Ltda", "ana@gmail.com"),
        ("", "Nous cherchons des projecteurs LED 100W, IP65.", "", "achat@lumiere.fr"),
        ("Anfrage: Panel 60x60", "Bitte Angebot für 200 Stück.", "", "einkauf@licht.de"),
        ("", "Интересуют светильники 36 Вт, 500 шт.", "ООО «Свет»\nМосква", None),
        ("询价", "我们需要500个LED灯，请报价。", "深圳市光明科技有限公司", None),
        ("Quote X96 Max", "Price please.", "", "buyer@shop.co.uk"),
    ],
)
def test_valid_inquiries(subject: str, text: str, signature: str, sender: str | None) -> None:
    assert check_inquiry(subject, text, signature, sender) == InquiryCheck(True, ())


@pytest.mark.parametrize(
    ("text", "signature", "sender", "missing"),
    [
        ("Dear Sir, please send price list", "", "john@acme-lighting.com",
         ("product", "quantity_or_spec")),
        ("I want to buy your product", "", "x@gmail.com",
         ("product", "quantity_or_spec", "buyer")),
        ("We can rank your website on Google first page. Cheap SEO services.", "",
         "seo.expert@outlook.com", ("product", "quantity_or_spec", "buyer")),
        ("Please send your catalogue and price list.", SIGNATURE, "a@yahoo.com",
         ("product", "quantity_or_spec")),
        ("We need LED panel lights.", "", "anna@gmail.com", ("quantity_or_spec", "buyer")),
        ("We need 500 pcs.", "", "anna@hotmail.co.uk", ("product", "buyer")),
        ("Estamos interesados en sus productos.", "", "x@empresa.mx",
         ("product", "quantity_or_spec")),
        ("Nous avons besoin de 300 lampes LED.", "", "notice@alibaba.com", ("buyer",)),
    ],
)  # fmt: skip
def test_invalid_inquiries_name_what_is_missing(
    text: str, signature: str, sender: str, missing: tuple[str, ...]
) -> None:
    assert check_inquiry("", text, signature, sender) == InquiryCheck(False, missing)


def test_buyer_from_signature_alone() -> None:
    assert (
        "buyer"
        not in check_inquiry("", "500 pcs X96", "Tom Lee\nTel: +1 555 0100 200", None).missing
    )
    assert "buyer" in check_inquiry("", "500 pcs X96", "Tom", "tom@gmail.com").missing


@pytest.mark.parametrize(
    ("subject", "text", "signature", "sender"),
    [
        # an item line says what it is next to its quantity and ratings
        ("RE: Introduction", "Please offer:\n1. MFB 3x32-5 (3 x 11 kW) pressure booster set"
         " with VFD panel - 2 sets", "", "khalid@rawabi-enviro.ae"),
        ("Re: Oferta", "1) 3/4\" válvula de bola de latón, PN25 - 140 piezas",
         "Cordialmente,\n\nGabriela Flores\nSocio Gerente", "gabriela@gmail.com"),
        # a buyer who introduces their business is identified
        ("Inquiry", "We are a small online retailer.\nWe need 300 pcs of DN50 gate valves.",
         "", "shop.owner@gmail.com"),
        ("Inquiry", "My company: Jazeera Plumbing Supplies S.A.L., Tripoli.\n"
         "Our requirement is 80 nos end-suction pumps 7.5 kW.", "", "jazeera@gmail.com"),
        ("Запрос", "Мы — компания-дистрибьютор. Нужны насосы 4 кВт, 20 шт.", "", "a@mail.ru"),
        ("طلب تسعير", "شركتنا هي Amrani Hôtels في وهران.\nمضخات 7.5 kW / 2 وحدة", "",
         "sofiane@gmail.com"),
    ],
)  # fmt: skip
def test_valid_in_the_buyers_own_words(
    subject: str, text: str, signature: str, sender: str
) -> None:
    assert check_inquiry(subject, text, signature, sender) == InquiryCheck(True, ())


@pytest.mark.parametrize(
    ("text", "missing"),
    [
        # a phone number, a street number or a year is no quantity
        ("Please send your price list.\n\nTan Kelvin\n35 Tuas Avenue\nTel. +65 9317 8436",
         ("product", "quantity_or_spec")),
        ("Thank you for your visit in 2025\nWe are interested in butterfly valves.",
         ("quantity_or_spec",)),
        # a postal code in the signature is no model number
        ("Hello, I'm interested. Please send details and price.\n\nOrxan Aliyev\n"
         "Import Manager\nHeydar Aliyev pr. 115, Sumqayit AZ5000", ("product", "quantity_or_spec")),
    ],
)  # fmt: skip
def test_contact_lines_are_no_quantities(text: str, missing: tuple[str, ...]) -> None:
    assert check_inquiry("", text, "", "o.aliyev@altyn-texnika.az").missing == missing


NOTIFICATION = """Dear Member,

A buyer has contacted you through EC21. Details below:

Buyer: Paola
Company: -
Country/Region: Mexico
Product: Submersible Pumps
Quantity: {quantity}
E-mail: pgonzalez@yahoo.com.mx
Phone: +52 33 8302 3862

Message:
Good morning, we are looking for submersible pumps, kindly send your best price.

Respond quickly to increase your chances.
EC21
"""


def test_a_notification_is_read_for_the_buyer_not_the_platform() -> None:
    vague = check_inquiry(
        "EC21: Inquiry for Submersible Pumps",
        NOTIFICATION.format(quantity="Negotiable"),
        "",
        "pgonzalez@yahoo.com.mx",
        relayed_by="inquiry@ec21.com",
    )
    # the platform's name "EC21" is no model number; "Company: -" names no company
    assert vague == InquiryCheck(False, ("quantity_or_spec", "buyer"))
    counted = check_inquiry(
        "EC21: Inquiry for Submersible Pumps",
        NOTIFICATION.format(quantity="40 pieces").replace("Company: -", "Company: Bombas SA"),
        "",
        "pgonzalez@yahoo.com.mx",
        relayed_by="inquiry@ec21.com",
    )
    assert counted == InquiryCheck(True, ())


@settings(max_examples=200, deadline=None)
@given(subject=st.text(max_size=40), text=st.text(max_size=300))
def test_random_text_never_raises(subject: str, text: str) -> None:
    check = check_inquiry(subject, text, text[:50], text[:30] or None, relayed_by=text[:20])
    assert set(check.missing) <= {"product", "quantity_or_spec", "buyer"}
    assert check.value == (not check.missing)
