"""Compiled patterns for :mod:`ingest.quoting`: quote headers and signature markers.

Every pattern here is applied to one line (or to at most three short lines joined by a
space, or to one short paragraph), and uses only bounded repetition or a single greedy
run with nothing ambiguous after it, so none can backtrack catastrophically. Callers
also skip header checks on lines longer than :data:`MAX_HEADER_LINE` characters and
signature checks on lines longer than a signature line.
"""

from __future__ import annotations

import re

MAX_HEADER_LINE = 300
"""Quote-header lines are short; longer lines are never tested as headers."""

_I = re.IGNORECASE

# --- quoted lines -------------------------------------------------------------------------

QUOTED_LINE = re.compile(r"[ \t]*\|?>")
"""A line quoted with ``>`` (or Usenet's ``|>``), possibly indented."""

SUPERCITE_MARKER = re.compile(r"[A-Za-z][\w.()-]{0,11}[>\]]|\[[A-Za-z][\w.-]{0,11}\]")
"""A quote marker naming the quoted author: ``mjs>``, ``L(>``, ``henrik]``, ``[KT]``."""

# --- attribution lines: "On <date>, <name> wrote:" and its translations --------------------

_VERB_AT_END = (
    r"(?:wrote|writes|said|escribi[óo]|escreveu|ha\s+scritto|a\s+[ée]crit|kirjoitti|"
    r"yazd[ıi]|пишет|написал(?:а|\(а\))?|napisał(?:a|\(a\))?|napsal(?:a|\(a\))?)"
)
_VERB_WITH_NAME_AFTER = r"(?:schrieb|schreef|skrev|skriver|writes\s+in\s+(?:article|message))"

ATTRIBUTION_VERB_END = re.compile(
    rf"(?:\b{_VERB_AT_END}\s?|\b{_VERB_WITH_NAME_AFTER}\b[^:：]{{0,120}}|写道|寫道)[:：]$"
)
"""The end of an attribution's last line: a "wrote"-like verb and a colon.

Case-sensitive: use with ``search`` on the lower-cased, right-stripped line.
"""

ATTRIBUTION_VERBLESS_END = re.compile(r"<[^<>\s@]{1,64}@[^<>\s]{1,255}>\s?[:：]$")
"""An attribution without a verb (``"1 янв. 2024 г., Иван <i@x.ru>:"``): needs a starter.

Use with ``search`` on the right-stripped line.
"""

ATTRIBUTION_STARTER = re.compile(
    r"(?:-{1,3}[ \t]?)?(?:(?:On|Am|Le|El|Em|Il|Op|Den|På|W\s+dniu|Dnia|Dne|In\s+article|"
    r"Quoting|Zitat\s+von)\s|在|\d{1,4}[./-]\d{1,2}[./-]\d{1,4}|\d{1,2}\.?\s\S{3,10}\s\d{4}"
    r"|\d{4}年)",
    _I,
)
"""How an attribution begins: a localized "On", "In article", or a date."""

HAS_DIGIT_OR_AT = re.compile(r"[\d@]")
TIME = re.compile(r"\b\d{1,2}:\d{2}\b")
YEAR = re.compile(r"\b(?:19|20)\d{2}\b")

# --- separators: "-----Original Message-----", forwarded-message lines ----------------------

ORIGINAL_MESSAGE = re.compile(
    r"[ \t]*[-_=*]{2,}[ \t]*(?:"
    r"original(?:\s+message)?|forwarded\s+message|ursprüngliche\s+nachricht|"
    r"weitergeleitete\s+nachricht|message\s+d['’]origine|message\s+transféré|"
    r"mensaje\s+original|mensaje\s+reenviado|mensagem\s+original|mensagem\s+encaminhada|"
    r"messaggio\s+originale|messaggio\s+inoltrato|oorspronkelijk\s+bericht|"
    r"doorgestuurd\s+bericht|original\s+meddelelse|videresendt\s+meddelelse|"
    r"ursprungligt\s+meddelande|vidarebefordrat\s+meddelande|исходное\s+сообщение|"
    r"пересылаемое\s+сообщение|пересланное\s+сообщение|原始邮件|原始郵件|转发的邮件|"
    r"轉寄的郵件|邮件原件)[ \t]*[-_=*]{2,}[ \t]*"
    r"|[ \t]*(?:begin\s+forwarded\s+message|anfang\s+der\s+weitergeleiteten\s+nachricht|"
    r"début\s+du\s+message\s+réexpédié|inicio\s+del\s+mensaje\s+reenviado|"
    r"in[íi]cio\s+da\s+mensagem\s+reencaminhada|começo\s+da\s+mensagem\s+encaminhada|"
    r"inizio\s+messaggio\s+inoltrato)[ \t]*[:：][ \t]*",
    _I,
)
"""A line that on its own starts quoted or forwarded history. Use with ``fullmatch``."""

