"""Customer profiles from hand-built threads: stage dates, the inferred outcome (orders,
refusals in several languages, silence), the refusal detector's negatives, interest and
trait tags with their evidence, and the lookalike cutoff. Pure: no model is loaded."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Literal

import pytest

from models._refusal import find_refusal
from models.profiles import MessageFacts, Profile, build_profile
from models.traits import TraitHit

T0 = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)


def at(days: float) -> datetime:
    return T0 + timedelta(days=days)


def msg(
    mid: str,
    days: float,
    direction: Literal["inbound", "outbound"] = "inbound",
    *,
    thread: str = "t1",
    subject: str = "",
    text: str = "Hello",
    intent: str | None = None,
    valid: tuple[bool, tuple[str, ...]] | None = None,
    language: str | None = None,
    topic: int | None = None,
    traits: tuple[TraitHit, ...] = (),
) -> MessageFacts:
    confidence = 0.0 if topic is None else 0.9
    return MessageFacts(
        mid, at(days), direction, thread, subject, text, intent, valid, language, topic,
        confidence, traits,
    )  # fmt: skip


def profile(*messages: MessageFacts, now_days: float = 30, **kwargs: int) -> Profile:
    return build_profile(list(messages), {}, now=at(now_days), **kwargs)


def tag(p: Profile, tag_id: str) -> float | None:
    return next((t.score for t in p.tags if t.id == tag_id), None)


def days(when: datetime | None) -> float | None:
    return None if when is None else (when - T0).total_seconds() / 86400


def stages(p: Profile) -> dict[str, float | None]:
    """The stages reached, each with its day."""
    return {stage: days(when) for stage, when in p.stage.reached.items()}


def outcome(p: Profile) -> tuple[str, float | None, float | None]:
    """The outcome, its day and the cutoff's day."""
    return p.outcome.value, days(p.outcome.at), days(p.cutoff)


PO = "purchase_order"

# --- stages -----------------------------------------------------------------------------


def test_stage_dates_with_skipped_sample() -> None:
    p = profile(
        msg("m3", 10, thread="t2", intent=PO, subject="PO 4711", text="Our PO 4711 attached."),
        msg("m1", 0, intent="inquiry"),
        msg("m2", 2, "outbound", intent="quotation", text="Unit price USD 5.20, FOB."),
    )
    assert stages(p) == {"lead": 0, "inquiry": 0, "quotation": 2, "trial_order": 10}
    assert p.stage.current == "trial_order"
    assert (p.inbound, p.outbound) == (2, 1)
    assert (p.first_contact_at, p.last_contact_at) == (at(0), at(10))


def test_cold_outreach_then_reply_negotiation_and_sample() -> None:
    p = profile(
        msg("m1", 0, "outbound", text="We make LED panels."),
        msg("m2", 3, intent="other"),
        msg("m3", 4, intent="negotiation", text="Too expensive for us."),
        msg("m4", 5, "outbound", intent="sample_request", text="We can send a sample."),
    )
    assert stages(p) == {"lead": 0, "inquiry": 3, "sample": 5}
    assert p.stage.current == "sample"
    their_quote = profile(msg("m1", 0, intent="quotation"), msg("m2", 1, intent="sample_feedback"))
    assert stages(their_quote) == {"lead": 0, "inquiry": 0, "sample": 1}


def test_customer_we_only_wrote_to_stays_lead() -> None:
    p = profile(
        msg("m1", 0, "outbound", intent="quotation", text="Our price: USD 5."),
        msg("m2", 5, "outbound", intent=PO, text="Please find our order attached."),
    )
    assert (p.stage.current, stages(p)) == ("lead", {"lead": 0})
    assert (p.inbound, p.outbound, p.outcome.value) == (0, 2, "open")


def test_valid_inquiry_is_the_check_of_their_first_message() -> None:
    p = profile(
        msg("m0", 0, "outbound", intent="inquiry", valid=(True, ())),
        msg("m1", 1, intent="other", valid=(False, ("buyer",))),
        msg("m2", 2, intent="inquiry", valid=(True, ())),
    )
    assert p.stage.valid_inquiry == (False, ("buyer",))
    assert profile(msg("m1", 1, "outbound", valid=(True, ()))).stage.valid_inquiry is None
    assert profile(msg("m1", 1, intent="inquiry")).stage.valid_inquiry is None


