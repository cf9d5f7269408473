"""Trait extraction: multilingual examples for customer type, lead source, country and
language, the negatives that matter, responsiveness, and the invariants (vocabulary,
scores, verbatim evidence) on hand-written and random text. Commercial terms and volumes
are in ``test_traits_terms.py``."""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models import lexicon
from models.lexicon import Lexicon, rules
from models.traits import (
    SINGLE_VALUED,
    TRAIT_VOCABULARY,
    TraitInput,
    extract_traits,
    responsiveness,
)
from models.traits.commerce import RULES as COMMERCE_RULES
from tests.models.traits_support import check, traits, values

# --- customer_type -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We are a distributor of LED lighting in Poland.", "distributor"),
        ("Somos distribuidores de iluminación en Chile.", "distributor"),
        ("Somos uma distribuidora de eletrônicos.", "distributor"),
        ("Nous sommes distributeur exclusif en Belgique.", "distributor"),
        ("Wir sind ein Großhändler für Elektrotechnik.", "distributor"),
        ("Мы являемся дистрибьютором электроники.", "distributor"),
        ("我们是一家经销商。", "distributor"),
        ("We are an importer and wholesaler in Kenya.", "importer_wholesaler"),
        ("Somos importadores mayoristas.", "importer_wholesaler"),
        ("We have 40 stores in a retail chain across Texas.", "retailer"),
        ("Nous avons une chaîne de magasins.", "retailer"),
        ("I am an Amazon seller in the US.", "ecommerce_seller"),
        ("Wir betreiben einen Onlineshop.", "ecommerce_seller"),
        ("We are an electrical contractor.", "contractor_installer"),
        ("Somos una empresa instaladora.", "contractor_installer"),
        ("Wir sind Elektroinstallateur in Bayern.", "contractor_installer"),
        ("We need 300 TVs for our hotel.", "hotel_hospitality"),
        ("We are a telecom operator in Peru.", "telecom_operator"),
        ("Мы оператор связи в Сибири.", "telecom_operator"),
        ("We are a system integrator.", "system_integrator"),
        ("Nous sommes intégrateur de systèmes.", "system_integrator"),
        ("The lights are for our own factory.", "end_user"),
        ("Es para uso propio.", "end_user"),
        ("我们工厂自用。", "end_user"),
    ],
)
def test_customer_type_self_descriptions(text: str, expected: str) -> None:
    assert expected in values("customer_type", text)


def test_self_description_is_stronger_than_a_bare_keyword() -> None:
    strong = traits("We are a distributor in Spain.")["customer_type"]["distributor"]
    bare = traits("Distributor pricing, please.")["customer_type"]["distributor"]
    assert strong.score > bare.score
    assert strong.evidence == "We are a distributor in Spain."


@pytest.mark.parametrize(
    "text",
    [
        "We are looking for a distributor in Spain.",
        "Buscamos distribuidores en México.",
        "Wir suchen einen Großhändler.",
        "Мы ищем дистрибьютора.",
        "Our customers are retailers and installers.",
        "We bought it from your distributor in Lyon.",
        "We are not a distributor.",
        "For example, send the sample rate.",
    ],
)
def test_customer_type_negatives(text: str) -> None:
    assert values("customer_type", text) == set()


def test_outbound_mail_describes_us_not_the_customer() -> None:
    found = traits(
        "We are a distributor and installer. Our price is too high, sorry.",
        "Li Wei\nShenzhen Bright Co., Ltd.\nShenzhen, China\nTel: +86 755 1234 5678",
        sender="li@bright.cn",
        direction="outbound",
    )
    for name in ("customer_type", "country", "language", "price_sensitive"):
        assert name not in found


def test_quoted_history_is_not_passed_and_cannot_count() -> None:
    # The caller strips "> We are a distributor …" into quoted history: only new text is read.
    assert values("customer_type", "Thanks, noted.") == set()


def test_signature_company_names_only_hint() -> None:
    hit = traits("Please quote.", "Anna\nNordic Distribution AB")["customer_type"]["distributor"]
    assert hit.score <= 0.4


