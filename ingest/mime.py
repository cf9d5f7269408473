"""Parse the bytes of one email into a :class:`~ingest.message.ParsedMessage` (SPEC §2).

Pure: bytes in, typed message out; no database, no network, no state between calls
but memoised pure functions. The part tree is read by :func:`ingest._tree.read_tree`
(string searches for clean mail, the standard library's feed parser for the rest),
bounded in depth and number of parts; a text part is read up to ``MAX_TEXT_BYTES``.
On that tree this module adds what real mail needs: lenient header decoding
(:mod:`ingest._headers`), charset fallbacks (:mod:`ingest._charsets`), HTML-to-text with
quote marks (:mod:`ingest._html`), the choice of the body among alternatives, attachment
metadata and bulk/automatic detection (:mod:`ingest.bulk`). What was wrong with the input
and how it was repaired goes into ``ParsedMessage.defects``; only input that is not an
email at all raises :class:`ParseError`.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from email import policy
from email.message import Message
from email.policy import compat32
from typing import Literal

from ingest._charsets import decode_text, escaped_bytes
from ingest._headers import (
    HeaderReader,
    charset_param,
    content_type_of,
    filename,
    first_token,
    header_problem,
)
from ingest._html import html_to_text
from ingest._tree import MAX_DEPTH, Part, read_tree
from ingest.bulk import HEADERS, classify
from ingest.errors import IngestError
from ingest.message import Attachment, ParsedMessage
from ingest.quoting import split_body

BodyFormat = Literal["plain", "html", "none"]

MAX_TEXT_BYTES = 2 * 1024 * 1024
"""The most bytes of one text part read (after its transfer encoding is undone), cut at a
line end: a thousand pages of text, and what the HTML converter, the quote splitter and
the store handle in well under a second."""

_UTF8_BOM = b"\xef\xbb\xbf"
_LEADING_BLANK_LINES = re.compile(rb"(?:[ \t]*(?:\r\n|\n|\r))+")
_BODY_TYPES: dict[str, BodyFormat] = {"text/plain": "plain", "text/html": "html"}
_MIME_FIELDS = frozenset({"content-type", "content-disposition", "content-transfer-encoding"})
# The transfer encodings that email.message.Message.get_payload(decode=True) decodes.
_ENCODINGS = frozenset({"base64", "quoted-printable", "x-uuencode", "uuencode", "uue", "x-uue"})
# Re-serialises an attached message without refolding its headers.
_VERBATIM = policy.default.clone(refold_source="none")


class ParseError(IngestError):
    """Raised when bytes are not an email at all; .reason is a one-line human-readable reason."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class _Body:
    """A body candidate: decoded text, or HTML markup rendered as text when first read."""

    markup: str
    fmt: BodyFormat
    rendered: str | None = None

    def text(self) -> str:
        if self.rendered is None:
            self.rendered = html_to_text(self.markup) if self.fmt == "html" else self.markup
        return self.rendered


@dataclass
class _Found:
    """What a walk over (part of) the MIME tree found, in document order."""

    bodies: list[_Body] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    defects: list[str] = field(default_factory=list)

    def note_defects(self, part: Part) -> None:
        for defect in part.defects:
            name, text = type(defect).__name__, str(defect)
            self.defects.append(f"{name}: {text}" if text else name)

    def body(self) -> tuple[str, BodyFormat]:
        """The first body with text, else the first (empty) body, else no body."""
        for body in self.bodies:
            text = body.text()
            if text and not text.isspace():
                return text, body.fmt
        return (self.bodies[0].text(), self.bodies[0].fmt) if self.bodies else ("", "none")


def parse_message(raw: bytes) -> ParsedMessage:
    """Parse one RFC 5322 message (RFC 2045-2049 MIME, RFC 2047 words, RFC 2231 params).

    Returns the decoded headers, the chosen text body (text/plain preferred among
    alternatives, HTML converted to text with quotes marked "> "), its split by
    :func:`ingest.quoting.split_body`, attachment metadata, bulk/automatic flags and the
    defects found and repaired. Raises :class:`ParseError` — and nothing else — when the
    input is empty, binary, has no header field at its start, or breaks the parser.
    """
    try:
        return _parse(bytes(raw))
    except ParseError:
        raise
    except Exception as exc:
        raise ParseError(f"unexpected parser error: {type(exc).__name__}: {exc}") from exc