def test_empty_customer() -> None:
    p = build_profile([], {1: "x"}, now=T0)
    assert (p.stage.current, stages(p), p.stage.valid_inquiry) == ("lead", {}, None)
    assert outcome(p) == ("open", None, None)
    assert (p.tags, p.country, p.languages) == ((), None, ())
    assert (p.inbound, p.outbound, p.first_contact_at, p.last_contact_at) == (0, 0, None, None)


def test_input_order_does_not_matter() -> None:
    messages = [
        msg(f"m{i}", i * 3, "inbound" if i % 2 else "outbound", topic=i % 3, language="en")
        for i in range(12)
    ]
    shuffled = messages[:]
    random.Random(7).shuffle(shuffled)
    assert build_profile(shuffled, {}, now=at(40)) == build_profile(messages, {}, now=at(40))


# --- outcome ----------------------------------------------------------------------------


def test_won_at_first_order() -> None:
    order = msg("m2", 60, thread="po", intent=PO, text="Please find our purchase order 81.")
    p = profile(msg("m1", 0, intent="inquiry"), order)
    assert outcome(p) == ("won", 60, 60)
    assert p.outcome.reason == "first order on 2026-03-02"


@pytest.mark.parametrize(
    "text",
    [
        "Thank you. After review we decided to go with another supplier.",
        "Sorry, we are not interested any more.",
        "Your price is too high, we will not proceed.",
        "Our client decided to cancel the project.",
        "Gracias. Hemos decidido trabajar con otro proveedor.",
        "Obrigado, decidimos seguir com outro fornecedor.",
        "Merci, nous avons choisi un autre fournisseur.",
        "Danke, wir haben uns für einen anderen Lieferanten entschieden.",
        "Спасибо, мы выбрали другого поставщика.",
        "谢谢，我们决定选择其他供应商。",
        "谢谢你们的报价，我们暂时不需要。",
    ],
)
def test_explicit_refusal_is_lost_at_its_date(text: str) -> None:
    p = profile(
        msg("m1", 0, intent="inquiry"),
        msg("m2", 1, "outbound", intent="quotation"),
        msg("m3", 4, text=text),
        msg("m4", 5, "outbound", text="Noted, thank you."),
        now_days=10,
    )
    assert outcome(p) == ("lost", 4, 4)
    evidence = find_refusal("", text)
    assert evidence is not None
    assert evidence in text
    assert p.outcome.reason == f"refusal on 2026-01-05: {evidence}"


def test_refusal_in_the_subject_but_not_in_a_reply_subject() -> None:
    assert find_refusal("Project cancelled", "Hi,\nplease note.") == "Project cancelled"
    assert find_refusal("Re: Project cancelled", "Hi,\nplease note.") is None


def test_our_own_refusal_words_do_not_lose_the_customer() -> None:
    p = profile(
        msg("m1", 0, intent="inquiry"),
        msg("m2", 1, "outbound", text="We decided to go with another supplier for glass."),
        now_days=20,
    )
    assert p.outcome.value == "open"


def test_a_later_inquiry_reopens_a_refusal() -> None:
    refusal = "We are no longer interested."
    reopened = profile(
        msg("m1", 0, text=refusal),
        msg("m2", 50, intent="inquiry", text="Please quote 500 panels."),
        now_days=60,
    )
    assert reopened.outcome.value == "open"
    thanked = profile(msg("m1", 0, text=refusal), msg("m2", 1, text="Thanks."), now_days=60)
    assert outcome(thanked) == ("lost", 0, 0)


def test_silence_after_our_last_message_is_lost() -> None:
    messages = (msg("m1", 0, intent="inquiry"), msg("m2", 10, "outbound", intent="quotation"))
    p = profile(*messages, now_days=101)
    assert outcome(p) == ("lost", 100, 100)
    assert p.outcome.reason == "no reply for 90 days after our last message"
    assert profile(*messages, now_days=100).outcome.value == "open"
    short = profile(*messages, now_days=41, lost_after_days=30)
    assert outcome(short) == ("lost", 40, 40)
    assert short.outcome.reason == "no reply for 30 days after our last message"


