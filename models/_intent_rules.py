"""Phrases behind :mod:`models.intent`: per intent, in English, Spanish, Portuguese, French,
German, Russian and Chinese, with weights (0.8 a phrase that nearly settles it, 0.4–0.5
one that often goes with it), and the words-apart pattern of placing an order."""

from __future__ import annotations

import re

from models.lexicon import Rule, rules, word_set

__all__ = [
    "INTENT_RULES",
    "ORDER_PLACEMENT",
    "UPPER_ONLY",
]

_I = "intent:"
INTENT_RULES: tuple[Rule, ...] = (
    *rules(
        _I + "inquiry",
        0.85,
        """inquiry|enquiry|rfq|request for quotation|
        request for quote|request a quote|please quote|kindly quote|pls quote|quote us|
        quote me|send us your quotation|send me your quotation|send us a quotation|
        send us your price|send me your price|send us the price|send me the price|
        send us your best price|send me your best price|price list|pricelist|
        what is the price|what's the price|how much is|how much for|we are interested in|
        i am interested in|interested in your|please advise the price|please advise price|
        can you quote|could you quote|solicitud de cotización|solicitud de presupuesto|
        favor de cotizar|nos puede cotizar|envíenos su cotización|lista de precios|
        estamos interesados|nos interesa|cuánto cuesta|solicitação de orçamento|
        pedido de cotação|pedido de orçamento|solicito cotação|gostaria de saber o preço|
        lista de preços|tabela de preços|estamos interessados|temos interesse|quanto custa|
        demande de prix|demande de devis|demande de cotation|nous sommes intéressés|
        je suis intéressé|liste de prix|liste des prix|quel est le prix|combien coûte|
        anfrage|preisanfrage|angebotsanfrage|bitte um angebot|bitte um ein angebot|
        bitten um angebot|bitten um ein angebot|preisliste|wir sind interessiert|
        was kostet|запрос|запрос цены|запрос цен|прошу прислать|просим прислать|
        пришлите цену|пришлите прайс|прайс - лист|прайс|интересует|интересуют|
        сколько стоит|询价|询盘|请报价|请发报价|报个价|求购|采购需求|感兴趣|价格表|价目表|多少钱|
        请提供报价""",
    ),
    *rules(
        _I + "quotation",
        0.8,
        """our quotation|our quote|our offer|our best offer|
        our price|our prices|attached quotation|quotation attached|quotation as below|
        quotation as follows|please find attached our quotation|please find our quotation|
        we are pleased to quote|we are pleased to offer|we can offer you|unit price|
        price validity|offer sheet|nuestra cotización|le envío la cotización|
        le enviamos la cotización|adjunto cotización|adjunto la cotización|
        cotización adjunta|nuestra oferta|precio unitario|nossa cotação|segue cotação|
        segue a cotação|cotação em anexo|orçamento em anexo|segue orçamento|nossa proposta|
        preço unitário|notre offre|notre devis|devis ci - joint|ci - joint notre devis|
        veuillez trouver notre devis|prix unitaire|unser angebot|anbei unser angebot|
        anbei das angebot|im anhang unser angebot|stückpreis|einzelpreis|
        наше предложение|направляем предложение|направляем коммерческое предложение|
        высылаем коммерческое предложение|цена за единицу|报价单|报价如下|我们的报价|单价|
        附件是报价""",
    ),
    *rules(
        _I + "quotation",
        0.45,
        """quotation|quote|cotización|cotação|orçamento|devis|
        angebot|коммерческое предложение|报价""",
    ),
    *rules(
        _I + "negotiation",
        0.7,
        """counter offer|counteroffer|can you do better|
        lower price|reduce the price|price reduction|too expensive|too high|discount|
        target price|our budget|your competitor|competitors|cheaper|last price|final price|
        negotiate|descuento|rebaja|precio objetivo|mejorar el precio|muy caro|
        demasiado caro|desconto|baixar o preço|preço alvo|muito caro|remise|réduction|
        baisser le prix|prix cible|trop cher|rabatt|preisnachlass|zielpreis|zu teuer|
        besseren preis|günstiger|скидк*|снизить цену|дорого|дешевле|целевая цена|太贵|降价|
        优惠|折扣|目标价|还价|便宜一点|最低价""",
    ),
    *rules(
        _I + "negotiation",
        0.35,
        "best price|better price|mejor precio|melhor preço|meilleur prix|besten preis|лучшую цену",
    ),
    *rules(
        _I + "sample_request",
        0.8,
        """send samples|send us samples|send me samples|
        send a sample|send us a sample|send me a sample|send sample|sample request|
        request a sample|request samples|sample order|order a sample|order samples|
        free sample|free samples|sample cost|sample fee|sample charge|need samples|
        need a sample|muestra gratis|enviar muestras|envíen muestras|solicitar muestras|
        pedido de muestra|necesitamos muestras|enviar amostras|solicitar amostra|
        amostra grátis|pedido de amostra|envoyer des échantillon*|demande d'échantillon|
        échantillon gratuit|muster anfordern|musterbestellung|muster bestellen|
        kostenlose muster|прислать образец|прислать образц*|запрос образц*|寄样|样品费|
        要样品|申请样品|索样|免费样品|样品单""",
    ),
    *rules(
        _I + "sample_request",
        0.4,
        """sample|samples|muestra|muestras|amostra|amostras|
        échantillon*|muster|образец|образц*|样品""",
    ),
    *rules(
        _I + "sample_feedback",
        0.85,
        """received the sample|received the samples|
        sample received|samples received|samples arrived|the samples arrived|
        the sample arrived|tested the sample|tested the samples|test result|test results|
        testing result|sample test|feedback on the sample|sample feedback|sample quality|
        the sample works|the samples work|recibimos las muestras|recibimos la muestra|
        probamos las muestras|resultado de la prueba|recebemos as amostras|
        recebemos a amostra|testamos as amostras|resultado do teste|
        nous avons reçu les échantillon*|nous avons reçu l'échantillon|échantillon* reçus|
        résultat des tests|wir haben die muster erhalten|muster erhalten|muster getestet|
        testergebnis*|получили образц*|получили образец|протестировали образц*|
        результаты тест*|收到样品|样品收到|样品测试|测试结果|样品质量""",
    ),
    *rules(
        _I + "purchase_order",
        0.85,
        """purchase order|our po|new po|attached po|attached our po|confirm the order|
        confirm our order|place an order|place the order|placing an order|placing the order|
        place order|we would like to order|we want to order|please find our order|
        please find attached our order|find attached our order|we hereby order|
        orden de compra|nuestro pedido|confirmamos el pedido|hacer un pedido|
        realizar un pedido|pedido de compra|ordem de compra|fazer um pedido|
        confirmamos o pedido|nosso pedido|bon de commande|passer commande|
        passer une commande|confirmons la commande|notre commande|wir bestellen|
        unsere bestellung|hiermit bestellen wir|оформить заказ|подтверждаем заказ|
        подтверждаем первый заказ|размещаем заказ|наш заказ|новый заказ|хотим заказать|
        заказываем|采购订单|确认订单|下单""",
    ),
    # The buyer's order number, or the order itself named: an order, or mail about one.
    *rules(
        _I + "purchase_order",
        0.5,
        """po|p.o.|po no|po number|order number|order no|bestellung|bestellnummer|
        заказ|订单|commande""",
    ),
    # Documents of an order already placed: ours (a proforma invoice, our confirmation)
    # or a contract.
    *rules(
        _I + "purchase_order:document",
        0.5,
        """proforma invoice|pro forma invoice|pi|order confirmation|sales contract|
        contract|auftragsbestätigung|contrato|contrat|vertrag|контракт|договор|合同|形式发票""",
    ),
    *rules(
        _I + "shipment",
        0.75,
        """shipment|shipped|shipping date|ship date|dispatched|
        tracking number|tracking no|tracking|awb|b/l|bill of lading|etd|eta|vessel|
        container loaded|delivery date|courier|dhl|fedex|ups|tnt|envío|enviado|embarque|
        número de seguimiento|número de guía|fecha de entrega|despachado|envio|
        código de rastreamento|rastreamento|expédition|expédié|numéro de suivi|
        date de livraison|versand|versendet|verschickt|sendungsnummer|
        sendungsverfolgung|liefertermin|отгрузка|отгружен*|отправлен*|трек - номер|
        发货|已发货|出货|物流|运单号|快递单号|提单|船期""",
    ),
    *rules(
        _I + "payment",
        0.8,
        """we have paid|have made the payment|made the payment|
        payment has been made|remittance|bank slip|bank receipt|swift copy|transfer copy|
        payment receipt|payment proof|balance payment|comprobante de pago|pago realizado|
        hemos pagado|comprovante de pagamento|pagamento efetuado|preuve de paiement|
        paiement effectué|nous avons payé|zahlungsbestätigung|überwiesen|bezahlt|
        оплатили|оплачен*|платежное поручение|付款|汇款|水单|尾款|已付款""",
    ),
    *rules(
        _I + "payment",
        0.4,
        """payment|paid|invoice|deposit|pago|factura|pagamento|
        fatura|paiement|facture|acompte|zahlung|rechnung|anzahlung|оплата|платеж|счет|
        предоплат*|定金|发票""",
    ),
    *rules(
        _I + "complaint",
        0.85,
        """complaint|complain|defective|broken|damaged|
        not working|doesn't work|does not work|don't work|stopped working|faulty|
        quality problem|quality issue|quality issues|wrong items|missing items|refund|
        very disappointed|disappointed|unacceptable|reclamación|queja|defectuoso|
        defectuosos|dañado|dañados|no funciona|no funcionan|problema de calidad|
        reclamação|defeito|defeituoso|danificado|não funciona|problema de qualidade|
        réclamation|défectueux|endommagé|ne fonctionne pas|problème de qualité|
        remboursement|reklamation|beschwerde|defekt|beschädigt|funktioniert nicht|
        qualitätsproblem|жалоба|претензи*|брак|бракован*|не работает|не работают|
        поврежден*|投诉|质量问题|坏了|损坏|退货|不工作|破损|索赔""",
    ),
    *rules(
        _I + "complaint",
        0.45,
        "claim|replacement|devolución|devolução|retour|rücksendung|возврат|更换",
    ),
)