def _checked_input(data: bytes) -> tuple[bytes, list[str]]:
    """The bytes to parse, minus a BOM and leading blank lines; raises when not an email."""
    if not data:
        raise ParseError("empty input")
    defects: list[str] = []
    if data.startswith(_UTF8_BOM):
        data = data[len(_UTF8_BOM) :]
        defects.append("leading UTF-8 byte order mark removed")
    blank = _LEADING_BLANK_LINES.match(data)
    if blank:
        data = data[blank.end() :]
        defects.append("blank lines before the header removed")
    if not data or data.isspace():
        raise ParseError("input holds only whitespace")
    problem = header_problem(data)
    if problem:
        raise ParseError(problem)
    return data, defects


def _parse(raw: bytes) -> ParsedMessage:
    data, defects = _checked_input(raw)
    # As email.parser.BytesParser does: 8-bit bytes become surrogate escapes.
    text = data.decode("ascii", "surrogateescape")
    msg = read_tree(text)
    raw_headers: dict[str, str] = {}
    for name, value in msg.raw_items():
        raw_headers.setdefault(name.lower(), value)
    headers = HeaderReader(raw_headers)
    senders = headers.addresses("from")
    sender = senders[0] if senders else None
    subject = headers.unstructured("subject")
    found = _Found()
    _walk(msg, found, 0, raw_headers)
    body, body_format = found.body()
    kind = classify(
        {name: headers.text(name) or "" for name in HEADERS if name in raw_headers},
        sender=sender.email if sender else None,
        subject=subject,
        content_type=content_type_of(raw_headers.get("content-type"), "text/plain", found.defects),
    )
    message_id = headers.message_id("message-id")
    in_reply_to = headers.message_id("in-reply-to")
    references = headers.message_ids("references")
    date = headers.date()
    reply_to, to, cc = (headers.addresses(name) for name in ("reply-to", "to", "cc"))
    all_defects = defects + headers.defects + found.defects
    return ParsedMessage(
        raw_sha256=hashlib.sha256(raw).hexdigest(),
        message_id=message_id,
        in_reply_to=in_reply_to,
        references=references,
        date=date,
        subject=subject,
        sender=sender,
        reply_to=reply_to,
        to=to,
        cc=cc,
        body=body,
        body_format=body_format,
        parts=split_body(body),
        attachments=tuple(found.attachments),
        is_bulk=kind.is_bulk,
        is_auto=kind.is_auto,
        defects=tuple(dict.fromkeys(all_defects)),
    )


def _walk(part: Part, found: _Found, depth: int, fields: dict[str, str] | None = None) -> None:
    """Add the bodies and attachments of ``part`` and its children to ``found``; ``fields``
    maps lower-cased names to first raw values (at least of the MIME fields) if known."""
    if depth > MAX_DEPTH:
        found.defects.append(f"MIME nesting deeper than {MAX_DEPTH} levels: inner parts ignored")
        return
    if fields is None:
        fields = {}
        for field_name, value in part.raw_items():
            key = field_name.lower()
            if key in _MIME_FIELDS:
                fields.setdefault(key, value)
    content_type = content_type_of(
        fields.get("content-type"), part.get_default_type(), found.defects
    )
    if depth > 0 and content_type.startswith("message/"):
        data = _message_bytes(part, fields, found)
        found.attachments.append(
            _attachment(content_type, data, filename(part, fields, found.defects))
        )
    elif part.is_multipart():
        children = [child for child in part.get_payload() if isinstance(child, Message)]
        if content_type == "multipart/alternative":
            _walk_alternative(children, found, depth)
        else:
            for child in children:
                _walk(child, found, depth + 1)
    else:
        _leaf(part, fields, content_type, found, top=depth == 0)
    found.note_defects(part)


