"""Decode bytes of real mail to text: declared charset, its superset, then guesses.

Mail lies about charsets. A ``gb2312`` label usually means GBK or GB 18030, ``big5`` means
Big5-HKSCS, ``iso-8859-1`` means windows-1252, ``ks_c_5601-1987`` means CP949, and many
parts carry no label or a wrong one. :func:`decode_bytes` tries, in order, the superset
of the declared charset, the declared charset itself, UTF-8, windows-1252 for ASCII text
with a few isolated 8-bit bytes, the best guess of charset-normalizer among the charsets
mail uses, and Latin-1 (which never fails). Every step past the declared charset is
reported as a defect string. :func:`decode_words` decodes RFC 2047 encoded words and
:func:`decode_text` the bytes of a text part.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import re
from functools import lru_cache

from charset_normalizer import from_bytes

# Labels seen in mail that Python does not know, mapped to a label it does.
_LABEL_ALIASES = {
    "x-gbk": "gbk",
    "windows-31j": "cp932",
    "x-sjis": "shift_jis",
    "x-mac-roman": "mac-roman",
    "iso-8859-8-i": "iso8859-8",
    "windows-874": "cp874",
    "x-euc-jp": "euc_jp",
    "x-cp1250": "cp1250",
    "x-cp1251": "cp1251",
}

# Labels that say nothing about the charset: treated as a missing label.
_NO_LABEL = frozenset({"", "unknown-8bit", "x-unknown", "unknown", "default", "charset"})

# Canonical Python codec name -> the superset that real senders actually use.
_SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "big5": "big5hkscs",
    "euc_kr": "cp949",
    "shift_jis": "cp932",
    "iso8859-1": "cp1252",
    "iso8859-9": "cp1254",
    "iso8859-11": "cp874",
    "tis-620": "cp874",
    "iso2022_jp": "iso2022_jp_2",
}

# What charset-normalizer may choose from: the charsets that mail is written in.
_MAIL_CHARSETS = [
    "cp1252",
    "iso8859_15",
    "cp1250",
    "iso8859_2",
    "cp1251",
    "koi8_r",
    "koi8_u",
    "iso8859_5",
    "cp1253",
    "iso8859_7",
    "cp1254",
    "cp1255",
    "iso8859_8",
    "cp1256",
    "cp1257",
    "iso8859_13",
    "cp1258",
    "cp874",
    "gb18030",
    "big5hkscs",
    "cp949",
    "cp932",
    "euc_jp",
    "iso2022_jp",
]

# An encoded word (RFC 2047 §2); one cut off at the end of the value is accepted too.
_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([bBqQ])\?(.*?)(\?=|$)", re.DOTALL)
_BETWEEN_WORDS = re.compile(r"[ \t\r\n]*")
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([\w.:-]+)", re.IGNORECASE)
_ASCII_BYTES = bytes(range(128))
_MEMO_LIMIT = 1024
_HIGH_PAIR = re.compile(rb"[\x80-\xff]{2}")


def _label(label: str | None) -> str | None:
    """The normalised label, None when it is absent or says nothing."""
    name = (label or "").strip().strip("\"'").split("*", 1)[0].strip().lower()
    return None if name in _NO_LABEL else name


@lru_cache(maxsize=256)
def codec_for(label: str | None) -> str | None:
    """Return the Python codec name for a MIME charset label, or None when unusable.

    RFC 2046 §4.1.2 labels are case-insensitive; an RFC 2231 language suffix
    (``utf-8*en``) and quotes are ignored. Non-text codecs (``base64``, ``zlib``) and
    unknown names give None. Memoised: mail uses few labels, and the lookup is hot.
    """
    name = _label(label)
    if name is None:
        return None
    name = _LABEL_ALIASES.get(name, name)
    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError):  # ValueError: a NUL in the label
        return None
    if not getattr(info, "_is_text_encoding", True):
        return None
    return info.name


def _try(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeError, LookupError):
        return None


def _sparse(data: bytes) -> bool:
    """True when at most 1 % of the bytes are 8-bit and no two of them are adjacent.

    Such text is ASCII with a name or a symbol in a single-byte charset: too little
    evidence for a charset detector, whose guesses are then noise (windows-1258 or
    Big5-HKSCS for English with one "ä"); windows-1252, the superset of the Latin-1 that
    most such mail was written in, is the best bet.
    """
    high = len(data.translate(None, _ASCII_BYTES))
    return high * 100 <= len(data) and _HIGH_PAIR.search(data) is None


def _guess(data: bytes) -> tuple[str, str] | None:
    """charset-normalizer's best (text, charset) among the mail charsets, None if none.

    Short inputs (header values: the same sender's name comes back in every message)
    are memoised; detection takes milliseconds.
    """
    return _guess_short(data) if len(data) <= _MEMO_LIMIT else _detect(data)


def _detect(data: bytes) -> tuple[str, str] | None:
    match = from_bytes(data, cp_isolation=_MAIL_CHARSETS).best()
    if match is None:
        return None
    return str(match), match.encoding


_guess_short = lru_cache(maxsize=512)(_detect)


def decode_bytes(data: bytes, declared: str | None, what: str) -> tuple[str, str | None]:
    """Decode ``data`` that claims charset ``declared``; return the text and a defect.

    The defect is None when the declared charset (or, with no label, US-ASCII, the
    RFC 2045 §5.2 default) decoded the bytes; otherwise it says, naming ``what``
    (e.g. "body", "header Subject"), which fallback produced the text. Never raises.
    """
    codec = codec_for(declared)
    if codec is None and data.isascii():
        return data.decode("ascii"), None
    if codec is not None:
        for candidate in (_SUPERSETS.get(codec, codec), codec):
            text = _try(data, candidate)
            if text is not None:
                return text, None
        problem = f"{what}: bytes are not valid {declared!r}"
    elif _label(declared) is not None:
        problem = f"{what}: unknown charset {declared!r}"
    else:
        problem = f"{what}: 8-bit bytes without a charset label"
    text = _try(data, "utf-8")
    if text is not None:
        return text, f"{problem}; decoded as utf-8"
    text = data.decode("utf-8", "replace")
    bad = text.count("\ufffd")
    if len(text) - len(text.encode("ascii", "ignore")) - bad >= 3 * bad:
        return text, f"{problem}; decoded as utf-8 with {bad} invalid byte sequence(s) replaced"
    western = _try(data, "cp1252") if _sparse(data) else None
    if western is not None:
        return western, f"{problem}; decoded as cp1252 (few isolated 8-bit bytes)"
    guess = _guess(data)
    if guess is not None:
        return guess[0], f"{problem}; decoded as {guess[1]} (best guess)"
    return data.decode("latin-1"), f"{problem}; decoded as latin-1 (last resort)"


def decode_text(data: bytes, charset: str | None, content_type: str) -> tuple[str, list[str]]:
    """Decode a text part's bytes (RFC 2046 §4.1) to text with LF line ends; return the
    text and the defects. An HTML part without a MIME charset may name it in a ``<meta>``
    element; NUL characters and a leading byte order mark are dropped.
    """
    if charset is None and content_type == "text/html":
        meta = _META_CHARSET.search(data[:4096])
        charset = meta.group(1).decode("ascii") if meta else None
    text, defect = decode_bytes(data, charset, f"{content_type} part")
    defects = [defect] if defect else []
    if "\x00" in text:
        defects.append(f"{content_type} part: NUL characters removed")
        text = text.replace("\x00", "")
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n"), defects


def escaped_bytes(text: str) -> bytes:
    """Return the raw bytes behind a str that the email package decoded with surrogateescape."""
    return text.encode("utf-8", "surrogateescape")


def has_surrogates(text: str) -> bool:
    """True when ``text`` holds lone surrogates, i.e. undecoded 8-bit bytes."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _word_bytes(encoding: str, payload: str) -> bytes:
    if encoding in "bB":
        compact = "".join(payload.split())
        if len(compact) % 4 == 1:  # one stray character: no padding can repair that
            compact = compact[:-1]
        try:
            return base64.b64decode(compact + "=" * (-len(compact) % 4))
        except (binascii.Error, ValueError):
            return payload.encode("ascii", "replace")
    return binascii.a2b_qp(payload.encode("ascii", "replace"), header=True)


def decode_words(text: str, what: str) -> tuple[str, list[str]]:
    """Decode RFC 2047 encoded words in ``text`` leniently; return text and defects.

    Unlike the strict RFC 2047 §5 rules, words are found anywhere (also inside quotes
    and glued to other text), base64 padding is repaired, and adjacent words in one
    charset are joined as bytes before decoding, so a multibyte character split across
    two words survives. Charsets are decoded with :func:`decode_bytes`; a word cut off
    before its closing ``?=`` is decoded too, and reported.
    """
    defects: list[str] = []
    out: list[str] = []
    pending: list[bytes] = []
    pending_charset: str | None = None

    def flush() -> None:
        if pending:
            decoded, defect = decode_bytes(b"".join(pending), pending_charset, what)
            out.append(decoded)
            if defect:
                defects.append(defect)
            pending.clear()

    pos = 0
    for match in _ENCODED_WORD.finditer(text):
        between = text[pos : match.start()]
        charset = match.group(1).split("*", 1)[0].lower()
        if between and not (pending and _BETWEEN_WORDS.fullmatch(between)):
            flush()
            out.append(between)
        elif charset != pending_charset:
            flush()
        pending_charset = charset
        pending.append(_word_bytes(match.group(2), match.group(3)))
        if not match.group(4):
            defects.append(f"{what}: encoded word without its closing '?='")
        pos = match.end()
    flush()
    out.append(text[pos:])
    return "".join(out), defects