# --- lead_source -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Nice to meet you at the Canton Fair last week.", "trade_show"),
        ("We visited your booth at the exhibition in Dubai.", "trade_show"),
        ("Nos conocimos en la feria de Frankfurt.", "trade_show"),
        ("Conhecemos vocês na feira de Hannover.", "trade_show"),
        ("Nous vous avons rencontré au salon de Lyon.", "trade_show"),
        ("Wir haben Sie auf der Messe getroffen.", "trade_show"),
        ("Мы познакомились на выставке в Москве.", "trade_show"),
        ("我们在展会上见过。", "trade_show"),
        ("I found you on Alibaba.", "marketplace"),
        ("Inquiry via Made-in-China.com about your panels.", "marketplace"),
        ("I saw your products on your website.", "website_form"),
        ("Vi sus productos en su página web.", "website_form"),
        ("Ich habe Ihre Website gesehen.", "website_form"),
        ("Я нашел вас на вашем сайте.", "website_form"),
        ("You were recommended by Mr. Kim of Seoul Tech.", "referral"),
        ("Fui indicado por um amigo.", "referral"),
        ("Sur recommandation de M. Dupont.", "referral"),
        ("Wir kommen auf Empfehlung von Herrn Maier.", "referral"),
        ("Мы пишем по рекомендации коллег.", "referral"),
        ("朋友介绍的你们公司。", "referral"),
    ],
)
def test_lead_sources(text: str, expected: str) -> None:
    assert expected in values("lead_source", text)


def test_marketplace_notification_sender() -> None:
    found = traits("New inquiry for you.", sender="notice@service.alibaba.com")
    assert found["lead_source"]["marketplace"].score >= 0.9


def test_web_form_fields() -> None:
    form = "Name: Carlos Ruiz\nEmail: carlos@x.es\nCompany: Ruiz SL\nMessage: price of X96?"
    assert "website_form" in values("lead_source", form)
    signature_like = "Thanks.\nName: Carlos Ruiz\nTel: +34 91 123 4567\nEmail: carlos@x.es"
    assert values("lead_source", signature_like) == set()


def test_cold_outreach_is_weak_and_inbound_only() -> None:
    text = "Thank you for your email. We are interested in your LED panels."
    hit = traits(text)["lead_source"]["cold_outreach"]
    assert hit.score <= 0.3
    assert "cold_outreach" not in values("lead_source", text, direction="outbound")


def test_trade_show_negatives_and_invitations() -> None:
    assert values("lead_source", "That is a fair price for the fair share.") == set()
    assert values("lead_source", "Write to gildea@expo.mit.edu or www.expo.com/x.") == set()
    invited = traits("Welcome to visit our booth at the Canton Fair.", direction="outbound")
    assert invited["lead_source"]["trade_show"].score < 0.3
    assert values("lead_source", "Hi", "Visit us at Canton Fair booth 1.2") == set()


# --- country -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("signature", "expected"),
    [
        ("Tel: +49 (0)30 1234-567", "DE"),
        ("Mob. +44 7700 900123", "GB"),
        ("Phone: +1 416 555 0199", "CA"),
        ("Tel +7 495 123 45 67", "RU"),
        ("Тел: +7 701 123 4567", "KZ"),
        ("电话: 0086 755 1234 5678", "CN"),
        ("WhatsApp +55 11 99999-0000", "BR"),
        ("Hauptstr. 5, 10115 Berlin, Germany", "DE"),
        ("Deutschland", "DE"),
        ("Calle Mayor 3, Madrid, España", "ES"),
        ("Calle 5, Berlín, Alemania", "DE"),
        ("12 rue de la Paix, 75002 Paris, France", "FR"),
        ("Москва, ул. Ленина 1, Россия", "RU"),
        ("地址：中国广东省深圳市", "CN"),
        ("Rua Augusta 100, São Paulo, Brasil", "BR"),
        ("Belfast, Northern Ireland", "GB"),
    ],
)
def test_country_from_signature(signature: str, expected: str) -> None:
    assert expected in values("country", "Please quote.", "John\n" + signature)


def test_country_details() -> None:
    us = traits("Hi", "Tel: +1 212 555 0100")["country"]["US"]
    assert us.score <= 0.35  # +1 alone may be Canada or the Caribbean
    assert values("country", "Hi", "Belfast, Northern Ireland") == {"GB"}
    assert values("country", "Hi", "Jordan Smith\nSales Manager") == set()
    assert values("country", "We are based in Spain.") == {"ES"}
    assert values("country", "We ship to Spain and Italy.") == set()
    assert values("country", "Мы из России.") == {"RU"}


@pytest.mark.parametrize(
    ("sender", "expected"),
    [
        ("hans@acme.de", {"DE"}),
        ("john@acme.co.uk", {"GB"}),
        ("ana@empresa.com.br", {"BR"}),
        ("bob@acme.com", set()),
        ("dev@startup.io", set()),
        ("x@brand.eu", set()),
        (None, set()),
    ],
)
def test_country_from_cctld(sender: str | None, expected: set[str]) -> None:
    found = traits("Hello", sender=sender).get("country", {})
    assert set(found) == expected
    assert all(hit.score <= 0.3 for hit in found.values())


