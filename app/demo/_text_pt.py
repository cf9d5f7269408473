"""What Portuguese-writing buyers say (see :mod:`app.demo._text_en` for the keys)."""

from __future__ import annotations

BANK: dict[str, tuple[str, ...]] = {
    "hello": ("Olá {rep},", "{formal}", "Bom dia {rep},"),
    "hello_anon": ("Prezados,", "Bom dia,"),
    "bye": ("Atenciosamente,", "Abraços,", "Cumprimentos,", "Obrigado,"),
    "source.trade_show": (
        "Nos conhecemos no seu estande na feira {fair}.",
        "Visitamos o seu estande na feira {fair} e pegamos o catálogo.",
    ),
    "source.referral": (
        "Recebemos a indicação de {referrer}, da {referrer_company}.",
        "Seu contato veio por indicação de {referrer} ({referrer_company}).",
    ),
    "source.website": ("Encontramos a sua empresa no Google e visitamos o seu site.",),
    "source.marketplace": ("Vimos os seus produtos no Alibaba.",),
    "source.cold_reply": (
        "Obrigado pelo seu e-mail. Estamos interessados nos seus {product}.",
        "Obrigado pela apresentação. Temos interesse em {product}.",
    ),
    "type.distributor": (
        "Somos um distribuidor de material elétrico e iluminação em {country_name}.",
        "Nossa empresa é distribuidora de iluminação com depósito próprio em {city}.",
    ),
    "type.importer_wholesaler": (
        "Somos importadores e atacadistas de iluminação LED.",
        "Somos uma empresa importadora e atacadista em {city}.",
    ),
    "type.retailer": ("Somos uma rede de lojas de materiais de construção com {stores} lojas.",),
    "type.ecommerce_seller": ("Vendemos iluminação na nossa loja virtual e no Mercado Livre.",),
    "type.contractor_installer": (
        "Somos uma empresa instaladora e executamos projetos elétricos.",
        "Somos instaladores elétricos e trabalhamos com obras comerciais em {city}.",
    ),
    "type.hotel_hospitality": (
        "Somos uma rede hoteleira: o nosso hotel principal fica em {city} e estamos "
        "reformando os quartos.",
    ),
    "type.telecom_operator": (
        "Somos um provedor de internet e oferecemos pacotes de casa inteligente.",
    ),
    "type.system_integrator": ("Somos integradores de sistemas para automação predial.",),
    "type.end_user": ("As luminárias são para uso próprio na nossa fábrica em {city}.",),
    "based": ("Estamos em {country_name}.",),
    "need": (
        "Procuramos {product}: {spec}, quantidade {qty} peças.",
        "Precisamos de {qty} peças de {product} ({spec}).",
    ),
    "need2": ("Também precisamos de {product} ({spec}), cerca de {qty} peças.",),
    "ask": (
        "Por favor, envie a sua cotação {incoterm} {port}; é um pedido de cotação para um projeto.",
        "Solicito cotação {incoterm} {port} para essa quantidade, com prazo de entrega.",
    ),
    "ask_cheap": ("O preço é muito importante para nós, o mercado está difícil.",),
    "quality": ("Para nós é qualidade em primeiro lugar.",),
    "certs": ("Os produtos precisam de certificação {certs}.",),
    "negotiate": (
        "Obrigado pela proposta. O preço está muito caro para o nosso mercado: o nosso preço "
        "alvo é USD {target}. Pode nos dar um desconto para {qty} peças?",
        "Outros fornecedores estão {pct}% mais baratos. Precisamos de um desconto até o preço "
        "alvo de USD {target}.",
    ),
    "sample_request": (
        "Antes de comprar precisamos de amostras. Podem enviar amostras de {model}? Pagamos o "
        "frete.",
        "Gostaríamos de solicitar amostra do modelo {model} para testes.",
    ),
    "sample_paid": (
        "Pagamento efetuado da taxa de amostra via PayPal; segue o comprovante de pagamento.",
    ),
    "sample_ack": (
        "Obrigado pelo código de rastreamento. Vamos testar as amostras quando o envio chegar.",
    ),
    "shipped_ack": ("Obrigado pelo B/L. Vamos preparar o desembaraço quando o envio chegar.",),
    "feedback_good": (
        "Recebemos as amostras e testamos. O resultado do teste foi bom.",
        "Testamos as amostras: resultado do teste aprovado.",
    ),
    "feedback_bad": ("Recebemos as amostras, mas o resultado do teste não foi bom: {problem}.",),
    "po_trial": (
        "Segue em anexo a nossa ordem de compra {po} de {qty} peças de {model} como pedido "
        "teste, USD {price} {incoterm} {port}.",
        "Queremos fazer um pedido teste de {qty} peças de {model}. Ordem de compra {po} em anexo.",
    ),
    "po_bulk": (
        "O pedido teste vendeu bem. Segue a nossa ordem de compra {po} de {qty} peças de "
        "{model} ({container}).",
    ),
    "po_repeat": ("Segue o nosso pedido {po}: {qty} peças de {model}. Ordem de compra em anexo.",),
    "deposit": ("Pagamento efetuado: sinal de 30% pago hoje. Segue o comprovante de pagamento.",),
    "lc": ("O banco emitiu a carta de crédito; segue o swift copy como comprovante de pagamento.",),
    "balance": (
        "Pagamento efetuado do saldo de USD {balance_amount}. Segue o comprovante de pagamento.",
    ),
    "received": (
        "O envio chegou em {port} e a mercadoria foi entregue; o rastreamento funcionou bem. "
        "Obrigado.",
    ),
    "complaint": (
        "Reclamação: {n} luminárias {model} com defeito ({problem}). É um problema de "
        "qualidade, precisamos de reposição ou devolução do valor.",
    ),
    "problem": (
        "os drivers queimaram depois de poucos dias",
        "a carcaça chegou quebrada",
        "a temperatura de cor não é uniforme",
    ),
    "refusal": (
        "Obrigado pelo seu tempo. Depois de comparar, decidimos seguir com outro fornecedor "
        "neste projeto.",
        "Informamos que a diretoria decidiu trabalhar com outro fornecedor. Obrigado pela atenção.",
    ),
    "ack": ("Obrigado, recebido. Vou verificar com a equipe e retorno em breve.",),
    "subj.inquiry": ("Pedido de cotação: {product}", "Cotação {product}", "{product}"),
    "subj.po": ("Ordem de compra {po}", "Pedido {po} - {short}"),
    "subj.complaint": ("Reclamação pedido {po}",),
    "subj.sample": ("Amostras {model}",),
    "re": ("Re: ", "RES: "),
}
