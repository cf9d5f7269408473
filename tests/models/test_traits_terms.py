"""Trait extraction, commercial terms and volumes: Incoterms, payment terms,
certifications, order volume and price sensitivity, with their negatives."""

from __future__ import annotations

import pytest

from tests.models.traits_support import values

# --- commerce ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Please quote FOB Shenzhen.", {"FOB"}),
        ("Precio CIF Valencia, por favor.", {"CIF"}),
        ("Preço FOB Ningbo.", {"FOB"}),
        ("Prix EXW usine.", {"EXW"}),
        ("Bitte Preis ab Werk angeben.", {"EXW"}),
        ("Цена DDP Москва.", {"DDP"}),
        ("FOB价格是多少？离岸价也可以", {"FOB"}),
        ("Price on a free on board basis.", {"FOB"}),
        ("C&F Lagos please.", {"CFR"}),
        ("Terms DDU Hamburg.", {"DAP"}),
        ("What is the fob price?", {"FOB"}),
        ("Delivered at place unloaded, Rotterdam.", {"DPU"}),
        ("I lost my key fob price tag.", set()),
        ("Please see the specification and the fob.", set()),
        ("The CIFRA is wrong, check the ciforme spec.", set()),
        ("In violation of the FCA of 1934; see REQ.DAT.", set()),
        ("FCA Shanghai port, please.", {"FCA"}),
    ],
)
def test_incoterms(text: str, expected: set[str]) -> None:
    assert values("incoterm", text) == expected


def test_incoterm_comes_from_our_quotation_too() -> None:
    assert values("incoterm", "Our price is USD 5.20 FOB Xiamen.", direction="outbound") == {"FOB"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Payment: 30% T/T deposit, 70% before shipment.", {"tt"}),
        ("We pay by TT.", {"tt"}),
        ("Pago por transferencia bancaria.", {"tt"}),
        ("Paiement par virement bancaire.", {"tt"}),
        ("Payment by L/C.", {"lc"}),
        ("Irrevocable LC at sight.", {"lc"}),
        ("Pago con carta de crédito.", {"lc"}),
        ("Zahlung per Akkreditiv.", {"lc"}),
        ("Оплата аккредитивом.", {"lc"}),
        ("付款方式：信用证", {"lc"}),
        ("D/P at sight.", {"dp"}),
        ("d/a 60 days", {"da"}),
        ("Can I pay with PayPal?", {"paypal"}),
        ("Western Union is fine.", {"western_union"}),
        ("Our terms are net 30.", {"open_account"}),
        ("Zahlungsziel 30 Tage netto.", {"open_account"}),
        ("tt is fine, lc on the panel.", set()),
        ("The LC display model.", set()),
        ("Dual D/A converters, 16 bit.", set()),
    ],
)
def test_payment_terms(text: str, expected: set[str]) -> None:
    assert values("payment_terms", text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Do you have CE and RoHS?", {"CE", "RoHS"}),
        ("We need FCC and UL certificates.", {"FCC", "UL"}),
        ("Necesitamos certificado CE.", {"CE"}),
        ("Vous avez le marquage CE ?", {"CE"}),
        ("Ce produit est-il conforme ? Ce prix est bon.", set()),
        ("CE PRODUIT EST TRÈS BIEN", set()),
        ("Mit TÜV und GS Zeichen bitte.", {"TÜV", "GS"}),
        ("Bis morgen, danke.", set()),
        ("Нужен сертификат EAC.", {"EAC"}),
        ("需要CE认证和RoHS。", {"CE", "RoHS"}),
        ("Factory with ISO 9001, products Energy Star listed.", {"ISO 9001", "Energy Star"}),
        ("REACH compliant please; we want to reach more customers.", {"REACH"}),
        ("Is it ErP compliant? Our ERP system needs the code.", {"ErP"}),
        ("Please upload it to the UL folder", {"UL"}),
        ("go ul", set()),
    ],
)
def test_certifications(text: str, expected: set[str]) -> None:
    assert values("certifications", text) == expected


def test_our_signature_certifications_do_not_count() -> None:
    assert values("certifications", "Hi", "CE RoHS FCC certified factory") == set()


# --- volume and price --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We need 500 pcs.", {"small"}),
        ("Necesitamos 2.000 unidades.", {"medium"}),
        ("Precisamos de 2,000 peças.", {"medium"}),
        ("Wir brauchen 10.000 Stück.", {"large"}),
        ("Il nous faut 800 pièces.", {"medium"}),
        ("Нужно 500 шт.", {"small"}),
        ("需要10万个。", {"large"}),
        ("Order 1x40HQ container.", {"large"}),
        ("We need 3 pcs to test.", {"sample"}),
        ("Please start with a sample order.", {"sample"}),
        ("Podemos pedir muestras?", {"sample"}),
        ("Wir möchten Muster bestellen.", {"sample"}),
        ("Пришлите образцы.", {"sample"}),
        ("请寄样品。", {"sample"}),
        ("For example, 48 kHz sample rate.", set()),
        ("MOQ 500 pcs, packing 50 pcs per carton.", set()),
        ("1.5k sets per month", {"medium"}),
    ],
)
def test_order_volume(text: str, expected: set[str]) -> None:
    assert values("order_volume", text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Your price is too expensive.", {"yes"}),
        ("Please give us a discount.", {"yes"}),
        ("El precio es demasiado caro.", {"yes"}),
        ("O preço está muito caro.", {"yes"}),
        ("C'est trop cher pour nous.", {"yes"}),
        ("Das ist zu teuer.", {"yes"}),
        ("Это слишком дорого.", {"yes"}),
        ("价格太贵了，请给最低价。", {"yes"}),
        ("The price is not too expensive.", set()),
        ("Quality first, price is not the main concern.", {"no"}),
        ("质量第一。", {"no"}),
    ],
)
def test_price_sensitive(text: str, expected: set[str]) -> None:
    assert values("price_sensitive", text) == expected


def test_price_talk_in_our_own_mail_does_not_count() -> None:
    assert values("price_sensitive", "We can give a discount.", direction="outbound") == set()