# --- language, responsiveness, vocabulary ------------------------------------------------


def test_language_of_inbound_mail() -> None:
    found = traits("Guten Tag, wir möchten gern ein Angebot für Ihre Lampen.", language=None)
    assert set(found["language"]) == {"de"}
    assert set(traits("Hello there, we need lamps.", language="pt")["language"]) == {"pt"}


@pytest.mark.parametrize(
    ("latencies", "value"),
    [([1.0, 5.2, 30.0], "fast"), ([30.0, 50.0], "normal"), ([80.0, 100.0, 2.0], "slow")],
)
def test_responsiveness(latencies: list[float], value: str) -> None:
    hit = responsiveness(latencies)
    assert hit is not None
    assert (hit.name, hit.value) == ("responsiveness", value)
    assert 0.0 < hit.score <= 1.0


def test_responsiveness_evidence_and_too_few() -> None:
    hit = responsiveness([5.2, 1.0, 9.0, 4.0, 6.0, 5.0, 8.0])
    assert hit is not None
    assert hit.evidence == "median reply 5.2 h over 7 replies"
    assert responsiveness([3.0]) is None
    assert responsiveness([3.0, math.nan, -1.0]) is None


def test_vocabulary() -> None:
    assert len(TRAIT_VOCABULARY["country"]) == 249
    assert len(TRAIT_VOCABULARY["language"]) == 183
    assert set(TRAIT_VOCABULARY) >= SINGLE_VALUED
    assert {"payment_terms", "certifications", "language"}.isdisjoint(SINGLE_VALUED)
    assert TRAIT_VOCABULARY["incoterm"] >= {"EXW", "FOB", "CIF", "DDP", "DPU"}
    certs = {r.key.partition(":")[2] for r in COMMERCE_RULES if r.key.startswith("cert")}
    assert certs <= TRAIT_VOCABULARY["certifications"]


# --- engine, threads, random text --------------------------------------------------------


def test_lexicon_stems_cjk_and_rebuild(monkeypatch: pytest.MonkeyPatch) -> None:
    lex = Lexicon(rules("k:v", 0.5, "дистрибьютор*|经销商|we are a distributor"))
    assert [m.key for m in lex.scan("Мы являемся ДИСТРИБЬЮТОРОМ. 我们是经销商")] == ["k:v"] * 2
    assert lex.scan("We are a\ndistributor")[0].start == 0
    monkeypatch.setattr(lexicon, "REBUILD_AFTER_STRINGS", 0)
    assert len(lex.scan("we are a distributor, really")) == 1
    with pytest.raises(ValueError, match="too short"):
        Lexicon(rules("k:v", 0.5, "ab*"))
    with pytest.raises(ValueError, match="starts with the stem"):
        Lexicon(rules("k:v", 0.5, "shop*|shopify"))


def test_threads_agree_with_one_thread() -> None:
    messages = [
        TraitInput("Inquiry", f"We are a distributor. Need {n} pcs FOB, T/T.", "", None, "inbound")
        for n in range(1, 400)
    ]
    alone = [extract_traits(m) for m in messages]
    with ThreadPoolExecutor(4) as pool:
        assert list(pool.map(extract_traits, messages)) == alone


_PIECES = [
    "we are a distributor", "FOB", "fob", "CE", "ce", "T/T", "L/C.", "500 pcs", "1x40HQ",
    "+49 30 1234567", "Germany", "Россия", "德国", "样品", "10万个", "too expensive", "sample",
    "Canton Fair", "alibaba", "net 30", "\n", "> ", "  ", "。", "Jordan", "ISO 9001", "2,000",
]  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(
    parts=st.lists(st.sampled_from(_PIECES) | st.text(max_size=12), max_size=30),
    signature=st.text(max_size=60),
    sender=st.none() | st.emails() | st.text(max_size=20),
    direction=st.sampled_from(["inbound", "outbound", "internal"]),
)
def test_random_text_keeps_the_invariants(
    parts: list[str], signature: str, sender: str | None, direction: str
) -> None:
    text = " ".join(parts)
    message = TraitInput(text[:40], text, signature, sender, direction)  # type: ignore[arg-type]
    check(extract_traits(message), message)


# --- reading traits wherever they are stated (issue 13) -----------------------------------