SEPARATOR = re.compile(r"[ \t]*(?:-{4,}|_{4,}|={4,}|\*{4,}|~{4,}|#{4,})[ \t]*")
"""A rule of one repeated character, e.g. Outlook's ``________________________________``."""

# --- Outlook-style header blocks ------------------------------------------------------------

_FROM_NAMES = (
    r"From|De|Von|Van|Da|Från|Fra|Od|Kimden|От|Από|Dari|من|보낸\s*사람|发件人|發件人|寄件者|送信者|"
    r"差出人"
)
_OTHER_NAMES = (
    r"Sent|Date|To|Cc|Bcc|Subject|Reply-To|Envoyé|Envoyé\s+le|À|A|Objet|Gesendet|Datum|An|"
    r"Betreff|Enviado|Enviado\s+el|Enviada|Enviada\s+em|Enviado\s+em|Fecha|Para|Asunto|"
    r"Assunto|Data|Inviato|Oggetto|Verzonden|Aan|Onderwerp|Skickat|Till|Ämne|Sendt|Til|"
    r"Emne|Kopie|Kopia|Отправлено|Дата|Кому|Копия|Тема|发送时间|發送時間|日期|收件人|"
    r"抄送|主题|主旨|時間|件名|宛先|Gönderildi|Gönderilme\s+Tarihi|Tarih|Kime|Bilgi|Konu|"
    r"Wysłano|Do|DW|Temat|Odesláno|Komu|Předmět|Στάλθηκε|Προς|Κοιν|Θέμα|Dikirim|Tanggal|"
    r"Kepada|Perihal|تاريخ\s+الإرسال|التاريخ|أرسل|إلى|نسخة|الموضوع|받는\s*사람|날짜|제목|참조"
)
FROM_FIELD = re.compile(rf"[ \t]*\*{{0,2}}(?:{_FROM_NAMES})\*{{0,2}}[ \t]*[:：]", _I)
"""The "From:" line of a quoted header block, in any supported language (``*From:*`` too)."""

OTHER_FIELD = re.compile(rf"[ \t]*\*{{0,2}}(?:{_OTHER_NAMES})\*{{0,2}}[ \t]*[:：]", _I)
"""Any other line of such a block: Sent/Date/To/Cc/Subject and their translations."""

# --- signatures -----------------------------------------------------------------------------

SIG_DELIMITER = re.compile(r"--[ \t]?")
"""The Usenet/RFC 3676 signature delimiter ``"-- "`` (also ``"--"``). Use with fullmatch."""

_CAP = r"[A-ZÀ-ÖØ-ÞĀ-ſА-ЯЁ]"
_NAME_WORD = rf"{_CAP}[\w.'’-]{{0,30}}"

CLIENT_SIGNATURE = re.compile(
    r"[ \t]*(?:"
    # "Sent from my iPhone", "Sent with Sparrow (http://…)", "Sent from Mail for Windows"
    rf"sent\s(?:from|with|via|using)\s(?:(?:my|a|an)\s|(?-i:{_CAP}))"
    r"[^\s,.;:!?()<>]{1,40}(?:\s[^\s,.;:!?()<>]{1,40}){0,7}"
    r"|(?:sent\s)?(?:via|from)\s(?:my\s)?(?:mobile|phone|cell|iphone|ipad|android|"
    r"blackberry|smartphone|tablet)(?:\s(?:device|phone))?"
    r"|get\s+outlook\s+for\s+(?:ios|android)"
    r"|enviado\s(?:desde|con|de|do|pelo|a\spartir\sdo)\s(?:mi|meu|o\smeu)?\s?[^\n,;!?]{1,40}"
    r"|enviada\s(?:desde|do|de)\s(?:mi|meu)\s[^\n,;!?]{1,40}"
    r"|von\smeine[mrs]?\s[^\n,;!?]{1,40}\sgesendet|gesendet\s(?:von|mit)\s[^\n,;!?]{1,40}"
    r"|envoyé\s(?:de|depuis|avec)\s(?:mon|ma)\s[^\n,;!?]{1,40}"
    r"|inviato\sda(?:l)?\s(?:mio\s)?[^\n,;!?]{1,40}"
    r"|verzonden\s(?:met|vanaf|van)\s(?:mijn\s)?[^\n,;!?]{1,40}"
    r"|(?:skickat|sendt)\s(?:från|fra)\s(?:min|mit)\s[^\n,;!?]{1,40}"
    r"|отправлено\s(?:с|из)\s[^\n,;!?]{1,40}"
    r"|发自我的[^\n]{1,30}|从我的[^\n]{1,20}发送|[^\n]{1,20}から送信"
    r")(?:\s?\(\S{1,200}\)|\s?<\S{1,200}>|\shttps?://\S{1,200})?[.!]?[ \t]*",
    _I,
)
"""A mail client's own signature line. Use with ``fullmatch``: a sentence never matches."""

