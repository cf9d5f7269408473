"""What Spanish-writing buyers say (see :mod:`app.demo._text_en` for the keys)."""

from __future__ import annotations

BANK: dict[str, tuple[str, ...]] = {
    "hello": ("{formal}", "Hola {rep},", "Buenos días {rep},"),
    "hello_anon": ("Estimados señores:", "Buenos días,"),
    "bye": ("Saludos cordiales,", "Un saludo,", "Atentamente,", "Saludos,"),
    "source.trade_show": (
        "Nos conocimos en su stand de la feria {fair}.",
        "Visitamos su stand en la feria {fair} y nos llevamos su catálogo.",
    ),
    "source.referral": (
        "{referrer} de {referrer_company} nos recomendó su empresa.",
        "Nos contactamos por recomendación de {referrer} ({referrer_company}).",
    ),
    "source.website": ("Encontramos su empresa en Google y visitamos su página web.",),
    "source.marketplace": ("Vimos sus productos en Alibaba.",),
    "source.cold_reply": (
        "Gracias por su correo. Nos interesa su oferta de {product}.",
        "Gracias por su presentación. Estamos interesados en sus {product}.",
    ),
    "type.distributor": (
        "Somos una empresa distribuidora de material eléctrico en {country_name}.",
        "Somos distribuidores de iluminación con almacén propio en {city}.",
    ),
    "type.importer_wholesaler": (
        "Somos importadores y mayoristas de iluminación LED en {city}.",
        "Somos una empresa importadora y vendemos al por mayor en todo el país.",
    ),
    "type.retailer": ("Tenemos una cadena de tiendas de iluminación con {stores} locales.",),
    "type.ecommerce_seller": (
        "Vendemos iluminación en nuestra tienda online y en Mercado Libre.",
        "Somos una tienda online de productos para el hogar.",
    ),
    "type.contractor_installer": (
        "Somos una empresa instaladora de proyectos eléctricos.",
        "Somos contratistas eléctricos y trabajamos en obras comerciales en {city}.",
    ),
    "type.hotel_hospitality": (
        "Somos un grupo de hoteles con {stores} hoteles en {country_name}.",
        "Soy el jefe de mantenimiento de un hotel en {city} y estamos renovando las habitaciones.",
    ),
    "type.telecom_operator": (
        "Somos un operador de telecomunicaciones y ofrecemos paquetes de hogar inteligente.",
    ),
    "type.system_integrator": ("Somos integradores de sistemas para edificios inteligentes.",),
    "type.end_user": (
        "Las luminarias son para uso propio en nuestra planta de {city}.",
        "Es para nuestra fábrica, para uso propio.",
    ),
    "based": ("Somos de {country_name}.",),
    "need": (
        "Buscamos {product}: {spec}, cantidad {qty} unidades.",
        "Necesitamos {qty} unidades de {product} ({spec}).",
    ),
    "need2": ("También necesitamos {product} ({spec}), unas {qty} unidades.",),
    "ask": (
        "Por favor envíenos su cotización {incoterm} {port} con el plazo de entrega.",
        "¿Nos puede cotizar {incoterm} {port} para esta cantidad?",
    ),
    "ask_cheap": ("Necesitamos un precio competitivo, el mercado aquí es muy difícil.",),
    "quality": ("Para nosotros la calidad es lo más importante.",),
    "certs": ("Los productos deben tener certificación {certs}.",),
    "negotiate": (
        "Gracias por la oferta. Su precio es muy caro para nuestro mercado: nuestro precio "
        "objetivo es USD {target}. ¿Nos puede hacer un descuento por {qty} unidades?",
        "Comparamos con otros proveedores y su precio es un {pct}% más alto. Necesitamos una "
        "rebaja hasta USD {target}, es nuestro precio objetivo.",
    ),
    "sample_request": (
        "Antes de comprar necesitamos muestras. ¿Pueden enviar muestras de {model}? Pagamos "
        "el costo de la muestra y el envío.",
        "Quisiéramos solicitar muestras del modelo {model} para pruebas.",
    ),
    "sample_paid": (
        "Hemos pagado el costo de las muestras por PayPal. Adjunto el comprobante de pago.",
    ),
    "sample_ack": (
        "Gracias por el número de seguimiento. Probaremos las muestras cuando llegue el envío.",
    ),
    "shipped_ack": (
        "Gracias por el B/L. Prepararemos el despacho de aduana cuando llegue el embarque.",
    ),
    "feedback_good": (
        "Recibimos las muestras y las probamos. El resultado de la prueba es bueno: el flujo "
        "luminoso y la temperatura son correctos.",
        "Ya probamos las muestras y el resultado de la prueba fue muy bueno.",
    ),
    "feedback_bad": (
        "Recibimos las muestras, pero el resultado de la prueba no es bueno: {problem}.",
    ),
    "po_trial": (
        "Adjunto nuestra orden de compra {po} por {qty} unidades de {model} como pedido de "
        "prueba, a USD {price} {incoterm} {port}.",
        "Queremos hacer un pedido de prueba: {qty} unidades de {model}. Nuestra orden de "
        "compra es la {po}.",
    ),
    "po_bulk": (
        "El pedido de prueba se vendió bien. Adjunto nuestra orden de compra {po} por {qty} "
        "unidades de {model} ({container}).",
    ),
    "po_repeat": (
        "Adjunto nuestro pedido {po}: {qty} unidades de {model}, mismas condiciones. Orden de "
        "compra firmada.",
    ),
    "deposit": (
        "Hemos pagado hoy el anticipo del 30%. Adjunto el comprobante de pago.",
        "Pago realizado: anticipo de USD {deposit_amount}. Adjunto comprobante de pago.",
    ),
    "lc": ("Nuestro banco emitió la carta de crédito; adjunto el swift copy para el pago.",),
    "balance": ("Hemos pagado el saldo de USD {balance_amount}. Adjunto el comprobante de pago.",),
    "received": (
        "El embarque llegó a {port} y recibimos la mercancía. La fecha de entrega se cumplió, "
        "gracias.",
    ),
    "complaint": (
        "Encontramos {n} equipos defectuosos en el último envío de {model}: {problem}. Es "
        "un problema de calidad; necesitamos reposición o devolución del dinero.",
        "Tenemos una reclamación de nuestro cliente: {n} unidades de {model} no funcionan "
        "({problem}).",
    ),
    "problem": (
        "los drivers se quemaron después de pocos días",
        "la carcasa llegó rota",
        "la temperatura de color no es uniforme",
    ),
    "refusal": (
        "Gracias por su tiempo. Después de comparar varias ofertas hemos decidido trabajar con "
        "otro proveedor para este proyecto.",
        "Le informamos que la gerencia decidió seguir con otro proveedor. Gracias por todo.",
    ),
    "ack": ("Gracias, recibido. Lo reviso con mi equipo y le respondo pronto.",),
    "subj.inquiry": (
        "Solicitud de cotización: {product}",
        "Consulta {product}",
        "{product} para proyecto en {country_name}",
    ),
    "subj.po": ("Orden de compra {po}", "Pedido {po} - {short}"),
    "subj.complaint": ("Reclamación pedido {po}",),
    "subj.sample": ("Muestras {model}",),
    "re": ("Re: ", "RE: "),
}