@pytest.mark.parametrize(
    ("text", "signature", "expected"),
    [
        ("Name: Ana\nCountry: Kenya\nMessage: price please", "", "KE"),
        ("Ad Soyad: Elvin\nÜlke: Azerbaycan\nMesaj: fiyat?", "", "AZ"),  # CLDR Turkish name
        ("Страна: Казахстан", "", "KZ"),
        ("Thanks.\nKumar | CEO\nNo. 52, Jalan Kapar, 41200 Klang, Selangor, Malaysia", "", "MY"),
        ("Regards, Batyr\nTel: +993 12 18 16 70", "", "TM"),  # a signature left in the body
        ("Final destination is Utrecht, Netherlands.", "", "NL"),
        ("Our customers pay in PHP and the rate moved a lot.", "", "PH"),
        ("Please quote.", "Paola\nSantiago, República de Chile", "CL"),
    ],
)
def test_country_wherever_stated(text: str, signature: str, expected: str) -> None:
    assert values("country", text, signature) == {expected}


def test_country_of_a_notification_is_the_buyers_not_the_platforms() -> None:
    found = traits(
        "Name: Hans\nCompany: Acme GmbH\nMessage: Please quote 10 pumps.",
        sender="web@example.com.tr",
        contact="hans@acme.de",
        notification="website_form",
    )
    assert set(found["country"]) == {"DE"}
    assert found["lead_source"]["website_form"].score >= 0.9


def test_freemail_country_code_is_a_weak_hint_and_ours_is_destination_only() -> None:
    assert traits("Hi", sender="ivan@mail.ru")["country"]["RU"].score == 0.15
    quote = "Total CIF Mombasa, Kenya: USD 11,981.50. Our factory: Izmir, Turkey."
    assert values("country", quote, direction="outbound") == {"KE"}
    assert values("country", "Prices FOB Izmir, Turkey.", direction="outbound") == set()
    assert values("country", "We ship to Spain and Italy.") == set()


@pytest.mark.parametrize(
    ("text", "signature", "expected"),
    [
        ("We distribute industrial valves and pumps to installers and OEMs.", "", "distributor"),
        ("Several of our dealers are asking for a second brand.", "", "distributor"),
        ("Al Waha Co. imports full containers of fittings.", "", "importer_wholesaler"),
        ("Мы закупаем трубы и продаём оптом по всей стране.", "", "importer_wholesaler"),
        ("We operate a chain of 149 hardware and DIY stores.", "", "retailer"),
        ("Nous exploitons une chaîne de 58 magasins de bricolage.", "", "retailer"),
        ("Ürünlerimizi internetten satıyoruz.", "", "ecommerce_seller"),
        ("We design and build packaged pumping stations for industry.", "", "system_integrator"),
        ("We handle procurement for our 22 hotels and resorts.", "", "hotel_hospitality"),
        ("Please quote.", "Rajesh\nDynamo Contracting Pvt. Ltd.\nDelhi", "contractor_installer"),
        ("Company: Zenith Hotels & Resorts\nMessage: price?", "", "hotel_hospitality"),
        ("Firma: Lim General Trading Sdn. Bhd.\nMesaj: fiyat?", "", "importer_wholesaler"),
    ],
)
def test_customer_type_in_other_words_and_company_names(
    text: str, signature: str, expected: str
) -> None:
    assert values("customer_type", text, signature) == {expected}


def test_company_names_hint_less_than_statements() -> None:
    named = traits("Please quote.", "Anna\nKaspi Telecom LLC")["customer_type"]
    assert named["telecom_operator"].score <= 0.4
    domain = traits("Please quote.", contact="buyer@andeshoteis.com.br")["customer_type"]
    assert domain["hotel_hospitality"].score <= 0.3
    assert values("customer_type", "Hi", sender="x@gmail.com", contact="x@gmail.com") == set()


@pytest.mark.parametrize(
    "text",
    [
        "I was referred to you by a contractor we work with in Doha.",
        "We sell valves to installers, contractors and OEMs.",
        "Компания с 1990 года занимается поставками арматуры монтажным организациям.",
        "What is the price for a full 40' container?",
    ],
)
def test_other_peoples_trade_is_not_theirs(text: str) -> None:
    assert values("customer_type", text) - {"distributor"} == set()


