"""What the factory's sales reps write (always in English), and who they are.

As in :mod:`app.demo._text_en`, each key maps to interchangeable variants with
``{slots}``; each intent's text carries at least two phrases of that intent.
"""

from __future__ import annotations

from typing import NamedTuple

OWN_DOMAIN = "lumora-lighting.com"
COMPANY = "Lumora Lighting Co., Ltd."
OFFICE_PHONE = "+86 760 2218 6600"
OFFICE_ADDRESS = "No. 18 Keji Road, Guzhen Town, Zhongshan, Guangdong, China"
TZ_HOURS = 8


class Rep(NamedTuple):
    """A sales rep: name, title, address and mobile number."""

    first: str
    last: str
    title: str
    email: str
    mobile: str


REPS: tuple[Rep, ...] = (
    Rep("Anna", "Li", "Export Sales Manager", f"anna.li@{OWN_DOMAIN}", "+86 138 2561 4471"),
    Rep("Tom", "Zhang", "Sales Manager", f"tom.zhang@{OWN_DOMAIN}", "+86 139 2801 5532"),
    Rep("Grace", "Wu", "Overseas Sales", f"grace.wu@{OWN_DOMAIN}", "+86 135 6012 7793"),
    Rep("Kevin", "Chen", "Sales Director", f"kevin.chen@{OWN_DOMAIN}", "+86 136 3170 2284"),
)

FAIRS: tuple[tuple[str, str], ...] = (
    ("Canton Fair", "spring"),
    ("Canton Fair", "autumn"),
    ("Light + Building fair in Frankfurt", "spring"),
    ("Hong Kong International Lighting Fair", "autumn"),
    ("Intersolar Europe exhibition", "summer"),
    ("Middle East Energy exhibition in Dubai", "spring"),
)

COURIERS = ("DHL", "FedEx", "UPS", "TNT")
VESSELS = ("MSC Aurora", "COSCO Shipping Leo", "Maersk Essen", "CMA CGM Tage", "Ever Given")

