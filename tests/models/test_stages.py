"""Journey stages by SPEC §6 on hand-written mail: a quotation is our first message that
offers prices; orders are counted per customer across threads (first, second, later), and
mail about an order already counted (its invoice, payment, production, shipment, a changed
quantity) is no new order; conditional, negated or lost orders are none. Pure: no model."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Literal

import pytest

from models._deal_signals import offers_prices, order_references, places_order
from models.intent import classify_intent
from models.profiles import MessageFacts, Profile, build_profile

T0 = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)


def mail(
    mid: str,
    day: float,
    direction: Literal["inbound", "outbound"],
    subject: str,
    text: str,
    *,
    thread: str = "t1",
) -> MessageFacts:
    """A message as enrichment leaves it: the intent comes from the real classifier."""
    intent = classify_intent(subject, text, direction).intent
    return MessageFacts(
        mid, T0 + timedelta(days=day), direction, thread, subject, text, intent, None, None,
        None, 0.0, (),
    )  # fmt: skip


def stages(p: Profile) -> dict[str, float]:
    return {s: (at - T0).total_seconds() / 86400 for s, at in p.stage.reached.items()}


def journey(*messages: MessageFacts) -> Profile:
    return build_profile(list(messages), {}, now=T0 + timedelta(days=400))


INQUIRY = mail("i1", 0, "inbound", "Inquiry", "Please quote 500 pcs of DN50 gate valves, PN16.")
ASK_DETAILS = mail(
    "o1", 1, "outbound", "Re: Inquiry",
    "Thank you. Please send the sizes and quantities so that we can quote.",
)  # fmt: skip
QUOTE = mail(
    "o2", 2, "outbound", "Re: Inquiry",
    "Our offer: DN50 gate valve, 500 pcs x USD 41.20, FOB Izmir, validity 30 days.",
)  # fmt: skip


def test_quotation_is_our_first_message_that_offers_prices() -> None:
    p = journey(INQUIRY, ASK_DETAILS, QUOTE)
    assert stages(p) == {"lead": 0, "inquiry": 0, "quotation": 2}
    # asking for details, or their haggling, offers no price of ours
    haggle = mail("i2", 3, "inbound", "Re: Inquiry", "Too expensive, can you give a discount?")
    assert journey(INQUIRY, ASK_DETAILS, haggle).stage.current == "inquiry"


@pytest.mark.parametrize(
    ("text", "offers"),
    [
        ("Please find attached our quotation for your inquiry.", True),
        ("Total CIF Aktau: 13 151,00 USD, delivery 4-5 weeks.", True),
        ("Precio unitario: 5,20 € por pieza.", True),
        ("单价：12元/个，含税。", True),
        ("We are still waiting for your technical details to quote.", False),
        ("Would you be interested in receiving our price list?", False),
        ("If you send us the drawings, we will send our offer.", False),
    ],
)
def test_what_offers_prices(text: str, offers: bool) -> None:
    assert offers_prices(text) is offers


PO1 = mail(
    "p1", 10, "inbound", "PO 4711", "Please find attached our purchase order 4711.", thread="a"
)
PI1 = mail(
    "x1", 11, "outbound", "Proforma invoice MF-PI-2601 for your PO 4711",
    "Our proforma invoice MF-PI-2601 is attached, 30% deposit USD 6,180.",
    thread="b",
)  # fmt: skip
PAID1 = mail(
    "x2", 15, "inbound", "Payment PI MF-PI-2601",
    "The deposit was transferred today, swift copy attached.",
    thread="c",
)  # fmt: skip
STATUS1 = mail(
    "x3", 30, "inbound", "Re: PO 4711", "Can you update the production status?", thread="a"
)
CHANGE1 = mail(
    "x4", 31, "inbound", "PO 4711 - change",
    "Please change the quantity of our PO 4711 to 600 pcs.",
    thread="d",
)  # fmt: skip
PO2 = mail(
    "p2", 60, "inbound", "Re: PO 4711",
    "The goods sold well. We would like to place a new order, PO 4790, for 2 containers.",
    thread="a",
)  # fmt: skip
PO3 = mail("p3", 120, "inbound", "New PO 4855", "Our PO 4855 is attached.", thread="e")
PO4 = mail("p4", 200, "inbound", "Bestellung 4901", "Anbei unsere Bestellung 4901.", thread="f")


def test_orders_are_counted_across_threads_and_follow_up_mail_is_no_order() -> None:
    p = journey(INQUIRY, QUOTE, PO1, PI1, PAID1, STATUS1, CHANGE1, PO2, PO3, PO4)
    orders = {"trial_order": 10, "bulk_order": 60, "repeat_order": 120}
    assert stages(p) == {"lead": 0, "inquiry": 0, "quotation": 2, **orders}
    assert p.outcome.value == "won"
    only_one = journey(INQUIRY, QUOTE, PO1, PI1, PAID1, STATUS1, CHANGE1)
    assert only_one.stage.current == "trial_order"


def test_the_first_order_is_a_trial_whatever_its_size() -> None:
    big = mail(
        "p1", 5, "inbound", "Purchase order 12",
        "Please find our order for 6 x 40' containers, 20,000 pcs, PO 5512.",
    )  # fmt: skip
    assert journey(INQUIRY, QUOTE, big).stage.current == "trial_order"


def test_copies_of_one_order_count_once() -> None:
    copy = mail("p1b", 10, "inbound", PO1.subject, PO1.text, thread="a")
    assert journey(INQUIRY, PO1, copy).stage.current == "trial_order"


@pytest.mark.parametrize(
    "text",
    [
        "If you can reach USD 8.60 per unit, we can place the order this month.",
        "Before we place an order, we would like to test 5 samples.",
        "Did you receive our purchase order?",
        "Desta vez fechamos o pedido com outro fabricante.",
        "Nous avons passé la commande chez un autre fabricant.",
        "Se chegarem a US$ 31,91 por unidade, fechamos o pedido este mês.",
        "We will not place an order this year.",
    ],
)
def test_an_order_not_placed_with_us_is_none(text: str) -> None:
    assert not places_order("Re: Quotation Q26-0101", text)
    said = mail("m", 5, "inbound", "Re: Quotation Q26-0101", text)
    assert journey(INQUIRY, QUOTE, said).stage.current in {"quotation", "sample"}


@pytest.mark.parametrize(
    ("subject", "text"),
    [
        ("Re: Offer", "We are pleased to confirm our first order as per your quotation."),
        ("Re: Offer", "Nos complace confirmar nuestro primer pedido según su oferta."),
        ("Re: Offer", "Подтверждаем первый заказ согласно вашему КП."),
        ("Re: Teklif", "Ekte 26-4364 nolu siparişimizi iletiyoruz."),
        ("Заказ 25-5304", "Добрый день, во вложении."),
        ("Re: 报价", "附上我们的采购订单，请确认。"),
    ],
)
def test_orders_placed_in_many_words(subject: str, text: str) -> None:
    assert places_order(subject, text)


def test_a_reply_subject_alone_places_no_order() -> None:
    assert not places_order("Re: PO 4711", "The goods arrived in good condition, thanks.")
    assert places_order("PO 4711", "See attached.")


def test_order_references_tie_documents_to_orders() -> None:
    assert order_references("PI MF-PI-250172 - your PO 2025/7750", "") == {"250172", "20257750"}
    assert order_references("", "Заказ № 2025/7838 и счёт 118") == {"20257838", "118"}
    assert order_references("", "We need 6 containers, order for 500 pcs.") == frozenset()
