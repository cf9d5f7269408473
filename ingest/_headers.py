"""Read the header fields leadlens keeps, tolerating what real mail does to them.

A clean header section is split by one regular expression (:func:`split_fields`).
Values are decoded here, not by the standard library's ``email.policy.default`` header
classes, which cost more than all the rest of parsing: RFC 2047 encoded words go through
the lenient :func:`ingest._charsets.decode_words`, and address lists whose mailboxes all
have the common shapes (``a@b.c``, ``a@b.c (Name)``, ``Name <a@b.c>``, ``"Name" <a@b.c>``)
are read by one regular expression; any other address list takes the strict RFC 5322
parser of the standard library, then the lenient one when that fails. MIME fields
(Content-Type, Content-Disposition, Content-Transfer-Encoding) are read by
:func:`content_type_of`, :func:`charset_param`, :func:`first_token` and :func:`filename`.
Every repair is reported as a defect string; nothing in this module raises on bad input.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from email import policy, utils
from email.message import Message
from functools import lru_cache
from typing import Any, TypeAlias

from ingest._charsets import decode_bytes, decode_words, escaped_bytes, has_surrogates
from ingest.message import Address

Part: TypeAlias = "Message[Any, Any]"

_FOLD = re.compile(r"\r?\n|\r")
_WSP_RUN = re.compile(r"\s+")
_ANGLE_ID = re.compile(r"<([^<>]*)>")
_COMMENT = re.compile(r"\([^()]*\)")
_QUOTED_PAIR = re.compile(r"\\(.)")
# Longer address lists skip the strict parser, which is slow on long input (0.3 s: 200 kB).
_STRICT_LIMIT = 64 * 1024
# Values up to this length are memoised; the caches hold a few hundred of them.
_MEMO_LIMIT = 1024
_NUMERIC_ZONE = re.compile(r"\s+([+-]\d{2}):?(\d{2})$")
# One header field as the feed parser reads it (RFC 5322 §2.2, folding §2.2.3): name,
# value without the blanks after the colon and without the final line end.
_FIELD_SYNTAX = (
    r"([\x21-\x39\x3b-\x7e]+):[ \t]*+([^\r\n]*+(?:(?:\r\n|\r|\n)[ \t][^\r\n]*+)*+)(?:\r\n|\r|\n|\Z)"
)
_FIELD = re.compile(_FIELD_SYNTAX)
_FIELDS = re.compile(f"(?:{_FIELD_SYNTAX})*+")
_LINE_END = re.compile(r"\r\n|\r|\n")
_HEADER_END = re.compile(rb"\r?\n\r?\n")
_HEAD_LIMIT = 64 * 1024
# After an mbox "From " line, lines that are continuations (a field name lost upstream:
# a defect the email package reports and skips) precede the first field.
_FIRST_FIELD = re.compile(
    rb"(?:From [^\r\n]*+(?:\r\n|\r|\n))?+(?:[ \t][^\r\n]*+(?:\r\n|\r|\n))*+"
    rb"[\x21-\x39\x3b-\x7e]+[ \t]*:"
)
_MIME_TYPE = re.compile(r"[!#$%&'*+.^_`|~0-9a-z-]+/[!#$%&'*+.^_`|~0-9a-z-]+")
# A mailbox of the common shapes (RFC 5322 §3.4): a dot-atom addr-spec alone, with one
# comment, or in angle brackets after a phrase or a quoted string; then "," or the end.
_ATOMS = r"[\w!#$%&'*+/=?^`{|}~-]+(?:\.[\w!#$%&'*+/=?^`{|}~-]+)*"
_SPEC = rf"{_ATOMS}@{_ATOMS}"
_MAILBOX = re.compile(
    rf"""\s*(?:(?P<spec>{_SPEC})(?:\s*\((?P<comment>[^()\\]*)\))?
    |(?:(?P<quoted>"(?:[^"\\]|\\.)*")|(?P<phrase>[^"()<>@,;:\\\[\]]*?))\s*<(?P<angle>{_SPEC})>
    )\s*(?:,\s*|\Z)""",
    re.VERBOSE | re.ASCII,
)


def unfold(value: str) -> str:
    """Undo RFC 5322 §2.2.3 folding: remove every CR and LF of a raw header value."""
    return _FOLD.sub("", value) if "\n" in value or "\r" in value else value


def header_problem(data: bytes) -> str | None:
    """Say why ``data`` does not start with an RFC 5322 header section (§2.2), or None.

    ``data`` has no BOM nor blank lines in front. NUL bytes in the header section mean
    binary data; the first field may follow an mbox ``From `` line and continuation lines.
    """
    end = _HEADER_END.search(data, 0, _HEAD_LIMIT)
    head_end = end.start() if end else min(len(data), _HEAD_LIMIT)
    if data.find(b"\x00", 0, head_end) >= 0:
        return "binary data (NUL bytes in the header section), not an email"
    if not _FIRST_FIELD.match(data, 0, head_end):
        return "no RFC 5322 header field at the start of the input"
    return None


def split_fields(
    text: str, start: int = 0, stop: int | None = None
) -> tuple[list[tuple[str, str]], int, str | None] | None:
    """Read a header section (RFC 5322 §2.1) exactly as ``email.feedparser`` reads a clean one.

    The part read is ``text[start:stop]``, without copying it. Returns the fields as
    (name, raw value) pairs, where the body starts (an index into ``text``), and an mbox
    ``From `` envelope line met first; None when the section has anything the feed
    parser would record as a defect (a continuation line first, a line that is neither a
    field nor the blank line ending the section), so that it alone decides those cases.
    """
    stop = len(text) if stop is None else stop
    pos = start
    unixfrom = None
    if text.startswith("From ", start, stop):
        eol = _LINE_END.search(text, start, stop)
        unixfrom = text[start : eol.start()] if eol else text[start:stop]
        pos = eol.end() if eol else stop
    section = _FIELDS.match(text, pos, stop)
    end = section.end() if section else pos
    fields: list[tuple[str, str]] = _FIELD.findall(text, pos, end)
    if end == stop:
        return fields, end, unixfrom
    blank = _LINE_END.match(text, end, stop)
    return (fields, blank.end(), unixfrom) if blank else None


def _common_mailboxes(value: str) -> list[tuple[str, str, str]] | None:
    """(display name, addr-spec, comment) of each mailbox when all have a common shape."""
    boxes: list[tuple[str, str, str]] = []
    pos = 0
    while pos < len(value):
        box = _MAILBOX.match(value, pos)
        if box is None:
            return None
        pos = box.end()
        spec, comment, quoted, phrase, angle = box.groups()
        if spec:
            boxes.append(("", spec, comment or ""))
        elif quoted:
            boxes.append((_QUOTED_PAIR.sub(r"\1", quoted[1:-1]), angle, ""))
        else:
            boxes.append((phrase, angle, ""))
    return boxes or None


class HeaderReader:
    """Reads decoded header values of one message, collecting defects as it goes.

    ``raw`` maps lower-cased field names to the first raw value of that field, as the
    email package stored it (folded, 8-bit bytes as surrogate escapes).
    """

    def __init__(self, raw: dict[str, str]) -> None:
        self.raw = raw
        self.defects: list[str] = []

    def text(self, name: str) -> str | None:
        """Return the unfolded value of ``name`` as text (8-bit bytes decoded), or None."""
        value = self.raw.get(name)
        if value is None:
            return None
        value = unfold(value)
        if not value.isascii() and has_surrogates(value):
            value, defect = decode_bytes(escaped_bytes(value), None, f"header {name}")
            if defect:
                self.defects.append(defect)
        return value

    def _words(self, name: str, value: str) -> str:
        if "=?" not in value:
            return value
        decoded, defects = decode_words(value, f"header {name}")
        self.defects.extend(defects)
        return decoded

    def unstructured(self, name: str) -> str:
        """Return an unstructured field (RFC 5322 §3.6.5, e.g. Subject) decoded per
        RFC 2047, whitespace runs collapsed to one space; "" when absent."""
        value = self.text(name)
        if value is None:
            return ""
        return " ".join(self._words(name, value).split())

    def addresses(self, name: str) -> tuple[Address, ...]:
        """Return the mailboxes of an address field (RFC 5322 §3.4), groups flattened.

        Addresses are lower-cased; display names are RFC 2047-decoded, None when empty.
        Entries without a local part and a domain are skipped and reported as defects.
        A lone mailbox without a display name takes its comment as the name.
        """
        value = self.text(name)
        if value is None:
            return ()
        boxes = _common_mailboxes(value)
        if boxes is None:
            return self._mailboxes(name, value)
        result = [
            Address(spec.lower(), " ".join(self._words(name, display).split()) or None)
            for display, spec, _ in boxes
        ]
        if len(boxes) == 1 and boxes[0][2] and result[0].name is None:
            result[0] = Address(result[0].email, self._words(name, boxes[0][2]).strip() or None)
        return tuple(result)

    def _mailboxes(self, name: str, value: str) -> tuple[Address, ...]:
        """The valid mailboxes of an uncommon address list: strict parser, else lenient."""
        pairs = self._policy_pairs(name, value)
        if pairs is None:
            pairs = utils.getaddresses([value])
        result: list[Address] = []
        for display, spec in pairs:
            email = _WSP_RUN.sub("", spec).strip("<>").lower()
            local, _, domain = email.rpartition("@")
            if not local or not domain:
                if email or display.strip():
                    self.defects.append(f"header {name}: skipped invalid address {spec!r}")
                continue
            decoded = self._words(name, display)
            result.append(Address(email=email, name=" ".join(decoded.split()) or None))
        if len(result) == 1 and result[0].name is None:
            comment = _COMMENT.search(value)
            if comment:
                text = self._words(name, comment.group(0)[1:-1]).strip()
                result[0] = Address(email=result[0].email, name=text or None)
        return tuple(result)

    def _policy_pairs(self, name: str, value: str) -> Sequence[tuple[str, str]] | None:
        """Pairs from the strict RFC 5322 parser, None when it fails or leaves bytes behind."""
        if len(value) > _STRICT_LIMIT:
            self.defects.append(f"header {name}: {len(value)} characters; parsed leniently")
            return None
        strict = _strict_pairs if len(value) <= _MEMO_LIMIT else _strict_pairs.__wrapped__
        pairs, problem = strict(name, value)
        if problem is not None:
            self.defects.append(f"header {name}: {problem}; parsed leniently")
        return pairs

    def param(self, name: str, param: str) -> str | None:
        """Return parameter ``param`` of a MIME field such as Content-Disposition, decoded
        per RFC 2231 (and RFC 2047 inside quotes, as mailers do), or None."""
        value = self.text(name)
        if value is None:
            return None
        try:
            params = policy.default.header_factory(name, value).params
        except Exception as exc:  # any failure: the parameter is unreadable
            self.defects.append(f"header {name}: {type(exc).__name__}; parameters unreadable")
            return None
        found = params.get(param) if isinstance(params, Mapping) else None
        return found if isinstance(found, str) else None

    def date(self, name: str = "date") -> datetime | None:
        """Return the Date field (RFC 5322 §3.3) as an aware UTC datetime, or None.

        A zone-less or ``-0000`` date is taken as UTC; an unparseable one is None and a
        defect.
        """
        value = self.text(name)
        if value is None:
            return None
        parsed = _parse_date(value)
        if parsed is None:
            self.defects.append(f"header {name}: unparseable date {value.strip()!r}")
            return None
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        return parsed.astimezone(UTC)

    def message_id(self, name: str) -> str | None:
        """Return the first msg-id of the field (RFC 5322 §3.6.4) without "<>" or spaces."""
        ids = self.message_ids(name)
        return ids[0] if ids else None

    def message_ids(self, name: str) -> tuple[str, ...]:
        """Return every msg-id of the field in order, duplicates dropped."""
        value = self.text(name)
        if value is None:
            return ()
        found = [_WSP_RUN.sub("", m) for m in _ANGLE_ID.findall(value)]
        if not found:
            tokens = value.replace(",", " ").split()
            found = [t for t in tokens if "@" in t] if len(tokens) > 1 else tokens
        return tuple(dict.fromkeys(i.strip("<>") for i in found if i.strip("<>")))


@lru_cache(maxsize=512)
def _strict_pairs(name: str, value: str) -> tuple[tuple[tuple[str, str], ...] | None, str | None]:
    """(display name, addr-spec) pairs of ``email.headerregistry``, or None and what failed.

    Memoised for short values: it takes up to milliseconds, and a sender's odd From comes
    back in every message.
    """
    try:
        header = policy.default.header_factory(name, value)
        pairs = tuple((a.display_name, a.addr_spec) for a in header.addresses)
    except Exception as exc:  # any failure: the caller parses it leniently
        return None, type(exc).__name__
    for display, _ in pairs:
        replaced = "\ufffd" in display and "\ufffd" not in value
        if replaced or has_surrogates(display) or "=?" in display:
            return None, "undecodable display name"
    return pairs, None


@lru_cache(maxsize=512)
def _mime_type(value: str) -> str | None:
    """The lower-cased type/subtype (RFC 2045 §5.1) of a Content-Type value without its
    parameters, comments and blanks dropped; None when it is not one."""
    value = unfold(value)
    if "(" in value:
        value = _COMMENT.sub("", value)
    value = "".join(value.split()).lower()
    return value if _MIME_TYPE.fullmatch(value) else None


def content_type_of(value: str | None, default: str, defects: list[str]) -> str:
    """Return the MIME type of a Content-Type value, ``default`` when there is none (RFC
    2046 §5.1.5: message/rfc822 in a digest), text/plain when it is invalid (RFC 2045
    §5.2), which is added to ``defects``."""
    if value is None:
        return default
    kind = value.partition(";")[0]
    found = (_mime_type if len(kind) <= _MEMO_LIMIT else _mime_type.__wrapped__)(kind)
    if found is None:
        defects.append(f"invalid Content-Type {value[:80]!r}: text/plain assumed")
        return "text/plain"
    return found


def charset_param(value: str) -> str | None:
    """Return the charset parameter (RFC 2046 §4.1.2) of a Content-Type value as the email
    package reads it (RFC 2231 decoded, lower-cased), or None."""
    return (_charset_param if len(value) <= _MEMO_LIMIT else _charset_param.__wrapped__)(value)


@lru_cache(maxsize=512)
def _charset_param(value: str) -> str | None:
    scratch: Part = Message()
    scratch.set_raw("Content-Type", value)
    return scratch.get_content_charset()


def first_token(value: str | None) -> str | None:
    """Return the first token of a MIME field value, comments and parameters dropped,
    lower-cased: the disposition type (RFC 2183 §2), the transfer encoding (RFC 2045
    §6.1)."""
    if value is None:
        return None
    token = unfold(value).partition(";")[0]
    return _COMMENT.sub("", token).strip().lower() if "(" in token else token.strip().lower()


def filename(part: Part, fields: Mapping[str, str], defects: list[str]) -> str | None:
    """Return the file name of a MIME part, or None when it has no usable one.

    The RFC 2183 ``filename`` parameter (RFC 2231 or, as mailers do, RFC 2047 encoded),
    else the Content-Type ``name``. ``fields`` maps the part's lower-cased field names to
    their first value; repairs are added to ``defects``.
    """
    named = fields.get("content-type", "") + fields.get("content-disposition", "")
    if "name" not in named.lower():
        return None
    try:
        name = part.get_filename() or part.get_param("name")
    except Exception as exc:  # any failure: the name is unreadable
        defects.append(f"unreadable file name ({type(exc).__name__})")
        name = None
    if isinstance(name, tuple):
        name = name[2]
    if not isinstance(name, str) or "\ufffd" in name or has_surrogates(name):
        headers = HeaderReader({key.lower(): str(value) for key, value in part.raw_items()})
        name = headers.param("content-disposition", "filename") or headers.param(
            "content-type", "name"
        )
        defects.extend(headers.defects)
    if name is not None and "=?" in name:
        name, word_defects = decode_words(name, "file name")
        defects.extend(word_defects)
    return None if name is None else unfold(name).strip() or None


def _parse_date(value: str) -> datetime | None:
    candidates = [_WSP_RUN.sub(" ", _COMMENT.sub(" ", value)).strip(), value]
    for candidate in candidates:
        try:
            return utils.parsedate_to_datetime(candidate)
        except (TypeError, ValueError, IndexError, OverflowError):
            continue
    iso = _NUMERIC_ZONE.sub(r"\1:\2", candidates[0]).replace("Z", "+00:00")
    try:
        return datetime.fromisoformat(iso)
    except ValueError:
        return None