BANK: dict[str, tuple[str, ...]] = {
    "hello": ("Dear {first},", "Hi {first},", "Hello {first},"),
    "hello_anon": ("Dear Sir or Madam,", "Dear Purchasing Manager,"),
    "bye": ("Best regards,", "Kind regards,", "Best wishes,"),
    "intro": (
        "This is {rep} from Lumora Lighting, a factory of {product} in Zhongshan, China, "
        "exporting to more than 40 countries. I came across {company_ref} while looking for "
        "lighting companies in {country_name}.\n\nOur {model} ({spec}) is one of our best "
        "sellers, with {our_certs} certificates and a 5-year warranty. If you are sourcing "
        "{product}, I would be glad to send you our catalogue.",
        "I am {rep}, in charge of export sales at Lumora Lighting. We make {product} for "
        "importers and contractors, and {country_name} is an important market for us.\n\n"
        "Our {model} ({spec}) has {our_certs} certificates. May I send you more details?",
    ),
    "quote_open": (
        "Thank you for your inquiry. Please find our quotation below:",
        "Thanks for your interest in our {product}. We are pleased to quote as follows:",
        "Many thanks for your email. Here is our best offer for {product}:",
    ),
    "quote_open.marketplace": (
        "Thank you for your inquiry on {platform}. Please find our quotation below:",
    ),
    "quote_open.trade_show": (
        "It was a pleasure to meet you at our booth at the {fair}. As promised, please find "
        "our quotation for {product} below:",
        "Thank you again for visiting our stand at the {fair}. Here is our quotation for "
        "{product}:",
    ),
    "quote_line": ("Model {model}: {spec}\nUnit price: USD {price}/pc {incoterm} {port}",),
    "quote_terms": (
        "Payment terms: {payment}\nMOQ: {moq} pcs\nLead time: {lead} days\n"
        "Certificates: {our_certs}\nPrice validity: 30 days",
    ),
    "quote_close": (
        "Samples are available for quality testing. Please let me know if you have any questions.",
        "We can also make your logo on the product and the carton. Looking forward to your "
        "comments.",
    ),
    "counter": (
        "Thank you for your feedback. We checked the cost again with our boss: for {qty} pcs "
        "we can give you a {pct}% discount, USD {new_price}/pc. This is our last price, as we "
        "do not want to reduce the quality.",
        "We understand your target price, but USD {target} is below our cost. The best we can "
        "do is USD {new_price}/pc, a {pct}% discount for this quantity.",
        "Considering a long-term cooperation, we can reduce the price to USD {new_price}/pc "
        "({pct}% discount). This is our final price.",
    ),
    "counter_bad": (
        "We are sorry to hear that. Our engineers will check the issue, and we can send "
        "improved pieces for a second test if you like.",
        "Thank you for the honest comments. We will discuss them with our R&D team and come "
        "back to you.",
    ),
    "sample_dispatch": (
        "Thank you for the payment. The samples of {model} were dispatched today by "
        "{courier}, tracking number {tracking}.",
        "Payment received, thanks. Your samples were shipped by {courier} today; tracking "
        "No.: {tracking}.",
    ),
    "sample_sent": (
        "The {n} samples of {model} were sent today by {courier}, tracking number {tracking}. "
        "They should arrive in 4-6 days.",
        "Good news: your samples are ready and were dispatched by {courier} today. Tracking "
        "No.: {tracking}.",
    ),
    "sample_fee": (
        "The sample fee is USD {fee} including express freight, and it will be refunded with "
        "your first order. You can pay by PayPal to paypal@lumora-lighting.com.",
        "For {n} samples the sample cost is USD {fee}. Please pay by PayPal; we send the "
        "samples the day after we receive it.",
    ),
    "sample_terms": (
        "The sample fee of USD {fee} will be refunded with your first order.",
        "The samples are free, you only pay the courier cost.",
    ),
    "clarify": (
        "Thank you for your message. Could you tell me which products you need, the quantity "
        "and your target market? Then I can prepare the right offer for you.",
    ),
    "catalog": (
        "Please find attached our catalogue and our price list for our main products. Which "
        "items would you like to buy?",
    ),
    "pi": (
        "Thank you for your order {po}. Please find attached our proforma invoice {pi} for "
        "your confirmation. Production takes {lead} days after we receive the 30% deposit.",
        "Order confirmation: {qty} pcs {model}, USD {amount} in total. The proforma invoice "
        "{pi} is attached; please sign it and arrange the deposit.",
    ),
    "pi.lc": (
        "Thank you for your order {po}. Please find attached our proforma invoice {pi}; "
        "please open the L/C at sight according to it. Production takes {lead} days.",
    ),
    "deposit_ok": (
        "Thank you, we confirm the payment receipt: the bank slip matches our proforma "
        "invoice. Production has started and takes about {lead} days.",
        "Your deposit has arrived, thank you. We have made the payment receipt for your "
        "records; mass production starts this week.",
    ),
    "balance_request": (
        "Good news: the goods of order {po} are ready and passed our final inspection (photos "
        "attached). Please arrange the balance payment of USD {balance_amount} and send us the "
        "remittance copy.",
        "Production of your order {po} is finished. Please arrange the balance payment of USD "
        "{balance_amount}; after we receive the remittance we will book the container.",
    ),
    "shipped_sea": (
        "The goods of order {po} were shipped today. Vessel: {vessel}, B/L No. {bl}, "
        "ETD {etd}, ETA {port} {eta}. Please find the B/L copy, commercial invoice and "
        "packing list attached.",
        "Your order {po} is on board: the container was loaded on {vessel} (ETD {etd}, ETA "
        "{eta}). The bill of lading and the tracking link are attached.",
    ),
    "telex": (
        "The vessel {vessel} arrives in {port} on {eta}. Telex release of the B/L is done, "
        "so your forwarder can pick up the container without the original documents.",
        "Shipping update for order {po}: ETA {port} is {eta}, the B/L has been released and "
        "the arrival notice will come from the shipping line.",
    ),
    "shipped_air": (
        "Your order {po} was shipped today by {courier}, tracking number {tracking}. Estimated "
        "delivery date: {eta_air}.",
    ),
    "complaint_reply": (
        "We are very sorry for the quality problem. Our QC team checked the production "
        "records: the defective units came from one batch of drivers. We will send {n} "
        "replacement units free of charge with your next order.",
        "Sorry for the trouble with the damaged lights. We will compensate the defective "
        "pieces: USD {credit} will be deducted from your next order.",
    ),
    "follow_up": (
        "Just following up on my last email. Do you have any feedback? Please let me know if "
        "you need more information.",
        "I hope you are well. Is there any update on your project? We are happy to help.",
        "May I know if you have seen my last email? Looking forward to your reply.",
    ),
    "subj.intro": (
        "{product_cap} manufacturer in China - Lumora Lighting",
        "Introducing Lumora Lighting: {product} for {country_name}",
    ),
    "subj.fair": (
        "Nice to meet you at the {fair_short} - {short}",
        "{fair_short} follow-up: {short}",
    ),
    "re": ("Re: ", "RE: "),
}