@pytest.mark.parametrize(
    ("text", "signature", "expected"),
    [
        # Context cues: what they sell through, build or work on, even beside a request.
        ("I am looking for brass fittings suitable for shelf display.", "", "retailer"),
        ("We need the taps in retail-ready packs for our shelves.", "", "retailer"),
        ("Please quote.", "Lena\nNordhaus Home AG\n120 stores nationwide", "retailer"),
        ("Закупаем для сети ООО «Дом и Сад» (74 магазина).", "", "retailer"),
        ("Please send photos with white background as well.", "", "ecommerce_seller"),
        ("Envíen fotos con fondo blanco para nuestros anuncios.", "", "ecommerce_seller"),
        ("Material submittals need approval before we order.", "", "contractor_installer"),
        ("The cables are for our base station sites in the north.", "", "telecom_operator"),
        ("I need 40 rectifiers for BTS sites, please quote.", "", "telecom_operator"),
        ("Please send 3D drawings for our skid design.", "", "system_integrator"),
        ("Please quote.", "Omar\nGulf Process Skids & System Integration", "system_integrator"),
        ("Hi,", "Ana\nAqua Systems | Design - Build - Commissioning", "system_integrator"),
        ("We design and build packaged booster systems for hospitals.", "", "system_integrator"),
        ("Diseñamos y fabricamos plantas compactas de tratamiento.", "", "system_integrator"),
        ("Нужны насосы. Мы проектируем и собираем насосные станции.", "", "system_integrator"),
        ("Somos Hidro Sur, distribución de equipos eléctricos desde 1998.", "", "distributor"),
        ("Our company supplies fittings to local plumbers and contractors.", "", "distributor"),
        ("Фирма занимается поставками кабеля монтажным организациям.", "", "distributor"),
        ("Please quote.", "Tom\nMarlow Merchants Ltd.", "importer_wholesaler"),
        ("Bitte Angebot.", "Jens\nNordlicht Versand GmbH", "ecommerce_seller"),
        ("Teklif rica ederiz.", "Ayşe\nEge Yapı | Tasarım - İmalat - Montaj", "system_integrator"),
        ("Teklif?\nEge Su Sistemleri | Tasarım - İmalat - Montaj", "", "system_integrator"),
        ("Do you offer dropshipping to Germany?", "", "ecommerce_seller"),
        ("Our installation crews start on site in May.", "", "contractor_installer"),
        ("We need routers for our subscribers in three towns.", "", "telecom_operator"),
        ("Necesitamos cajas para nuestra red de fibra.", "", "telecom_operator"),
    ],
)
def test_customer_type_from_context_cues(text: str, signature: str, expected: str) -> None:
    assert values("customer_type", text, signature) == {expected}


@pytest.mark.parametrize(
    "text",
    [
        "Is this model suitable for your shelf display?",
        "Your base station sites use the same rectifiers.",
        "We do not need photos with white background.",
        "Please ship the pallets on skids.",
        "Their engineers design and build packaged systems.",
        "The pumps are skid-mounted, please confirm.",
        "We supply pumps and booster systems to hotels.",
        "Your company supplies fittings to plumbers, I was told.",
    ],
)
def test_context_cues_of_others_or_denied(text: str) -> None:
    assert values("customer_type", text) == set()


def test_a_sentence_naming_the_company_is_not_the_name() -> None:
    text = "ООО «Север» с 1999 года занимается поставками кабеля монтажным организациям."
    assert values("customer_type", text) == {"distributor"}
    hit = traits("Please quote.", "Ivan\nООО «Север»")
    assert "customer_type" not in hit


@pytest.mark.parametrize(
    ("text", "direction", "expected"),
    [
        ("It was a pleasure meeting you at our stand at WETEX 2025.", "outbound", "trade_show"),
        ("Good to hear from you after Big 5 Global 2024.", "inbound", "trade_show"),
        ("Thanks Can, it was nice to meet you at IFAT Munich 2026.", "inbound", "trade_show"),
        ("The attaché gave us your e-mail address.", "inbound", "referral"),
        ("Your company was recommended to us by our partner.", "inbound", "referral"),
        ("Um parceiro nos passou seu contato e recomendou sua empresa.", "inbound", "referral"),
        ("X kindly gave us your details and suggested we write.", "outbound", "referral"),
    ],
)
def test_lead_sources_in_more_words(text: str, direction: str, expected: str) -> None:
    assert values("lead_source", text, direction=direction) == {expected}


def test_an_invitation_to_a_coming_fair_is_no_trade_show() -> None:
    assert values("lead_source", "Visit our booth at Big 5 Global 2026 in Dubai!") <= {"trade_show"}
    found = traits("You are welcome to visit us at WETEX 2026.").get("lead_source", {})
    assert all(hit.score < 0.5 for hit in found.values())