def test_their_unanswered_message_is_not_lost() -> None:
    p = profile(msg("m1", 0, "outbound", intent="quotation"), msg("m2", 10), now_days=400)
    assert outcome(p) == ("open", None, None)
    assert p.outcome.reason == "their last message awaits our reply"


# --- the refusal detector ---------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "If you are not interested in LED panels, we can offer tubes.",
        "We are not interested in plastic, only aluminium.",
        "We are not interested in the plastic housing.",
        "We have not decided to go with another supplier yet.",
        "Are you still not interested any more?",
        "Otherwise we will go with another supplier.",
        "We might go with another supplier.",
        "Apologies to those who are not interested.",
        "We will not proceed with the order until we receive the samples.",
        "We will not proceed with the plastic version.",
        "We are comparing your offer with another supplier.",
        "Nous n'avons pas choisi un autre fournisseur.",
        "Si no mejoran el precio, vamos a trabajar con otro proveedor.",
        "Wir haben kein Interesse an Kunststoff, nur an Aluminium.",
        "Wir haben uns nicht für einen anderen Lieferanten entschieden.",
        "Пластик нас не интересует.",
        "Мы не выбрали другого поставщика.",
        "样品暂时不需要，直接下大货。",
        "我们对塑料不感兴趣，只要铝的。",
        "我们没有选择其他供应商。",
        "如果你们暂时不需要，请告诉我。",
        "Please send the price list for 300 panels.",
    ],
)
def test_not_a_refusal(text: str) -> None:
    assert find_refusal("", text) is None


@pytest.mark.parametrize(
    "text",
    [
        "No, we chose another supplier.",
        "Thanks, but we are not interested.",
        "We are not interested in your offer.",
        "We are not proceeding with this order.",
        "We don't need it anymore.",
        "Please remove us from your mailing list.",
        "Ya no estamos interesados, gracias.",
        "Não temos mais interesse.",
        "Nous ne sommes pas intéressés.",
        "Das Projekt wurde abgesagt.",
        "Нас это не интересует.",
        "Проект отменён.",
        "我们对你们的产品不感兴趣。",
        "项目已取消。",
    ],
)
def test_a_refusal(text: str) -> None:
    evidence = find_refusal("", "Dear Anna,\n" + text + "\nBest regards")
    assert evidence == text


# --- tags -------------------------------------------------------------------------------


def test_interests_are_the_shares_of_the_item_lines_in_interest_topics() -> None:
    # Item-line weights (ours at half): topic 1: 1 + 1, topic 2: 1 + 0.5 + 0.5, topic 3: 0.5
    # (below 20 %); total 4.5. Topic 9 is not an interest topic; "e" has no item line, so
    # its topic (placed by its text) does not count for a customer that has item lines.
    p = build_profile(
        [
            msg("a", 0, topic=1, text="Please quote 500 pcs solar lamps 30W"),
            msg("b", 180, topic=1, subject="Solar", text="- solar lamp 60W: 200 pcs"),
            msg("c", 360, topic=2, text="We need 40 units of LED panel 600x600"),
            msg("d", 361, "outbound", topic=2, text="1 | LED panel 600x600 | 40 units | 9.50"),
            msg("d2", 362, "outbound", topic=2, text="LED panel: 40 pcs x USD 9.50"),
            msg("f", 363, "outbound", topic=3, text="Spare drivers: 10 pcs"),
            msg("e", 364, topic=3, text="Do you also make drivers?"),
            msg("g", 365, topic=9, text="For 500 pcs we give 2 % off"),
            msg("h", 366, text="Thanks, talk soon"),
        ],
        {1: "solar lamp", 2: "LED panel", 3: "LED driver"},
        now=at(370),
    )
    interests = [t for t in p.tags if t.kind == "interest"]
    assert [(t.id, t.name, t.value) for t in interests] == [  # equal shares: by topic id
        ("topic:1", "solar lamp", None),
        ("topic:2", "LED panel", None),
    ]
    assert [t.score for t in interests] == [round(2 / 4.5, 4), round(2 / 4.5, 4)]
    assert [e.message_id for e in interests[0].evidence] == ["b", "a"]
    snippets = [e.snippet for e in interests[0].evidence]
    assert snippets == ["- solar lamp 60W: 200 pcs", "Please quote 500 pcs solar lamps 30W"]


