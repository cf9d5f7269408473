"""What German-writing buyers say (see :mod:`app.demo._text_en` for the keys)."""

from __future__ import annotations

BANK: dict[str, tuple[str, ...]] = {
    "hello": ("Hallo {rep},", "{formal}", "Guten Tag {rep},"),
    "hello_anon": ("Sehr geehrte Damen und Herren,", "Guten Tag,"),
    "bye": ("Mit freundlichen Grüßen", "Viele Grüße", "Beste Grüße"),
    "source.trade_show": (
        "Wir haben uns auf der Messe {fair} an Ihrem Stand kennengelernt.",
        "Vielen Dank für das nette Gespräch an Ihrem Stand auf der {fair}-Messe.",
    ),
    "source.referral": (
        "Wir haben Ihre Adresse auf Empfehlung von {referrer} ({referrer_company}) erhalten.",
        "Wir schreiben Ihnen auf Empfehlung von {referrer} ({referrer_company}).",
    ),
    "source.website": ("Wir haben Ihre Webseite bei Google gefunden.",),
    "source.marketplace": ("Wir haben Ihre Produkte auf Alibaba gesehen.",),
    "source.cold_reply": (
        "Danke für Ihre E-Mail. Wir sind interessiert an Ihren {product}.",
        "Vielen Dank für Ihre E-Mail. Ihre {product} sind für uns interessant, wir sind "
        "interessiert.",
    ),
    "type.distributor": (
        "Wir sind ein Großhändler für Beleuchtung und Elektromaterial in {country_name}.",
        "Wir sind Vertriebspartner mehrerer Leuchtenmarken mit eigenem Lager in {city}.",
    ),
    "type.importer_wholesaler": (
        "Wir sind ein Importeur für LED-Beleuchtung mit Sitz in {city}.",
        "Wir importieren Leuchten aus Asien als Importeur und Großhandel.",
    ),
    "type.retailer": ("Wir sind ein Einzelhändler mit {stores} Filialen in {country_name}.",),
    "type.ecommerce_seller": (
        "Wir betreiben einen Onlineshop für Wohnbeleuchtung und verkaufen auch auf Amazon.",
    ),
    "type.contractor_installer": (
        "Wir sind ein Elektroinstallateur und führen gewerbliche Projekte aus.",
        "Als Elektroinstallateur sanieren wir die Beleuchtung von Hallen in {city}.",
    ),
    "type.hotel_hospitality": (
        "Wir sind eine Hotelgruppe mit {stores} Hotels und renovieren gerade die Zimmer.",
    ),
    "type.telecom_operator": (
        "Wir sind ein Netzbetreiber und bieten unseren Kunden Smart-Home-Pakete an.",
    ),
    "type.system_integrator": ("Wir sind ein Systemintegrator für Gebäudeautomation.",),
    "type.end_user": (
        "Die Leuchten sind für unser Werk in {city} bestimmt (Eigenbedarf).",
        "Es geht um den Eigenbedarf für unsere Fabrik.",
    ),
    "based": ("Wir sind ein Unternehmen aus {country_name}.",),
    "need": (
        "Wir suchen {product}: {spec}, Menge {qty} Stück.",
        "Wir benötigen {qty} Stück {product} ({spec}).",
    ),
    "need2": ("Außerdem benötigen wir {product} ({spec}), ca. {qty} Stück.",),
    "ask": (
        "Bitte um Angebot {incoterm} {port} mit Lieferzeit.",
        "Wir bitten um ein Angebot {incoterm} {port} für diese Menge.",
    ),
    "ask_cheap": ("Der Preis ist für uns sehr wichtig, der Markt ist hart umkämpft.",),
    "quality": ("Qualität geht vor Preis.",),
    "certs": ("Die Leuchten brauchen {certs}-Zertifikate.",),
    "negotiate": (
        "Danke für das Angebot. Ihr Preis ist zu teuer für unseren Markt: unser Zielpreis "
        "liegt bei USD {target}. Können Sie uns einen Rabatt für {qty} Stück geben?",
        "Wir haben Angebote anderer Lieferanten, die {pct}% günstiger sind. Bitte prüfen Sie "
        "einen Preisnachlass auf USD {target}.",
    ),
    "sample_request": (
        "Vor einer Bestellung möchten wir Muster anfordern: bitte {n} Muster von {model}. Die "
        "Musterkosten übernehmen wir.",
        "Können wir Muster bestellen? Wir brauchen {n} Muster von {model} zum Testen.",
    ),
    "sample_paid": (
        "Wir haben die Musterkosten per PayPal bezahlt, die Zahlungsbestätigung ist im Anhang.",
    ),
    "sample_ack": (
        "Danke für die Sendungsnummer. Wir verfolgen den Versand und testen die Muster nach "
        "Ankunft.",
    ),
    "shipped_ack": (
        "Danke für die B/L-Kopie. Wir kümmern uns um die Verzollung, der Liefertermin passt.",
    ),
    "feedback_good": (
        "Wir haben die Muster erhalten und getestet. Das Testergebnis ist gut: Lichtstrom und "
        "Temperatur entsprechen dem Datenblatt.",
        "Die Muster erhalten und getestet: alles in Ordnung, das Testergebnis ist positiv.",
    ),
    "feedback_bad": (
        "Wir haben die Muster erhalten, aber das Testergebnis ist leider nicht gut: {problem}.",
    ),
    "po_trial": (
        "Anbei unsere Bestellung {po} über {qty} Stück {model} als Probeauftrag, USD {price} "
        "{incoterm} {port}.",
        "Hiermit bestellen wir {qty} Stück {model} als Testauftrag. Bestellnummer: {po}.",
    ),
    "po_bulk": (
        "Der Probeauftrag hat sich gut verkauft. Anbei unsere Bestellung {po} über {qty} "
        "Stück {model} ({container}).",
    ),
    "po_repeat": (
        "Anbei unsere neue Bestellung {po}: {qty} Stück {model}, Konditionen wie beim letzten Mal.",
    ),
    "deposit": (
        "Wir haben heute die Anzahlung von 30% überwiesen. Die Zahlungsbestätigung finden "
        "Sie im Anhang.",
    ),
    "lc": (
        "Unsere Bank hat das Akkreditiv eröffnet; die Zahlungsbestätigung der Bank (swift "
        "copy) ist im Anhang.",
    ),
    "balance": (
        "Der Restbetrag von USD {balance_amount} wurde heute überwiesen. "
        "Zahlungsbestätigung anbei.",
    ),
    "received": (
        "Die Sendung ist in {port} angekommen und wurde heute geliefert. Versand und "
        "Liefertermin haben gut geklappt, danke!",
    ),
    "complaint": (
        "Reklamation: in der letzten Lieferung von {model} sind {n} Stück defekt ({problem}). "
        "Bitte senden Sie Ersatz oder eine Gutschrift.",
        "Leider sind {n} Leuchten {model} beschädigt und funktionieren nicht: {problem}. Wir "
        "erwarten Ihre Stellungnahme zu dieser Reklamation.",
    ),
    "problem": (
        "die Treiber sind nach wenigen Tagen ausgefallen",
        "das Gehäuse ist gebrochen",
        "die Farbtemperatur ist nicht einheitlich",
    ),
    "refusal": (
        "Vielen Dank für Ihre Mühe. Nach einem Vergleich mehrerer Angebote haben wir uns für "
        "einen anderen Lieferanten entschieden.",
        "Wir haben uns leider für einen anderen Lieferanten entschieden. Trotzdem danke.",
    ),
    "ack": ("Danke, zur Kenntnis genommen. Ich bespreche das intern und melde mich.",),
    "subj.inquiry": (
        "Anfrage: {product}",
        "Preisanfrage {product}",
        "{product} für Projekt in {city}",
    ),
    "subj.po": ("Bestellung {po}", "Bestellung {po} - {short}"),
    "subj.complaint": ("Reklamation Bestellung {po}",),
    "subj.sample": ("Muster {model}",),
    "re": ("Re: ", "AW: "),
}
