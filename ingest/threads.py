"""Thread keys: parent Message-IDs (RFC 5322 §3.6.4) and a subject fallback for mail
that lost its reference headers."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence

from ingest.message import ParsedMessage

# Reply / forward prefixes as mail clients write them (after casefolding):
# en Re/Fw/Fwd, de AW/WG, nordic SV/VS/VB, fr TR/Réf, es/pt RV/RES/ENC, it R/RIF/I,
# nl Antw/Doorst, pl Odp/PD, tr Ynt/İlt, el ΑΠ/ΣΧΕΤ/ΠΡΘ, zh 回复/答复/转发, ru Ответ/Отв/Пересл.
_PREFIX_WORDS = (
    "re", "fw", "fwd", "aw", "wg", "sv", "vs", "vb", "tr", "réf", "ref", "rv", "res", "enc",
    "r", "rif", "i", "antw", "antwort", "doorst", "odp", "pd", "ynt", "ilt", "i̇lt", "απ",
    "σχετ", "πρθ", "回复", "回覆", "答复", "答覆", "转发", "轉發", "转寄", "轉寄",
    "ответ", "отв", "переслать", "пересл",
)  # fmt: skip
_PREFIX = re.compile(
    r"^\s*(?:\[[^\]]*\]\s*|(?:"
    + "|".join(re.escape(w) for w in sorted(_PREFIX_WORDS, key=len, reverse=True))
    + r")\s*(?:\[\d+\]|\(\d+\)|\^\d+)?\s*\.?\s*:\s*)+"
)
_MSG_ID = re.compile(r"<[^<>]+>")

# Subjects too common to say that two messages belong together.
_GENERIC_SUBJECTS = frozenset(
    {
        "", "hi", "hello", "hey", "hallo", "dear sir", "greetings", "inquiry", "enquiry",
        "question", "questions", "request", "order", "info", "information", "test",
        "no subject", "untitled", "kein betreff", "sin asunto", "sans objet", "anfrage",
        "consulta", "pedido", "demande", "quotation", "quote", "rfq", "price", "price list",
        "catalog", "catalogue", "sample", "samples", "urgent", "follow up", "thank you",
        "thanks", "meeting", "document", "documents", "询价", "询盘", "你好", "запрос",
        "без темы",
    }
)  # fmt: skip


def normalize_subject(subject: str) -> str:
    """``subject`` without its reply/forward prefixes and list tags, casefolded.

    Prefixes such as ``Re:``, ``AW:``, ``WG:``, ``SV:``, ``TR:``, ``RV:``, ``R:``, ``Réf. :``,
    ``Antw:``, ``Odp:``, ``Ynt:``, ``回复：``, ``转发:``, ``Ответ:``, counted forms
    (``Re[3]:``, ``Re^2:``, ``Fwd(2):``) and bracketed tags (``[sales] ``) are stripped
    however often they repeat (RFC 5322 §3.6.5 only names ``Re:``; clients localise it).
    The text is NFKC-normalised (full-width ``：`` becomes ``:``) and whitespace collapsed.
    """
    text = " ".join(unicodedata.normalize("NFKC", subject).casefold().split())
    return _PREFIX.sub("", text).strip()


def parent_ids(msg: ParsedMessage) -> tuple[str, ...]:
    """Candidate parent Message-IDs of ``msg``, the most direct first, without duplicates.

    In-Reply-To first (each id when it lists several), then References from the newest
    (last) to the oldest (first), as RFC 5322 §3.6.4 orders them. Ids keep the form the
    parser gave them; the message's own id is never its parent.
    """
    seen = {msg.message_id}
    found: list[str] = []
    replying = msg.in_reply_to or ""
    for raw in (*(_MSG_ID.findall(replying) or [replying]), *reversed(msg.references)):
        msg_id = raw.strip()
        if msg_id and msg_id not in seen:
            seen.add(msg_id)
            found.append(msg_id)
    return tuple(found)


def subject_key(msg: ParsedMessage, participants: Sequence[str]) -> str | None:
    """A stable 32-hex-digit key (SHA-256 prefix) of the normalised subject and the set of
    ``participants`` (customer keys), to group messages no Message-ID links.

    ``None`` when the normalised subject is empty or generic ("hi", "inquiry", "order",
    "(no subject)" …), so unrelated mail is never glued together by it.
    """
    subject = normalize_subject(msg.subject)
    if subject.strip(" ()!?.,:;-") in _GENERIC_SUBJECTS:
        return None
    people = "\x1e".join(sorted({p.strip().casefold() for p in participants}))
    return hashlib.sha256(f"{subject}\x1f{people}".encode()).hexdigest()[:32]
