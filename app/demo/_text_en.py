"""What English-writing buyers say at each step of their journey.

Every key maps to interchangeable variants; ``{slots}`` are filled by the renderer.
Each intent's text carries at least two of the phrases that a reader (and
``models.intent``) recognises it by, and none of another intent's stronger ones.
"""

from __future__ import annotations

BANK: dict[str, tuple[str, ...]] = {
    "hello": ("Dear {rep},", "Hello {rep},", "Hi {rep},", "{formal}"),
    "hello_anon": ("Dear Sir or Madam,", "Hello,", "Dear Sales Team,"),
    "bye": ("Best regards,", "Kind regards,", "Regards,", "Best wishes,", "Thanks,"),
    "source.trade_show": (
        "We met at your booth at the {fair} last {season}.",
        "It was nice to meet you at the {fair} exhibition.",
        "We visited your stand at the {fair} and took your catalogue.",
    ),
    "source.referral": (
        "{referrer} from {referrer_company} recommended you as a reliable supplier.",
        "We got your contact from {referrer} of {referrer_company}.",
        "Your contact was given to us by {referrer} ({referrer_company}).",
    ),
    "source.website": (
        "I found your company on Google and had a look at your website.",
        "We saw your products on your website.",
    ),
    "source.marketplace": (
        "I saw your products on Alibaba.",
        "We found your company on Made-in-China.",
    ),
    "source.cold_reply": (
        "Thank you for your email. We are interested in your {product}.",
        "Thanks for your introduction. We are interested, as we buy {product} regularly.",
    ),
    "type.distributor": (
        "We are a distributor of lighting products in {country_name}.",
        "We are an electrical distributor with branches in {city} and nearby cities.",
        "Our company is a lighting distributor with its own warehouse in {city}.",
    ),
    "type.importer_wholesaler": (
        "We are an importer and wholesaler of LED lighting based in {city}.",
        "We import lighting products from China and sell them wholesale.",
    ),
    "type.retailer": (
        "We are a retail chain with {stores} stores in {country_name}.",
        "We are a retailer of home and lighting products with {stores} shops.",
    ),
    "type.ecommerce_seller": (
        "We are an Amazon seller and also run our own online store.",
        "We sell home lighting through our online shop and on eBay.",
    ),
    "type.contractor_installer": (
        "We are an electrical contractor working on commercial projects.",
        "We are an installation company doing LED retrofit projects in {city}.",
    ),
    "type.hotel_hospitality": (
        "We are a hotel group with {stores} hotels in {country_name}.",
        "I am the chief engineer of a resort hotel in {city} and we are renovating the rooms.",
    ),
    "type.telecom_operator": (
        "We are a telecom operator and offer smart home bundles to our subscribers.",
        "We are an internet service provider with a growing smart home business.",
    ),
    "type.system_integrator": (
        "We are a system integrator for smart buildings and smart city projects.",
        "Our company is a systems integrator working with building automation.",
    ),
    "type.end_user": (
        "The lights are for our own factory in {city}.",
        "These lights are for our own use in our warehouses and production site.",
    ),
    "based": ("We are based in {country_name}.", "Our company is located in {country_name}."),
    "need": (
        "We are looking for {product}: {spec}, quantity {qty} pcs.",
        "We need {qty} pcs of {product} ({spec}) for {use}.",
        "Our requirement is {qty} pcs {product}, model {model} or similar ({spec}).",
    ),
    "need2": ("We also need {product} ({spec}), about {qty} pcs.",),
    "ask": (
        "Please send us your quotation {incoterm} {port} with the lead time.",
        "Kindly quote {incoterm} {port} and advise the delivery time.",
        "Could you quote your price for this quantity, {incoterm} {port}?",
    ),
    "ask_cheap": (
        "Please give us your best price, the market here is very competitive.",
        "Price is very important for us, so please send a competitive price.",
    ),
    "quality": (
        "Quality is more important for us than price.",
        "For this project quality comes first.",
    ),
    "certs": ("The lights must have {certs} certificates.", "Do you have {certs} certification?"),
    "negotiate": (
        "Thank you for the offer. Your price is too high for our market: our target price is "
        "USD {target}. Can you give us a discount for {qty} pcs?",
        "We compared your offer with other suppliers and your price is about {pct}% higher. "
        "Please reduce the price to USD {target}, that is our target price.",
        "Our budget for this project is tight. If you can give us a {pct}% discount and a "
        "lower price for the next orders, we can move forward.",
    ),
    "sample_request": (
        "Before we order, we need samples. Could you send us {n} samples of {model}? We will "
        "pay the sample cost and the courier.",
        "Please send a sample of {model} for testing. Is the sample free of charge?",
        "We would like to order a sample of {model} first to check the quality. Please advise "
        "the sample fee.",
    ),
    "sample_paid": (
        "We have paid the sample fee by PayPal today. Please find the payment receipt "
        "attached and send the samples as soon as possible.",
        "Sample cost paid via PayPal, attached is the payment proof.",
    ),
    "sample_ack": (
        "Thanks for the tracking number. We will follow the courier tracking and test the "
        "samples when they arrive.",
    ),
    "shipped_ack": (
        "Thanks for the B/L copy and the shipping documents. We will arrange customs clearance "
        "when the vessel arrives.",
    ),
    "feedback_good": (
        "We received the samples last week and tested them. The test results are good: the "
        "light output and the temperature are as specified.",
        "The samples arrived and our engineer tested them. Sample quality is fine and the "
        "test results meet our requirements.",
    ),
    "feedback_bad": (
        "The samples arrived last week. Unfortunately the test results are not good: the "
        "lumen output is {pct}% below your datasheet.",
        "We tested the samples: {problem}. The sample quality does not meet our standard.",
    ),
    "po_trial": (
        "Please find attached our purchase order {po} for {qty} pcs {model} as a trial order, "
        "at USD {price}/pc {incoterm} {port}.",
        "We would like to order {qty} pcs of {model} as a first trial order. Our PO number "
        "is {po}; please send the proforma invoice.",
    ),
    "po_bulk": (
        "The trial order sold well. Please find attached our purchase order {po} for {qty} "
        "pcs {model} ({container}).",
        "We would like to order {qty} pcs of {model} now, {container}. Purchase order {po} "
        "attached, please confirm the delivery time.",
    ),
    "po_repeat": (
        "Please find our new purchase order {po}: {qty} pcs {model}, same terms as last time.",
        "Repeat order: we would like to order {qty} pcs {model}. PO {po} attached.",
    ),
    "deposit": (
        "We have made the payment of the 30% deposit today. Please find the bank slip attached.",
        "Deposit of USD {deposit_amount} has been made today, attached is the payment receipt.",
    ),
    "lc": (
        "Our bank has issued the letter of credit today; please find the swift copy attached "
        "and check the documents required for payment.",
    ),
    "balance": (
        "We have paid the balance of USD {balance_amount} today. Attached is the swift copy.",
        "Balance payment made, please find the bank receipt attached.",
    ),
    "received": (
        "The shipment arrived in {port} and the goods were delivered to our warehouse today. "
        "The delivery date was exactly as planned, thank you.",
        "We received the shipment in good condition, the courier delivered it on time. "
        "Thanks for your support.",
    ),
    "complaint": (
        "We found {n} defective units in the last shipment of {model}: {problem}. This is a "
        "quality problem, please send replacements or give us a refund.",
        "Our customer is very disappointed: {n} pcs of {model} are damaged or not working "
        "({problem}). Please tell us how you will solve this complaint.",
    ),
    "problem": (
        "the drivers stopped working after a few days",
        "the housing is cracked",
        "the colour temperature is not consistent",
        "some LEDs are flickering",
    ),
    "refusal": (
        "Thank you for your time. After comparing several suppliers we decided to go with "
        "another supplier for this project. We will keep your contact for the future.",
        "Thanks for all the information. Our management has decided to work with another "
        "supplier this time.",
    ),
    "ack": (
        "Thank you, well noted. I will discuss it with my team and come back to you soon.",
        "Thanks for the information. Let me check internally and revert.",
    ),
    "junk": (
        "pls send price list",
        "Hello, send me your catalog and price list. Thanks",
        "hi, what is your price list? we want to buy",
    ),
    "junk_more": (
        "all products. send full price list and catalog",
        "any product, send price list pls",
    ),
    "subj.inquiry": (
        "Inquiry: {short}",
        "RFQ {short}",
        "{short} for our projects",
        "Question about your {product}",
        "{short} - {country_name}",
        "Looking for {product} supplier",
    ),
    "subj.junk": ("price list", "Price", "hello", "products"),
    "subj.po": ("PO {po} - {short}", "Purchase order {po}", "New order {po}: {short}"),
    "subj.complaint": ("Quality problem with order {po}", "Complaint: {short} order {po}"),
    "subj.sample": ("Samples of {model}", "{short} samples for testing"),
    "re": ("Re: ", "RE: "),
}