def test_without_item_lines_the_messages_placed_by_their_text_decide() -> None:
    p = build_profile(
        [
            msg("a", 0, "outbound", topic=1, text="Thank you for your interest in our flanges."),
            msg("b", 1, topic=1, text="Yes, we need flanges, please send prices."),
            msg("c", 2, topic=2, text="Also a few ball valves."),
            msg("d", 3, text="Regards"),
        ],
        {1: "flanges", 2: "ball valves"},
        now=at(10),
    )
    assert [(t.id, t.score) for t in p.tags if t.kind == "interest"] == [
        ("topic:1", round(1.5 / 2.5, 4)),
        ("topic:2", round(1 / 2.5, 4)),
    ]
    assert profile(msg("a", 0, topic=1, text="flanges")).tags == ()  # 1 is no interest topic


def test_single_valued_trait_keeps_the_best_and_multi_valued_keeps_all() -> None:
    def hits(*items: tuple[str, str, float]) -> tuple[TraitHit, ...]:
        return tuple(
            TraitHit(name, value, score, f"{value} {score}") for name, value, score in items
        )

    ct, inc, cert = "customer_type", "incoterm", "certifications"
    p = profile(
        msg("m1", 0, traits=hits((ct, "distributor", 0.5), ("CE", "x", 1.0))),
        msg("m2", 1, traits=hits((ct, "distributor", 0.4))),
        msg("m3", 2, traits=hits((ct, "retailer", 0.7), (inc, "FOB", 0.8))),
        msg("m4", 3, "outbound", traits=hits((ct, "retailer", 0.99))),
        msg("m5", 4, "outbound", traits=hits((inc, "FOB", 0.6), (inc, "CIF", 0.4))),
        msg("m6", 5, traits=hits((cert, "CE", 0.7), (cert, "RoHS", 0.6))),
        msg("m7", 6, "outbound", traits=hits((cert, "CE", 0.6), ("country", "DE", 0.9))),
    )
    traits = {t.id: t.score for t in p.tags if t.kind == "trait"}
    assert traits == {
        "trait:customer_type:distributor": 0.7,  # 1 - 0.5 * 0.6: two distinct statements
        "trait:incoterm:FOB": round(1 - 0.2 * 0.7, 4),  # our quotation at half its score
        "trait:certifications:CE": 0.7,  # theirs only: our certification list is not theirs
        "trait:certifications:RoHS": 0.6,
        "trait:country:DE": 0.45,  # a place of destination in our mail, at half its score
    }
    assert p.country == "DE"
    distributor = next(t for t in p.tags if t.id == "trait:customer_type:distributor")
    assert (distributor.kind, distributor.name, distributor.value) == ("trait", ct, "distributor")
    evidence = [(e.message_id, e.snippet) for e in distributor.evidence]
    assert evidence == [("m2", "distributor 0.4"), ("m1", "distributor 0.5")]


def test_the_same_evidence_in_every_message_counts_once() -> None:
    phone = TraitHit("country", "KZ", 0.6, "Tel: +7 701 446 55 21")
    address = TraitHit("country", "KZ", 0.7, "Almaty, Kazakhstan")
    domain = TraitHit("country", "RU", 0.3, "ivan@example.ru")
    p = profile(
        *(msg(f"m{i}", i, traits=(phone, domain)) for i in range(5)),
        msg("m9", 9, traits=(address,)),
    )
    assert tag(p, "trait:country:KZ") == round(1 - 0.4 * 0.3, 4)
    assert tag(p, "trait:country:RU") is None
    assert p.country == "KZ"


def test_our_text_quoted_back_is_not_the_customer() -> None:
    ours = "Our factory: Izmir, Turkey. We hold ISO 9001 and CE."
    p = profile(
        msg("o1", 0, "outbound", text=ours),
        msg(
            "i1",
            1,
            text="Thanks. " + ours,
            traits=(
                TraitHit("country", "TR", 0.7, "Izmir, Turkey"),
                TraitHit("certifications", "CE", 0.85, "We hold ISO 9001 and CE."),
                TraitHit("country", "AZ", 0.6, "+994 12 258 73 89"),
            ),
        ),
    )
    assert tag(p, "trait:country:TR") is None
    assert tag(p, "trait:certifications:CE") is None
    assert p.country == "AZ"


