"""Recognise bulk (list, newsletter) and automatic (auto-reply, bounce) mail — SPEC §4.

Such mail is stored and marked but not used for customer profiles. The rules look only
at headers, the sender address, the subject and the top-level content type:

- bulk: ``List-Unsubscribe`` (RFC 2369, RFC 8058), ``List-Id`` (RFC 2919),
  ``Precedence: bulk / list / junk``;
- automatic: ``Auto-Submitted`` other than ``no`` (RFC 3834 §5), ``X-Autoreply``,
  ``X-Autorespond``, ``X-Auto-Response-Suppress`` with ``All`` or ``OOF`` (Exchange),
  a null reverse-path ``Return-Path: <>`` (RFC 5321 §4.5.5), noreply / mailer-daemon /
  postmaster senders, delivery and disposition reports (``multipart/report``,
  RFC 6522), and auto-reply or bounce subjects in the common mail languages.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

HEADERS = (
    "list-unsubscribe",
    "list-id",
    "precedence",
    "auto-submitted",
    "x-autoreply",
    "x-autorespond",
    "x-auto-response-suppress",
    "return-path",
)
"""The header fields (lower-cased) that :func:`classify` reads."""

_BULK_PRECEDENCE = frozenset({"bulk", "list", "junk"})
_SUPPRESS_AUTO = frozenset({"all", "oof"})
_FALSE = frozenset({"no", "false", "0", "off"})
_COMMENT = re.compile(r"\([^()]*\)")
_AUTO_SENDER = re.compile(
    r"^(?:no[-_.]?reply|do[-_.]?not[-_.]?reply|mailer[-_.]?daemon|postmaster)(?:[-+_.].*)?$"
)
_AUTO_PHRASES = (
    # English
    "out of office",
    "out of the office",
    "automatic reply",
    "automatic response",
    "auto reply",
    "auto-reply",
    "autoreply",
    "auto response",
    "auto-response",
    "autoresponse",
    "away from the office",
    # German, Dutch
    "abwesenheitsnotiz",
    "automatische antwort",
    "automatisch antwoord",
    "afwezigheidsbericht",
    # French, Spanish, Portuguese, Italian
    "réponse automatique",
    "reponse automatique",
    "absence du bureau",
    "respuesta automática",
    "respuesta automatica",
    "fuera de la oficina",
    "resposta automática",
    "resposta automatica",
    "fora do escritório",
    "risposta automatica",
    "fuori sede",
    "fuori ufficio",
    # Nordic, Finnish
    "autosvar",
    "automatisk svar",
    "automatiskt svar",
    "automaattinen vastaus",
    # Central and Eastern European, Greek, Turkish
    "automatyczna odpowiedź",
    "automatická odpověď",
    "automatikus válasz",
    "автоматический ответ",
    "автоответ",
    "автоматична відповідь",
    "αυτόματη απάντηση",
    "otomatik yanıt",
    "otomatik cevap",
    # Asian, Middle Eastern
    "自动回复",
    "自动答复",
    "自動回覆",
    "自動回復",
    "自動返信",
    "自動応答",
    "자동 회신",
    "자동 응답",
    "trả lời tự động",
    "balasan otomatis",
    "رد تلقائي",
    "מענה אוטומטי",
    # Bounces without a multipart/report
    "undeliverable",
    "undelivered mail",
    "delivery status notification",
    "mail delivery failed",
    "returned mail",
    "failure notice",
    "delivery failure",
)
_PHRASE = "|".join(re.escape(phrase) for phrase in _AUTO_PHRASES)
# An auto-reply phrase opening the subject, or a bracketed one closing it.
_AUTO_SUBJECT_START = re.compile(rf"[\s\[(【]*(?:{_PHRASE})(?=$|\W)", re.IGNORECASE)
_AUTO_SUBJECT_END = re.compile(rf"[\[(【]\s*(?:{_PHRASE})\s*[\])】]\s*$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class MailKind:
    """Whether a message is bulk and/or automatic, and which rules said so."""

    is_bulk: bool
    is_auto: bool
    reasons: tuple[str, ...] = ()


def _token(value: str) -> str:
    """The first token of a header value, comments removed, lower-cased."""
    return _COMMENT.sub(" ", value).replace(";", " ").strip().split(" ", 1)[0].lower()


def _tokens(value: str) -> set[str]:
    return {part.strip().lower() for part in re.split(r"[,;\s]+", _COMMENT.sub(" ", value))}


def bulk_reasons(headers: Mapping[str, str]) -> list[str]:
    """Return why ``headers`` mark a mailing-list or bulk message (empty list: not bulk).

    ``headers`` maps lower-cased field names to their (unfolded) values.
    """
    reasons = [name for name in ("list-unsubscribe", "list-id") if name in headers]
    if "precedence" in headers:
        precedence = _token(headers["precedence"])
        if precedence in _BULK_PRECEDENCE:
            reasons.append(f"precedence: {precedence}")
    return reasons


def auto_reasons(
    headers: Mapping[str, str], *, sender: str | None, subject: str, content_type: str
) -> list[str]:
    """Return why a message is automatic: auto-reply, bounce, report (empty list: not).

    ``headers`` maps lower-cased field names to values, ``sender`` is the From address,
    ``subject`` the decoded subject, ``content_type`` the top-level MIME type.
    """
    reasons = _auto_header_reasons(headers) if headers else []
    local = (sender or "").rpartition("@")[0]
    if local and _AUTO_SENDER.match(local):
        reasons.append(f"sender {local}@")
    if content_type == "multipart/report":
        reasons.append("multipart/report")
    if _AUTO_SUBJECT_START.match(subject) or (
        ("[" in subject or "(" in subject or "【" in subject) and _AUTO_SUBJECT_END.search(subject)
    ):
        reasons.append("auto-reply subject")
    return reasons


def _auto_header_reasons(headers: Mapping[str, str]) -> list[str]:
    reasons: list[str] = []
    submitted = _token(headers.get("auto-submitted", ""))
    if submitted and submitted != "no":
        reasons.append(f"auto-submitted: {submitted}")
    for name in ("x-autoreply", "x-autorespond"):
        if name in headers and _token(headers[name]) not in _FALSE:
            reasons.append(name)
    if _tokens(headers.get("x-auto-response-suppress", "")) & _SUPPRESS_AUTO:
        reasons.append("x-auto-response-suppress")
    if "return-path" in headers and _COMMENT.sub("", headers["return-path"]).strip() == "<>":
        reasons.append("null return-path")
    return reasons


def classify(
    headers: Mapping[str, str], *, sender: str | None, subject: str, content_type: str
) -> MailKind:
    """Classify a message as bulk and/or automatic from its headers (SPEC §4).

    See :func:`bulk_reasons` and :func:`auto_reasons` for the arguments and the rules.
    """
    bulk = bulk_reasons(headers)
    auto = auto_reasons(headers, sender=sender, subject=subject, content_type=content_type)
    return MailKind(is_bulk=bool(bulk), is_auto=bool(auto), reasons=tuple(bulk + auto))