def _walk_alternative(children: list[Part], found: _Found, depth: int) -> None:
    """Keep one alternative (RFC 2046 §5.1.4): non-empty text/plain, else HTML, else any.

    HTML alternatives are rendered only when no plain one has text.
    """
    options: list[_Found] = []
    for child in children:
        option = _Found()
        _walk(child, option, depth + 1)
        found.defects.extend(option.defects)
        options.append(option)
    for option in options:
        text, fmt = option.body()
        if fmt == "plain" and text.strip():
            chosen: _Found | None = option
            break
    else:
        with_text = [o for o in options if o.body()[0].strip()]
        html = [o for o in with_text if o.body()[1] == "html"]
        ranked = html[-1:] or with_text[:1] or options[-1:]
        chosen = ranked[0] if ranked else None
    if chosen is not None:
        found.bodies.extend(chosen.bodies)
        found.attachments.extend(chosen.attachments)


def _leaf(
    part: Part, fields: dict[str, str], content_type: str, found: _Found, *, top: bool
) -> None:
    """A part without children: a body candidate, an attachment, or an ignored text.

    A text part with a file name or ``Content-Disposition: attachment`` (RFC 2183) is an
    attachment, except that a single-part message's own text is its body unless it is
    explicitly an attachment.
    """
    maintype = content_type.partition("/")[0]
    if maintype == "multipart":
        found.defects.append(f"{content_type} without parseable parts: read as plain text")
        found.bodies.append(_Body(_text(part, fields, "text/plain", found), "plain"))
        return
    name = filename(part, fields, found.defects)
    disposition = first_token(fields.get("content-disposition"))
    is_attachment = disposition == "attachment" or (name is not None and not top)
    if not is_attachment and content_type in _BODY_TYPES:
        text = _text(part, fields, content_type, found)
        found.bodies.append(_Body(text, _BODY_TYPES[content_type]))
    elif is_attachment or maintype != "text":
        data = _payload(part, fields, found)
        found.attachments.append(_attachment(content_type, data, name))


def _attachment(content_type: str, data: bytes, name: str | None) -> Attachment:
    return Attachment(name, content_type, len(data), hashlib.sha256(data).hexdigest())


def _payload(part: Part, fields: dict[str, str], found: _Found) -> bytes:
    """The part's bytes after Content-Transfer-Encoding decoding (RFC 2045 §6).

    The email package decodes only an exact encoding name; one with blanks, comments or
    parameters around it is reported and read as the name it carries.
    """
    declared = fields.get("content-transfer-encoding")
    encoding = first_token(declared)
    if declared is not None and encoding in _ENCODINGS and declared.lower() != encoding:
        found.defects.append(f"Content-Transfer-Encoding {declared!r} read as {encoding!r}")
        part.replace_header("content-transfer-encoding", encoding)
    try:
        data = part.get_payload(decode=True)
    except Exception as exc:
        found.defects.append(f"undecodable transfer encoding ({type(exc).__name__}): kept as is")
        raw = part.get_payload()
        return escaped_bytes(raw) if isinstance(raw, str) else b""
    return data if isinstance(data, bytes) else b""


def _message_bytes(part: Part, fields: dict[str, str], found: _Found) -> bytes:
    """The bytes of an attached message/* part (RFC 2046 §5.2), headers not refolded."""
    payload = part.get_payload()
    if not isinstance(payload, list):
        return _payload(part, fields, found)
    chunks: list[bytes] = []
    for inner in payload:
        if not isinstance(inner, Message):
            continue
        try:
            chunks.append(inner.as_bytes(policy=_VERBATIM))
        except Exception:
            try:
                chunks.append(inner.as_bytes(policy=compat32))
            except Exception as exc:
                found.defects.append(f"attached message not serialisable ({type(exc).__name__})")
    return b"".join(chunks)


def _text(part: Part, fields: dict[str, str], content_type: str, found: _Found) -> str:
    """The decoded text of a text part (HTML still markup), line ends as LF: of a part
    over ``MAX_TEXT_BYTES`` only the lines within them, with a defect."""
    data = _payload(part, fields, found)
    if len(data) > MAX_TEXT_BYTES:
        cut = data.rfind(b"\n", 0, MAX_TEXT_BYTES) + 1 or MAX_TEXT_BYTES
        found.defects.append(f"{content_type} part of {len(data)} bytes: only its first {cut} read")
        data = data[:cut]
    charset = None
    declared = fields.get("content-type", "")
    if "charset" in declared.lower():
        try:
            charset = charset_param(declared)
        except Exception as exc:
            found.defects.append(f"unreadable charset parameter ({type(exc).__name__})")
    text, defects = decode_text(data, charset, content_type)
    found.defects.extend(defects)
    return text