def test_their_company_name_that_our_quotation_repeats_stays_theirs() -> None:
    name = TraitHit("customer_type", "contractor_installer", 0.4, "Harbor Contracting LLC")
    p = profile(
        msg("i1", 0, text="Please quote 20 gate valves.", traits=(name,)),
        msg("o1", 1, "outbound", text="Consignee: Harbor Contracting LLC\nTotal: USD 900"),
        msg("i2", 2, text="Thanks, noted.", traits=(name,)),
    )
    assert tag(p, "trait:customer_type:contractor_installer") == 0.4
    # Their subject showed it first too; our text shown first (and quoted back) stays ours.
    p = profile(
        msg("o1", 0, "outbound", text="We are Harbor Contracting LLC, your partner."),
        msg("i1", 1, subject="Offer", text="Thanks.", traits=(name,)),
    )
    assert tag(p, "trait:customer_type:contractor_installer") is None
    p = profile(
        msg("i0", 0, subject="RFQ - Harbor Contracting LLC", text="Please quote."),
        msg("o1", 1, "outbound", text="Dear Harbor Contracting LLC team, see our offer."),
        msg("i1", 2, text="Thanks.", traits=(name,)),
    )
    assert tag(p, "trait:customer_type:contractor_installer") == 0.4


def test_our_unsolicited_first_mail_answered_is_cold_outreach() -> None:
    intro = msg("o1", 0, "outbound", subject="Valves from Turkey", thread="t1")
    reply = msg("i1", 2, subject="Re: Valves from Turkey", thread="t1")
    p = profile(intro, reply)
    lead = next(t for t in p.tags if t.name == "lead_source")
    assert (lead.value, lead.score) == ("cold_outreach", 0.5)
    assert lead.evidence[0].snippet == "we wrote first: Valves from Turkey"
    # Unanswered, a reply of ours, or a first mail that names the source: no cold outreach.
    assert all(t.name != "lead_source" for t in profile(intro).tags)
    answer = msg("o1", 0, "outbound", subject="RE: Inquiry", thread="t1")
    assert all(t.name != "lead_source" for t in profile(answer, reply).tags)
    met = TraitHit("lead_source", "trade_show", 0.49, "nice meeting you at our booth")
    fair = msg("o1", 0, "outbound", subject="Valves from Turkey", thread="t1", traits=(met,))
    lead = next(t for t in profile(fair, reply).tags if t.name == "lead_source")
    assert lead.value == "trade_show"


def test_country_and_languages() -> None:
    de = TraitHit("country", "DE", 0.8, "Berlin, Germany")
    at_ = TraitHit("country", "AT", 0.5, "+43 1 234")
    p = profile(
        msg("m1", 0, language="de", traits=(de,)),
        msg("m2", 1, language="de", traits=(at_,)),
        msg("m3", 2, language="en"),
        msg("m4", 3, language="de"),
        msg("m5", 4, "outbound", language="fr"),
        msg("m6", 5, language=None),
    )
    assert p.country == "DE"
    assert p.languages == ("de", "en")
    assert tag(p, "trait:language:de") == 0.75
    assert tag(p, "trait:language:en") == 0.25
    assert tag(p, "trait:language:fr") is None


def test_a_rare_language_needs_two_messages() -> None:
    english = [msg(f"e{i}", i, language="en") for i in range(10)]
    one = profile(*english, msg("f1", 11, language="fr"))
    assert one.languages == ("en",)
    two = profile(*english, msg("f1", 11, language="fr"), msg("f2", 12, language="fr"))
    assert two.languages == ("en", "fr")
    assert tag(two, "trait:language:fr") == round(2 / 12, 4)