_SIGN_OFF_PHRASES = (
    # English
    r"(?:with\s+)?(?:best|kind|warm|warmest|kindest|many|warm\s+best)\s+regards|regards|"
    r"best(?:\s+wishes)?|all\s+the\s+best|cheers|sincerely(?:\s+yours)?|yours\s+(?:sincerely|"
    r"truly|faithfully)|respectfully|thanks(?:\s+(?:again|a\s+lot|in\s+advance|so\s+much))?|"
    r"thank\s+you(?:\s+(?:again|in\s+advance|very\s+much|so\s+much))?|many\s+thanks|"
    r"thanx|thx|tia|br|rgds|take\s+care|talk\s+soon|"
    # German
    r"mit\s+freundlichen\s+gr(?:ü|ue)(?:ß|ss)en|freundliche\s+gr(?:ü|ue)(?:ß|ss)e|"
    r"(?:viele|beste|liebe|herzliche)\s+gr(?:ü|ue)(?:ß|ss)e|gr(?:ü|ue)(?:ß|ss)e|gru(?:ß|ss)|"
    r"mfg|danke(?:\s+schön)?|vielen\s+dank|"
    # French
    r"(?:bien\s+)?cordialement|bien\s+à\s+vous|(?:meilleures\s+|sincères\s+)?salutations|"
    r"amicalement|merci(?:\s+beaucoup|\s+d'avance)?|bonne\s+journée|"
    # Spanish, Portuguese, Italian
    r"(?:un\s+)?saludos?(?:\s+cordiales)?|un\s+cordial\s+saludo|atentamente|cordialmente|"
    r"(?:muchas\s+)?gracias|atenciosamente|cumprimentos|abraços?|obrigad[oa]|att|"
    r"(?:cordiali|distinti)\s+saluti|saluti|un\s+saluto|grazie(?:\s+mille)?|"
    # Dutch, Scandinavian
    r"met\s+vriendelijke\s+groet(?:en)?|vriendelijke\s+groet(?:en)?|groeten|"
    r"med\s+vänlig\s+hälsning|vänliga\s+hälsningar|hälsningar|(?:med\s+)?venlig\s+hilsen|"
    r"mvh|hilsen|tack|tak|"
    # Russian, Chinese
    r"с\s+уважением|спасибо|всего\s+доброго|с\s+наилучшими\s+пожеланиями|"
    r"此致敬礼|此致|敬礼|谢谢|謝謝|祝好|顺祝商祺|順祝商祺|商祺|致礼"
)
SIGN_OFF = re.compile(
    rf"[ \t]*(?:{_SIGN_OFF_PHRASES})[ \t]*[,.!。！，～~-]*"
    rf"(?:[ \t]*(?-i:{_NAME_WORD})(?:[ \t]+(?-i:{_NAME_WORD})){{0,2}})?[ \t]*",
    _I,
)
"""A closing line ("Best regards," "Thanks, John", "С уважением,"). Use with ``fullmatch``."""

DASH_NAME = re.compile(
    rf"[ \t]*(?:-(?=\S)|--[ \t]?|[—–~][ \t]?){_NAME_WORD}(?:[ \t]+{_NAME_WORD}){{0,3}}"
)
"""A Usenet-style sign-off: ``-John Doe``, ``-- Tim``, ``~Ann``. Use with ``fullmatch``."""

NAME_LINE = re.compile(
    rf"[ \t]*(?:{_NAME_WORD}(?:,?[ \t]+{_NAME_WORD}){{0,4}}|[\u4e00-\u9fff]{{2,4}})[ \t]*"
)
"""A line holding only a person's name (capitalized words, or 2–4 CJK characters)."""

PHONE = re.compile(r"(?=[+(\d])(?:\+\d[\d ()./-]{5,}\d|\(?\d{2,4}\)?[ .-]?\d{3,4}[ .-]?\d{3,4})")
"""A phone number: ``+`` and digits, or groups like ``(555) 346-9947`` (not a date)."""

CONTACT_WORDS = ("www.", "skype", "wechat", "whatsapp", "linkedin", "微信", "скайп")
"""Lower-case words that mark a contact line even without an address or a number."""

CONFIDENTIAL_WORDS = (
    "confidential",
    "privileged",
    "confidentiel",
    "confidencial",
    "vertraulich",
    "riservat",
    "конфиденциал",
    "保密",
    "机密",
    "機密",
)
"""Lower-case stems that a legal disclaimer uses for confidentiality."""

RECIPIENT = re.compile(
    r"recipient|addressee|destinataire|destinatario|empfänger|адресат|получател|收件人|接收人"
)
"""Words for the (intended) recipient; use with ``search`` on lower-cased text."""

SENTENCE_END = frozenset(".?!;:。？！")
"""Characters that end a sentence (or a lead-in such as "Hi all:")."""