# Short words that count only when written in capitals ("PO", not the Italian "po").
UPPER_ONLY = word_set("po pi ups eta etd tnt awb rfq")

# Placing an order, said with words in between ("we confirm our first order", "please find
# our new order for 6 containers", "размещаем повторный заказ", "siparişimizi iletiyoruz"):
# a verb of placing, confirming or sending and an order noun at most four words apart.
_GAP = r"(?:[^\w\n]+[\w'’.-]+){0,4}[^\w\n]+"
_EN_VERB = (
    r"confirm(?:s|ing|ed)?|plac(?:e|es|ing)|releas(?:e|ing)|send(?:ing)?|attach(?:ed|ing)?|"
    r"enclos(?:e|ed|ing)|find|proceed(?:ing)? with|issu(?:e|ing)|submit(?:ting)?|"
    r"forward(?:ing)?|repeat(?:ing)?|here is"
)
_EN_NOUN = r"(?:purchase\s+)?orders?|po|p\.o\."
ORDER_PLACEMENT = re.compile(
    rf"\b(?:{_EN_VERB}){_GAP}(?:{_EN_NOUN})\b"
    rf"|\b(?:{_EN_NOUN}){_GAP}(?:attached|enclosed|herewith|follows)\b"
    rf"|\b(?:confirm\w*|adjunt\w*|anex\w*|realiz\w*|hacemos|colocamos|formaliz\w*|remitimos|"
    rf"segue|seguem|enviamos|fazemos|fechamos){_GAP}(?:pedido|orden(?:\s+de\s+compra)?|"
    rf"ordem(?:\s+de\s+compra)?|encomenda)\b"
    rf"|\b(?:confirm\w*|ci-joint\w*|pass\w*|envoy\w*|transm\w*|trouver){_GAP}"
    rf"(?:bon\s+de\s+)?commande\b"
    rf"|\b(?:bestätig\w*|anbei|übersend\w*|senden|erteil\w*|platzier\w*){_GAP}"
    rf"(?:bestellung|auftrag)\b|\bbestellen\s+wir\b|\bwir\s+bestellen\b"
    rf"|\b(?:conferm\w*|allegat\w*|inviamo|effettu\w*){_GAP}ordine\b"
    rf"|\b(?:подтвержда\w*|размеща\w*|направля\w*|высыла\w*|прилага\w*|оформля\w*){_GAP}"
    rf"заказ\w*|\bзаказ\w*{_GAP}(?:подтвержда\w*|размеща\w*|прилага\w*)|\bзаказываем\b"
    rf"|\bsipariş\w*{_GAP}(?:ilet\w*|veriyoruz|onayl\w*|gönder\w*|geçiyoruz|ektedir)"
    rf"|\bekte\w*{_GAP}sipariş\w*"
    r"|(?:确认|附上|附件是|下了?)[^。！？\n]{0,6}(?:订单|采购单|订货单)"
    r"|(?:أمر|طلب)\s+(?:ال)?شراء",
    re.I,
)