def test_responsiveness_from_first_replies_in_each_thread() -> None:
    hour = 1 / 24
    p = profile(
        msg("o1", 0, "outbound", thread="a"),
        msg("r1", 5 * hour, thread="a"),
        msg("x1", 3, thread="a"),  # a follow-up, not a reply
        msg("o2", 4, "outbound", thread="b"),
        msg("r2", 4 + 11 * hour, thread="b"),
        msg("r3", 6, thread="c"),  # no message of ours in that thread
    )
    tags = [t for t in p.tags if t.name == "responsiveness"]
    assert [(t.id, t.value, t.score) for t in tags] == [("trait:responsiveness:fast", "fast", 0.4)]
    assert [e.message_id for e in tags[0].evidence] == ["r2", "r1"]
    assert tags[0].evidence[0].snippet == "reply after 11.0 h (median reply 8.0 h over 2 replies)"
    one_reply = profile(msg("o1", 0, "outbound"), msg("r1", 1))
    assert not [t for t in one_reply.tags if t.name == "responsiveness"]


def test_every_tag_has_recent_short_evidence_and_tags_are_ordered() -> None:
    long_text = "We are a distributor. " + "word " * 100
    messages = [
        msg(
            f"m{i}",
            i,
            "inbound" if i % 3 else "outbound",
            thread=f"t{i // 2}",
            text=long_text if i % 3 else "Our offer: " + "word " * 100,
            language="en",
            topic=i % 2,
            traits=(
                TraitHit("customer_type", "distributor", 0.4, f"We are a distributor ({i})."),
                TraitHit("payment_terms", "tt", 0.5, "30% deposit"),
                TraitHit("language", "en", 0.8, "ignored: languages come from the field"),
            ),
        )
        for i in range(9)
    ]
    p = build_profile(messages, {0: "zero", 1: "one"}, now=at(30))
    ids = [t.id for t in p.tags]
    assert len(ids) == len(set(ids))
    expected = {"topic:0", "topic:1", "trait:customer_type:distributor", "trait:language:en"}
    assert expected <= set(ids)
    assert [t.kind for t in p.tags] == sorted((t.kind for t in p.tags), key="interest".__ne__)
    traits = [(t.name, t.value) for t in p.tags if t.kind == "trait"]
    assert traits == sorted(traits, key=lambda nv: (nv[0], nv[1] or ""))
    for t in p.tags:
        assert 1 <= len(t.evidence) <= 3, t.id
        assert all(len(e.snippet) <= 200 for e in t.evidence), t.id
        dates = [e.sent_at for e in t.evidence]
        assert dates == sorted(dates, reverse=True), t.id
        assert 0.0 <= t.score <= 1.0
    topic = next(t for t in p.tags if t.id == "topic:0")
    assert topic.evidence[0].snippet.startswith("We are a distributor. word")
    assert topic.evidence[0].snippet.endswith("…")


def test_the_language_they_write_is_the_weakest_country_hint() -> None:
    japanese = [msg(f"m{i}", i, language="ja") for i in range(3)]
    assert tag(profile(*japanese), "trait:country:JP") == 0.1
    phone = TraitHit("country", "BR", 0.6, "+55 11 5555 0100")
    p = profile(*japanese, msg("m9", 9, language="ja", traits=(phone,)))
    assert p.country == "BR"
    shared = [msg(f"m{i}", i, language="es") for i in range(3)]
    assert profile(*shared).country is None  # Spanish is written in twenty countries


def test_lead_source_is_told_at_first_contact() -> None:
    site = TraitHit("lead_source", "website_form", 0.6, "I saw it on your website")
    fair = TraitHit("lead_source", "trade_show", 0.7, "we met at the fair")
    first = msg("m0", 0, thread="t1", traits=(fair,))
    later = [msg(f"m{i}", i, thread=f"t{i}") for i in range(1, 4)]
    late = msg("m9", 9, thread="t9", traits=(site,))
    p = profile(first, *later, late)
    assert tag(p, "trait:lead_source:trade_show") == 0.7
    assert tag(p, "trait:lead_source:website_form") is None
    # The first thread counts however long it runs.
    opening = msg("m0", 0, thread="t1")
    same_thread = msg("m9", 9, thread="t1", traits=(site,))
    assert tag(profile(opening, *later, same_thread), "trait:lead_source:website_form") == 0.6
    assert tag(profile(opening, *later, late), "trait:lead_source:website_form") is None
