"""What French-writing buyers say (see :mod:`app.demo._text_en` for the keys)."""

from __future__ import annotations

BANK: dict[str, tuple[str, ...]] = {
    "hello": ("Bonjour {rep},", "{formal}"),
    "hello_anon": ("Madame, Monsieur,", "Bonjour,"),
    "bye": ("Cordialement,", "Bien cordialement,", "Salutations,", "Bien à vous,"),
    "source.trade_show": (
        "Nous nous sommes rencontrés sur votre stand au salon {fair}.",
        "Suite à notre rencontre au salon {fair}, je reviens vers vous.",
    ),
    "source.referral": (
        "Nous vous contactons sur recommandation de {referrer} de la société {referrer_company}.",
        "Votre contact nous a été recommandé par {referrer} ({referrer_company}).",
    ),
    "source.website": ("Nous avons trouvé votre site web sur Google.",),
    "source.marketplace": ("Nous avons vu vos produits sur Alibaba.",),
    "source.cold_reply": (
        "Merci pour votre e-mail. Nous sommes intéressés par vos {product}.",
        "Merci pour votre présentation, vos {product} nous intéressent : nous sommes intéressés.",
    ),
    "type.distributor": (
        "Nous sommes un distributeur de matériel électrique et d'éclairage en {country_name}.",
        "Notre société est un distributeur avec un entrepôt à {city}.",
    ),
    "type.importer_wholesaler": (
        "Nous sommes importateur et grossiste en éclairage LED.",
        "Nous sommes une société d'importation, grossiste pour tout le pays.",
    ),
    "type.retailer": ("Nous avons une chaîne de magasins de bricolage ({stores} magasins).",),
    "type.ecommerce_seller": ("Nous faisons de la vente en ligne sur notre boutique en ligne.",),
    "type.contractor_installer": (
        "Nous sommes une entreprise d'installation électrique (électricien) à {city}.",
        "Nous sommes installateur électrique pour des projets tertiaires.",
    ),
    "type.hotel_hospitality": (
        "Nous sommes un groupe hôtelier avec {stores} hôtels et nous rénovons les chambres.",
    ),
    "type.telecom_operator": (
        "Nous sommes un opérateur télécom et proposons des offres maison connectée.",
    ),
    "type.system_integrator": ("Nous sommes intégrateur de systèmes pour bâtiments intelligents.",),
    "type.end_user": ("Les luminaires sont pour notre usine, pour notre propre usage.",),
    "based": ("Nous sommes basés en {country_name}.",),
    "need": (
        "Nous recherchons des {product} : {spec}, quantité {qty} pièces.",
        "Nous avons besoin de {qty} pièces de {product} ({spec}).",
    ),
    "need2": ("Nous avons aussi besoin de {product} ({spec}), environ {qty} pièces.",),
    "ask": (
        "Merci de nous envoyer votre offre {incoterm} {port} avec le délai de livraison ; "
        "c'est une demande de prix pour un projet.",
        "Pouvez-vous nous faire un devis {incoterm} {port} ? C'est une demande de devis urgente.",
    ),
    "ask_cheap": ("Le prix est très important pour nous, le marché est difficile.",),
    "quality": ("Pour nous, la qualité avant tout.",),
    "certs": ("Les produits doivent avoir le marquage {certs}.",),
    "negotiate": (
        "Merci pour votre offre. Votre prix est trop cher pour notre marché : notre prix "
        "cible est USD {target}. Pouvez-vous nous faire une remise pour {qty} pièces ?",
        "Vos concurrents sont {pct}% moins chers. Merci de revoir votre prix avec une "
        "réduction jusqu'à notre prix cible de USD {target}.",
    ),
    "sample_request": (
        "Avant de commander, pouvez-vous envoyer des échantillons de {model} ? Merci pour "
        "votre demande d'échantillon rapide.",
        "Nous souhaitons faire une demande d'échantillon : {n} échantillons de {model}.",
    ),
    "sample_paid": (
        "Nous avons payé les frais d'échantillons par PayPal, ci-joint la preuve de paiement.",
    ),
    "sample_ack": (
        "Merci pour le numéro de suivi. Nous testerons les échantillons dès réception de "
        "l'expédition.",
    ),
    "shipped_ack": (
        "Merci pour le B/L. Nous préparons le dédouanement pour la date de livraison prévue.",
    ),
    "feedback_good": (
        "Nous avons reçu les échantillons et les avons testés. Le résultat des tests est bon.",
        "Échantillons reçus, merci. Le résultat des tests est conforme à la fiche technique.",
    ),
    "feedback_bad": (
        "Nous avons reçu les échantillons, mais le résultat des tests n'est pas bon : {problem}.",
    ),
    "po_trial": (
        "Veuillez trouver ci-joint notre bon de commande {po} pour {qty} pièces de {model} "
        "(commande d'essai), USD {price} {incoterm} {port}.",
        "Nous souhaitons passer commande : {qty} pièces de {model}. Notre bon de commande "
        "{po} est en pièce jointe.",
    ),
    "po_bulk": (
        "La commande d'essai s'est bien vendue. Ci-joint notre bon de commande {po} pour "
        "{qty} pièces de {model} ({container}).",
    ),
    "po_repeat": (
        "Voici notre nouvelle commande {po} : {qty} pièces de {model}. Le bon de commande est "
        "joint.",
    ),
    "deposit": ("Nous avons payé l'acompte de 30% aujourd'hui. Ci-joint la preuve de paiement.",),
    "lc": (
        "Notre banque a émis la lettre de crédit ; ci-joint la preuve de paiement (swift copy).",
    ),
    "balance": (
        "Paiement effectué pour le solde de USD {balance_amount}. Ci-joint la preuve de paiement.",
    ),
    "received": (
        "L'expédition est arrivée à {port} et nous avons reçu la marchandise. Date de "
        "livraison respectée, merci.",
    ),
    "complaint": (
        "Réclamation : {n} luminaires {model} sont défectueux ({problem}). C'est un problème "
        "de qualité, merci de proposer un remplacement ou un remboursement.",
    ),
    "problem": (
        "les drivers sont tombés en panne après quelques jours",
        "le boîtier est cassé",
        "la température de couleur n'est pas homogène",
    ),
    "refusal": (
        "Merci pour votre temps. Après comparaison, nous avons décidé de travailler avec un "
        "autre fournisseur pour ce projet.",
        "Nous avons finalement choisi un autre fournisseur. Merci quand même.",
    ),
    "ack": ("Merci, bien noté. J'en parle à mon équipe et je reviens vers vous.",),
    "subj.inquiry": ("Demande de prix : {product}", "Demande de devis {product}", "{product}"),
    "subj.po": ("Bon de commande {po}", "Commande {po} - {short}"),
    "subj.complaint": ("Réclamation commande {po}",),
    "subj.sample": ("Échantillons {model}",),
    "re": ("Re: ", "RE : "),
}
