"""The new text of each message: greeting, paragraphs for its step, closing and signature.

Customers write in their own language from their phrase bank; what an inquiry says
about the buyer (how it found us, its business, its country, price talk) is drawn from
the customer's profile, with noise: not every buyer states its type or where it is.
"""

from __future__ import annotations

import random

from app.demo import _rep
from app.demo._compose import LABELS, Composer
from app.demo._people import Contact, Profile
from app.demo._rep import Rep

_FIRST_CONTACT = frozenset({"inquiry", "cold_reply"})


def their_text(
    c: Composer, rng: random.Random, p: Profile, kind: str, slots: dict[str, str], who: Contact
) -> str:
    """The full new text (greeting to signature) of customer message ``kind``; for a
    marketplace or form notification only the buyer's message."""
    lang = p.language
    if p.junk and kind == "notify":
        return c.pick("en", "junk")
    if kind in {"junk", "junk_more"}:
        text = c.pick("en", kind)
        if kind == "junk" and rng.random() < 0.6:
            source = "source.marketplace" if p.source == "marketplace" else "source.website"
            text = f"{c.pick('en', source)} {text}"
        return text + ("\n" + who.first if rng.random() < 0.5 else "")
    paragraphs: list[str] = []
    for keys in _their_keys(rng, p, kind):
        sentences: list[str] = []
        for key in keys:
            sentence = _sentence(c, lang, key, slots)
            if key == "based" and slots["country_name"] in " ".join(sentences):
                continue  # the type sentence already said where they are
            sentences.append(sentence)
        paragraphs.append(" ".join(sentences))
    text = "\n\n".join(paragraphs)
    if kind == "notify":
        return text
    first = kind == "inquiry" and p.source not in {"trade_show", "referral"}
    hello = c.pick(lang, "hello_anon" if first else "hello")
    if kind not in _FIRST_CONTACT and rng.random() < 0.2:
        hello = ""
    head = f"{hello.format_map(slots)}\n\n" if hello else ""
    return f"{head}{text}\n\n{_signature(c, rng, p, who)}"


def _sentence(c: Composer, lang: str, key: str, slots: dict[str, str]) -> str:
    if key == "need2":
        return c.pick(lang, key).format_map(c.second_slots(lang, slots))
    return c.pick(lang, key).format_map(slots)


def _their_keys(rng: random.Random, p: Profile, kind: str) -> list[list[str]]:
    """The bank keys whose variants make up message ``kind``, paragraph by paragraph."""
    if kind not in {"inquiry", "notify", "cold_reply"}:
        if kind == "negotiate" and p.price_sensitive and rng.random() < 0.3:
            return [["negotiate", "ask_cheap"]]
        return [[kind]]
    intro: list[str] = []
    if kind == "cold_reply":
        intro.append("source.cold_reply")
    elif kind == "inquiry" and not p.junk:
        if p.source in {"trade_show", "referral", "marketplace"}:
            intro.append(f"source.{p.source}")
        elif p.source == "website_form" and rng.random() < 0.6:
            intro.append("source.website")
    if p.states_type:
        intro.append(f"type.{p.ctype}")
    if rng.random() < 0.3 and p.language != "ru":
        intro.append("based")
    request = ["need", "need2"] if len(p.interests) > 1 else ["need"]
    request.append("ask")
    if rng.random() < 0.4:
        request.append("certs")
    if p.price_sensitive and rng.random() < 0.7:
        request.append("ask_cheap")
    elif not p.price_sensitive and rng.random() < 0.25:
        request.append("quality")
    return [intro, request] if intro else [request]


def our_text(
    c: Composer, rng: random.Random, p: Profile, kind: str, slots: dict[str, str], rep: Rep
) -> str:
    """The full new text of our message ``kind`` to customer ``p``."""
    hello = c.pick_rep("hello_anon" if p.junk else "hello")
    parts: list[str] = []
    if kind in {"quotation", "fair_quote"}:
        opening = "quote_open"
        if kind == "fair_quote" or (p.source == "trade_show" and rng.random() < 0.7):
            opening = "quote_open.trade_show"
        elif p.source == "marketplace" and not p.junk:
            opening = "quote_open.marketplace"
        parts += [
            c.pick_rep(opening).format_map(slots),
            _quote_block(c, slots),
            c.pick_rep("quote_terms").format_map(slots),
            c.pick_rep("quote_close").format_map(slots),
        ]
    elif kind == "sample_sent":
        parts.append(f"{c.pick_rep(kind)} {c.pick_rep('sample_terms')}".format_map(slots))
    else:
        parts.append(c.pick_rep(kind).format_map(slots))
    body = "\n\n".join(parts)
    if kind == "counter":
        c.negotiated(slots)
    return f"{hello.format_map(slots)}\n\n{body}\n\n{our_signature(c, rep)}"


def _quote_block(c: Composer, slots: dict[str, str]) -> str:
    """One "Model / Unit price" entry per product line the customer asked about."""
    line = c.pick_rep("quote_line")
    block = line.format_map(slots)
    if c.deal.second is not None:
        extra = c.second_slots("en", slots)
        block += "\n\n" + line.format_map(extra)
    return block


def our_signature(c: Composer, rep: Rep) -> str:
    """A rep's signature block, closing line first."""
    return "\n".join(
        (
            c.pick_rep("bye"),
            f"{rep.first} {rep.last}",
            rep.title,
            _rep.COMPANY,
            f"Tel: {_rep.OFFICE_PHONE} | WhatsApp/WeChat: {rep.mobile}",
            _rep.OFFICE_ADDRESS,
            f"www.{_rep.OWN_DOMAIN}",
        )
    )


def _signature(c: Composer, rng: random.Random, p: Profile, who: Contact) -> str:
    """The customer's closing and signature, as full as its style (and client) makes it."""
    lang = p.language
    phone_label, mobile_label, client_line = LABELS[lang]
    bye = c.pick(lang, "bye")
    if p.sig_style == "name" or rng.random() < 0.1:
        lines = [bye, who.first]
        if p.kind == "person" and rng.random() < 0.4:
            lines += ["", client_line]
        return "\n".join(lines)
    lines = [bye, who.name]
    if p.sig_style == "full":
        lines += [who.title or "", p.company or "", p.address, f"{phone_label}: {who.phone}"]
        lines.append(p.website or "")
    else:
        lines += [who.title or "", p.company or "", f"{mobile_label}: {who.phone}"]
        if p.kind == "person" and rng.random() < 0.5:
            lines.append(f"{p.city.name}, {p.country.name}")
    lines = [line for line in lines if line]
    if p.client == "thunderbird":
        return "\n".join([bye, who.first, "", "-- ", *lines[1:]])
    return "\n".join(lines)
