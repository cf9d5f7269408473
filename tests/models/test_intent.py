"""Intent rules in seven languages, the role of direction and subject (SPEC §6)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.intent import INTENTS, IntentResult, classify_intent


def classify(subject: str, text: str, direction: str = "inbound") -> IntentResult:
    result = classify_intent(subject, text, direction)
    assert result.intent in INTENTS
    assert 0.0 <= result.score <= 1.0
    assert result.evidence in subject or result.evidence in text
    return result


CASES = [
    # inquiry (inbound)
    ("inquiry", "in", "Inquiry for LED panel lights", "Please quote 2000 pcs of 600x600 panels."),
    ("inquiry", "in", "Solicitud de cotización", "Estamos interesados en sus paneles LED."),
    ("inquiry", "in", "Pedido de cotação", "Gostaria de saber o preço do modelo X96."),
    ("inquiry", "in", "Demande de prix", "Nous sommes intéressés par vos lampes."),
    ("inquiry", "in", "Anfrage", "Wir bitten um ein Angebot für 500 Leuchten."),
    ("inquiry", "in", "Запрос цены", "Просим прислать прайс-лист на светильники."),
    ("inquiry", "in", "询价", "请报价LED灯，谢谢。"),
    # quotation (outbound)
    ("quotation", "out", "Re: Inquiry", "Please find attached our quotation, valid 30 days."),
    ("quotation", "out", "Cotización", "Adjunto la cotización, precio unitario USD 5."),
    ("quotation", "out", "Cotação", "Segue em anexo nossa cotação, preço unitário US$ 5."),
    ("quotation", "out", "Devis", "Veuillez trouver notre devis ci-joint, prix unitaire 5 EUR."),
    ("quotation", "out", "Angebot", "Anbei unser Angebot, Stückpreis 5 EUR."),
    ("quotation", "out", "КП", "Направляем коммерческое предложение, цена за единицу 5 USD."),
    ("quotation", "out", "报价", "附件是报价单，单价5美元。"),
    # negotiation
    ("negotiation", "in", "Re: price", "Your price is too high, can you give a discount?"),
    ("negotiation", "in", "Re: precio", "Es muy caro, necesitamos un descuento."),
    ("negotiation", "in", "Re: preço", "Muito caro, podem dar um desconto?"),
    ("negotiation", "in", "Re: prix", "C'est trop cher, pouvez-vous faire une remise ?"),
    ("negotiation", "in", "AW: Preis", "Zu teuer, unser Zielpreis ist 4 EUR."),
    ("negotiation", "in", "Re: цена", "Дорого, можете дать скидку?"),
    ("negotiation", "in", "回复：价格", "太贵了，能降价吗？目标价4美元。"),
    # sample_request
    ("sample_request", "in", "Samples", "Could you send us a sample first? Free samples?"),
    ("sample_request", "in", "Muestras", "¿Pueden enviar muestras? Muestra gratis?"),
    ("sample_request", "in", "Pedido de amostra", "Por favor, enviar amostras do modelo X96."),
    ("sample_request", "in", "Échantillons", "Pouvez-vous envoyer des échantillons ?"),
    ("sample_request", "in", "Muster", "Wir möchten Muster bestellen, kostenlose Muster?"),
    ("sample_request", "in", "Образцы", "Можете прислать образцы?"),
    ("sample_request", "in", "样品", "请寄样品，样品费多少？"),
    # sample_feedback
    ("sample_feedback", "in", "Re: samples", "We received the samples, test results are good."),
    ("sample_feedback", "in", "Re: muestras", "Recibimos las muestras y probamos las muestras."),
    ("sample_feedback", "in", "Re: amostras", "Recebemos as amostras, resultado do teste ok."),
    ("sample_feedback", "in", "Re", "Nous avons reçu les échantillons, résultat des tests ok."),
    ("sample_feedback", "in", "AW: Muster", "Wir haben die Muster erhalten und getestet."),
    ("sample_feedback", "in", "Re: образцы", "Мы получили образцы, результаты тестов хорошие."),
    ("sample_feedback", "in", "回复", "收到样品了，测试结果很好。"),
    # purchase_order
    ("purchase_order", "in", "PO 4711", "Please find our purchase order attached."),
    ("purchase_order", "in", "Orden de compra", "Adjunto nuestro pedido, confirmamos el pedido."),
    ("purchase_order", "in", "Pedido", "Queremos fazer um pedido, segue a ordem de compra."),
    ("purchase_order", "in", "Commande", "Veuillez trouver notre bon de commande."),
    ("purchase_order", "in", "Bestellung", "Hiermit bestellen wir 500 Stück."),
    ("purchase_order", "in", "Заказ", "Подтверждаем заказ на 500 шт."),
    ("purchase_order", "in", "订单", "附件是我们的采购订单，请确认。"),
    # shipment (outbound)
    ("shipment", "out", "Shipment notice", "The goods were shipped today, tracking number 1Z9."),
    ("shipment", "out", "Envío", "Su pedido fue enviado, número de seguimiento 123."),
    ("shipment", "out", "Envio", "Código de rastreamento: BR123."),
    ("shipment", "out", "Expédition", "Marchandise expédiée, numéro de suivi 123."),
    ("shipment", "out", "Versand", "Die Ware wurde versendet, Sendungsnummer 123."),
    ("shipment", "out", "Отгрузка", "Товар отгружен, трек-номер 123."),
    ("shipment", "out", "发货通知", "货物已发货，运单号123。"),
    # payment
    ("payment", "in", "Payment", "We have paid the balance, please find the bank slip."),
    ("payment", "in", "Pago", "Hemos pagado, adjunto comprobante de pago."),
    ("payment", "in", "Pagamento", "Segue o comprovante de pagamento."),
    ("payment", "in", "Paiement", "Nous avons payé, voici la preuve de paiement."),
    ("payment", "in", "Zahlung", "Wir haben den Betrag überwiesen."),
    ("payment", "in", "Оплата", "Мы оплатили счет."),
    ("payment", "in", "付款", "我们已付款，附件是水单。"),
    # complaint
    ("complaint", "in", "Complaint", "20 units are defective and do not work."),
    ("complaint", "in", "Reclamación", "Los productos llegaron dañados, no funcionan."),
    ("complaint", "in", "Reclamação", "Os produtos chegaram com defeito, não funciona."),
    ("complaint", "in", "Réclamation", "Les lampes sont défectueuses et ne fonctionnent pas."),
    ("complaint", "in", "Reklamation", "Die Lieferung ist beschädigt, 20 Stück defekt."),
    ("complaint", "in", "Претензия", "Товар пришел с браком, не работает."),
    ("complaint", "in", "投诉", "质量问题，很多灯坏了。"),
]


@pytest.mark.parametrize(("intent", "way", "subject", "text"), CASES)
def test_intents(intent: str, way: str, subject: str, text: str) -> None:
    direction = {"in": "inbound", "out": "outbound"}[way]
    result = classify(subject, text, direction)
    assert result.intent == intent, result
    assert result.score >= 0.5


def test_direction_matters() -> None:
    text = "Please find the quotation for 500 pcs."
    assert classify("Quotation", text, "outbound").intent == "quotation"
    ours = classify("Inquiry", "Please quote your best price.", "outbound")
    theirs = classify("Inquiry", "Please quote your best price.", "inbound")
    assert theirs.intent == "inquiry"
    assert ours.score < theirs.score
    assert (
        classify("", "Shipped, tracking number 1Z9.", "outbound").score
        > classify("", "Shipped, tracking number 1Z9.", "inbound").score
    )


def test_subject_counts_more_than_body() -> None:
    in_subject = classify("Complaint", "See below.")
    in_body = classify("Hello", "Complaint, see below.")
    assert in_subject.intent == in_body.intent == "complaint"
    assert in_subject.score > in_body.score
    # an inherited "Re:" subject weighs less than what the reply says
    assert classify("Re: Inquiry", "We have paid, bank slip attached.").intent == "payment"


@pytest.mark.parametrize(
    ("subject", "text"),
    [
        ("Hello", "How are you? See you next week."),
        ("", ""),
        ("Re: lunch", "For example, we could meet at noon."),
        ("", "Everything arrived fine, nothing broken."),
        ("", "We are not interested in your products."),
        ("Urlaub", "Ich bin bis Montag nicht im Büro."),
    ],
)
def test_other(subject: str, text: str) -> None:
    result = classify(subject, text)
    assert result.intent == "other"
    assert result.score < 0.3
    assert result.evidence == ""


def test_lowercase_short_codes_do_not_count() -> None:
    assert classify("", "ups, I forgot the po file", "inbound").intent == "other"
    assert classify("", "Write to P.O. Box 1608, Oslo.", "inbound").intent == "other"
    assert classify("PO 7", "see attached", "inbound").intent == "purchase_order"


def test_threads_agree() -> None:
    cases = [(s, t, "inbound" if w == "in" else "outbound") for _, w, s, t in CASES] * 5
    alone = [classify_intent(*case) for case in cases]
    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(lambda c: classify_intent(*c), cases)) == alone


@settings(max_examples=200, deadline=None)
@given(subject=st.text(max_size=40), text=st.text(max_size=300), direction=st.text(max_size=9))
def test_random_text_never_raises(subject: str, text: str, direction: str) -> None:
    classify(subject, text, direction)


def test_an_inherited_reply_subject_does_not_outvote_the_body() -> None:
    body = "Could you send 2 samples first so we can test them?"
    assert classify_intent("Re: Inquiry LED panels", body, "inbound").intent == "sample_request"
    assert classify_intent("Re: Inquiry LED panels", "Thanks!", "inbound").intent == "inquiry"
