"""``lead_source``: how the customer came to us.

- ``trade_show``: a fair or exhibition, whatever its name ("met you at the fair", "your
  booth", "Canton Fair", "Messe", "feria", "au salon", "выставка", "展会"); invitations to
  a coming show ("visit our booth") count little.
- ``marketplace``: Alibaba, Made-in-China, Global Sources … named in the message, or the
  message is a platform's notification of the buyer's inquiry (``TraitInput.notification``,
  any platform) or comes from a listed platform's address.
- ``website_form``: "your website", "contact form", a notification sent by our website's
  form, or a body made of web-form fields ("Name: … Email: … Message: …", a message field
  among them).
- ``referral``: "recommended by", "got your contact from", "по рекомендации", "朋友介绍".
- ``cold_outreach``: they answered mail we sent unasked. A single message cannot tell that
  our earlier mail was unsolicited, so an inbound reply that thanks for our
  email/introduction/offer and says it is interested only weakly supports it (0.3); the
  profile layer, which sees the whole thread, decides.

Subject and new text count, from either direction (our follow-up "nice to meet you at the
Canton Fair" says as much as theirs); outbound mentions weigh less. Signatures do not
count: ours advertise every fair we attend.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from models.lexicon import Rule, rules
from models.traits.base import Found, TraitHit, TraitInput, hit_at

__all__ = ["MARKETPLACE_DOMAINS", "RULES", "collect"]

_K = "lead_source:"
RULES: tuple[Rule, ...] = (
    *rules(
        _K + "trade_show",
        0.7,
        """trade fair*|trade show*|tradeshow*|the fair|your booth|
        our booth|booth no|booth number|your stand|stand no|fair booth|exhibition*|exhibitor*|
        expo|canton fair|electronics fair|lighting fair|import and export fair|ces|ifa|
        light + building|intersolar|gitex|computex|messe|fachmesse|leitmesse|messestand|
        auf der messe|feria|ferias|na feira|da feira|feira internacional|estande|
        au salon|sur le salon|salon professionnel|votre stand|ihrem stand|ihr stand|
        выставк*|стенд*|展会|展位|广交会|交易会|博览会|展览会|our stand|at our stand|
        nuestro stand|nuestro estand|en la feria|nosso estande|notre stand|unserem stand|
        unseren stand|fiera|alla fiera|fuar|fuarda|fuarında|standımız|standımızda|معرض""",
    ),
    *rules(
        _K + "marketplace",
        0.75,
        """alibaba*|made-in-china|
        global sources|globalsources*|tradekey*|ec21*|dhgate*|indiamart*|1688.com|阿里巴巴|
        中国制造网|环球资源""",
    ),
    *rules(
        _K + "website_form",
        0.6,
        """your website|your web site|your webpage|your homepage|
        your site|contact form|web form|inquiry form|enquiry form|found you on google|
        su página web|su sitio web|su web|vuestra web|formulario de contacto|seu site|
        sua página|formulário de contato|votre site|votre site web|formulaire de contact|
        ihre website|ihre webseite|ihre homepage|ihrer website|ihrer webseite|
        ihrer homepage|kontaktformular|ваш сайт|вашем сайте|на сайте|форма обратной связи|
        你们的网站|贵公司网站|贵司网站|官网|网站上""",
    ),
    *rules(
        _K + "referral",
        0.75,
        """recommended by|referred by|referred to you|
        got your contact from|got your email from|got your e-mail from|
        your contact was given|gave me your contact|recommended you|recommendation of|
        recomendado por|recomendada por|me recomendó|nos recomendó|recomendación de|
        indicado por|indicada por|indicação de|recommandé par|recommandée par|
        sur recommandation|sur la recommandation|empfohlen von|empfehlung von|
        auf empfehlung|по рекомендации|порекомендовал*|рекомендовал*|朋友介绍|经朋友介绍|
        介绍的|推荐的|recommended to us|recommended your company|recommended your firm|
        recommended us to|gave us your details|gave us your contact|gave us your e - mail|
        gave us your email|gave me your details|gave me your e - mail|gave me your email|
        passed us your details|passed on your details|suggested we contact you|
        suggested that we contact you|suggested we introduce|suggested i contact you|
        told us about your company|nos fue recomendada|nos fue recomendado|nos recomendaron|
        nos dio sus datos|recomendou sua empresa|recomendou a sua empresa|nos passou seu contato|
        nous a recommandé|m'a recommandé|nous a donné vos coordonnées|hat uns empfohlen|
        hat mir empfohlen|gab uns ihre kontaktdaten|дал нам ваши контакты|передал ваши контакты|
        tavsiye etti|tavsiyesi ile|tavsiyesiyle|önerdi|推荐了贵司|推荐你们""",
    ),
    *rules(
        "cue:thanks",
        1.0,
        """thanks for your email|thank you for your email|
        thanks for your mail|thank you for your mail|thanks for your introduction|
        thank you for your introduction|thank you for your offer|thanks for your offer|
        thank you for your message|thanks for your message|thank you for contacting us|
        thank you for reaching out|gracias por su correo|gracias por su email|
        gracias por su presentación|gracias por su oferta|obrigado pelo seu e-mail|
        obrigado pelo contato|obrigado pela apresentação|obrigado pela oferta|
        merci pour votre e-mail|merci pour votre mail|merci pour votre message|
        merci pour votre offre|merci pour votre présentation|danke für ihre e-mail|
        danke für ihre mail|vielen dank für ihre e-mail|vielen dank für ihr angebot|
        danke für ihr angebot|спасибо за письмо|спасибо за ваше письмо|
        спасибо за предложение|благодарим за предложение|谢谢你的邮件|感谢您的邮件|
        感谢您的来信|谢谢您的介绍""",
    ),
    *rules(
        "cue:interest",
        1.0,
        """interested|interesados|interesadas|nos interesa|
        interessados|interessadas|temos interesse|intéressés|intéressé|intéressée|
        interessiert|заинтересованы|заинтересовались|интересует|интересно|感兴趣|有兴趣""",
    ),
)

_WEIGHT = {"inbound": 1.0, "outbound": 0.7, "internal": 0.5}
_INVITATION = re.compile(
    r"\b(?:visit (?:us|our)|meet us|see us|find us|join us|come and see|welcome to|invit\w*|"
    r"will be at|will exhibit|upcoming|"
    r"visítenos|visite nuestro|visitez|besuchen sie|посетите|приглаша\w*)\b|欢迎.*参观|邀请"
)
_BAD_FOLLOWER = re.compile(r"\s*(?:price|prices|value|share|enough|deal|trade|condition)\b")
# Senders of marketplace inquiry notifications.
MARKETPLACE_DOMAINS = (
    "alibaba.com", "made-in-china.com", "globalsources.com", "tradekey.com", "ec21.com",
    "dhgate.com", "indiamart.com", "1688.com",
)  # fmt: skip
# A web form's notification: labelled fields, one of them the visitor's message.
_MESSAGE_FIELD = re.compile(r"(?i:message|comments?|mensa(?:je|gem)|nachricht|сообщение|留言)")
_FORM_FIELD = re.compile(
    r"^\s*(?:your\s+)?(?:name|e-?mail|phone|tel|company|message|country|subject|comments?|"
    r"nombre|correo|mensaje|teléfono|empresa|país|nome|mensagem|nom|société|téléphone|pays|"
    r"nachricht|telefon|firma|land|имя|телефон|сообщение|компания|страна|姓名|电话|邮箱|"
    r"留言|公司|国家)\s*[:：]",
    re.I | re.M,
)


# "met you at Big 5 Global 2025", "visiting us at IFAT Munich 2026", "after WETEX 2024":
# meeting someone at a named event of a given year is a fair, whatever its name.
_EVENT = re.compile(
    r"\b(?:met|meet|meeting|visit(?:ed|ing)?|saw|seeing|see|talk(?:ed|ing)?|hear from you)"
    r"\b[^.!?\n]{0,40}?\b(?:at|during|after|in)\s+(?:the\s+)?"
    r"(?P<name>(?:[A-Z0-9][\w&+.'-]*\s+){1,5}(?:19|20)\d\d)\b"
)


def collect(message: TraitInput, found: Sequence[Found]) -> Iterator[TraitHit]:
    """Lead sources named in the subject or new text, or shown by the sender."""
    weight = _WEIGHT[message.direction]
    for text in (message.subject, message.new_text):
        for event in _EVENT.finditer(text):
            if not _INVITATION.search(text[max(0, event.start() - 60) : event.start()]):
                yield hit_at("lead_source", "trade_show", 0.6 * weight, text, *event.span())
    thanks: Found | None = None
    interest = False
    for item in found:
        if item.field == "signature":
            continue
        if item.family == "cue":
            if item.field == "text":
                thanks = thanks or (item if item.value == "thanks" else None)
                interest = interest or item.value == "interest"
            continue
        if item.family != "lead_source":
            continue
        score = item.match.weight * weight
        if item.value == "trade_show":
            if item.phrase.casefold() == "the fair" and _BAD_FOLLOWER.match(item.after()):
                continue
            if item.phrase.casefold() in {"ces", "ifa"} and not item.phrase.isupper():
                continue
            if _INVITATION.search(item.before(80)):
                score *= 0.4
        yield item.hit("lead_source", item.value, score)
    sender = (message.sender_email or "").strip()
    domain = sender.rpartition("@")[2].casefold()
    if message.notification is not None:
        shown = message.subject.strip() or sender
        yield hit_at("lead_source", message.notification, 0.9, shown, 0, len(shown))
    elif any(domain == d or domain.endswith("." + d) for d in MARKETPLACE_DOMAINS):
        yield hit_at("lead_source", "marketplace", 0.9, sender, 0, len(sender))
    if message.direction == "inbound":
        fields = list(_FORM_FIELD.finditer(message.new_text))
        if len(fields) >= 3 and any(_MESSAGE_FIELD.search(f.group()) for f in fields):
            text = message.new_text
            yield hit_at(
                "lead_source", "website_form", 0.7, text, fields[0].start(), fields[-1].end()
            )
        if thanks is not None and interest:
            yield thanks.hit("lead_source", "cold_outreach", 0.3)
